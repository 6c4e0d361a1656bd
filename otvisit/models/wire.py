"""Turning record fields into JSON-safe wire values and back, with validation."""

from __future__ import annotations

import enum
import json
import math
from datetime import UTC, date, datetime
from typing import Any

from otvisit.models.base import SyncedRecord
from otvisit.models.registry import FIELDS, FieldKind, FieldSpec

#: The largest JSON field accepted from the wire, in characters once encoded.
MAX_JSON_CHARS = 64_000
#: Free text without a column length is still bounded.
MAX_TEXT_CHARS = 100_000


class WireError(ValueError):
    """A field value that does not fit its field; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def to_wire(spec: FieldSpec, value: Any) -> Any:
    """A Python field value as a JSON-safe value."""
    if value is None:
        return None
    if spec.kind is FieldKind.DATE:
        return value.isoformat()
    if spec.kind is FieldKind.DATETIME:
        return value.astimezone(UTC).isoformat()
    if spec.kind is FieldKind.ENUM:
        return value.value if isinstance(value, enum.Enum) else str(value)
    return value


def from_wire(spec: FieldSpec, value: Any) -> Any:
    """A wire value checked against its field and turned into the Python value to store."""
    if value is None:
        if spec.nullable:
            return None
        raise WireError(spec.name, "a value is required")
    kind = spec.kind
    if kind is FieldKind.TEXT:
        if not isinstance(value, str):
            raise WireError(spec.name, "must be text")
        limit = spec.max_length or MAX_TEXT_CHARS
        if len(value) > limit:
            raise WireError(spec.name, f"is longer than {limit} characters")
        return value
    if kind is FieldKind.BOOLEAN:
        if not isinstance(value, bool):
            raise WireError(spec.name, "must be true or false")
        return value
    if kind is FieldKind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WireError(spec.name, "must be a whole number")
        if abs(value) > 2**53:
            raise WireError(spec.name, "is out of range")
        return value
    if kind is FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WireError(spec.name, "must be a number")
        if not math.isfinite(value):
            raise WireError(spec.name, "must be a finite number")
        return float(value)
    if kind is FieldKind.ENUM:
        if value not in spec.choices:
            raise WireError(spec.name, f"must be one of {', '.join(spec.choices)}")
        return value
    if kind is FieldKind.DATE:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise WireError(spec.name, "must be a date like 2026-11-24") from None
    if kind is FieldKind.DATETIME:
        return _datetime_from_wire(spec, value)
    return _json_from_wire(spec, value)


def _datetime_from_wire(spec: FieldSpec, value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise WireError(spec.name, "must be a timestamp like 2026-11-24T09:30:00+00:00") from None
    if parsed.tzinfo is None:
        raise WireError(spec.name, "must include a time zone")
    return parsed.astimezone(UTC)


def _json_from_wire(spec: FieldSpec, value: Any) -> Any:
    if not isinstance(value, list | dict):
        raise WireError(spec.name, "must be a list or an object")
    if len(json.dumps(value)) > MAX_JSON_CHARS:
        raise WireError(spec.name, f"is larger than {MAX_JSON_CHARS} characters")
    return value


def record_fields(record: SyncedRecord) -> dict[str, Any]:
    """Every field of a record (without the sync columns) in wire form."""
    specs = FIELDS[record.__entity__]
    return {name: to_wire(spec, getattr(record, name)) for name, spec in specs.items()}


def fields_from_wire(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validated Python values for the given wire fields of an entity; unknown fields refused."""
    specs = FIELDS[entity]
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise WireError(unknown[0], f"is not a field of {entity}")
    return {name: from_wire(specs[name], value) for name, value in values.items()}

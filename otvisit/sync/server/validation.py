"""What a push may store: wire values every laptop can read back, and the therapists' domain rules.

Refusals are 422 ``invalid_field`` naming the operation and the field; nothing of the push is
saved (a laptop then sends its operations one by one and sets only the bad one aside).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from otvisit.models.base import utcnow
from otvisit.models.registry import ENTITIES, FIELDS
from otvisit.models.wire import WireError, to_wire
from otvisit.services.children import OLDEST_AGE_YEARS
from otvisit.services.copm import check_importance, check_rating
from otvisit.services.errors import ValidationError
from otvisit.services.gas import check_level, check_weight
from otvisit.services.nhs_number import validate_nhs_number
from otvisit.sync.protocol import PushOperation
from otvisit.sync.server.errors import ApiError, invalid
from otvisit.sync.values import check_fields, check_increments, text_problem, value_problem

_NOTHING_SAVED = "Nothing from this push was saved."


def _refused(op: PushOperation, message: str, code: str = "invalid_field") -> ApiError:
    entity = op.entity if op.entity in ENTITIES else "record"
    return invalid(code, f"Operation {str(op.op_seq)[:20]} ({entity}): {message}. {_NOTHING_SAVED}")


def check_values(ops: list[PushOperation]) -> None:
    """Every value of every operation is one a laptop can read back (depth, Unicode, numbers).

    Runs first, before anything hashes or serialises an operation.
    """
    for op in ops:
        for name, value in op.changes.items():
            if problem := text_problem(name) or value_problem(value):
                raise _refused(op, f"{name[:60]!r} {problem}" if name else problem)
        if op.increments and (problem := value_problem(dict(op.increments))):
            raise _refused(op, f"a counter step {problem}")


def _nhs_number(value: Any) -> None:
    if validate_nhs_number(value) != value:
        raise ValidationError("The NHS number must be sent as its 10 digits without spaces")


def _date_of_birth(value: Any) -> None:
    # A day's grace: the laptop's "today" may be ahead of the server's in another time zone.
    today = utcnow().date()
    if value > today + timedelta(days=1):
        raise ValidationError("The date of birth cannot be in the future")
    if value < date(today.year - OLDEST_AGE_YEARS, 1, 1):
        raise ValidationError(
            f"The date of birth {value:%d %B %Y} is more than {OLDEST_AGE_YEARS} years ago"
        )


def _optional_rating(what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is not None:
            check_rating(value, what=what)

    return check


#: Per entity and field, the service's own check (raises ValidationError with its message).
DOMAIN_RULES: dict[str, dict[str, Callable[[Any], Any]]] = {
    "child": {"nhs_number": _nhs_number, "date_of_birth": _date_of_birth},
    "goal": {
        "gas_baseline": lambda v: check_level(v, what="The GAS baseline"),
        "gas_weight": check_weight,
    },
    "gas_rating": {"level": lambda v: check_level(v, what="The GAS rating")},
    "copm_problem": {
        "importance": check_importance,
        "baseline_performance": lambda v: check_rating(v, what="Performance at baseline"),
        "baseline_satisfaction": lambda v: check_rating(v, what="Satisfaction at baseline"),
        "reassessed_performance": _optional_rating("Performance at re-assessment"),
        "reassessed_satisfaction": _optional_rating("Satisfaction at re-assessment"),
    },
}


def domain_problem(entity: str, values: dict[str, Any]) -> str | None:
    """The first domain rule these (Python) field values break, as the service words it."""
    for name, rule in DOMAIN_RULES.get(entity, {}).items():
        if name in values and values[name] is not None:
            try:
                rule(values[name])
            except ValidationError as error:
                return f"{name}: {error}"
    return None


def checked_changes(op: PushOperation) -> dict[str, Any]:
    """The op's changes checked (kind, values, domain rules) in canonical wire form, or 422."""
    if op.entity not in ENTITIES:
        raise _refused(op, f"'{op.entity[:40]}' is not a kind of record", "unknown_entity")
    try:
        values = check_fields(op.entity, op.changes, values_checked=True)
        check_increments(op.entity, op.increments)
    except WireError as error:
        raise _refused(op, str(error)) from None
    if problem := domain_problem(op.entity, values):
        raise _refused(op, problem)
    specs = FIELDS[op.entity]
    return {name: to_wire(specs[name], value) for name, value in values.items()}

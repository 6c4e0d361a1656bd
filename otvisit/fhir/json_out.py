"""FHIR JSON for resources built with fhir.resources, written by walking the models once.

fhir.resources' own serialiser follows the same rules (elements in the specification's
order, aliases such as ``class``, ``_field`` extensions of primitives, base64 for binary,
empty lists dropped) but walks every element through pydantic's Python hooks, about a
millisecond a resource here. This walk reads the same class metadata, cached per class,
and a test compares its output with fhir.resources' own for every resource kind we write.
"""

from __future__ import annotations

import decimal
import uuid
from functools import cache
from typing import Any, NamedTuple, TypeVar

import pydantic_core
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.utils import get_base64_encoder, is_primitive_type


class _Element(NamedTuple):
    key: str
    json_key: str
    primitive: bool
    encoder: Any
    ext_key: str | None
    ext_json_key: str | None


@cache
def _plan(model: type[FHIRAbstractModel]) -> tuple[str | None, tuple[_Element, ...]]:
    aliases = model.get_alias_mapping()
    fields = model.model_fields
    elements = []
    for name in model.elements_sequence():
        key = aliases[name]
        info = fields[key]
        primitive = is_primitive_type(info)
        ext_key = f"{key}__ext"
        has_ext = primitive and ext_key in fields
        elements.append(
            _Element(
                key=key,
                json_key=info.alias or key,
                primitive=primitive,
                encoder=get_base64_encoder(info) if primitive else None,
                ext_key=ext_key if has_ext else None,
                ext_json_key=(fields[ext_key].alias or ext_key) if has_ext else None,
            )
        )
    kind = model.__resource_type__ if model.has_resource_base() else None
    # Each element by its own key and by its primitive extension's key, with its position.
    by_key: dict[str, tuple[int, _Element]] = {}
    for position, element in enumerate(elements):
        by_key[element.key] = (position, element)
        if element.ext_key is not None:
            by_key[element.ext_key] = (position, element)
    return kind, by_key


def _primitive(value: Any, encoder: Any) -> Any:
    if isinstance(value, list):
        return [_primitive(item, encoder) for item in value]
    if isinstance(value, bytes | bytearray) and encoder is not None:
        return encoder.encode(value)
    if isinstance(value, uuid.UUID):
        return f"urn:uuid:{value}"
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        whole = value.is_finite() and value == value.to_integral_value()
        return int(value) if whole and isinstance(exponent, int) and exponent >= 0 else float(value)
    return value


def _complex(value: Any) -> Any:
    if isinstance(value, list):
        return [_complex(item) for item in value]
    if isinstance(value, FHIRAbstractModel):
        return to_data(value)
    return value


#: Elements built once and shared by many resources (``otvisit.fhir.elements``: references,
#: codings, concepts, extensions with a code): their JSON data is made once too. Each entry
#: keeps its element alive, so no other object can take its id while it is here.
_SHARED: dict[int, list[Any]] = {}
_SHARED_LIMIT = 50_000
M = TypeVar("M", bound=FHIRAbstractModel)


def shared(model: M) -> M:
    """Mark an element that nothing changes once built: its JSON data is made once."""
    if len(_SHARED) >= _SHARED_LIMIT:
        _SHARED.clear()
    _SHARED[id(model)] = [model, None]
    return model


#: The elements to write, in the specification's order, for a class and the keys given.
_ORDER: dict[tuple[type[FHIRAbstractModel], frozenset[str]], tuple[_Element, ...]] = {}


def _present(model: FHIRAbstractModel) -> tuple[_Element, ...]:
    given = frozenset(model.model_fields_set)
    key = (type(model), given)
    found = _ORDER.get(key)
    if found is None:
        _, by_key = _plan(type(model))
        found = tuple(e for _, e in sorted({by_key[k] for k in given if k in by_key}))
        if len(_ORDER) > 10_000:
            _ORDER.clear()
        _ORDER[key] = found
    return found


def to_data(model: FHIRAbstractModel) -> dict[str, Any]:
    """The model as FHIR JSON data (dates still as Python dates; ``to_json`` writes them)."""
    entry = _SHARED.get(id(model))
    if entry is None or entry[0] is not model:
        return _walk(model)
    if entry[1] is None:
        entry[1] = _walk(model)
    return entry[1]  # type: ignore[no-any-return]


def _walk(model: FHIRAbstractModel) -> dict[str, Any]:
    kind, _ = _plan(type(model))
    values = model.__dict__
    out: dict[str, Any] = {"resourceType": kind} if kind else {}
    # Only the elements given a value are visited (an Extension has some fifty value[x]
    # elements, nearly all empty), in the specification's order.
    for element in _present(model):
        value = values.get(element.key)
        if value is not None and not (isinstance(value, list) and not value):
            out[element.json_key] = (
                _primitive(value, element.encoder) if element.primitive else _complex(value)
            )
        if element.ext_key is not None:
            extension = values.get(element.ext_key)
            if extension:
                out[element.ext_json_key or element.ext_key] = _complex(extension)
    return out


def to_json(model: FHIRAbstractModel, *, indent: int | None = 2) -> str:
    """FHIR JSON text of a resource or Bundle."""
    return pydantic_core.to_json(to_data(model), indent=indent).decode("utf-8")

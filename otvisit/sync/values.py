"""What a synced value may hold: one check shared by the laptop (before it sends, when it reads a
pull) and the server (before it stores), so the server never accepts what a laptop can't read back.

A record's wire fields are checked for their kind by ``otvisit.models.wire`` (from the model
registry's ``FieldSpec``); on top of that every value, however deeply nested, must be:

- text that is valid UTF-8 both ways (no unpaired surrogate) and holds no NUL character;
- JSON nested at most ``MAX_JSON_DEPTH`` levels (a laptop's JSON reader stops well before 200);
- whole numbers within ``±MAX_WIRE_INTEGER`` (exact in JSON, SQLite and JavaScript), finite floats;
- a counter step within ``±MAX_COUNTER_STEP``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

from otvisit.models.registry import FIELDS
from otvisit.models.wire import WireError, fields_from_wire

#: Nesting levels a JSON field (e.g. a note's ``attendees``) may have; a list of objects is 2.
MAX_JSON_DEPTH = 32
#: Largest whole number anywhere in a record: 2**53 - 1, exact as a JSON double and in SQLite.
MAX_WIRE_INTEGER = 2**53 - 1
#: A counter moves by small steps (a reschedule is 1); more can only be a broken laptop.
MAX_COUNTER_STEP = 1000


def text_problem(text: str) -> str | None:
    """Why this text can't be stored and served back, or None."""
    if "\x00" in text:
        return "holds a NUL character"
    if text.isascii():
        return None  # the common case: nothing to encode
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a broken character (an unpaired surrogate)"
    return None


def value_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why this JSON value (a field value, nested or not) can't be stored and served, or None.

    Walks iteratively, so a value nested thousands of levels deep is refused, not a crash.
    """
    kind = type(value)
    if kind is str:  # most fields: no walk needed
        return text_problem(value)
    if value is None or kind is bool:
        return None
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if problem := text_problem(item):
                return problem
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_WIRE_INTEGER:
                return f"holds a number beyond ±{MAX_WIRE_INTEGER}"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "holds a number that is not finite"
        elif isinstance(item, list | tuple | dict):
            if depth >= max_depth:
                return f"is nested more than {max_depth} levels deep"
            if isinstance(item, dict):
                for key, inner in item.items():
                    if not isinstance(key, str):
                        return "holds an object key that is not text"
                    stack.append((key, depth + 1))
                    stack.append((inner, depth + 1))
            else:
                stack.extend((inner, depth + 1) for inner in item)
        else:
            return f"holds a value of an unknown kind ({type(item).__name__})"
    return None


def _checked(value: Any) -> Any:
    if problem := value_problem(value):
        raise ValueError(problem)
    return value


#: A JSON value that passed ``value_problem`` (for pydantic models of the wire).
WireValue = Annotated[Any, AfterValidator(_checked)]


def check_fields(
    entity: str, values: Mapping[str, Any], *, values_checked: bool = False
) -> dict[str, Any]:
    """The Python values of these wire fields of an entity, or WireError naming the field.

    The one check both sides run: the laptop before it queues or sends a change and when it
    reads a pulled record, the server before it stores a pushed one. ``values_checked``: the
    caller already ran ``value_problem`` on every name and value (the server does, first).
    """
    for name, value in () if values_checked else values.items():
        if problem := text_problem(name):
            raise WireError("field name", problem)
        if problem := value_problem(value):
            raise WireError(name, problem)
    return fields_from_wire(entity, dict(values))


def check_increments(entity: str, increments: Mapping[str, Any]) -> None:
    """Counter steps: counter fields of the entity only, whole numbers within ±MAX_COUNTER_STEP."""
    specs = FIELDS.get(entity, {})
    for name, step in increments.items():
        spec = specs.get(name)
        if spec is None or not spec.counter:
            raise WireError(name, f"is not a counter of {entity}")
        if isinstance(step, bool) or not isinstance(step, int):
            raise WireError(name, "its step must be a whole number")
        if abs(step) > MAX_COUNTER_STEP:
            raise WireError(name, f"its step {str(step)[:24]} is beyond ±{MAX_COUNTER_STEP}")

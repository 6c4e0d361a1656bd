"""Finding live (not tombstoned) records and checking the plain fields services accept."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from otvisit.models import SyncedRecord
from otvisit.services.errors import NotFound, ValidationError

R = TypeVar("R", bound=SyncedRecord)


def get_live(session: Session, model: type[R], record_id: str, *, what: str) -> R:
    """The record with this id, unless missing or deleted (then NotFound naming ``what``)."""
    record = session.get(model, record_id)
    if record is None or record.deleted:
        raise NotFound(f"The {what} could not be found (it may have been deleted)")
    return record


def required_text(value: object, *, what: str, max_length: int | None = None) -> str:
    """Stripped, non-empty text no longer than max_length, or ValidationError."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"Please enter {what}")
    return optional_text(value, what=what, max_length=max_length)


def optional_text(value: object, *, what: str, max_length: int | None = None) -> str:
    """Stripped text (may be empty) no longer than max_length, or ValidationError."""
    if not isinstance(value, str):
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be text")
    cleaned = value.strip()
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationError(
            f"{what[:1].upper()}{what[1:]} is too long ({len(cleaned)} characters, "
            f"at most {max_length})"
        )
    return cleaned


def check_date(value: object, *, what: str) -> date:
    """A calendar date (not a datetime), or ValidationError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be a date")
    return value


def check_moment(value: object, *, what: str) -> datetime:
    """A timezone-aware datetime, or ValidationError (naive times are ambiguous across BST)."""
    if not isinstance(value, datetime):
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must include its time zone")
    return value


def positive_number(value: object, *, what: str, maximum: float) -> float:
    """A finite number above 0 and at most maximum, or ValidationError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be a number")
    if value <= 0:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be more than 0")
    if value > maximum:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be at most {maximum:g}")
    return float(value)

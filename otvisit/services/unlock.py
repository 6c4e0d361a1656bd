"""Unlocking the app offline: the therapist's password checked against a local verifier."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from otvisit.models import SyncSetting
from otvisit.services.errors import ValidationError

#: The SyncSetting key holding the argon2id hash (inside the encrypted store).
VERIFIER_KEY = "unlock_verifier"
MIN_PASSWORD_LENGTH = 8
if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def _hasher() -> PasswordHasher:
    """Memory-hard but quick enough to unlock in a blink on a school laptop (~50 ms here).

    Made on first use: argon2 loads when a password is set or checked, not at start-up.
    """
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)


def set_unlock_password(session: Session, *, password: str) -> None:
    """Keep a verifier of the password that unlocks this laptop, never the password itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters")
    verifier = _hasher().hash(password)
    setting = session.get(SyncSetting, VERIFIER_KEY)
    if setting is None:
        session.add(SyncSetting(key=VERIFIER_KEY, value=verifier))
    else:
        setting.value = verifier


def has_unlock_password(session: Session) -> bool:
    setting = session.get(SyncSetting, VERIFIER_KEY)
    return setting is not None and bool(setting.value)


def check_unlock_password(session: Session, *, password: str) -> bool:
    """True when the password matches; works with no network at all."""
    setting = session.get(SyncSetting, VERIFIER_KEY)
    if setting is None or not setting.value:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    hasher = _hasher()
    try:
        matched = hasher.verify(setting.value, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if matched and hasher.check_needs_rehash(setting.value):
        setting.value = hasher.hash(password)
    return bool(matched)

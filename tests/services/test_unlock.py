"""The offline unlock password: a memory-hard verifier, never the password itself."""

from __future__ import annotations

import pytest

from otvisit.models import SyncSetting
from otvisit.models.store import Store
from otvisit.services.errors import ValidationError
from otvisit.services.unlock import (
    VERIFIER_KEY,
    check_unlock_password,
    has_unlock_password,
    set_unlock_password,
)


def test_password_unlocks_offline_and_only_the_right_one(store: Store) -> None:
    with store.transaction() as session:
        assert not has_unlock_password(session)
        assert not check_unlock_password(session, password="anything at all")
        set_unlock_password(session, password="coat-flip-42")
    with store.transaction() as session:
        assert has_unlock_password(session)
        assert check_unlock_password(session, password="coat-flip-42")
        assert not check_unlock_password(session, password="coat-flip-43")
        stored = session.get(SyncSetting, VERIFIER_KEY)
        assert stored is not None
        assert "coat-flip-42" not in stored.value and stored.value.startswith("$argon2id$")


def test_changing_the_password_replaces_the_verifier(store: Store) -> None:
    with store.transaction() as session:
        set_unlock_password(session, password="first-password")
        set_unlock_password(session, password="second-password")
        assert not check_unlock_password(session, password="first-password")
        assert check_unlock_password(session, password="second-password")


def test_short_password_is_refused_and_nothing_kept(store: Store) -> None:
    with store.transaction() as session, pytest.raises(ValidationError, match="at least 8"):
        set_unlock_password(session, password="short")
    with store.read_session() as session:
        assert not has_unlock_password(session)


def test_damaged_verifier_never_unlocks(store: Store) -> None:
    with store.transaction() as session:
        session.add(SyncSetting(key=VERIFIER_KEY, value="not a hash"))
    with store.transaction() as session:
        assert not check_unlock_password(session, password="not a hash")

"""The store encrypted at rest: unreadable without its key, and plain stores encrypted in place."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from otvisit.models import Child, OutboxOp, SessionNote, Team
from otvisit.models.encryption import (
    StoreKeyError,
    encrypt_in_place,
    is_plain_sqlite,
    new_database_key,
)
from otvisit.models.store import Store
from otvisit.models.vocabulary import Place

NAME = "Zainab Rahman-Okonkwo"
NOTE = "Practised buttons on a dressing board; mum will try the big-button cardigan."


def _fill(store: Store) -> str:
    with store.transaction() as session:
        team = Team(name="Riverside Children's OT")
        session.add(team)
        session.flush()
        given, family = NAME.split(" ")
        child = Child(
            team_id=team.id,
            given_name=given,
            family_name=family,
            date_of_birth=date(2019, 5, 2),
            nhs_number="9434765919",
        )
        session.add(child)
        session.flush()
        session.add(
            SessionNote(
                child_id=child.id,
                author_id="t",
                seen_on=date(2026, 11, 20),
                place=Place.HOME,
                body=NOTE,
            )
        )
    return child.id


def _bytes_of(path: Path) -> bytes:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_encrypted_store_holds_no_plain_text_and_needs_its_key(tmp_path: Path) -> None:
    path = tmp_path / "otvisit.db"
    key = new_database_key()
    store = Store.open(path, key=key)
    _fill(store)
    contents = _bytes_of(path)
    store.close()
    assert b"Zainab" not in contents and b"dressing board" not in contents
    assert b"Zainab".decode().encode("utf-16-le") not in contents
    assert not is_plain_sqlite(path)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM child").fetchall()
    with pytest.raises(StoreKeyError, match="another key"):
        Store.open(path, key=new_database_key())
    reopened = Store.open(path, key=key)
    with reopened.read_session() as session:
        assert session.scalar(select(SessionNote.body)) == NOTE
    reopened.close()


def test_plain_store_is_encrypted_in_place_keeping_every_record(tmp_path: Path) -> None:
    path = tmp_path / "otvisit.db"
    plain = Store.open(path)
    child_id = _fill(plain)
    with plain.read_session() as session:
        outbox_before = session.scalar(select(func.count()).select_from(OutboxOp))
    plain.close()
    assert is_plain_sqlite(path)

    key = new_database_key()
    encrypt_in_place(path, key)

    assert not is_plain_sqlite(path)
    assert b"Zainab" not in _bytes_of(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["otvisit.db"]
    store = Store.open(path, key=key)
    with store.read_session() as session:
        child = session.get(Child, child_id)
        assert child is not None and child.given_name == "Zainab"
        assert session.scalar(select(SessionNote.body)) == NOTE
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == outbox_before
    store.close()


def test_backup_of_an_encrypted_store_is_encrypted(tmp_path: Path) -> None:
    key = new_database_key()
    store = Store.open(tmp_path / "otvisit.db", key=key)
    _fill(store)
    copy = tmp_path / "copy.db"
    store.backup(copy)
    store.close()
    assert b"Zainab" not in copy.read_bytes()
    again = Store.open(copy, key=key)
    with again.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1
    again.close()

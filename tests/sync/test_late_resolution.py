"""A conflict resolved late never deletes a colleague's newer words (SQLite and PostgreSQL).

Laptop B has a conflict on a note; before B resolves it, A edits the note again; B then keeps
its version, takes A's or writes a merge. A's later words must survive: in the record, or in a
conflict raised again. Every version of the text stays in the server's history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from otvisit.models import SessionNote
from otvisit.sync.client import list_conflicts, resolve_conflict
from otvisit.sync.client.credentials import load_credentials
from otvisit.sync.client.errors import AuthError
from otvisit.sync.client.history import server_versions, signed_in
from otvisit.sync.server.schema import AuditEntry, Record, RecordVersion
from tests.support.server_fixtures import live_server, server_database_url  # noqa: F401
from tests.support.server_process import ServerProcess
from tests.sync.clinic import child_with_note, note_body, write_note
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database


def _server_body(server: ServerProcess, note_id: str) -> str:
    database = server_database(server)
    try:
        with database.read() as session:
            fields = session.scalar(select(Record.fields).where(Record.id == note_id))
    finally:
        database.dispose()
    return str(json.loads(fields or "{}").get("body"))


def _history(laptop: Laptop, record_id: str):  # type: ignore[no-untyped-def]
    with laptop.store.read_session() as session:
        credentials = load_credentials(session)
    transport = laptop.transport()
    try:
        return transport.history(credentials.token, record_id)
    finally:
        transport.close()


@pytest.mark.parametrize("choice", ["mine", "theirs", "merged"])
def test_a_late_resolution_keeps_the_colleagues_newer_words(
    live_server: ServerProcess,  # noqa: F811
    laptops: list[Laptop],
    tmp_path: Path,
    choice: str,
) -> None:
    team = create_team(live_server)
    a = sign_in(laptops, tmp_path, name="a", url=live_server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=live_server.base_url, team=team, number=1)
    _child, note = child_with_note(a, team_id=team.team_id, body="Seen at school.")
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0

    write_note(a, note, "A first: buttons practised.")
    write_note(b, note, "B first: zips practised.")
    assert a.sync().exit_code == 0
    assert b.sync().exit_code == 0
    with b.store.read_session() as session:
        (conflict,) = list_conflicts(session)
    assert conflict.mine == "B first: zips practised."

    # Before B resolves, A writes more; B's laptop even pulls it.
    write_note(a, note, "A later: laces tied independently twice.")
    assert a.sync().exit_code == 0
    assert b.sync().exit_code == 0
    assert note_body(b, note) == "A later: laces tied independently twice."

    with b.store.transaction() as session:
        resolve_conflict(
            session, conflict_id=conflict.id, choice=choice,  # type: ignore[arg-type]
            merged_text="Buttons and zips practised." if choice == "merged" else None,
        )  # fmt: skip
    assert b.sync().exit_code == 0
    assert a.sync().exit_code == 0

    later = "A later: laces tied independently twice."
    # A's later words are still the record's text everywhere: nothing overwrote them silently.
    assert _server_body(live_server, note) == later
    assert note_body(a, note) == later
    assert note_body(b, note) == later
    with b.store.read_session() as session:
        reopened = list_conflicts(session)
    if choice == "theirs":
        assert reopened == []  # taking theirs keeps the newest version: nothing to ask
    else:
        # B's chosen words are not lost either: the conflict is raised again, against A's later.
        assert [(c.mine, c.theirs) for c in reopened] == [
            (
                "B first: zips practised." if choice == "mine" else "Buttons and zips practised.",
                later,
            )
        ]
    # Every version typed and kept is in the server's append-only history.
    history = _history(a, note)
    kept = [v.text["body"] for v in history.versions]
    assert kept == [
        "Seen at school.",
        "A first: buttons practised.",
        later,
    ]
    refused = {c.mine for c in history.conflicts}
    assert "B first: zips practised." in refused


def test_history_is_team_scoped_audited_and_append_only(
    live_server: ServerProcess,  # noqa: F811
    laptops: list[Laptop],
    tmp_path: Path,
) -> None:
    team = create_team(live_server)
    other = create_team(live_server)
    a = sign_in(laptops, tmp_path, name="a", url=live_server.base_url, team=team, number=0)
    stranger = sign_in(laptops, tmp_path, name="c", url=live_server.base_url, team=other, number=0)
    _child, note = child_with_note(a, team_id=team.team_id, body="Pencil grip: tripod.")
    assert a.sync().exit_code == 0
    write_note(a, note, "Pencil grip: tripod, with a wedge.")
    assert a.sync().exit_code == 0

    history = _history(a, note)
    assert [v.text["body"] for v in history.versions] == [
        "Pencil grip: tripod.",
        "Pencil grip: tripod, with a wedge.",
    ]
    assert all(v.by for v in history.versions)
    # What the laptop's History dialog fetches on its slow lane.
    with a.store.read_session() as session:
        credentials = signed_in(session)
    shown = server_versions(credentials, note)
    assert shown.problem == ""
    assert [e.text for e in shown.entries if e.field == "body"] == [
        "Pencil grip: tripod.",
        "Pencil grip: tripod, with a wedge.",
    ]
    with pytest.raises(AuthError, match="not on your team"):
        _history(stranger, note)
    with pytest.raises(AuthError, match="not on your team"):
        _history(stranger, "0b3c7d4e-0000-4000-8000-000000000000")

    database = server_database(live_server)
    try:
        with database.read() as session:
            reads = session.scalars(
                select(AuditEntry.detail).where(
                    AuditEntry.record_id == note, AuditEntry.action == "read"
                )
            ).all()
            assert any(detail.startswith("history:") for detail in reads)
        # The database itself refuses to rewrite history, whatever code asks it to.
        with pytest.raises(Exception, match="append-only"), database.write() as session:
            session.execute(
                RecordVersion.__table__.update()
                .where(RecordVersion.record_id == note)
                .values(text="{}")
            )
    finally:
        database.dispose()


def _set_deleted(laptop: Laptop, note_id: str) -> None:
    with laptop.store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        note.deleted = True


def test_a_late_take_theirs_on_a_delete_conflict_keeps_the_later_delete(
    live_server: ServerProcess,  # noqa: F811
    laptops: list[Laptop],
    tmp_path: Path,
) -> None:
    """Found by the sync soak: A's delete met B's edit (a conflict; the note shows again on A).
    A deleted the note again, and that went through. Then A took "theirs" on the old conflict:
    the note came back on A from the old snapshot while the server held A's delete, and every
    later edit on A was refused as "deleted on this device". The later delete stands."""
    team = create_team(live_server)
    a = sign_in(laptops, tmp_path, name="a", url=live_server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=live_server.base_url, team=team, number=1)
    _child, note = child_with_note(a, team_id=team.team_id, body="Seen at school.")
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    write_note(b, note, "B: seen at school, scissors practised.")
    assert b.sync().exit_code == 0
    _set_deleted(a, note)
    report = a.sync()
    assert report.exit_code == 0 and report.conflicts == 1
    assert a.get(SessionNote, note).deleted is False  # their edited note shows again
    _set_deleted(a, note)
    assert a.sync().exit_code == 0
    with a.store.transaction() as session:
        [conflict] = list_conflicts(session)
        assert conflict.kind == "delete_vs_edit"
        resolve_conflict(session, conflict_id=conflict.id, choice="theirs")
    assert a.get(SessionNote, note).deleted is True
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    assert not [op for op in a.outbox() if op.state == "rejected"]
    assert a.snapshot() == b.snapshot()

"""A pulled record the laptop cannot store never stops the pull (SQLite and PostgreSQL).

The records are made unreadable in the server's database directly, as a server of an older
version (or a bug) could have stored them: nesting deeper than a parser allows, an unpaired
surrogate, a value the laptop does not know. The laptop sets each aside, shows the count, reports
it to the server, and goes on pulling.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, update

from otvisit.models import Child, SessionNote, UnreadableRecord
from otvisit.sync.client import sync_status
from otvisit.sync.server.schema import AuditEntry, Record
from tests.support.server_fixtures import live_server, server_database_url  # noqa: F401
from tests.support.server_process import ServerProcess
from tests.sync.clinic import child_with_note, note_body
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database
from tests.sync.test_restore import _new_note


def _spoil(server: ServerProcess, record_id: str, **fields: object) -> None:
    database = server_database(server)
    try:
        with database.write() as session:
            stored = json.loads(session.scalar(select(Record.fields).where(Record.id == record_id)))
            stored.update(fields)
            session.execute(
                update(Record).where(Record.id == record_id).values(fields=json.dumps(stored))
            )
    finally:
        database.dispose()


def test_unreadable_records_are_set_aside_reported_and_the_pull_goes_on(
    live_server: ServerProcess,  # noqa: F811
    laptops: list[Laptop],
    tmp_path: Path,
) -> None:
    team = create_team(live_server)
    a = sign_in(laptops, tmp_path, name="a", url=live_server.base_url, team=team, number=0)
    child, deep = child_with_note(a, team_id=team.team_id, body="Deep.")
    surrogate = _new_note(a, child, "Surrogate.")
    huge = _new_note(a, child, "Unknown place.")
    fine = _new_note(a, child, "Fine.")
    assert a.sync().exit_code == 0
    nested: object = []
    for _ in range(200):
        nested = [nested]
    _spoil(live_server, deep, attendees=nested)
    _spoil(live_server, surrogate, body="\ud83d broken")
    _spoil(live_server, huge, place="spaceship")

    b = sign_in(laptops, tmp_path, name="b", url=live_server.base_url, team=team, number=1)
    report = b.sync()
    assert report.exit_code == 0, report.error
    assert report.unreadable == 3
    assert b.get(Child, child) is not None
    assert note_body(b, fine) == "Fine."
    for spoiled in (deep, surrogate, huge):
        assert b.get(SessionNote, spoiled) is None
    with b.store.read_session() as session:
        assert sync_status(session).unreadable_records == 3

    database = server_database(live_server)
    try:
        with database.read() as session:
            logged = set(
                session.scalars(
                    select(AuditEntry.record_id).where(AuditEntry.action == "unreadable")
                )
            )
    finally:
        database.dispose()
    assert {deep, surrogate, huge} <= logged

    # The cursor moved past them: the team's new work still arrives.
    later = _new_note(a, child, "Next visit.")
    assert a.sync().exit_code == 0
    assert b.sync().exit_code == 0
    assert note_body(b, later) == "Next visit."


def test_a_pulled_record_failing_the_shared_value_check_is_set_aside(
    live_server: ServerProcess,  # noqa: F811
    laptops: list[Laptop],
    tmp_path: Path,
) -> None:
    """Values a laptop's parser reads but the push check refuses (otvisit.sync.values): 40
    levels of JSON, a NUL, a number beyond 2**53. The laptop holds pulled records to the same
    check as what it sends, so no such value lands in its store."""
    team = create_team(live_server)
    a = sign_in(laptops, tmp_path, name="a", url=live_server.base_url, team=team, number=0)
    child, deep = child_with_note(a, team_id=team.team_id, body="Forty deep.")
    nul = _new_note(a, child, "NUL.")
    big = _new_note(a, child, "Big number.")
    fine = _new_note(a, child, "Fine.")
    assert a.sync().exit_code == 0
    nested: object = "x"
    for _ in range(40):
        nested = [nested]
    _spoil(live_server, deep, attendees=nested)
    _spoil(live_server, nul, body="before\x00after")
    _spoil(live_server, big, attendees=[{"role": "parent", "count": 2**60}])

    b = sign_in(laptops, tmp_path, name="b", url=live_server.base_url, team=team, number=1)
    report = b.sync()
    assert report.exit_code == 0, report.error
    assert report.unreadable == 3
    assert note_body(b, fine) == "Fine."
    for spoiled in (deep, nul, big):
        assert b.get(SessionNote, spoiled) is None
    with b.store.read_session() as session:
        reasons = " ".join(
            session.scalars(select(UnreadableRecord.reason).order_by(UnreadableRecord.reason))
        )
    assert "nested more than 32 levels" in reasons
    assert "NUL" in reasons
    assert "beyond" in reasons

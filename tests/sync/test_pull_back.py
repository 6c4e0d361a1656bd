"""The push's answer gives the laptop the server's versions; colleagues' changes still arrive."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from otvisit.models import SessionNote
from otvisit.sync.server.schema import Record
from tests.support.server_process import ServerProcess
from tests.sync.clinic import child_with_note, note_body, write_note
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database
from tests.sync.test_restore import _new_note


def _server_seqs(server: ServerProcess, ids: list[str]) -> dict[str, int]:
    database = server_database(server)
    try:
        with database.read() as session:
            rows = session.execute(select(Record.id, Record.seq).where(Record.id.in_(ids)))
            return {rid: seq for rid, seq in rows}
    finally:
        database.dispose()


def test_pushed_versions_are_recorded_and_colleagues_changes_arrive(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    assert a.sync().exit_code == 0  # the team's own records (team, therapists) first
    child, first = child_with_note(a, team_id=team.team_id, body="One.")
    notes = [first, *(_new_note(a, child, f"Note {n}.") for n in range(5))]
    report = a.sync()
    assert report.exit_code == 0 and report.pushed == 7
    held = {n: a.get(SessionNote, n).server_seq for n in notes}
    assert held == _server_seqs(server, notes)  # the push's answer recorded the versions

    assert b.sync().exit_code == 0
    write_note(b, notes[1], "Colleague's words.")
    write_note(a, notes[2], "My later words.")
    assert b.sync().exit_code == 0
    report = a.sync()
    assert report.exit_code == 0
    assert note_body(a, notes[1]) == "Colleague's words."
    assert note_body(a, notes[2]) == "My later words."
    database = server_database(server)
    try:
        with database.read() as session:
            fields = session.scalar(select(Record.fields).where(Record.id == notes[2]))
    finally:
        database.dispose()
    assert json.loads(fields)["body"] == "My later words."

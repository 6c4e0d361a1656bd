"""The push's answer gives the laptop the server's versions; colleagues' changes still arrive."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from otvisit.models import SessionNote
from otvisit.sync.client import HttpTransport, OfflineError, list_conflicts, sync_once
from otvisit.sync.protocol import PullResponse, PushRequest, PushResponse
from otvisit.sync.server.schema import Record
from tests.support.server_process import ServerProcess
from tests.sync.clinic import child_with_note, note_body, write_note
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts, create_team, server_database
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


@dataclass
class _Watching:
    """The real transport, counting the records each pull brings; runs ``between`` once, after
    the sync's last push and before its pull (a colleague's change landing in that gap)."""

    inner: HttpTransport
    between: Callable[[], None] | None = None
    pulled: list[int] = field(default_factory=list)
    #: The network drops after the push, before the pull.
    cut_before_pull: bool = False

    def push(self, token: str, request: PushRequest) -> PushResponse:
        return self.inner.push(token, request)

    def pull(
        self,
        token: str,
        *,
        cursor: int,
        limit: int,
        unsent: int | None = None,
        generation: int | None = None,
    ) -> PullResponse:
        if self.between is not None:
            step, self.between = self.between, None
            step()
        if self.cut_before_pull:
            raise OfflineError("The network dropped (test).")
        page = self.inner.pull(
            token, cursor=cursor, limit=limit, unsent=unsent, generation=generation
        )
        self.pulled.append(len(page.records))
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _sync_watched(
    laptop: Laptop, between: Callable[[], None] | None = None, *, cut_before_pull: bool = False
) -> tuple[Any, int]:
    watching = _Watching(laptop.transport(), between, cut_before_pull=cut_before_pull)
    try:
        report = sync_once(laptop.store, transport=watching)
    finally:
        watching.inner.close()
    return report, sum(watching.pulled)


def _set_note(laptop: Laptop, note_id: str, **values: Any) -> None:
    with laptop.store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        for name, value in values.items():
            setattr(note, name, value)


def _plan(laptop: Laptop, note_id: str, plan: str) -> None:
    _set_note(laptop, note_id, plan=plan)


def test_the_pull_after_a_push_writes_none_of_what_was_just_pushed(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    assert a.sync().exit_code == 0
    child, first = child_with_note(a, team_id=team.team_id, body="One.")
    notes = [first, *(_new_note(a, child, f"Note {n}.") for n in range(20))]
    report, brought = _sync_watched(a)
    assert report.exit_code == 0 and report.pushed == 22  # the child and its 21 notes
    # The pull still brings them (the server does not know what the laptop holds) ...
    assert brought == 22
    # ... but writes none: the push's answers said the laptop holds each in that version.
    assert (report.pulled, report.held) == (0, 22)
    for n in range(10):  # a day's edits of notes already synced, and a new one
        write_note(a, notes[n], f"Edited {n}.")
        write_note(a, notes[n], f"Edited again {n}.")  # two operations of one record
    extra = _new_note(a, child, "A new note.")
    report, brought = _sync_watched(a)
    assert report.exit_code == 0 and (report.pulled, report.held, brought) == (0, 11, 11)
    assert note_body(a, notes[3]) == "Edited again 3." and note_body(a, extra) == "A new note."
    held = {n: a.get(SessionNote, n).server_seq for n in [*notes, extra]}
    assert held == _server_seqs(server, [*notes, extra])
    report, brought = _sync_watched(a)  # nothing changed anywhere
    assert report.exit_code == 0 and (report.pulled, report.held, brought) == (0, 0, 0)
    assert a.snapshot() == _afresh(a, team)


def _afresh(laptop: Laptop, team: TeamAccounts) -> dict[tuple[str, str], tuple[bool, Any]]:
    """What a laptop that pulls everything afresh holds: the server's version of each record."""
    fresh = Laptop.sign_in(
        laptop.store.path.parent, name=f"{laptop.name}-fresh", url=laptop.url,
        username=laptop.username, password=team.passwords[laptop.username],
    )  # fmt: skip
    try:
        assert fresh.sync().exit_code == 0
        return fresh.snapshot()
    finally:
        fresh.close()


def test_a_colleagues_change_landing_before_or_between_push_and_pull_still_arrives(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    assert a.sync().exit_code == 0
    child, first = child_with_note(a, team_id=team.team_id, body="One.")
    notes = [first, *(_new_note(a, child, f"Note {n}.") for n in range(3))]
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    # Before: the colleague changed another field of a note this laptop then edits. The
    # push applies cleanly, but onto a version this laptop never saw: it must be pulled.
    _plan(b, notes[0], "Colleague's plan.")
    assert b.sync().exit_code == 0
    write_note(a, notes[0], "My words.")
    # Between: the colleague changes a note this laptop pushed, after its push, before its pull.
    write_note(a, notes[1], "My words too.")

    def colleague() -> None:
        _plan(b, notes[1], "Colleague's later plan.")
        assert b.sync().exit_code == 0

    report, brought = _sync_watched(a, colleague)
    assert report.exit_code == 0 and report.pushed == 2
    assert brought == 2 and (report.pulled, report.held) == (2, 0)
    mine = [a.get(SessionNote, n) for n in notes[:2]]
    assert (mine[0].body, mine[0].plan) == ("My words.", "Colleague's plan.")
    assert (mine[1].body, mine[1].plan) == ("My words too.", "Colleague's later plan.")
    assert b.sync().exit_code == 0
    assert a.snapshot() == b.snapshot() == _afresh(a, team)


def test_a_push_onto_a_colleagues_unseen_words_does_not_claim_to_have_seen_them(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    """The push's answer never moves the laptop past words it has not pulled.

    The colleague rewrites the note's text; this laptop changes another field, and its push
    applies onto the colleague's version. The network drops before the pull. The therapist then
    rewrites the text on the version she really saw: that is a conflict, never a silent
    overwrite of the colleague's words.
    """
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    assert a.sync().exit_code == 0
    _child, note = child_with_note(a, team_id=team.team_id, body="One.")
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    seen = a.get(SessionNote, note).server_seq
    write_note(b, note, "Colleague's words: Sam fastened three buttons.")
    assert b.sync().exit_code == 0
    _set_note(a, note, interpreter_language="ur")
    report, _ = _sync_watched(a, cut_before_pull=True)
    assert report.pushed == 1 and report.exit_code != 0  # pushed, then the pull failed
    assert a.get(SessionNote, note).server_seq == seen  # still the version it saw
    write_note(a, note, "My words: Sam fastened one button.")
    report, _ = _sync_watched(a)
    assert report.exit_code == 0 and report.conflicts == 1
    [conflict] = [c for c in _conflicts(a) if c.record_id == note]
    assert conflict.field == "body"
    assert conflict.mine == "My words: Sam fastened one button."
    assert conflict.theirs == "Colleague's words: Sam fastened three buttons."
    assert note_body(a, note) == "Colleague's words: Sam fastened three buttons."
    assert a.get(SessionNote, note).interpreter_language == "ur"


def _conflicts(laptop: Laptop) -> list[Any]:
    with laptop.store.read_session() as session:
        return list_conflicts(session)

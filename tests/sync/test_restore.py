"""Restores: the server from a backup (the drill of docs/server.md), a laptop from a copy.

The server drill runs on SQLite and PostgreSQL with the commands the documentation gives:
back up → a note is pushed → restore the backup → ``otvisit-server admin after-restore`` →
laptops sync: the note is back on the server and reaches a new laptop; a laptop whose cursor
was ahead of the restored server still receives new notes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import make_url, select

from otvisit.models import OutboxOp, SessionNote
from otvisit.models.care import Appointment
from otvisit.models.pathway import DisruptionContact
from otvisit.models.vocabulary import AppointmentType, ContactOutcome, Place
from otvisit.services.appointments import reschedule_appointment
from otvisit.services.equipment import recommend_equipment, update_equipment
from otvisit.services.notes import delete_draft_note, sign_note
from otvisit.sync.client import list_conflicts, resolve_conflict, sync_status
from otvisit.sync.client.credentials import load_credentials
from otvisit.sync.server.admin import update_team_contact
from otvisit.sync.server.schema import Conflict, Device, Record
from tests.support.server_fixtures import BACKENDS, require_postgres
from tests.support.server_process import ServerProcess, fresh_postgres_schema, sqlite_url
from tests.sync.clinic import child_with_note, note_body, write_note
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts, create_team, server_database


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "postgresql":
        require_postgres()
        with fresh_postgres_schema() as url:
            yield url
    else:
        yield sqlite_url(folder)


def _pg_schema(url: str) -> str:
    options = parse_qs(urlparse(url).query)["options"][0]
    return options.split("search_path=")[1]


def _backup(url: str, backup: Path) -> None:
    """As docs/server.md says: ``sqlite3 … .backup`` or ``pg_dump --format=custom``."""
    if url.startswith("sqlite"):
        database = str(make_url(url).database)
        subprocess.run(["sqlite3", database, f".backup {backup}"], check=True)
    else:
        subprocess.run(
            ["pg_dump", "--host=127.0.0.1", "--username=postgres", "--format=custom",
             f"--schema={_pg_schema(url)}", f"--file={backup}", "test"],
            check=True,
        )  # fmt: skip


def _restore(url: str, backup: Path) -> None:
    """As docs/server.md says, with the server stopped; then ``admin after-restore``."""
    if url.startswith("sqlite"):
        database = Path(str(make_url(url).database))
        for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(backup, database)
    else:
        subprocess.run(
            ["pg_restore", "--host=127.0.0.1", "--username=postgres", "--clean", "--if-exists",
             "--dbname=test", str(backup)],
            check=True,
        )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "otvisit.sync.server", "--database-url", url, "admin",
         "after-restore"],
        check=True,
    )  # fmt: skip


def _restart(server: ServerProcess) -> ServerProcess:
    again = ServerProcess(server.database_url)
    again.port, again.base_url = server.port, server.base_url  # the laptops' address
    return again.start()


@dataclass
class _Drill:
    """A team of two laptops, A and B, on a server that can be backed up and restored."""

    url: str
    server: ServerProcess
    team: TeamAccounts
    a: Laptop
    b: Laptop
    backup_file: Path

    def child_seen_by_both(self, body: str) -> tuple[str, str]:
        """A child and a note written on A, synced to both laptops: (child id, note id)."""
        child, note = child_with_note(self.a, team_id=self.team.team_id, body=body)
        assert self.a.sync().exit_code == 0 and self.b.sync().exit_code == 0
        return child, note

    def backup(self) -> None:
        _backup(self.url, self.backup_file)

    def restore(self) -> None:
        self.server.stop()
        _restore(self.url, self.backup_file)
        self.server = _restart(self.server)


@contextmanager
def _drill(backend: str, laptops: list[Laptop], folder: Path) -> Iterator[_Drill]:
    with _database(backend, folder) as url:
        server = ServerProcess(url).start()
        drill: _Drill | None = None
        try:
            team = create_team(server)
            a = sign_in(laptops, folder, name="a", url=server.base_url, team=team, number=0)
            b = sign_in(laptops, folder, name="b", url=server.base_url, team=team, number=1)
            drill = _Drill(url, server, team, a, b, folder / "backup.db")
            yield drill
        finally:
            (drill.server if drill is not None else server).stop()


def _server_text(server: ServerProcess, record_id: str) -> str | None:
    database = server_database(server)
    try:
        with database.read() as session:
            fields = session.scalar(select(Record.fields).where(Record.id == record_id))
    finally:
        database.dispose()
    return None if fields is None else str(json.loads(fields).get("body"))


def _new_note(laptop: Laptop, child_id: str, body: str) -> str:
    with laptop.store.transaction() as session:
        first = session.scalars(select(SessionNote).where(SessionNote.child_id == child_id)).first()
        assert first is not None
        note = SessionNote(
            child_id=child_id, author_id=first.author_id, seen_on=first.seen_on,
            place=first.place, body=body,
        )  # fmt: skip
        session.add(note)
        session.flush()
        return note.id


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_drill_brings_every_note_back(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before the backup.")

        drill.backup()
        after = _new_note(a, child, "Written after the backup: sensory diet agreed.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0  # B's cursor moves on
        drill.restore()
        assert _server_text(drill.server, after) is None  # the backup never had it

        report = a.sync()
        assert report.exit_code == 0 and report.resent >= 1
        assert _server_text(drill.server, after) == "Written after the backup: sensory diet agreed."
        assert b.sync().exit_code == 0

        # A laptop signed in after the restore gets the note.
        c = sign_in(
            laptops, tmp_path, name="c", url=drill.server.base_url, team=drill.team, number=1
        )
        assert c.sync().exit_code == 0
        assert note_body(c, after) == "Written after the backup: sensory diet agreed."

        # B's cursor was ahead of the restored server: it still gets new notes.
        newer = _new_note(a, child, "After the restore: new pencil grip.")
        write_note(a, after, "Written after the backup: sensory diet agreed, reviewed.")
        assert a.sync().exit_code == 0
        assert b.sync().exit_code == 0
        assert note_body(b, newer) == "After the restore: new pencil grip."
        assert note_body(b, after) == "Written after the backup: sensory diet agreed, reviewed."
        assert c.sync().exit_code == 0
        assert note_body(c, newer) == "After the restore: new pencil grip."


def test_a_laptop_restored_from_a_copy_renumbers_and_sends_again(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    child, note = child_with_note(a, team_id=team.team_id, body="First visit.")
    copy = tmp_path / "a-copy.db"
    a.store.close()
    shutil.copyfile(a.store.path, copy)  # the copy holds the unsent new child and note
    a.store = type(a.store).open(a.store.path)
    assert a.sync().exit_code == 0
    write_note(a, note, "First visit, second thoughts.")
    assert a.sync().exit_code == 0

    # The laptop's store is restored from the copy; new work reuses the operation numbers.
    a.store.close()
    shutil.copyfile(copy, a.store.path)
    a.store = type(a.store).open(a.store.path)
    later = _new_note(a, child, "Written on the restored laptop.")
    report = a.sync()
    assert report.exit_code == 0, report.error
    assert report.renumbered >= 1
    assert a.outbox() == []
    assert _server_text(server, later) == "Written on the restored laptop."
    assert b.sync().exit_code == 0
    assert note_body(b, later) == "Written on the restored laptop."
    # The operations the server already had were answered, not applied a second time.
    assert note_body(b, note) == "First visit, second thoughts."
    assert not [op for op in a.outbox() if isinstance(op, OutboxOp)]


def _sign(laptop: Laptop, note_id: str) -> None:
    with laptop.store.transaction() as session:
        sign_note(session, note_id=note_id, actor_id=laptop.user_id)


def _server_note(server: ServerProcess, record_id: str) -> dict[str, object] | None:
    database = server_database(server)
    try:
        with database.read() as session:
            fields = session.scalar(select(Record.fields).where(Record.id == record_id))
    finally:
        database.dispose()
    return None if fields is None else dict(json.loads(fields))


def _server_deleted(server: ServerProcess, record_id: str) -> bool | None:
    database = server_database(server)
    try:
        with database.read() as session:
            return session.scalar(select(Record.deleted).where(Record.id == record_id))
    finally:
        database.dispose()


def _reported_unsent(server: ServerProcess, laptop: Laptop) -> int | None:
    """The unsent changes the laptop told the server at its last sync (shown in the console)."""
    with laptop.store.read_session() as session:
        device_id = load_credentials(session).device_id
    database = server_database(server)
    try:
        with database.read() as session:
            return session.scalar(select(Device.pending_changes).where(Device.id == device_id))
    finally:
        database.dispose()


def _server_words(server: ServerProcess, record_id: str) -> str:
    """The record's text and both sides of every conflict on it, as the server keeps them."""
    database = server_database(server)
    try:
        with database.read() as session:
            parts = list(session.scalars(select(Record.fields).where(Record.id == record_id)))
            for mine, theirs in session.execute(
                select(Conflict.mine, Conflict.theirs).where(Conflict.record_id == record_id)
            ):
                parts += [mine, theirs]
    finally:
        database.dispose()
    return "\n".join(parts)


@pytest.mark.parametrize("backend", BACKENDS)
def test_after_a_restore_only_the_author_sends_her_notes_back(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A's signed notes come back from A's laptop, signed by A; B, who holds them too, never
    sends them in A's name (the server would refuse it). B's own words in A's drafts come back
    once A's laptop has sent the drafts: nothing refused, nothing lost."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, signed_later = child_with_note(a, team_id=drill.team.team_id, body="Grip assessed.")
        draft_before = _new_note(a, child, "Draft: handwriting.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.backup()

        _sign(a, signed_later)  # signed after the backup
        new_signed = _new_note(a, child, "Written and signed after the backup.")
        _sign(a, new_signed)
        draft_after = _new_note(a, child, "Draft after the backup: scissors.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        write_note(b, draft_before, "Draft: handwriting. B: uses a slope board.")
        write_note(b, draft_after, "Draft after the backup: scissors. B: spring-loaded.")
        assert b.sync().exit_code == 0
        drill.restore()

        # B syncs first: it holds A's notes, but sends none of them in A's name.
        report = b.sync()
        assert report.exit_code == 0 and report.rejected == [], report.rejected
        assert _server_note(drill.server, new_signed) is None
        note = _server_note(drill.server, signed_later)
        assert note is not None and note["signed_at"] is None
        assert "slope board" in str(_server_note(drill.server, draft_before))  # existed: sent now
        assert _server_note(drill.server, draft_after) is None  # waits for A's laptop
        assert note_body(b, draft_after).endswith("B: spring-loaded.")  # still shown on B
        # The team lead sees that B's laptop holds words the server lacks.
        assert _reported_unsent(drill.server, b) == 1
        # B goes on typing in the note before A's laptop has sent it back: that edit waits
        # behind the held ones too (sent first, it was refused as a note without fields).
        later = "Draft after the backup: scissors. B: spring-loaded. B: then loop scissors."
        write_note(b, draft_after, later)
        report = b.sync()
        assert report.exit_code == 0 and report.rejected == [], report.rejected
        assert _server_note(drill.server, draft_after) is None

        report = a.sync()
        assert report.exit_code == 0 and report.rejected == [], report.rejected
        for note_id in (signed_later, new_signed):
            note = _server_note(drill.server, note_id)
            assert note is not None
            assert note["signed_by_id"] == a.user_id and note["author_id"] == a.user_id
        assert b.sync().exit_code == 0  # B's edit of the draft goes once A's is back
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        assert "spring-loaded" in _server_words(drill.server, draft_after)
        assert later in _server_words(drill.server, draft_after)
        with b.store.read_session() as session:
            shown = [c.mine for c in list_conflicts(session) if c.record_id == draft_after]
        # Both of B's edits went on the version the backup held, in the order typed: each
        # is a conflict with A's re-sent draft, for B to resolve, the later one last.
        assert shown == [later.removesuffix(" B: then loop scissors."), later]
        assert not [op for op in b.outbox() if op.state != "rejected"]
        assert not [op for op in a.outbox() + b.outbox() if op.state == "rejected"]
        assert note_body(a, new_signed) == "Written and signed after the backup."


@pytest.mark.parametrize("backend", BACKENDS)
def test_conflicts_resolved_after_the_backup_come_back_to_a_restored_server(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A therapist kept her colleague's version of a note and let her own go, on the word that
    the team's history holds both. The server is then restored from a backup taken before the
    conflict: her laptop sends the conflict back, with both versions, and its pending edit waits
    until the server has what it lost (the push is refused as built on a lost version)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, note = drill.child_seen_by_both("Sam: first session.")
        drill.backup()

        write_note(b, note, "B: Sam cut along a thick line.")
        write_note(a, note, "A: Sam held the scissors upside down.")
        assert b.sync().exit_code == 0
        report = a.sync()
        assert report.exit_code == 0 and report.conflicts == 1
        with a.store.transaction() as session:
            [conflict] = list_conflicts(session)
            resolve_conflict(session, conflict_id=conflict.id, choice="theirs")
        assert a.sync().exit_code == 0
        later = _new_note(a, child, "A: a later note, pushed after the restore.")
        drill.restore()
        assert _server_words(drill.server, note).count("upside down") == 0  # lost by the restore

        report = a.sync()
        assert report.exit_code == 0, report.error
        assert report.resent > 0
        assert "A: Sam held the scissors upside down." in _server_words(drill.server, note), (
            drill.server.log_text()[-3000:]
        )
        assert _server_note(drill.server, later) is not None
        assert b.sync().exit_code == 0 and a.sync().exit_code == 0
        words = _server_words(drill.server, note)
        assert "B: Sam cut along a thick line." in words
        assert words.count("A: Sam held the scissors upside down.") == 1  # kept once
        assert a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_note_a_colleague_brought_back_after_the_backup_keeps_the_words_typed_on_it_later(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A deleted a note; after the backup B kept her edit of it, so the note was live again and A
    pulled it. The server restored from the backup holds A's delete again: A's words typed on
    the note afterwards (B's laptop not synced yet) are kept as a conflict, never refused as
    "deleted on this device". (The sync soak found this at seed 2: one word lost.)"""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        _child, note = drill.child_seen_by_both("Sam: first session.")
        with a.store.transaction() as session:
            found = session.get(SessionNote, note)
            assert found is not None
            found.deleted = True
        assert a.sync().exit_code == 0
        drill.backup()

        write_note(b, note, "B: Sam cut along a thick line.")
        assert b.sync().conflicts == 1
        with b.store.transaction() as session:
            [conflict] = list_conflicts(session)
            resolve_conflict(session, conflict_id=conflict.id, choice="mine")
        assert b.sync().exit_code == 0
        assert a.sync().exit_code == 0
        assert note_body(a, note) == "B: Sam cut along a thick line."  # live again on A

        drill.restore()
        write_note(a, note, "A: Sam now cuts along a thin line.")
        report = a.sync()
        assert report.exit_code == 0, report.error
        words = _server_words(drill.server, note)
        assert "A: Sam now cuts along a thin line." in words, drill.server.log_text()[-3000:]
        with a.store.read_session() as session:
            refused = session.scalars(
                select(OutboxOp).where(OutboxOp.record_id == note, OutboxOp.state == "rejected")
            ).all()
        assert not refused, [op.error for op in refused]


@pytest.mark.parametrize("backend", BACKENDS)
def test_words_typed_after_a_restore_on_a_colleagues_note_only_read_before_it_wait_for_her(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """B had only pulled A's draft, written after the backup, when the server was restored:
    B had nothing of it to send again. B types in the draft before A's laptop has sent it back:
    the edit waits for it (sent first, it reached a server without the note and was refused as
    a note without its fields; the sync soak lost a word this way at seed 4)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Grip assessed.")
        drill.backup()
        draft = _new_note(a, child, "Draft after the backup: scissors.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0  # B only reads it
        drill.restore()

        report = b.sync()  # B learns of the restore; A's laptop has not synced yet
        assert report.exit_code == 0 and report.rejected == [], report.rejected
        with b.store.read_session() as session:
            assert sync_status(session).awaiting_ops == 0  # nothing of B's waits yet
        typed = "Draft after the backup: scissors. B: spring-loaded scissors tried."
        write_note(b, draft, typed)
        report = b.sync()
        assert report.exit_code == 0 and report.rejected == [], report.rejected
        assert _server_note(drill.server, draft) is None  # waits for A's laptop
        assert note_body(b, draft) == typed  # still shown on B
        with b.store.read_session() as session:
            status = sync_status(session)  # the status bar says what waits, and for whom
        assert (status.pending_ops, status.awaiting_ops) == (0, 1)

        assert a.sync().exit_code == 0
        assert b.sync().exit_code == 0  # the draft is back: B's edit is queued again
        assert b.sync().exit_code == 0 and a.sync().exit_code == 0
        assert typed in _server_words(drill.server, draft)
        assert not [op for op in a.outbox() + b.outbox() if op.state == "rejected"]
        assert not [op for op in b.outbox() if op.record_id == draft]
        assert a.snapshot() == b.snapshot()


def _settle(*laptops: Laptop) -> None:
    for _round in range(3):
        for laptop in laptops:
            assert laptop.sync().exit_code == 0


def _refused(*laptops: Laptop) -> list[str]:
    return [op.error for laptop in laptops for op in laptop.outbox() if op.state == "rejected"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_draft_written_and_deleted_after_the_backup_is_sent_again_deleted_not_refused(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """Its replays end with the author's delete: nothing is sent after it (sent whole again
    after the delete, it was refused as an edit of a record this device deleted)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a = drill.a
        child, _first = child_with_note(a, team_id=drill.team.team_id, body="Before.")
        assert a.sync().exit_code == 0
        drill.backup()
        note = _new_note(a, child, "Draft after the backup.")
        assert a.sync().exit_code == 0
        with a.store.transaction() as session:
            delete_draft_note(session, note_id=note, actor_id=a.user_id)
        assert a.sync().exit_code == 0
        drill.restore()
        report = a.sync()
        assert (report.exit_code, report.rejected) == (0, []), report.error
        assert _server_deleted(drill.server, note) is True
        _settle(a, drill.b)
        assert _refused(a, drill.b) == [] and a.snapshot() == drill.b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_my_edits_of_a_colleagues_note_the_backup_holds_go_at_once_after_a_restore(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """B's edit after the backup was made on a version the backup holds: its replay goes at
    once, and an edit B typed after the restore goes after it, never waiting for A's laptop
    (which has nothing to send: it waited for good, the sync saying all was well)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        _child, note = drill.child_seen_by_both("A: first session.")
        drill.backup()
        write_note(b, note, "A: first session. B1: slope board.")  # A never pulls this
        assert b.sync().exit_code == 0
        drill.restore()
        later = "A: first session. B1: slope board. B2: after the restore."
        write_note(b, note, later)
        _settle(b, a)
        assert later in _server_words(drill.server, note)
        assert [op for op in b.outbox() if op.record_id == note] == []
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


def _restore_from(drill: _Drill, backup: Path) -> None:
    drill.server.stop()
    _restore(drill.url, backup)
    drill.server = _restart(drill.server)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_laptop_away_through_two_restores_sends_again_what_both_lost(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """B's edit after the first backup was lost by the first restore; B was away while the team
    went on, the next night's backup was taken and restored in turn. B re-sends above the lowest
    restore point since the generation it knew (above the second one only, its edit was lost:
    the second generation gave its number out again)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        one, two = tmp_path / "one.db", tmp_path / "two.db"
        child, first = child_with_note(a, team_id=drill.team.team_id, body="Before.")
        second = _new_note(a, child, "Second note.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _backup(drill.url, one)
        write_note(b, second, "Second note. B: edit before the first restore.")
        assert b.sync().exit_code == 0
        _restore_from(drill, one)
        assert a.sync().exit_code == 0  # B is away
        for visit in range(5):
            write_note(a, first, f"Before. A: visit {visit}.")
            assert a.sync().exit_code == 0
        _backup(drill.url, two)  # the next night's backup
        _restore_from(drill, two)
        _settle(b, a)
        assert "B: edit before the first restore." in _server_words(drill.server, second)
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_generation_the_server_lost_to_an_older_backup_is_sent_again_from_where_it_began(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """Two backups, X then Y, of one generation. X is restored (a new generation), B syncs into
    it and types; then Y is restored: the server has no record of X's generation. B goes by
    where that generation began, and its words come back."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        x, y = tmp_path / "x.db", tmp_path / "y.db"
        child, note = drill.child_seen_by_both("Before.")
        _backup(drill.url, x)
        for visit in range(5):
            _new_note(a, child, f"Visit {visit}.")
            assert a.sync().exit_code == 0
        _backup(drill.url, y)
        _restore_from(drill, x)
        assert b.sync().exit_code == 0
        typed = "Before. B: typed in the generation a restore lost."
        write_note(b, note, typed)
        assert b.sync().exit_code == 0
        _restore_from(drill, y)
        _settle(b, a)
        assert typed in _server_words(drill.server, note)
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_team_details_changed_after_the_backup_are_never_sent_back_by_a_laptop(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """The team lead changed the team's phone number after the backup and the laptops pulled
    it; after the restore no laptop sends team details back (the server refuses them from any
    laptop: every sync ended with a refused change)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        _child, note = drill.child_seen_by_both("Before.")
        drill.backup()
        database = server_database(drill.server)
        try:
            with database.write() as session:
                update_team_contact(session, team_id=drill.team.team_id, phone="020 7946 0999")
        finally:
            database.dispose()
        write_note(a, note, "Before. A: after the backup.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.restore()
        for laptop in (a, b):
            report = laptop.sync()
            assert (report.exit_code, report.rejected) == (0, []), report.rejected
        _settle(a, b)
        assert "A: after the backup." in _server_words(drill.server, note)
        assert _refused(a, b) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_words_typed_on_a_draft_its_author_signed_meanwhile_are_kept_as_conflicts(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """No restore: B typed in A's draft offline while A signed it on her laptop. The signed
    note stays as A signed it; B's words are kept as a conflict on the server (they were
    refused, and lived only on B's laptop)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        _child, note = drill.child_seen_by_both("Draft: scissors.")
        write_note(b, note, "Draft: scissors. B: spring-loaded.")
        _sign(a, note)
        assert a.sync().exit_code == 0
        report = b.sync()
        assert (report.exit_code, report.rejected, report.conflicts) == (0, [], 1)
        assert "B: spring-loaded." in _server_words(drill.server, note)
        signed = _server_note(drill.server, note)
        assert signed is not None and signed["body"] == "Draft: scissors."
        assert signed["signed_by_id"] == a.user_id
        _settle(a, b)
        assert note_body(b, note) == "Draft: scissors." and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_edit_waiting_for_a_draft_its_author_signed_after_the_restore_is_kept(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """B's edit of A's draft waited after the restore for A's laptop; A signed the draft
    before her laptop synced, never having seen B's words. They are kept as a conflict."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before.")
        drill.backup()
        note = _new_note(a, child, "Draft after the backup: scissors.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        write_note(b, note, "Draft after the backup: scissors. B: spring-loaded.")
        assert b.sync().exit_code == 0
        drill.restore()
        assert b.sync().exit_code == 0  # B's edit waits for A's laptop
        _sign(a, note)
        _settle(a, b)
        assert _refused(a, b) == []
        assert "B: spring-loaded." in _server_words(drill.server, note)
        assert a.snapshot() == b.snapshot()


def _recommend(laptop: Laptop, child: str, item: str) -> str:
    with laptop.store.transaction() as session:
        return recommend_equipment(
            session, child_id=child, item=item, setting=Place.SCHOOL,
            functional_need="Sits still in class.", recommended_on=date(2026, 11, 20),
        )  # fmt: skip


def _change_item(laptop: Laptop, recommendation: str, item: str) -> None:
    with laptop.store.transaction() as session:
        update_equipment(session, recommendation_id=recommendation, changes={"item": item})


def _server_item(server: ServerProcess, record_id: str) -> object:
    note = _server_note(server, record_id)
    assert note is not None
    return note["item"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_correction_made_after_the_restore_is_not_undone_by_a_laptop_sending_back_older_data(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A recommended a cushion after the backup; after the restore B (syncing first) sent it
    back and corrected the item. A's laptop then sends back its own older version: the
    correction, made after the restore, stays (it was overwritten without a trace)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before.")
        drill.backup()
        cushion = _recommend(a, child, "Wobble cushion")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.restore()
        assert b.sync().exit_code == 0  # B sends it back: the server holds it again
        _change_item(b, cushion, "Movin'Sit junior cushion")
        assert b.sync().exit_code == 0
        _settle(a, b)
        assert _server_item(drill.server, cushion) == "Movin'Sit junior cushion"
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_after_a_restore_the_newer_of_two_versions_sent_back_wins_whatever_the_order(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A changed the item after B last pulled; both versions came after the backup. Whichever
    laptop syncs first after the restore, the server ends with A's newer item (B's older copy,
    sent back last, overwrote it without a trace)."""
    for first_back in ("a", "b"):
        (tmp_path / first_back).mkdir()
        with _drill(backend, laptops, tmp_path / first_back) as drill:
            a, b = drill.a, drill.b
            child, _first = drill.child_seen_by_both("Before.")
            drill.backup()
            cushion = _recommend(a, child, "Wobble cushion")
            assert a.sync().exit_code == 0 and b.sync().exit_code == 0
            _change_item(a, cushion, "Movin'Sit junior cushion")
            assert a.sync().exit_code == 0  # B never pulls the change
            drill.restore()
            order = (a, b) if first_back == "a" else (b, a)
            _settle(*order)
            assert _server_item(drill.server, cushion) == "Movin'Sit junior cushion", first_back
            assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


def _appointment(laptop: Laptop, child: str) -> str:
    with laptop.store.transaction() as session:
        booked = Appointment(
            child_id=child, kind=AppointmentType.INTERVENTION, place=Place.SCHOOL,
            starts_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
        )  # fmt: skip
        session.add(booked)
        session.flush()
        return booked.id


def _moved_by_family(laptop: Laptop, appointment: str, day: int) -> None:
    with laptop.store.transaction() as session:
        reschedule_appointment(
            session,
            appointment_id=appointment,
            new_starts_at=datetime(2026, 12, day, 9, tzinfo=UTC),
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_family_reschedules_recorded_on_two_laptops_still_add_up_after_a_restore(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """Each laptop recorded one family reschedule after the backup; both are sent back: the
    count is two again (a step sent back is added, never weighed against another value)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _note = child_with_note(a, team_id=drill.team.team_id, body="Before.")
        visit = _appointment(a, child)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.backup()
        _moved_by_family(a, visit, 11)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _moved_by_family(b, visit, 12)
        assert b.sync().exit_code == 0 and a.sync().exit_code == 0
        drill.restore()
        _settle(b, a)
        moved = _server_note(drill.server, visit)
        assert moved is not None and moved["reschedule_count"] == 2
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_of_three_versions_sent_back_in_any_order_the_newest_wins(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A wrote three versions after the backup; B held the second. B sends it back first; A's
    first version loses to it, and then A's third still wins (the value kept from B once
    counted as an edit made since the restore, and held A's newest back)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before.")
        drill.backup()
        cushion = _recommend(a, child, "Wobble cushion")
        assert a.sync().exit_code == 0
        _change_item(a, cushion, "Movin'Sit junior cushion")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _change_item(a, cushion, "Peanut ball")
        assert a.sync().exit_code == 0  # B never pulls this
        drill.restore()
        _settle(b, a)
        assert _server_item(drill.server, cushion) == "Peanut ball"
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


def _family_to_call(laptop: Laptop, child: str) -> str:
    with laptop.store.transaction() as session:
        call = DisruptionContact(
            child_id=child, child_ids=[child], day=date(2026, 12, 3), family_key="okafor",
            family_name="Okafor",
        )  # fmt: skip
        session.add(call)
        session.flush()
        return call.id


def _called(laptop: Laptop, call_id: str, outcome: ContactOutcome, note: str) -> None:
    with laptop.store.transaction() as session:
        call = session.get(DisruptionContact, call_id)
        assert call is not None
        call.contacted, call.outcome, call.note = True, outcome, note
        call.contacted_on = date(2026, 12, 1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_call_recorded_twice_after_the_backup_comes_back_as_the_later_one(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A's two calls to a family (no answer, then rebooked) both came after the backup; B held
    the first. Sent back, A's later call wins; before, it became a conflict against her own
    earlier call, which the server kept meanwhile."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = child_with_note(a, team_id=drill.team.team_id, body="Before.")
        call = _family_to_call(a, child)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.backup()
        _called(a, call, ContactOutcome.NO_ANSWER, "No answer at 9.")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _called(a, call, ContactOutcome.REBOOKED, "Rebooked for Friday.")
        assert a.sync().exit_code == 0
        drill.restore()
        _settle(b, a)
        kept = _server_note(drill.server, call)
        assert kept is not None and (kept["outcome"], kept["note"]) == (
            "rebooked",
            "Rebooked for Friday.",
        )
        with a.store.read_session() as session:
            assert list_conflicts(session) == []
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_change_made_offline_over_the_restore_beats_an_older_version_sent_back(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """B changed the item offline after A's change (which B never pulled); the server was
    restored meanwhile. B's change went back inside B's copy of the record, stamped as an old
    copy, and A's version, sent back later, overwrote it. It is B's own newer change: it stays,
    as it would without a restore."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before.")
        drill.backup()
        cushion = _recommend(a, child, "Wobble cushion")
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _change_item(a, cushion, "Peanut ball")
        assert a.sync().exit_code == 0  # B never pulls this
        _change_item(b, cushion, "Movin'Sit junior cushion")  # offline, set last
        drill.restore()
        _settle(b, a)
        assert _server_item(drill.server, cushion) == "Movin'Sit junior cushion"
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_call_recorded_offline_over_the_restore_is_kept_against_an_older_one_sent_back(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A recorded a call after the backup; B, offline and not having seen it, recorded another
    call to the family. After the restore both go back: B's call is a decision made on its own
    (sent inside B's copy of the record, it was taken for an old copy and lost to A's, words
    and all); the two calls clash as they would without a restore, both kept."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        child, _first = drill.child_seen_by_both("Before.")
        drill.backup()
        call = _family_to_call(a, child)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        _called(a, call, ContactOutcome.NO_ANSWER, "A: no answer at 9.")
        assert a.sync().exit_code == 0  # B never pulls this
        _called(b, call, ContactOutcome.REBOOKED, "B: rebooked for Friday.")  # offline
        drill.restore()
        _settle(b, a)
        words = _server_words(drill.server, call)
        assert "B: rebooked for Friday." in words and "A: no answer at 9." in words
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_note_signed_after_reading_a_colleagues_words_comes_back_signed(
    backend: str, laptops: list[Laptop], tmp_path: Path
) -> None:
    """A read B's words in her draft, then signed it, all after the backup. Sent back after
    the restore (B's copy first), the note carries the text A signed: her signature stands
    (it was refused as over text she had not seen, then lost on every laptop)."""
    with _drill(backend, laptops, tmp_path) as drill:
        a, b = drill.a, drill.b
        _child, note = drill.child_seen_by_both("Draft: scissors.")
        drill.backup()
        write_note(b, note, "Draft: scissors. B: spring-loaded.")
        assert b.sync().exit_code == 0 and a.sync().exit_code == 0  # A reads B's words
        _sign(a, note)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        drill.restore()
        _settle(b, a)
        signed = _server_note(drill.server, note)
        assert signed is not None and signed["signed_by_id"] == a.user_id
        assert signed["body"] == "Draft: scissors. B: spring-loaded."
        assert _refused(a, b) == [] and a.snapshot() == b.snapshot()

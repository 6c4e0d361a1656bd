"""Two laptops and a real ``otvisit-server`` process on loopback: offline edits meet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from otvisit.models import Child, SessionNote
from otvisit.models.vocabulary import Place
from otvisit.sync.client import list_conflicts, resolve_conflict, sync_status
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts, create_team


def _pair(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> tuple[TeamAccounts, Laptop, Laptop]:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    return team, a, b


def _child_with_note(laptop: Laptop, team_id: str) -> tuple[str, str]:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id,
            given_name="Sam",
            family_name="Okafor",
            date_of_birth=date(2019, 3, 1),
            nhs_number="9434765919",
        )
        session.add(child)
        session.flush()
        note = SessionNote(
            child_id=child.id,
            author_id=laptop.user_id,
            seen_on=date(2026, 11, 20),
            place=Place.SCHOOL,
            body="Practised buttons.",
        )
        session.add(note)
    return child.id, note.id


def test_edits_to_different_fields_on_two_laptops_both_arrive(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, a, b = _pair(server, laptops, tmp_path)
    child_id, _ = _child_with_note(a, team.team_id)
    assert a.sync().exit_code == 0
    assert b.sync().pulled >= 2
    with a.store.transaction() as session:
        session.get(Child, child_id).postcode = "N1 9GU"  # type: ignore[union-attr]
    with b.store.transaction() as session:
        session.get(Child, child_id).interpreter_needed = True  # type: ignore[union-attr]
    a.sync()
    report = b.sync()
    assert report.conflicts == 0 and report.exit_code == 0
    a.sync()
    child_a, child_b = a.get(Child, child_id), b.get(Child, child_id)
    assert (child_a.postcode, child_a.interpreter_needed) == ("N1 9GU", True)
    assert (child_b.postcode, child_b.interpreter_needed) == ("N1 9GU", True)
    assert a.snapshot() == b.snapshot()
    assert a.outbox() == [] and b.outbox() == []


def test_the_same_note_edited_on_both_is_a_conflict_that_resolving_converges(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, a, b = _pair(server, laptops, tmp_path)
    _, note_id = _child_with_note(a, team.team_id)
    a.sync()
    b.sync()
    with a.store.transaction() as session:
        session.get(SessionNote, note_id).body = "A: Sam did up three buttons."  # type: ignore[union-attr]
    with b.store.transaction() as session:
        session.get(SessionNote, note_id).body = "B: Sam needed help with buttons."  # type: ignore[union-attr]
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    with b.store.read_session() as session:
        [conflict] = list_conflicts(session)
        assert sync_status(session).open_conflicts == 1
    assert conflict.mine == "B: Sam needed help with buttons."
    assert conflict.theirs == "A: Sam did up three buttons."
    assert conflict.theirs_by.startswith("Therapist 1 ")
    # Until she chooses, both laptops show the version the server kept.
    assert b.get(SessionNote, note_id).body == "A: Sam did up three buttons."
    merged = "Sam did up three buttons; needed help with the top one."
    with b.store.transaction() as session:
        resolve_conflict(session, conflict_id=conflict.id, choice="merged", merged_text=merged)
    assert b.sync().conflicts == 0
    a.sync()
    assert a.get(SessionNote, note_id).body == merged
    assert a.snapshot() == b.snapshot()


def test_edit_against_delete_is_a_conflict_and_keeping_the_edit_restores_it(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, a, b = _pair(server, laptops, tmp_path)
    _, note_id = _child_with_note(a, team.team_id)
    a.sync()
    b.sync()
    with a.store.transaction() as session:
        session.get(SessionNote, note_id).deleted = True  # type: ignore[union-attr]
    with b.store.transaction() as session:
        session.get(SessionNote, note_id).plan = "Review at school in January."  # type: ignore[union-attr]
    a.sync()
    assert b.sync().conflicts == 1
    with b.store.read_session() as session:
        [conflict] = list_conflicts(session)
    assert conflict.kind == "edit_vs_delete"
    assert conflict.mine == {"plan": "Review at school in January."}  # nothing lost
    assert b.get(SessionNote, note_id).deleted  # shows the delete until she chooses
    with b.store.transaction() as session:
        resolve_conflict(session, conflict_id=conflict.id, choice="mine")
    b_report = b.sync()
    assert (b_report.conflicts, b_report.rejected) == (0, [])
    a.sync()
    note = a.get(SessionNote, note_id)
    assert not note.deleted and note.plan == "Review at school in January."
    assert a.snapshot() == b.snapshot()


def test_delete_against_an_edit_is_a_conflict_too(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, a, b = _pair(server, laptops, tmp_path)
    _, note_id = _child_with_note(a, team.team_id)
    a.sync()
    b.sync()
    with a.store.transaction() as session:
        session.get(SessionNote, note_id).plan = "Teacher to try a pencil grip."  # type: ignore[union-attr]
    with b.store.transaction() as session:
        session.get(SessionNote, note_id).deleted = True  # type: ignore[union-attr]
    a.sync()
    assert b.sync().conflicts == 1
    with b.store.read_session() as session:
        [conflict] = list_conflicts(session)
    assert conflict.kind == "delete_vs_edit"
    assert conflict.theirs["plan"] == "Teacher to try a pencil grip."
    assert not b.get(SessionNote, note_id).deleted  # their edit is kept, not lost
    with b.store.transaction() as session:
        resolve_conflict(session, conflict_id=conflict.id, choice="theirs")
    b.sync()
    a.sync()
    assert a.snapshot() == b.snapshot()

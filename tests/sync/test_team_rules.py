"""Clocks that lie, refused changes, children leaving the team, revoked laptops, signing in."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from otvisit import cli
from otvisit.models import Child, Goal, SessionNote, SetAsideEdit, SyncSetting, utcnow
from otvisit.models.vocabulary import Place
from otvisit.services.unlock import check_unlock_password
from otvisit.sync.client import list_rejected, list_set_aside, settings, sync_status
from otvisit.sync.client.credentials import KEYRING_SERVICE, keyring_key
from otvisit.sync.client.engine import _RUNNING
from otvisit.sync.server import admin
from tests.fakes import MemoryKeyring
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database


def _shifted(delta: timedelta) -> Callable[[], datetime]:
    return lambda: utcnow() + delta


def _child(laptop: Laptop, team_id: str) -> str:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id,
            given_name="Noor",
            family_name="Ahmed",
            date_of_birth=date(2018, 9, 9),
            nhs_number="9434765919",
        )
        session.add(child)
    return child.id


def test_laptop_clocks_a_day_apart_neither_lose_nor_win_edits(
    server: ServerProcess,
    laptops: list[Laptop],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team = create_team(server)
    ahead = sign_in(laptops, tmp_path, name="ahead", url=server.base_url, team=team, number=0)
    behind = sign_in(laptops, tmp_path, name="behind", url=server.base_url, team=team, number=1)
    monkeypatch.setattr("otvisit.models.outbox.utcnow", _shifted(timedelta(days=1)))
    child_id = _child(ahead, team.team_id)
    with ahead.store.transaction() as session:
        session.get(Child, child_id).postcode = "AH1 1AA"  # type: ignore[union-attr]
    ahead.sync(clock=_shifted(timedelta(days=1)))
    behind.sync(clock=_shifted(timedelta(days=-1)))
    # The laptop whose clock says "yesterday" edits after, in real order: its edit must win.
    monkeypatch.setattr("otvisit.models.outbox.utcnow", _shifted(timedelta(days=-1)))
    with behind.store.transaction() as session:
        child = session.get(Child, child_id)
        assert child is not None
        child.postcode = "BE2 2BB"
        child.access_notes = "Prefers a quiet room."
    # Meanwhile, offline, the laptop a day ahead changes another field.
    monkeypatch.setattr("otvisit.models.outbox.utcnow", _shifted(timedelta(days=1)))
    with ahead.store.transaction() as session:
        session.get(Child, child_id).gp_name = "Dr Rahman"  # type: ignore[union-attr]
    behind.sync(clock=_shifted(timedelta(days=-1)))
    ahead.sync(clock=_shifted(timedelta(days=1)))
    behind.sync(clock=_shifted(timedelta(days=-1)))
    for laptop in (ahead, behind):
        child = laptop.get(Child, child_id)
        assert (child.postcode, child.access_notes, child.gp_name) == (
            "BE2 2BB",
            "Prefers a quiet room.",
            "Dr Rahman",
        )
    assert ahead.snapshot() == behind.snapshot()
    with behind.store.read_session() as session:
        status = sync_status(session)
    assert status.last_success_at is not None
    assert status.last_success_at < utcnow()  # shown as the laptop's own (wrong) clock says


def test_a_refused_change_is_reported_and_later_changes_still_sync(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    child_id = _child(a, team.team_id)
    with a.store.transaction() as session:
        # The server takes a note only in its author's own name (issue 11).
        author = json.loads(settings.get_settings(session, settings.USER)[settings.USER])
        note = SessionNote(
            child_id=child_id,
            author_id=author["therapist_id"],
            seen_on=date(2026, 11, 23),
            place=Place.HOME,
            body="Signed note.",
            signed_at=utcnow(),
            signed_by_id=author["therapist_id"],
        )
        session.add(note)
    a.sync()
    b.sync()
    with b.store.transaction() as session:
        session.get(SessionNote, note.id).body = "Changed after signing."  # type: ignore[union-attr]
    with b.store.transaction() as session:
        goal = Goal(child_id=child_id, wording="Noor will open her lunchbox", set_on=date.today())
        session.add(goal)
    report = b.sync()
    assert len(report.rejected) == 1 and "signed" in report.rejected[0]
    assert report.exit_code == 1
    [kept] = b.outbox()
    assert (kept.state, kept.changes) == ("rejected", {"body": "Changed after signing."})
    with b.store.read_session() as session:
        assert sync_status(session).rejected_ops == 1
        [shown] = list_rejected(session)
    assert shown.record_id == note.id and "signed" in shown.reason
    a.sync()
    assert a.get(Goal, goal.id).wording == "Noor will open her lunchbox"
    assert a.get(SessionNote, note.id).body == "Signed note."
    assert b.sync().rejected == []  # reported once, not sent again


def test_a_child_leaving_the_team_leaves_the_laptop_and_unsent_edits_are_kept_aside(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    other = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    child_id = _child(a, team.team_id)
    staying = _child(a, team.team_id)
    with a.store.transaction() as session:
        session.add(Goal(child_id=child_id, wording="Noor will zip her coat", set_on=date.today()))
    a.sync()
    with a.store.transaction() as session:
        session.get(Child, child_id).postcode = "MO1 1VE"  # type: ignore[union-attr]
    db = server_database(server)
    with db.write() as s:
        admin.assign_child(s, child_id=child_id, team_id=other.team_id)
    db.dispose()
    report = a.sync()
    assert report.removed_children == [child_id]
    assert report.set_aside == 1
    assert a.get(Child, child_id) is None and a.get(Child, staying) is not None
    with a.store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 0
        [aside] = session.scalars(select(SetAsideEdit)).all()
        assert aside.changes == {"kind": "upsert", "fields": {"postcode": "MO1 1VE"}}
        assert sync_status(session).set_aside_edits == 1
        [shown] = list_set_aside(session)
    assert shown.child_id == child_id and shown.changes["fields"] == {"postcode": "MO1 1VE"}
    assert a.outbox() == []


def test_a_child_moved_away_and_back_returns_whole_to_the_laptop_that_wrote_its_records(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    """Its records were last changed by this laptop, yet the pull must send them again: the
    laptop removed them when the child left, and a move is the server's change, not its own."""
    team = create_team(server)
    other = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    child_id = _child(a, team.team_id)
    with a.store.transaction() as session:
        goal = Goal(child_id=child_id, wording="Noor will zip her coat", set_on=date.today())
        session.add(goal)
    assert a.sync().exit_code == 0
    db = server_database(server)
    try:
        with db.write() as s:
            admin.assign_child(s, child_id=child_id, team_id=other.team_id)
        assert a.sync().removed_children == [child_id]
        assert a.get(Child, child_id) is None and a.get(Goal, goal.id) is None
        with db.write() as s:
            admin.assign_child(s, child_id=child_id, team_id=team.team_id)
    finally:
        db.dispose()
    report = a.sync()
    assert report.exit_code == 0 and report.removed_children == []
    assert a.get(Child, child_id).team_id == team.team_id
    assert a.get(Goal, goal.id).wording == "Noor will zip her coat"


def test_a_revoked_laptop_wipes_its_records_and_its_key(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    child_id = _child(a, team.team_id)
    a.sync()
    with a.store.transaction() as session:
        session.get(Child, child_id).postcode = "ST0 1EN"  # type: ignore[union-attr]
    with a.store.read_session() as session:
        device_id = settings.get_setting(session, settings.DEVICE_ID)
    db = server_database(server)
    with db.write() as s:
        admin.revoke_device(s, device_id=device_id)
    db.dispose()
    report = a.sync()
    assert report.failure == "revoked" and report.exit_code == 2
    assert a.snapshot() == {} and a.outbox() == []
    assert memory_keyring.secrets == {}
    with a.store.read_session() as session:
        assert "withdrawn" in settings.get_setting(session, settings.WIPED_REASON)
        assert settings.pull_cursor(session) == 0


def test_login_keeps_the_token_in_keyring_not_in_the_store(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    team = create_team(server, therapists=1)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    token = memory_keyring.secrets[
        (
            KEYRING_SERVICE,
            keyring_key(server.base_url, a.username, str(a.store.path.resolve().parent)),
        )
    ]
    assert len(token) > 20
    a.store.close()
    for path in tmp_path.glob("a.db*"):
        assert token.encode() not in path.read_bytes()
    with a.store.read_session() as session:
        keys = set(session.scalars(select(SyncSetting.key)))
        # Her sign-in password also unlocks this laptop later, checked offline.
        assert check_unlock_password(session, password=team.passwords[a.username])
        assert not check_unlock_password(session, password="not her password")
    assert {settings.DEVICE_ID, settings.SERVER_URL, settings.USER} <= keys


def test_the_commands_sign_in_and_sync(
    server: ServerProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    team = create_team(server, therapists=1)
    data = str(tmp_path / "data")
    assert cli.main(["--data-dir", data, "sync"]) == 2  # not signed in yet
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong password\n"))
    login = [
        "--data-dir",
        data,
        "login",
        "--server",
        server.base_url,
        "--username",
        team.usernames[0],
    ]
    assert cli.main([*login, "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(team.passwords[team.usernames[0]] + "\n"))
    assert cli.main([*login, "--password-stdin"]) == 0
    assert cli.main(["--data-dir", data, "sync"]) == 0
    out = capsys.readouterr().out
    assert "Signed in as Therapist 1 " in out
    assert "received 2" in out  # the team and its therapist


def test_a_second_sync_of_the_same_laptop_at_once_is_refused(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server, therapists=1)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    assert a.sync().exit_code == 0
    guard = _RUNNING[str(a.store.path)]
    with guard:  # as if the window's worker were syncing right now
        report = a.sync()
    assert report.failure == "busy" and report.exit_code == 1
    assert a.sync().exit_code == 0

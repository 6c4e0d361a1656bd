"""The audit upload never stops a sync: a wrong laptop clock is marked, a refusal is reported,
and the pull still brings the team's changes (real laptop store, real server)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from otvisit.models import AuditEvent, SessionNote
from otvisit.models.vocabulary import AuditAction
from otvisit.services.audit import record_access
from tests.support.api import ApiClient, child_fields, note_fields
from tests.support.server_process import ServerProcess, seed_team
from tests.sync.laptop import Laptop


def _setup(server: ServerProcess, laptops: list[Laptop], tmp_path: Path):
    team = seed_team(server.database_url, therapists=2)
    me, colleague = team.therapists
    laptop = Laptop.sign_in(tmp_path, name="a", url=server.base_url, username=me.username,
                            password=me.password)  # fmt: skip
    laptops.append(laptop)
    other = ApiClient(server.base_url).login(colleague.username, colleague.password)
    child = str(uuid.uuid4())
    other.push([other.op("child", child_fields(team.team_id), record_id=child)])
    return team, laptop, other, child


def _view(laptop: Laptop, *, child_id: str, at: datetime, actor: str) -> None:
    with laptop.store.transaction() as session:
        event = record_access(
            session, actor_id=actor, action=AuditAction.VIEW, entity="child",
            record_id=child_id, child_id=child_id, detail="opened",
        )  # fmt: skip
        session.flush()
        event.at = at


def _waiting(laptop: Laptop) -> int:
    with laptop.store.read_session() as session:
        return int(session.scalar(select(func.count()).where(AuditEvent.uploaded_at.is_(None))))


def test_a_laptop_whose_clock_said_1970_syncs_and_its_events_are_kept(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, laptop, other, child = _setup(server, laptops, tmp_path)
    try:
        assert laptop.sync().exit_code == 0
        _view(laptop, child_id=child, at=datetime(1970, 1, 1, tzinfo=UTC),
              actor=team.therapists[0].user_id)  # fmt: skip
        note = str(uuid.uuid4())
        other.push([other.op("session_note", note_fields(child, team.therapists[1].user_id),
                             record_id=note)])  # fmt: skip
        report = laptop.sync()
    finally:
        other.close()
    assert report.exit_code == 0, report
    assert report.audit_uploaded == 1 and _waiting(laptop) == 0
    with laptop.store.read_session() as session:
        assert session.get(SessionNote, note) is not None


def test_a_refused_audit_upload_never_blocks_the_pull(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team, laptop, other, child = _setup(server, laptops, tmp_path)
    elsewhere = seed_team(server.database_url, therapists=1)
    outsider = ApiClient(server.base_url).login(
        elsewhere.therapists[0].username, elsewhere.therapists[0].password
    )
    their_child = str(uuid.uuid4())
    try:
        outsider.push([outsider.op("child", child_fields(elsewhere.team_id),
                                   record_id=their_child)])  # fmt: skip
        # An event naming another team's child: the server refuses the whole upload (403).
        _view(laptop, child_id=their_child, at=datetime(2026, 11, 24, tzinfo=UTC),
              actor=team.therapists[0].user_id)  # fmt: skip
        note = str(uuid.uuid4())
        other.push([other.op("session_note", note_fields(child, team.therapists[1].user_id),
                             record_id=note)])  # fmt: skip
        report = laptop.sync()
    finally:
        other.close()
        outsider.close()
    assert report.failure == "", report
    assert "caseload" in report.audit_problem
    assert _waiting(laptop) == 1  # kept, sent again next time
    with laptop.store.read_session() as session:
        assert session.get(SessionNote, note) is not None  # the pull ran

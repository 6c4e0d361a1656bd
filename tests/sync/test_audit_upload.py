"""A laptop's audit trail reaches the server's append-only log, once, and its team lead sees it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from otvisit.models import AuditEvent, Child
from otvisit.models.vocabulary import AuditAction
from otvisit.services.audit import record_access
from otvisit.sync import protocol
from tests.support.api import ApiClient
from tests.support.server_process import ServerProcess, seed_team
from tests.sync.laptop import Laptop


def test_views_and_changes_on_the_laptop_reach_the_child_s_audit_trail(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = seed_team(server.database_url, therapists=1, leads=1)
    therapist, lead = team.therapists[0], team.leads[0]
    laptop = Laptop.sign_in(
        tmp_path, name="a", url=server.base_url, username=therapist.username,
        password=therapist.password,
    )  # fmt: skip
    laptops.append(laptop)
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team.team_id,
            given_name="Amira",
            family_name="Haddad",
            date_of_birth=date(2020, 6, 3),
            nhs_number="9434765919",
        )
        session.add(child)
        session.flush()
        record_access(
            session,
            actor_id=therapist.user_id,
            action=AuditAction.VIEW,
            entity="child",
            record_id=child.id,
            child_id=child.id,
            detail="opened the record at school",
        )

    first = laptop.sync()
    again = laptop.sync()

    assert first.exit_code == 0 and first.audit_uploaded == 1
    assert again.audit_uploaded == 0  # already held by the server: nothing sent twice
    with laptop.store.read_session() as session:
        waiting = select(func.count()).where(AuditEvent.uploaded_at.is_(None))
        assert session.scalar(waiting) == 0
    client = ApiClient(server.base_url).login(lead.username, lead.password)
    try:
        answer = client.get(protocol.AUDIT_CHILD_PATH.format(child_id=child.id))
    finally:
        client.close()
    assert answer.status_code == 200, answer.text
    device_events = [e for e in answer.json()["events"] if e["origin"] == "device"]
    assert [(e["action"], e["detail"]) for e in device_events] == [
        ("view", "opened the record at school")
    ]

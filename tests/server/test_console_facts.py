"""The console's fact tables follow the records: backfilled by the migration, then kept on write."""

from __future__ import annotations

import json
import uuid

from alembic import command
from sqlalchemy import insert, select

from otvisit.models.base import utcnow
from otvisit.sync.server import admin
from otvisit.sync.server.database import Database, SequenceLock, alembic_config
from otvisit.sync.server.schema import Record
from otvisit.sync.server.team_views.facts import ChildFact, GasRatingFact
from otvisit.sync.server.team_views.routes import CASELOAD_PATH
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import ServerProcess, seed_team


def test_the_migration_gives_records_already_there_their_facts(server_database_url: str) -> None:
    database = Database(server_database_url)
    try:
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")  # a server of before the console
        child, rating = str(uuid.uuid4()), str(uuid.uuid4())
        team = str(uuid.uuid4())
        now = utcnow()
        with database.write() as session:
            lock = SequenceLock(session)
            for rid, entity, fields in (
                (child, "child", child_fields(team, given_name="Mia", family_name="Lund")),
                (rating, "gas_rating", {"child_id": child, "goal_id": str(uuid.uuid4()),
                                        "rated_on": "2026-10-01", "level": 1}),
            ):  # fmt: skip
                seq = lock.next()
                session.execute(insert(Record).values(
                    id=rid, entity=entity, team_id=team, child_id=child, fields=json.dumps(fields),
                    field_seq="{}", seq=seq, deleted=False, created_at=now, updated_at=now,
                ))  # fmt: skip
            lock.save()
        database.migrate()
        with database.read() as session:
            name = session.execute(select(ChildFact.display_name).where(ChildFact.id == child))
            assert name.scalar_one() == "Mia Lund"
            level = session.execute(select(GasRatingFact.level).where(GasRatingFact.id == rating))
            assert level.scalar_one() == 1
    finally:
        database.dispose()


def test_a_child_moved_to_another_team_and_a_deleted_child_leave_the_caseload(
    live_server: ServerProcess,
) -> None:
    old, new = (
        seed_team(live_server.database_url, leads=1),
        seed_team(live_server.database_url, leads=1),
    )
    device = ApiClient(live_server.base_url).login(
        old.therapists[0].username, old.therapists[0].password
    )
    old_lead = ApiClient(live_server.base_url).login(old.leads[0].username, old.leads[0].password)
    new_lead = ApiClient(live_server.base_url).login(new.leads[0].username, new.leads[0].password)
    try:
        moving, leaving = str(uuid.uuid4()), str(uuid.uuid4())
        for rid, name in ((moving, "Moves"), (leaving, "Leaves")):
            device.push(
                [device.op("child", child_fields(old.team_id, given_name=name), record_id=rid)]
            )
        assert {c["child_id"] for c in old_lead.get(CASELOAD_PATH).json()["children"]} == {
            moving,
            leaving,
        }
        database = Database(live_server.database_url)
        try:
            with database.write() as session:
                admin.assign_child(session, child_id=moving, team_id=new.team_id)
        finally:
            database.dispose()
        device.push([device.op("child", {}, record_id=leaving, kind="delete")])
        assert old_lead.get(CASELOAD_PATH).json()["children"] == []
        moved = new_lead.get(CASELOAD_PATH).json()["children"]
        assert [(c["child_id"], c["therapist_name"]) for c in moved] == [(moving, "Unallocated")]
    finally:
        for client in (device, old_lead, new_lead):
            client.close()

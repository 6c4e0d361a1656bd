"""Property: random offline edits on three laptops, synced in random order through random faults,
always end identical on every laptop and on the server, each operation applied exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from otvisit.models import Child, Goal, SessionNote
from otvisit.models.vocabulary import Place
from otvisit.sync.client import list_conflicts, resolve_conflict, sync_status
from otvisit.sync.server.schema import OpResult, Record
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.proxy import FaultProxy
from tests.sync.server_harness import create_team, server_database

DEVICES = 3
#: (model, field, values to choose from): structured fields merge, note text conflicts.
FIELDS: list[tuple[type[Any], str, list[Any]]] = [
    (Child, "postcode", ["N1 9GU", "E2 8AA", "SE1 7EH"]),
    (Child, "interpreter_needed", [True, False]),
    (Child, "gp_name", ["Dr Rahman", "Dr Osei"]),
    (SessionNote, "body", ["Buttons.", "Zips.", "Laces."]),
    (SessionNote, "plan", ["Review in May.", "Call school."]),
    (SessionNote, "interpreter_language", ["so", "pl", ""]),
]

edit = st.tuples(
    st.just("edit"),
    st.integers(0, DEVICES - 1),
    st.integers(0, len(FIELDS) - 1),
    st.integers(0, 2),
)
new_goal = st.tuples(st.just("goal"), st.integers(0, DEVICES - 1), st.just(0), st.just(0))
delete_note = st.tuples(st.just("delete"), st.integers(0, DEVICES - 1), st.just(0), st.just(0))
#: Faults: 0 none, 1 the push answer is lost once, 2 a pull answer is lost once, 3 offline mid-sync.
sync = st.tuples(st.just("sync"), st.integers(0, DEVICES - 1), st.integers(0, 3), st.just(0))
steps = st.lists(st.one_of(edit, edit, new_goal, delete_note, sync, sync), min_size=3, max_size=14)


@pytest.fixture(scope="module")
def proxies(server: ServerProcess) -> Iterator[list[FaultProxy]]:
    made = [FaultProxy(upstream_port=server.port).start() for _ in range(DEVICES)]
    yield made
    for proxy in made:
        proxy.stop()


def _sync(laptop: Laptop, proxy: FaultProxy, fault: int) -> None:
    proxy.drop_rules.clear()
    if fault == 1:
        proxy.drop_next("POST", "/api/v1/push")
    elif fault == 2:
        proxy.drop_next("GET", "/api/v1/pull")
    elif fault == 3:
        proxy.drop_rules.append(lambda method, path: method == "GET")  # offline after the push
    laptop.sync(attempts=2 if fault == 3 else 3)
    proxy.drop_rules.clear()


def _edit(laptop: Laptop, ids: dict[type[Any], str], field: int, value: int) -> None:
    model, name, values = FIELDS[field]
    with laptop.store.transaction() as session:
        record = session.get(model, ids[model])
        assert record is not None
        if not record.deleted:  # the app offers no editing of a deleted record
            setattr(record, name, values[value % len(values)])


def _delete_note(laptop: Laptop, note_id: str) -> None:
    with laptop.store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        note.deleted = True


def _add_goal(laptop: Laptop, child_id: str, made: list[str]) -> None:
    with laptop.store.transaction() as session:
        goal = Goal(child_id=child_id, wording=f"Goal {len(made)}", set_on=date(2026, 11, 24))
        session.add(goal)
    made.append(goal.id)


def _settle(laptops: list[Laptop]) -> None:
    """Everyone resolves what they were shown (keeping their own text) and syncs, until a round
    in which nobody had anything to send: then everyone has pulled everything."""
    for _ in range(5):
        quiet = True
        for laptop in laptops:
            with laptop.store.transaction() as session:
                for conflict in list_conflicts(session):
                    resolve_conflict(session, conflict_id=conflict.id, choice="mine")
            report = laptop.sync()
            assert report.failure == ""
            quiet = quiet and report.pushed == 0
        if quiet:
            return
    raise AssertionError("the laptops kept sending changes: no convergence")


def _ops_made(laptop: Laptop) -> int:
    with laptop.store.engine.connect() as connection:
        found = connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox_op'")
        ).scalar()
    return int(found or 0)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_random_edits_syncs_and_faults_converge_with_every_op_applied_once(
    server: ServerProcess,
    proxies: list[FaultProxy],
    tmp_path_factory: pytest.TempPathFactory,
    plan: list[tuple[str, int, int, int]],
) -> None:
    team = create_team(server, therapists=DEVICES)
    folder = tmp_path_factory.mktemp("laptops")
    laptops: list[Laptop] = []
    try:
        for n in range(DEVICES):
            sign_in(laptops, folder, name=f"l{n}", url=proxies[n].url, team=team, number=n)
        first = laptops[0]
        with first.store.transaction() as session:
            child = Child(
                team_id=team.team_id,
                given_name="Sam",
                family_name="Okafor",
                date_of_birth=date(2019, 3, 1),
                nhs_number="9434765919",
            )
            session.add(child)
            session.flush()
            note = SessionNote(
                child_id=child.id,
                author_id=first.user_id,
                seen_on=date(2026, 11, 20),
                place=Place.SCHOOL,
                body="Start.",
            )
            session.add(note)
        for laptop in laptops:
            laptop.sync()
        ids: dict[type[Any], str] = {Child: child.id, SessionNote: note.id}
        goals: list[str] = []
        for action, device, a, b in plan:
            laptop = laptops[device]
            if action == "edit":
                _edit(laptop, ids, a, b)
            elif action == "delete":
                _delete_note(laptop, note.id)
            elif action == "goal":
                _add_goal(laptop, child.id, goals)
            else:
                _sync(laptop, proxies[device], a)
        _settle(laptops)

        snapshots = [laptop.snapshot() for laptop in laptops]
        assert snapshots[1] == snapshots[0] and snapshots[2] == snapshots[0]
        db = server_database(server)
        try:
            with db.read() as s:
                rows = s.execute(
                    select(Record.entity, Record.id, Record.deleted, Record.fields).where(
                        Record.team_id == team.team_id
                    )
                ).all()
                on_server = {(e, i): (d, json.loads(f)) for e, i, d, f in rows}
                for laptop in laptops:
                    with laptop.store.read_session() as session:
                        assert sync_status(session).pending_ops == 0
                        assert sync_status(session).rejected_ops == 0
                        device_id = session.execute(
                            text("SELECT value FROM sync_setting WHERE key = 'device_id'")
                        ).scalar()
                    answered = s.scalars(
                        select(OpResult.op_seq).where(OpResult.device_id == device_id)
                    ).all()
                    # Every operation the laptop made was processed by the server exactly once.
                    assert sorted(answered) == list(range(1, _ops_made(laptop) + 1))
        finally:
            db.dispose()
        for key, (deleted, fields) in snapshots[0].items():
            assert on_server[key][0] == deleted
            assert {k: v for k, v in on_server[key][1].items() if k in fields} == fields
        assert sum(1 for (entity, _) in snapshots[0] if entity == "goal") == len(goals)
    finally:
        for laptop in laptops:
            laptop.close()

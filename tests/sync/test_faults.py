"""Faults on the way: answers lost after the server committed, the server killed mid-pull."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from otvisit.models import Child, GasRating, Goal
from otvisit.sync.client import settings
from otvisit.sync.server.database import current_sequence
from otvisit.sync.server.schema import OpResult, Record
from tests.support.server_process import ServerProcess, free_port, sqlite_url
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.proxy import FaultProxy
from tests.sync.server_harness import create_team, server_database


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[FaultProxy]:
    running = FaultProxy(upstream_port=server.port).start()
    yield running
    running.stop()


def _child(laptop: Laptop, team_id: str) -> str:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id,
            given_name="Ana",
            family_name="Lee",
            date_of_birth=date(2020, 5, 6),
            nhs_number="9434765919",
        )
        session.add(child)
    return child.id


def test_a_push_whose_answer_is_lost_is_retried_without_duplicates(
    server: ServerProcess, proxy: FaultProxy, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=proxy.url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    child_id = _child(a, team.team_id)
    with a.store.transaction() as session:
        goal = Goal(
            child_id=child_id, wording="Ana will cut along a line", set_on=date(2026, 11, 2)
        )
        session.add(goal)
        session.flush()
        session.add(
            GasRating(child_id=child_id, goal_id=goal.id, rated_on=date(2026, 11, 2), level=-1)
        )
    db = server_database(server)
    with db.read() as s:
        seq_before = current_sequence(s)
    proxy.drop_next("POST", "/api/v1/push")
    report = a.sync()
    assert proxy.dropped == ["POST /api/v1/push"]
    assert [r for r in proxy.requests if "/push" in r] == ["POST /api/v1/push"] * 2
    assert len(a.sleeps) == 1  # one backoff before the retry
    assert report.exit_code == 0 and report.pushed == 3 and a.outbox() == []
    with db.read() as s:
        # Three records, three sequence numbers: the retry applied nothing again.
        assert current_sequence(s) == seq_before + 3
        answers = select(func.count()).where(OpResult.device_id == _device(a))
        assert s.scalar(answers) == 3
        stored = select(func.count()).where(Record.child_id == child_id)
        assert s.scalar(stored) == 3
    db.dispose()
    b.sync()
    with b.store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(GasRating)) == 1


def _device(laptop: Laptop) -> str:
    with laptop.store.read_session() as session:
        return settings.get_setting(session, settings.DEVICE_ID)


def test_a_pull_cut_by_a_server_crash_resumes_after_the_last_applied_batch(
    laptops: list[Laptop], tmp_path: Path
) -> None:
    database_url = sqlite_url(tmp_path)
    servers = [ServerProcess(database_url).start()]
    proxy = FaultProxy(upstream_port=servers[0].port).start()
    try:
        _crash_and_resume(servers, proxy, laptops, tmp_path)
    finally:
        proxy.stop()
        for server in servers:
            server.stop()


def _crash_and_resume(
    servers: list[ServerProcess], proxy: FaultProxy, laptops: list[Laptop], tmp_path: Path
) -> None:
    first = servers[0]
    team = create_team(first)
    a = sign_in(laptops, tmp_path, name="a", url=proxy.url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=proxy.url, team=team, number=1)
    with a.store.transaction() as session:
        for n in range(30):
            session.add(
                Child(
                    team_id=team.team_id,
                    given_name=f"Child {n}",
                    family_name="Test",
                    date_of_birth=date(2019, 1, 1),
                    nhs_number="9434765919",
                )
            )
    assert a.sync().exit_code == 0

    def crash_after_first_pull(request_line: str) -> None:
        if request_line.startswith("GET /api/v1/pull"):
            proxy.after_answer = None
            proxy.upstream_port = free_port()  # nothing listens there: the server is gone
            first.stop()

    proxy.after_answer = crash_after_first_pull
    report = b.sync(pull_limit=10)
    assert report.failure == "offline" and report.exit_code == 3
    assert report.pull_batches == 1
    with b.store.read_session() as session:
        cursor = settings.pull_cursor(session)
        held = session.scalar(select(func.count()).select_from(Child))
    assert cursor > 0 and held is not None and 0 < held < 30
    pulls_before = len([r for r in proxy.requests if "/pull" in r])

    restarted = ServerProcess(first.database_url).start()  # same database, new process
    servers.append(restarted)
    proxy.upstream_port = restarted.port
    report = b.sync(pull_limit=10)
    assert report.exit_code == 0
    resumed = [r for r in proxy.requests if "/pull" in r][pulls_before:]
    assert resumed[0].startswith(f"GET /api/v1/pull?cursor={cursor}&")  # batch 1 not fetched again
    with b.store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 30
    a.sync()
    assert a.snapshot() == b.snapshot()

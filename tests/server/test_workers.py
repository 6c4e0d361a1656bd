"""``serve --workers N``: migrated once before the workers start, and every worker serves."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from otvisit.sync import protocol
from tests.support.api import ApiClient, child_fields
from tests.support.server_fixtures import BACKENDS, require_postgres
from tests.support.server_process import (
    ServerProcess,
    fresh_postgres_schema,
    seed_team,
    sqlite_url,
)


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "postgresql":
        require_postgres()
        with fresh_postgres_schema() as url:
            yield url
    else:
        yield sqlite_url(tmp_path)


def test_several_workers_on_a_fresh_database(fresh_url) -> None:
    with ServerProcess(fresh_url, serve_args=["--workers", "2"]) as server:
        team = seed_team(fresh_url, therapists=2)
        devices = [
            ApiClient(server.base_url).login(a.username, a.password) for a in team.therapists
        ]
        try:
            child = str(uuid.uuid4())
            devices[0].push([devices[0].op("child", child_fields(team.team_id), record_id=child)])
            # Many connections, spread by the kernel over both workers: all see the same data.
            for _ in range(10):
                fresh = ApiClient(server.base_url)
                fresh.token = devices[1].token
                try:
                    assert child in {r["record_id"] for r in fresh.pull()["records"]}
                    assert fresh.get(protocol.ME_PATH).status_code == 200
                finally:
                    fresh.close()
        finally:
            for device in devices:
                device.close()

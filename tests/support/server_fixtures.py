"""Pytest fixtures around real server processes; load with ``pytest_plugins`` or import them.

- ``server_database_url`` (module, parametrised SQLite / PostgreSQL): a fresh database.
  PostgreSQL gets a new schema in the ``test`` database, dropped afterwards; when it is
  unreachable the test is skipped with the reason, except under ``CI=true`` where it fails.
- ``live_server`` (module): ``otvisit-server serve`` on that database.
- ``team`` (function): a fresh team with two therapists on ``live_server``; tests stay
  independent by working in their own team.
- ``running_server`` (function): a server of its own on a fresh SQLite file, seeded with a
  team and two therapists; ``.base_url``, ``.team``, ``.team.therapists[i].username/.password``.
- ``devices``: makes ``ApiClient`` devices and closes them at the end of the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.api import ApiClient
from tests.support.server_process import (
    Account,
    SeededTeam,
    ServerProcess,
    fresh_postgres_schema,
    postgres_problem,
    seed_team,
    sqlite_url,
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def require_postgres() -> None:
    """Skip (or, under CI=true, fail) when PostgreSQL is not there."""
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (CI=true: PostgreSQL tests must run)")
    pytest.skip(problem)


@pytest.fixture(scope="module", params=BACKENDS)
def server_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "postgresql":
        require_postgres()
        with fresh_postgres_schema() as url:
            yield url
    else:
        yield sqlite_url(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def live_server(server_database_url: str) -> Iterator[ServerProcess]:
    with ServerProcess(server_database_url) as server:
        yield server


@pytest.fixture
def team(live_server: ServerProcess) -> SeededTeam:
    return seed_team(live_server.database_url)


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    database_url: str
    team: SeededTeam
    process: ServerProcess

    @property
    def therapists(self) -> list[Account]:
        return self.team.therapists


@pytest.fixture
def running_server(tmp_path: Path) -> Iterator[RunningServer]:
    url = sqlite_url(tmp_path)
    with ServerProcess(url) as server:
        yield RunningServer(server.base_url, url, seed_team(url), server)


DeviceFactory = Callable[..., ApiClient]


@pytest.fixture
def devices(request: pytest.FixtureRequest) -> Iterator[DeviceFactory]:
    """``devices(base_url, account)`` → a signed-in ApiClient; ``account=None`` for none."""
    made: list[ApiClient] = []

    def make(base_url: str, account: Account | None = None, **kwargs: object) -> ApiClient:
        client = ApiClient(base_url, **kwargs)  # type: ignore[arg-type]
        made.append(client)
        if account is not None:
            client.login(account.username, account.password)
        return client

    yield make
    for client in made:
        client.close()

"""Sync test fixtures (the in-memory keyring comes from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from otvisit.sync.server import auth
from tests.support.blob_servers import blob_server  # noqa: F401  (fixture)
from tests.support.server_process import ServerProcess, sqlite_url
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """Accounts made by the tests get cheap argon2 hashes (the server verifies with the hash's
    own parameters), so the many sign-ins of these tests take milliseconds, not a second."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server process shared by the tests of this folder; each test makes its own team."""
    folder: Path = tmp_path_factory.mktemp("server")
    process = ServerProcess(sqlite_url(folder)).start()
    yield process
    process.stop()


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[list[Laptop]]:
    """Laptops made by a test, closed at its end."""
    made: list[Laptop] = []
    yield made
    for laptop in made:
        laptop.close()


def sign_in(
    made: list[Laptop], tmp_path: Path, *, name: str, url: str, team: TeamAccounts, number: int
) -> Laptop:
    username = team.usernames[number]
    password = team.passwords[username]
    laptop = Laptop.sign_in(tmp_path, name=name, url=url, username=username, password=password)
    made.append(laptop)
    return laptop

"""A real ``otvisit-server serve`` process on a free loopback port, on a fresh database.

Usable from any test (the sync client's end-to-end tests too)::

    from tests.support.server_process import ServerProcess, seed_team, sqlite_url

    url = sqlite_url(tmp_path)
    with ServerProcess(url) as server:          # migrates, serves, waits until ready
        team = seed_team(url, therapists=2)     # accounts written straight to its database
        server.base_url, team.therapists[0].username, team.therapists[0].password

PostgreSQL: ``with fresh_postgres_schema() as url: ...`` gives a URL whose
``search_path`` is a new schema in the ``test`` database, dropped afterwards.
Fixtures built on these live in ``tests/support/server_fixtures.py``.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from otvisit.sync.server import admin
from otvisit.sync.server.database import Database

POSTGRES_BASE_URL = os.environ.get(
    "OTVISIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / f'server-{uuid.uuid4().hex[:8]}.db'}"


def postgres_problem() -> str | None:
    """Why PostgreSQL can't be used for tests (None when it can)."""
    import psycopg

    try:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3
        ):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at 127.0.0.1:5432 (database test) is not reachable: {error}"


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A database URL on a brand-new schema of the ``test`` database; dropped on exit."""
    import psycopg

    schema = f"otv_test_{uuid.uuid4().hex[:12]}"
    dsn = "host=127.0.0.1 port=5432 user=postgres dbname=test"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_BASE_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    user_id: str
    full_name: str


@dataclass(frozen=True)
class SeededTeam:
    team_id: str
    name: str
    therapists: list[Account] = field(default_factory=list)
    #: Team-lead accounts (``seed_team(..., leads=1)``).
    leads: list[Account] = field(default_factory=list)


def seed_team(
    database_url: str, *, therapists: int = 2, name: str | None = None, leads: int = 0
) -> SeededTeam:
    """A new team with therapist (and team-lead) accounts, unique names, known passwords."""
    tag = uuid.uuid4().hex[:8]
    database = Database(database_url)
    try:
        database.migrate()
        with database.write() as session:
            team_name = name or f"Team {tag}"
            team_id = admin.create_team(session, name=team_name)
            accounts = []
            for number in range(1, therapists + 1):
                username, password = f"ot{number}-{tag}", f"correct horse {number} {tag}"
                full_name = f"Therapist {number} {tag}"
                user_id = admin.create_user(
                    session,
                    team_id=team_id,
                    username=username,
                    full_name=full_name,
                    password=password,
                )
                accounts.append(Account(username, password, user_id, full_name))
            lead_accounts = []
            for number in range(1, leads + 1):
                username, password = f"lead{number}-{tag}", f"lead horse {number} {tag}"
                full_name = f"Team lead {number} {tag}"
                user_id = admin.create_user(
                    session, team_id=team_id, username=username, full_name=full_name,
                    password=password, role="team_lead",
                )  # fmt: skip
                lead_accounts.append(Account(username, password, user_id, full_name))
    finally:
        database.dispose()
    return SeededTeam(team_id, team_name, accounts, lead_accounts)


class ServerProcess:
    """``python -m otvisit.sync.server serve`` on a free port; stopped on exit.

    Its output goes to a log file whose text is included if it fails to start.
    """

    def __init__(
        self,
        database_url: str,
        *,
        env: dict[str, str] | None = None,
        tls: tuple[Path, Path] | None = None,
        serve_args: Sequence[str] = (),
    ) -> None:
        """``tls``: (certificate, key) PEM files to serve HTTPS; ``serve_args``: more flags."""
        self.database_url = database_url
        self.port = free_port()
        self.tls = tls
        self.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._serve_args = list(serve_args)
        if tls is not None:
            self._serve_args += ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
        self._env = {**os.environ, **(env or {})}
        # Closed (and deleted) in stop(), not at the end of a with block.
        self._log = tempfile.NamedTemporaryFile(prefix="otvisit-server-", suffix=".log")  # noqa: SIM115
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        command = [
            sys.executable, "-m", "otvisit.sync.server", "--database-url", self.database_url,
            "serve", "--host", "127.0.0.1", "--port", str(self.port), *self._serve_args,
        ]  # fmt: skip
        verify = self.ssl_context() if self.tls else True
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=self._env
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = self.log_text()
                self.stop()  # closes the log here, not in a later test's garbage collection
                raise RuntimeError(f"otvisit-server exited at start:\n{log}")
            try:
                answer = httpx.get(f"{self.base_url}/openapi.json", timeout=1.0, verify=verify)
                if answer.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        log = self.log_text()
        self.stop()
        raise RuntimeError(f"otvisit-server did not answer within {timeout} s:\n{log}")

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's (self-signed) certificate only."""
        assert self.tls is not None, "this server does not use TLS"
        return ssl.create_default_context(cafile=str(self.tls[0]))

    def log_text(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

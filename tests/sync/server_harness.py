"""A real ``otvisit-server serve`` process on loopback, and team accounts made on its database."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from otvisit.sync.server import admin
from otvisit.sync.server.database import Database

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_command() -> list[str]:
    script = Path(sys.executable).with_name("otvisit-server")
    if script.exists():
        return [str(script)]
    found = shutil.which("otvisit-server")
    return [found] if found else [sys.executable, "-m", "otvisit.sync.server.cli"]


@dataclass
class ServerProcess:
    """The team server as a child process; can be killed and started again on the same port."""

    database_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database_path}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        self.log_path = self.database_path.with_suffix(".log")
        command = [*_server_command(), "--database-url", self.database_url, "serve"]
        command += ["--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ)
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                httpx.get(self.url + "/api/v1/me", timeout=1.0)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in 30 s")

    def kill(self) -> None:
        """Stop it hard, as a crash or a pulled plug would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def database(self) -> Database:
        """A connection to the server's database for admin actions and checks (the test's own)."""
        return Database(self.database_url)


_numbers = itertools.count(1)


@dataclass(frozen=True)
class TeamAccounts:
    """A fresh team on the server with some therapists, all with PASSWORD."""

    team_id: str
    usernames: tuple[str, ...]


def create_team(server: ServerProcess, *, therapists: int = 2) -> TeamAccounts:
    suffix = f"{next(_numbers)}-{uuid.uuid4().hex[:6]}"
    db = server.database()
    try:
        with db.write() as session:
            team_id = admin.create_team(session, name=f"Team {suffix}")
            names = []
            for n in range(therapists):
                username = f"ot{n}-{suffix}"
                admin.create_user(
                    session,
                    team_id=team_id,
                    username=username,
                    full_name=f"Therapist {n} {suffix}",
                    password=PASSWORD,
                )
                names.append(username)
    finally:
        db.dispose()
    return TeamAccounts(team_id=team_id, usernames=tuple(names))

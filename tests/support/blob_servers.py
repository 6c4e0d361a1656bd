"""Server processes for the attachment tests, one per blob store, and a look into their storage.

``blob_server`` (module scope) is parametrised: the filesystem store (SQLite
database), the database store on SQLite, and the database store on PostgreSQL.
Each runs with small limits (3 MiB per file, 8 MiB per team) so the refusals
can be reached; every test works in a team of its own.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from otvisit.models.base import utcnow
from otvisit.sync.client.blob_http import BlobClient
from otvisit.sync.server import auth
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import BlobChunk, BlobUpload, StoredBlob
from tests.support.api import ApiClient
from tests.support.server_fixtures import require_postgres
from tests.support.server_process import (
    SeededTeam,
    ServerProcess,
    fresh_postgres_schema,
    seed_team,
    sqlite_url,
)

MAX_FILE = 3 * 1024 * 1024
TEAM_QUOTA = 8 * 1024 * 1024

STORES = [
    pytest.param(("filesystem", "sqlite"), id="filesystem"),
    pytest.param(("database", "sqlite"), id="database-sqlite"),
    pytest.param(("database", "postgresql"), id="database-postgresql", marks=pytest.mark.postgres),
]


@dataclass
class BlobServer:
    process: ServerProcess
    store: str
    blob_dir: Path
    #: Devices made by the tests, closed when the server stops.
    devices: list[BlobClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.process.base_url

    def team(self) -> SeededTeam:
        return seed_team(self.process.database_url, therapists=2)

    def device(self, team: SeededTeam, number: int = 0, *, url: str | None = None) -> BlobClient:
        account = team.therapists[number]
        api = ApiClient(self.url).login(account.username, account.password)
        api.close()
        assert api.token is not None
        client = BlobClient(url or self.url, api.token)
        self.devices.append(client)
        return client

    def close_devices(self) -> None:
        for client in self.devices:
            client.close()
        self.devices.clear()

    def held(self, team_id: str) -> dict[str, int]:
        """Bytes kept per stored sha256 of a team, every copy counted."""
        if self.store == "filesystem":
            team = self.blob_dir / team_id
            found: dict[str, int] = {}
            for path in team.glob("??/*") if team.is_dir() else ():
                found[path.name] = found.get(path.name, 0) + path.stat().st_size
            return found
        database = Database(self.process.database_url)
        try:
            with database.read() as session:
                stored = set(
                    session.execute(
                        select(StoredBlob.sha256).where(StoredBlob.team_id == team_id)
                    ).scalars()
                )
                rows = session.execute(
                    select(BlobChunk.sha256, func.sum(func.length(BlobChunk.data)))
                    .where(BlobChunk.team_id == team_id)
                    .group_by(BlobChunk.sha256)
                ).all()
        finally:
            database.dispose()
        return {sha: int(size) for sha, size in rows if sha in stored}

    def age_upload(self, team_id: str, sha256: str, *, days: float) -> None:
        """Make an upload in progress look as if it had started ``days`` ago."""
        started = utcnow() - timedelta(days=days)
        if self.store == "filesystem":
            size_file = self.blob_dir / team_id / "uploads" / f"{sha256}.size"
            os.utime(size_file, (started.timestamp(), started.timestamp()))
            return
        database = Database(self.process.database_url)
        try:
            with database.write() as session:
                session.execute(
                    update(BlobUpload)
                    .where(BlobUpload.team_id == team_id, BlobUpload.sha256 == sha256)
                    .values(started_at=started)
                )
        finally:
            database.dispose()

    def damage(self, team_id: str, sha256: str) -> None:
        """Flip one byte of a stored file where the store keeps it (a failing disk)."""
        if self.store == "filesystem":
            path = self.blob_dir / team_id / sha256[:2] / sha256
            held = bytearray(path.read_bytes())
            held[len(held) // 2] ^= 0xFF
            path.write_bytes(bytes(held))
            return
        database = Database(self.process.database_url)
        where = (BlobChunk.team_id == team_id, BlobChunk.sha256 == sha256)
        try:
            with database.write() as session:
                offset, data = session.execute(
                    select(BlobChunk.offset, BlobChunk.data).where(*where).limit(1)
                ).one()
                damaged = bytearray(data)
                damaged[len(damaged) // 2] ^= 0xFF
                session.execute(
                    update(BlobChunk)
                    .where(*where, BlobChunk.offset == offset)
                    .values(data=bytes(damaged))
                )
        finally:
            database.dispose()

    def unfinished(self, team_id: str) -> list[str]:
        """Uploads of a team in progress, or bytes kept for none (partial leftovers)."""
        if self.store == "filesystem":
            uploads = self.blob_dir / team_id / "uploads"
            return (
                sorted(p.name for p in uploads.glob("*") if p.name != ".lock")
                if (uploads.is_dir())
                else []
            )
        database = Database(self.process.database_url)
        try:
            with database.read() as session:
                uploads = list(
                    session.execute(
                        select(BlobUpload.sha256).where(BlobUpload.team_id == team_id)
                    ).scalars()
                )
                stored = select(StoredBlob.sha256).where(StoredBlob.team_id == team_id)
                orphans = list(
                    session.execute(
                        select(BlobChunk.sha256)
                        .where(BlobChunk.team_id == team_id)
                        .where(BlobChunk.sha256.not_in(stored))
                        .where(BlobChunk.sha256.not_in(uploads or [""]))
                    ).scalars()
                )
        finally:
            database.dispose()
        return sorted(uploads + orphans)


@pytest.fixture(scope="module", params=STORES)
def blob_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlobServer]:
    store, backend = request.param
    with pytest.MonkeyPatch.context() as patch:
        # Cheap argon2 hashes for the accounts seeded here (the server checks with their own).
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield from _serve(store, backend, tmp_path_factory)


def _serve(
    store: str, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlobServer]:
    folder = tmp_path_factory.mktemp("blobs")
    env = {
        "OTVISIT_SERVER_BLOB_STORE": store,
        "OTVISIT_SERVER_BLOB_DIR": str(folder / "blobs"),
        "OTVISIT_SERVER_MAX_ATTACHMENT_BYTES": str(MAX_FILE),
        "OTVISIT_SERVER_TEAM_ATTACHMENT_QUOTA_BYTES": str(TEAM_QUOTA),
    }
    if backend == "postgresql":
        require_postgres()
        with fresh_postgres_schema() as url, ServerProcess(url, env=env) as server:
            running = BlobServer(server, store, folder / "blobs")
            yield running
            running.close_devices()
    else:
        with ServerProcess(sqlite_url(folder), env=env) as server:
            running = BlobServer(server, store, folder / "blobs")
            yield running
            running.close_devices()


def photo(seed: int, size: int = 300 * 1024) -> bytes:
    """Bytes that stand for a photo: different for each seed, the same for the same seed."""
    return random.Random(seed).randbytes(size)

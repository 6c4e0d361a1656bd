"""Attachments after the records: a team's 50,000 records, then 1,000 photos of 300 KB fetched
from a real server process on loopback, against the loopback bandwidth measured in the same run
(one large attachment streamed from the same server); both blob stores. The photos are kept as
the app keeps them: each in a sealed file (AES-256-GCM) beside the laptop's encrypted store."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import httpx  # noqa: E402
import keyring  # noqa: E402
from bench_sync import _laptop, _seed  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from table import Row, format_table  # noqa: E402

from otvisit.models.base import utcnow  # noqa: E402
from otvisit.models.store import Store  # noqa: E402
from otvisit.sync.blob_protocol import BLOB_PATH  # noqa: E402
from otvisit.sync.client import HttpTransport, sync_once  # noqa: E402
from otvisit.sync.client.access import forget_attachment_bytes  # noqa: E402
from otvisit.sync.client.attachments import LaptopBlobs  # noqa: E402
from otvisit.sync.client.blob_http import BlobClient  # noqa: E402
from otvisit.sync.client.blobs import FETCH_GROUP, transfer_blobs  # noqa: E402
from otvisit.sync.client.credentials import load_credentials  # noqa: E402
from otvisit.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION  # noqa: E402
from otvisit.sync.server.blobs import open_blob_store  # noqa: E402
from otvisit.sync.server.blobs.store import BlobStore  # noqa: E402
from otvisit.sync.server.config import ServerSettings  # noqa: E402
from otvisit.sync.server.database import Database, SequenceLock  # noqa: E402
from otvisit.sync.server.schema import Record  # noqa: E402
from tests.fakes import MemoryKeyring  # noqa: E402
from tests.support.server_process import ServerProcess, seed_team, sqlite_url  # noqa: E402

PHOTOS = 1000
PHOTO_BYTES = 300 * 1024
LARGE_BYTES = 24 * 1024 * 1024
WORKERS = 3
#: Each rate is the best of this many runs, the loopback figure too.
TRIES = 3


def _put(store: BlobStore, team_id: str, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    store.begin(team_id, sha, byte_size=len(data), quota=2**62)
    for at in range(0, len(data), 4 * 1024 * 1024):
        store.put_chunk(team_id, sha, offset=at, data=data[at : at + 4 * 1024 * 1024])
    store.commit(team_id, sha)
    return sha


def _seed_blobs(settings: ServerSettings, team_id: str) -> tuple[list[str], str]:
    """The team's photos and one large file, straight into the server's store (not timed)."""
    database = Database(settings.database_url)
    try:
        store = open_blob_store(settings, database)
        shapes = random.Random(16)
        photos = [_put(store, team_id, shapes.randbytes(PHOTO_BYTES)) for _ in range(PHOTOS)]
        large = _put(store, team_id, os.urandom(LARGE_BYTES))
    finally:
        database.dispose()
    return photos, large


def _seed_attachments(url: str, team_id: str, author: str, photos: list[str]) -> None:
    """One attachment record per photo (the first taken longest ago), so the pull brings them and
    the laptop wants their bytes newest first."""
    database = Database(url)
    now = utcnow()
    try:
        with database.write() as session:
            children = list(
                session.scalars(
                    select(Record.id).where(Record.team_id == team_id, Record.entity == "child")
                )
            )
            lock = SequenceLock(session)
            rows: list[dict[str, object]] = []
            for n, sha in enumerate(photos):
                seq = lock.next()
                child = children[n % len(children)]
                fields: dict[str, object] = {
                    "child_id": child,
                    "subject_kind": "child",
                    "subject_id": child,
                    "sha256": sha,
                    "media_type": "image/jpeg",
                    "byte_size": PHOTO_BYTES,
                    "kind": "photo",
                    "caption": f"Photo {n}",
                    "taken_on": f"2026-{1 + n * 11 // PHOTOS:02d}-{1 + n % 28:02d}",
                    "created_by": author,
                }
                rows.append({
                    "id": str(uuid.uuid4()), "entity": "attachment", "team_id": team_id,
                    "child_id": child, "fields": json.dumps(fields),
                    "field_seq": json.dumps({k: [seq, None] for k in fields}), "seq": seq,
                    "deleted": False, "created_at": now, "updated_at": now, "updated_by": "bench",
                })  # fmt: skip
            session.execute(insert(Record), rows)
            lock.save()
    finally:
        database.dispose()


def _raw_bandwidth(base_url: str, token: str, sha: str) -> float:
    """Bytes per second of one large attachment streamed and thrown away (best of ``TRIES``)."""
    headers = {SCHEMA_HEADER: str(SCHEMA_VERSION), "Authorization": f"Bearer {token}"}
    best = 0.0
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for _ in range(TRIES):
            start = time.perf_counter()
            size = 0
            with client.stream("GET", BLOB_PATH.format(sha256=sha)) as answer:
                for piece in answer.iter_raw():
                    size += len(piece)
            best = max(best, size / (time.perf_counter() - start))
    return best


class _Discarded:
    """Wants the photos and throws them away once fetched and checked: the download path of
    ``transfer_blobs`` without the laptop's store (which waits for the disk, not the network)."""

    def __init__(self, photos: list[str]) -> None:
        self.photos = photos
        self.size = 0

    def keep_fetched(self, _session: object, blobs: list[tuple[str, bytes]]) -> None:
        # Checked against its SHA-256 by the download already (tests/sync/test_blob_transfer.py
        # shows it refuses damaged bytes): a second hash here would be counted as download time.
        self.size += sum(len(data) for _sha, data in blobs)

    def wanted_blobs(self, _session: object) -> list[str]:
        return list(reversed(self.photos))

    def unsent_blobs(self, _session: object) -> list[str]:
        return []


@contextmanager
def _no_session() -> Iterator[None]:
    yield None


def _fetched_and_checked(client: BlobClient, photos: list[str]) -> float:
    """Bytes per second of the photos through the laptop's download path (``WORKERS`` answers of
    ``FETCH_GROUP`` at once, each file's SHA-256 checked), before anything is stored; best of
    ``TRIES``, like the loopback figure it is compared with."""
    best = 0.0
    for _ in range(TRIES):
        discarded = _Discarded(photos)
        start = time.perf_counter()
        moved = transfer_blobs(_no_session, discarded, client, workers=WORKERS)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        assert sorted(moved.downloaded) == sorted(photos) and not moved.failed, moved.error
        assert discarded.size == len(photos) * PHOTO_BYTES
        best = max(best, discarded.size / elapsed)
    return best


def _downloaded_and_kept(laptop: Store, client: BlobClient) -> float:
    """Bytes per second of the photos fetched, checked and kept as the app keeps them (sealed
    files beside the encrypted store); best of ``TRIES``, each onto a laptop holding none."""
    best = 0.0
    for _ in range(TRIES):
        with laptop.transaction() as session:
            forget_attachment_bytes(session)
        with laptop.read_session() as session:
            assert len(LaptopBlobs.wanted_blobs(session)) == PHOTOS
        start = time.perf_counter()
        moved = transfer_blobs(laptop.transaction, LaptopBlobs(), client, workers=WORKERS)
        elapsed = time.perf_counter() - start
        assert len(moved.downloaded) == PHOTOS and not moved.failed, moved.error
        with laptop.read_session() as session:
            assert not LaptopBlobs.wanted_blobs(session)
        best = max(best, PHOTOS * PHOTO_BYTES / elapsed)
    return best


def _one_store(kind: str, folder: Path) -> list[Row]:
    url = sqlite_url(folder)
    env = {"OTVISIT_SERVER_BLOB_STORE": kind, "OTVISIT_SERVER_BLOB_DIR": str(folder / "blobs")}
    settings = ServerSettings(database_url=url, blob_store=kind, blob_dir=str(folder / "blobs"))
    rows: list[Row] = []
    with ServerProcess(url, env=env) as server:
        team = seed_team(url, therapists=1)
        therapist = team.therapists[0]
        _seed(url, team.team_id, therapist.user_id)
        photos, large = _seed_blobs(settings, team.team_id)
        _seed_attachments(url, team.team_id, therapist.user_id, photos)
        laptop = _laptop(folder / "laptop.db", server, therapist.username, therapist.password)
        with laptop.read_session() as session:
            credentials = load_credentials(session)
        start = time.perf_counter()
        report = sync_once(laptop, transport=HttpTransport(server.base_url))
        records_usable = time.perf_counter() - start
        assert not report.failure, report.error
        rows.append(Row(f"{kind}: records usable ({report.pulled:,}), blobs still to come",
                        records_usable, "s", target=5.0))  # fmt: skip
        raw = _raw_bandwidth(server.base_url, credentials.token, large)
        client = BlobClient(server.base_url, credentials.token)
        network = _fetched_and_checked(client, photos)
        rows.append(Row(f"{kind}: photos fetched and hash-checked / loopback", 100 * network / raw,
                        "%", target=80.0, lower_is_better=False,
                        note=f"{network / 1e6:.0f} MB/s, {FETCH_GROUP} per answer, "
                             f"{WORKERS} at once"))  # fmt: skip
        rate = _downloaded_and_kept(laptop, client)
        client.close()
        rows.append(
            Row(
                f"{kind}: {PHOTOS:,} photos of 300 KB downloaded and kept",
                PHOTOS * PHOTO_BYTES / rate,
                "s",
                note=f"{rate / 1e6:.0f} MB/s into sealed files (AES-256-GCM)",
            )
        )
        rows.append(Row(f"{kind}: loopback bandwidth (one {LARGE_BYTES >> 20} MiB file)",
                        raw / 1e6, "MB/s", lower_is_better=False))  # fmt: skip
        rows.append(Row(f"{kind}: photos downloaded and kept / loopback", 100 * rate / raw, "%",
                        target=80.0, lower_is_better=False))  # fmt: skip
        laptop.close()
    return rows


def run() -> list[Row]:
    keyring.set_keyring(MemoryKeyring())
    rows: list[Row] = []
    for kind in ("filesystem", "database"):
        folder = Path(tempfile.mkdtemp(prefix=f"otvisit-bench-blobs-{kind}-"))
        try:
            rows += _one_store(kind, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return rows


if __name__ == "__main__":
    print(format_table(run(), title="attachments after the records (loopback server, SQLite)"))

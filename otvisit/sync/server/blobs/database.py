"""Blob store in the server's database: chunks as rows, so the database dump holds the bytes.

Each upload's row is locked (PostgreSQL ``FOR UPDATE``; SQLite writes are
serialised anyway) while a chunk is added, so two laptops sending the same
photo at once never store a byte twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.server.blobs.store import (
    READ_SIZE,
    UploadState,
    appended,
    check_quota,
    fresh_bytes,
    not_started,
    refuse_incomplete,
    refuse_mismatch,
    size_differs,
)
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import BlobChunk, BlobUpload, ServerTeam, StoredBlob


class DatabaseBlobStore:
    """Blobs in the tables ``blob_upload``, ``blob_chunk`` and ``stored_blob``."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def _state(
        self, session: Session, team_id: str, sha256: str, *, lock: bool = False
    ) -> UploadState | None:
        stored = session.execute(
            select(StoredBlob.byte_size).where(
                StoredBlob.team_id == team_id, StoredBlob.sha256 == sha256
            )
        ).scalar_one_or_none()
        if stored is not None:
            return UploadState(byte_size=stored, received=stored, stored=True)
        query = select(BlobUpload.byte_size, BlobUpload.received).where(
            BlobUpload.team_id == team_id, BlobUpload.sha256 == sha256
        )
        row = session.execute(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            return None
        return UploadState(byte_size=row.byte_size, received=row.received, stored=False)

    def state(self, team_id: str, sha256: str) -> UploadState | None:
        with self.db.read() as session:
            return self._state(session, team_id, sha256)

    def exists(self, team_id: str, sha256: str) -> bool:
        found = self.state(team_id, sha256)
        return found is not None and found.stored

    def usage(self, team_id: str) -> int:
        with self.db.read() as session:
            return _usage(session, team_id)

    def begin(self, team_id: str, sha256: str, *, byte_size: int, quota: int) -> UploadState:
        with self.db.write() as session:
            # One begin per team at a time: two uploads can't both squeeze under the quota.
            session.execute(select(ServerTeam.id).where(ServerTeam.id == team_id).with_for_update())
            found = self._state(session, team_id, sha256, lock=True)
            if found is not None:
                if not found.stored and found.byte_size != byte_size:
                    raise size_differs(found.byte_size)
                return found
            check_quota(used=_usage(session, team_id), byte_size=byte_size, quota=quota)
            session.execute(
                insert(BlobUpload).values(
                    team_id=team_id,
                    sha256=sha256,
                    byte_size=byte_size,
                    received=0,
                    started_at=utcnow(),
                )
            )
            return UploadState(byte_size=byte_size, received=0, stored=False)

    def put_chunk(self, team_id: str, sha256: str, *, offset: int, data: bytes) -> UploadState:
        with self.db.write() as session:
            found, fresh = fresh_bytes(
                self._state(session, team_id, sha256, lock=True), offset=offset, data=data
            )
            if not fresh:
                return found
            session.execute(
                insert(BlobChunk).values(
                    team_id=team_id, sha256=sha256, offset=found.received, data=fresh
                )
            )
            now = appended(found, len(fresh))
            session.execute(
                update(BlobUpload)
                .where(BlobUpload.team_id == team_id, BlobUpload.sha256 == sha256)
                .values(received=now.received)
            )
            return now

    def commit(self, team_id: str, sha256: str) -> UploadState:
        with self.db.write() as session:
            found = self._state(session, team_id, sha256, lock=True)
            if found is None:
                raise not_started()
            if found.stored:
                return found
            if found.received != found.byte_size:
                raise refuse_incomplete(found)
            digest = hashlib.sha256()
            for piece in _pieces(session, team_id, sha256):
                digest.update(piece)
            if digest.hexdigest() != sha256:
                _drop(session, team_id, sha256, stored=False)
                # The refusal must not roll the drop back: it is raised after the commit.
                mismatch = True
            else:
                mismatch = False
                session.execute(
                    delete(BlobUpload).where(
                        BlobUpload.team_id == team_id, BlobUpload.sha256 == sha256
                    )
                )
                session.execute(
                    insert(StoredBlob).values(
                        team_id=team_id,
                        sha256=sha256,
                        byte_size=found.byte_size,
                        stored_at=utcnow(),
                    )
                )
        if mismatch:
            raise refuse_mismatch()
        return UploadState(byte_size=found.byte_size, received=found.byte_size, stored=True)

    def open(
        self, team_id: str, sha256: str, *, start: int = 0, end: int | None = None
    ) -> Iterator[bytes] | None:
        with self.db.read() as session:
            size = session.execute(
                select(StoredBlob.byte_size).where(
                    StoredBlob.team_id == team_id, StoredBlob.sha256 == sha256
                )
            ).scalar_one_or_none()
            if size is None:
                return None
            stop = size if end is None else min(end, size)
            offsets = list(
                session.execute(
                    select(BlobChunk.offset, func.length(BlobChunk.data))
                    .where(BlobChunk.team_id == team_id, BlobChunk.sha256 == sha256)
                    .order_by(BlobChunk.offset)
                )
            )
        wanted = [(at, length) for at, length in offsets if at + length > start and at < stop]
        return self._send(team_id, sha256, wanted, start, stop)

    def sizes(self, team_id: str, sha256s: list[str]) -> dict[str, int]:
        with self.db.read() as session:
            return dict(
                session.execute(
                    select(StoredBlob.sha256, StoredBlob.byte_size).where(
                        StoredBlob.team_id == team_id, StoredBlob.sha256.in_(sha256s)
                    )
                ).all()
            )

    def read_many(self, team_id: str, sha256s: list[str]) -> Iterator[tuple[str, bytes]]:
        # One query for the whole group's chunks, in one short read: a look-up per file cost
        # more than sending it.
        pieces: dict[str, list[bytes]] = {}
        with self.db.read() as session:
            for sha256, data in session.execute(
                select(BlobChunk.sha256, BlobChunk.data)
                .join(
                    StoredBlob,
                    (StoredBlob.team_id == BlobChunk.team_id)
                    & (StoredBlob.sha256 == BlobChunk.sha256),
                )
                .where(BlobChunk.team_id == team_id, BlobChunk.sha256.in_(sha256s))
                .order_by(BlobChunk.sha256, BlobChunk.offset)
            ):
                pieces.setdefault(sha256, []).append(data)
        for sha256 in sha256s:
            held = pieces.get(sha256)
            if held is not None:
                yield sha256, b"".join(held)

    def _send(
        self, team_id: str, sha256: str, wanted: list[tuple[int, int]], start: int, stop: int
    ) -> Iterator[bytes]:
        # One short read per chunk: a long download holds no transaction open.
        for at, _length in wanted:
            with self.db.read() as session:
                data = session.execute(
                    select(BlobChunk.data).where(
                        BlobChunk.team_id == team_id,
                        BlobChunk.sha256 == sha256,
                        BlobChunk.offset == at,
                    )
                ).scalar_one()
            piece = data[max(0, start - at) : stop - at]
            for cut in range(0, len(piece), READ_SIZE):
                yield piece[cut : cut + READ_SIZE]

    def drop_unfinished(self, *, started_before: datetime) -> int:
        with self.db.write() as session:
            stale = session.execute(
                select(BlobUpload.team_id, BlobUpload.sha256)
                .where(BlobUpload.started_at < started_before)
                .with_for_update()
            ).all()
            for team_id, sha256 in stale:
                _drop(session, team_id, sha256, stored=False)
        return len(stale)

    def delete(self, team_id: str, sha256: str) -> bool:
        with self.db.write() as session:
            found = self._state(session, team_id, sha256, lock=True)
            if found is None:
                return False
            _drop(session, team_id, sha256, stored=found.stored)
            return True


def _usage(session: Session, team_id: str) -> int:
    stored = session.execute(
        select(func.coalesce(func.sum(StoredBlob.byte_size), 0)).where(
            StoredBlob.team_id == team_id
        )
    ).scalar_one()
    pending = session.execute(
        select(func.coalesce(func.sum(BlobUpload.byte_size), 0)).where(
            BlobUpload.team_id == team_id
        )
    ).scalar_one()
    return int(stored) + int(pending)


def _pieces(session: Session, team_id: str, sha256: str) -> Iterator[bytes]:
    offsets = session.execute(
        select(BlobChunk.offset)
        .where(BlobChunk.team_id == team_id, BlobChunk.sha256 == sha256)
        .order_by(BlobChunk.offset)
    ).scalars()
    for at in list(offsets):
        yield session.execute(
            select(BlobChunk.data).where(
                BlobChunk.team_id == team_id, BlobChunk.sha256 == sha256, BlobChunk.offset == at
            )
        ).scalar_one()


def _drop(session: Session, team_id: str, sha256: str, *, stored: bool) -> None:
    where = (BlobChunk.team_id == team_id, BlobChunk.sha256 == sha256)
    session.execute(delete(BlobChunk).where(*where))
    session.execute(
        delete(BlobUpload).where(BlobUpload.team_id == team_id, BlobUpload.sha256 == sha256)
    )
    if stored:
        session.execute(
            delete(StoredBlob).where(StoredBlob.team_id == team_id, StoredBlob.sha256 == sha256)
        )

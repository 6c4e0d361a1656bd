"""A laptop's attachment bytes for tests: a real SQLite file with a table of blobs.

Stands in for ``otvisit.services.attachment_blobs`` (built apart) behind the
``BlobSource`` protocol of ``otvisit.sync.client.blobs``: ``BlobTable`` holds
bytes by SHA-256, which of them the server confirmed, and which attachments
the laptop knows of (``want``) in the order they were made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Boolean, Integer, LargeBinary, String, create_engine, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class _Base(DeclarativeBase):
    pass


class TestBlob(_Base):
    __tablename__ = "attachment_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    byte_size: Mapped[int] = mapped_column(Integer)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)


class KnownAttachment(_Base):
    """An attachment record the laptop holds (synced metadata), newest = highest ``made``."""

    __tablename__ = "known_attachment"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    made: Mapped[int] = mapped_column(Integer)


class BlobTable:
    """The ``BlobSource`` protocol on a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.engine = create_engine(f"sqlite:///{path}")
        _Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    # what the attachment service will do on import and on pull --------------------------------
    def attach(self, data: bytes) -> str:
        """A photo attached on this laptop: its bytes kept, its record known."""
        with self.transaction() as session:
            sha256 = self.store_blob(session, data)
            self.want(session, sha256)
        return sha256

    def want(self, session: Session, sha256: str) -> None:
        if session.get(KnownAttachment, sha256) is None:
            count = len(session.execute(select(KnownAttachment.sha256)).all())
            session.add(KnownAttachment(sha256=sha256, made=count + 1))

    # BlobSource -------------------------------------------------------------------------------
    def store_blob(self, session: Session, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if session.get(TestBlob, sha256) is None:
            # Bytes that came from the server are confirmed there already.
            known = session.get(KnownAttachment, sha256) is not None
            session.add(TestBlob(sha256=sha256, data=data, byte_size=len(data), sent=known))
            session.flush()
        return sha256

    def keep_fetched(self, session: Session, blobs: list[tuple[str, bytes]]) -> None:
        for sha256, data in blobs:
            if session.get(TestBlob, sha256) is None:
                session.add(TestBlob(sha256=sha256, data=data, byte_size=len(data), sent=True))
        session.flush()

    def blob_bytes(self, session: Session, sha256: str) -> bytes | None:
        found = session.get(TestBlob, sha256)
        return None if found is None else found.data

    def has_blob(self, session: Session, sha256: str) -> bool:
        return session.get(TestBlob, sha256) is not None

    def wanted_blobs(self, session: Session) -> list[str]:
        held = select(TestBlob.sha256)
        return list(
            session.execute(
                select(KnownAttachment.sha256)
                .where(KnownAttachment.sha256.not_in(held))
                .order_by(KnownAttachment.made.desc())
            ).scalars()
        )

    def unsent_blobs(self, session: Session) -> list[str]:
        return list(
            session.execute(select(TestBlob.sha256).where(TestBlob.sent.is_(False))).scalars()
        )

    def mark_blob_sent(self, session: Session, sha256: str) -> None:
        found = session.get(TestBlob, sha256)
        if found is not None:
            found.sent = True

    def forget_all(self, session: Session) -> None:
        session.execute(delete(TestBlob))

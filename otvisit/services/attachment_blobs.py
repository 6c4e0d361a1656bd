"""The bytes of attachments on this laptop: once per SHA-256, each in an encrypted file beside
the store (``otvisit.models.blob_files``), with a row of ``attachment_blob`` saying it is
held. A file is on the disk before its row is committed, and goes only after its row's removal
is committed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from otvisit.models import Attachment, AttachmentBlob, utcnow
from otvisit.models.blob_files import files_of, remove_once_committed


def sha256_of(data: bytes) -> str:
    """The content address of these bytes (lower-case hex)."""
    return hashlib.sha256(data).hexdigest()


def store_blob(session: Session, data: bytes) -> str:
    """Keep these bytes (once: the same bytes twice keep one file) and return their SHA-256."""
    digest = sha256_of(data)
    if session.get(AttachmentBlob, digest) is None:
        files_of(session).write([(digest, data)])
        session.add(
            AttachmentBlob(sha256=digest, byte_size=len(data), stored_at=utcnow(), sent=False)
        )
        session.flush()
    return digest


def store_checked_blobs(
    session: Session, blobs: Sequence[tuple[str, bytes]], *, sent: bool
) -> None:
    """Keep several files at once, each given with the SHA-256 its caller computed from these very
    bytes (the download checks every file against the hash it asked for); bytes already held are
    left as they are. The files are written together (forced to the disk unless the server
    holds them already: ``sent``), then one statement adds their rows."""
    if not blobs:
        return
    files_of(session).write(blobs, durable=not sent)
    now = utcnow()
    rows = [
        {"sha256": sha256, "byte_size": len(data), "stored_at": now, "sent": sent}
        for sha256, data in blobs
    ]
    session.execute(insert(AttachmentBlob).on_conflict_do_nothing(), rows)


def blob_bytes(session: Session, sha256: str) -> bytes | None:
    """The bytes with this hash, or None when this laptop does not hold them (yet)."""
    if not has_blob(session, sha256):
        return None
    return files_of(session).read(sha256)


def has_blob(session: Session, sha256: str) -> bool:
    """Whether this laptop holds the bytes with this hash."""
    return bool(session.scalar(select(exists().where(AttachmentBlob.sha256 == sha256))))


def wanted_blobs(session: Session) -> list[str]:
    """Hashes of live attachments whose bytes this laptop lacks, newest attachment first."""
    held = exists().where(AttachmentBlob.sha256 == Attachment.sha256)
    # Newest by the day it was taken, then by the server's order (a pulled record's
    # created_at is only when it arrived here).
    rows = session.scalars(
        select(Attachment.sha256)
        .where(Attachment.deleted.is_(False), ~held)
        .order_by(
            Attachment.taken_on.desc(),
            Attachment.server_seq.is_(None).desc(),
            Attachment.server_seq.desc(),
            Attachment.created_at.desc(),
            Attachment.id,
        )
    ).all()
    return list(dict.fromkeys(rows))


def unsent_blobs(session: Session) -> list[str]:
    """Hashes of bytes this laptop holds that the server has not confirmed, oldest first."""
    return list(
        session.scalars(
            select(AttachmentBlob.sha256)
            .where(AttachmentBlob.sent.is_(False))
            .order_by(AttachmentBlob.stored_at, AttachmentBlob.sha256)
        )
    )


def mark_blob_sent(session: Session, sha256: str) -> None:
    """Record that the team's server confirmed it holds these bytes."""
    session.execute(update(AttachmentBlob).where(AttachmentBlob.sha256 == sha256).values(sent=True))


def forget_unused_blobs(session: Session) -> int:
    """Remove bytes no attachment on this laptop refers to (e.g. after a child left); a count.
    Their files go once this transaction has committed."""
    used = select(Attachment.sha256).where(Attachment.deleted.is_(False))
    unused = list(
        session.scalars(select(AttachmentBlob.sha256).where(AttachmentBlob.sha256.not_in(used)))
    )
    if not unused:
        return 0
    session.execute(
        delete(AttachmentBlob).where(AttachmentBlob.sha256.in_(unused)),
        execution_options={"synchronize_session": False},
    )
    remove_once_committed(session, unused)
    return len(unused)

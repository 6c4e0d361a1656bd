"""The blob store's interface: content-addressed bytes per team, uploaded in chunks, resumable.

Every method is scoped by team: a team's blobs are a namespace of their own, so
another team's sha256 is simply not there (and the same photo in two teams is
stored twice, once per team; see docs/server.md for why).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from otvisit.sync.server.config import ServerSettings
    from otvisit.sync.server.database import Database

#: Bytes handed to the web server per read when a blob is sent.
READ_SIZE = 256 * 1024


class BlobProblem(Exception):
    """Why a blob operation can't be done; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: The bytes the server holds so far, when the problem is an offset that does not follow.
        self.offset = offset


@dataclass(frozen=True, slots=True)
class UploadState:
    """Where one blob stands: its declared size, the bytes received so far, stored or not."""

    byte_size: int
    received: int
    stored: bool


class BlobStore(Protocol):
    """Content-addressed bytes of one server, kept per team."""

    def begin(self, team_id: str, sha256: str, *, byte_size: int, quota: int) -> UploadState:
        """Start (or find) the upload of a blob; stored already → ``stored``; over quota → 507."""
        ...

    def state(self, team_id: str, sha256: str) -> UploadState | None:
        """The blob stored, or its upload in progress, or None."""
        ...

    def put_chunk(self, team_id: str, sha256: str, *, offset: int, data: bytes) -> UploadState:
        """Append bytes at ``offset``; bytes already held (a retried chunk) are not kept twice."""
        ...

    def commit(self, team_id: str, sha256: str) -> UploadState:
        """Check the whole upload's SHA-256 and keep it; a mismatch drops the upload."""
        ...

    def open(
        self, team_id: str, sha256: str, *, start: int = 0, end: int | None = None
    ) -> Iterator[bytes] | None:
        """The stored bytes from ``start`` up to ``end`` (exclusive), or None when not stored."""
        ...

    def sizes(self, team_id: str, sha256s: list[str]) -> dict[str, int]:
        """The size of each stored blob asked for (one look-up for them all where the store
        can); blobs not stored are left out."""
        ...

    def read_many(self, team_id: str, sha256s: list[str]) -> Iterator[tuple[str, bytes]]:
        """(sha256, bytes) of each stored blob asked for, read whole, in the order asked, for
        sending many small ones in one answer; blobs not stored (any more) are left out."""
        ...

    def exists(self, team_id: str, sha256: str) -> bool: ...

    def delete(self, team_id: str, sha256: str) -> bool:
        """Remove a stored blob (and any upload of it); True when something was removed."""
        ...

    def usage(self, team_id: str) -> int:
        """Bytes the team holds: stored blobs plus the declared size of uploads in progress."""
        ...

    def drop_unfinished(self, *, started_before: datetime) -> int:
        """Remove the uploads of every team started before then and never finished (a laptop
        that comes back later starts the file again); how many were removed."""
        ...


def fresh_bytes(
    found: UploadState | None, *, offset: int, data: bytes
) -> tuple[UploadState, bytes]:
    """The rule of a piece sent at ``offset``, for every store: (where the upload stands, the bytes
    of the piece to append at ``received``). Bytes held already (a piece sent again) are left
    out, so none is kept twice; nothing to append (b"") when all were held or the blob is
    stored. A piece past ``received`` (a gap) or past the declared size is refused."""
    if found is None:
        raise not_started()
    if found.stored:
        return found, b""
    if offset > found.received:
        raise refuse_offset(found.received, offset)
    fresh = data[found.received - offset :]
    if fresh and found.received + len(fresh) > found.byte_size:
        raise refuse_beyond(found.byte_size)
    return found, fresh


def appended(state: UploadState, size: int) -> UploadState:
    """Where an upload stands once ``size`` more bytes were kept."""
    return UploadState(byte_size=state.byte_size, received=state.received + size, stored=False)


def check_quota(*, used: int, byte_size: int, quota: int) -> None:
    if used + byte_size > quota:
        raise BlobProblem(
            "team_quota_full",
            f"The team's attachment space is full: {_mib(used)} of {_mib(quota)} used, and this "
            f"file needs {_mib(byte_size)}. Ask your team lead to free space or raise the quota.",
        )


def refuse_offset(received: int, offset: int) -> BlobProblem:
    return BlobProblem(
        "offset_mismatch",
        f"The server holds {received} bytes of this attachment; send the bytes from there "
        f"(this piece starts at {offset}).",
        offset=received,
    )


def refuse_beyond(byte_size: int) -> BlobProblem:
    return BlobProblem(
        "chunk_beyond_size",
        f"This piece goes past the attachment's declared size ({byte_size} bytes). Nothing of "
        f"it was kept.",
    )


def refuse_incomplete(state: UploadState) -> BlobProblem:
    return BlobProblem(
        "upload_incomplete",
        f"Only {state.received} of {state.byte_size} bytes of this attachment have arrived; "
        f"send the rest before finishing.",
        offset=state.received,
    )


def refuse_mismatch() -> BlobProblem:
    return BlobProblem(
        "hash_mismatch",
        "The bytes received do not match the attachment's SHA-256, so they were thrown away. "
        "Send the attachment again.",
    )


def not_started() -> BlobProblem:
    return BlobProblem("upload_not_started", "No upload of this attachment is in progress.")


def size_differs(byte_size: int) -> BlobProblem:
    return BlobProblem(
        "upload_size_differs",
        f"An upload of this attachment is in progress with another size ({byte_size} bytes).",
    )


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def open_blob_store(settings: ServerSettings, database: Database) -> BlobStore:
    """The store the settings choose: ``filesystem`` (a folder) or ``database`` (the default)."""
    if settings.blob_store == "filesystem":
        from otvisit.sync.server.blobs.filesystem import FilesystemBlobStore

        return FilesystemBlobStore(Path(settings.blob_dir))
    from otvisit.sync.server.blobs.database import DatabaseBlobStore

    return DatabaseBlobStore(database)

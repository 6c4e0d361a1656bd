"""The attachment-bytes part of the wire protocol: paths, headers and models, for both sides.

Learned from the tus resumable-upload protocol, written small: start an upload
with its size (idempotent), send pieces with ``Upload-Offset`` (a piece the
server already holds is not kept twice; a gap is 409 with the offset to resume
from), then commit, which checks the SHA-256. Download is a plain GET with
``Range`` to resume.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from otvisit.sync.protocol import WireModel

SHA256_PATTERN = r"^[0-9a-f]{64}$"
BLOB_PATH = "/api/v1/blobs/{sha256}"
BLOB_UPLOAD_PATH = "/api/v1/blobs/{sha256}/upload"
BLOB_COMMIT_PATH = "/api/v1/blobs/{sha256}/commit"
#: Many small files in one answer: frames of ``FRAME_HEAD`` then the file's bytes.
BLOB_FETCH_PATH = "/api/v1/blobs/fetch"
#: Most files asked for in one fetch.
MAX_FETCH = 256
#: Each frame of a fetch answer starts with ``"<sha256> <size, 12 digits>\n"`` (78 bytes).
FRAME_HEAD_BYTES = 78
#: The byte position a piece of an upload starts at (request), or the bytes held (answer).
UPLOAD_OFFSET_HEADER = "Upload-Offset"
#: Pieces larger than this are refused (they must also fit the server's max_body_bytes).
MAX_CHUNK_BYTES = 4 * 1024 * 1024
CHUNK_MEDIA_TYPE = "application/offset+octet-stream"

# Error codes.
ATTACHMENT_NOT_FOUND = "attachment_not_found"
ATTACHMENT_TOO_LARGE = "attachment_too_large"
TEAM_QUOTA_FULL = "team_quota_full"
OFFSET_MISMATCH = "offset_mismatch"
HASH_MISMATCH = "hash_mismatch"
UPLOAD_NOT_STARTED = "upload_not_started"


class BlobStart(WireModel):
    """Start (or resume) the upload of an attachment's bytes."""

    byte_size: int = Field(ge=1, le=2**53 - 1)


class BlobState(WireModel):
    """Where an attachment's bytes stand on the server, for the caller's team.

    ``stored``: the whole file is there with the right hash (nothing more to send).
    Otherwise ``received`` bytes of ``byte_size`` have arrived: send from there.
    """

    sha256: str
    byte_size: int
    received: int
    stored: bool


class BlobFetch(WireModel):
    """Several of the team's files in one answer (the ones it does not hold are left out)."""

    sha256s: list[Annotated[str, Field(pattern=SHA256_PATTERN)]] = Field(
        min_length=1, max_length=MAX_FETCH
    )


def frame_head(sha256: str, byte_size: int) -> bytes:
    return f"{sha256} {byte_size:012d}\n".encode()


def read_frame_head(head: bytes) -> tuple[str, int]:
    """(sha256, size) of a frame head; ValueError when it is not one."""
    text = head.decode("ascii")
    if len(head) != FRAME_HEAD_BYTES or text[64] != " " or text[-1] != "\n":
        raise ValueError("not a frame head")
    return text[:64], int(text[65:77])

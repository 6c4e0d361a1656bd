"""The attachment-bytes part of the wire protocol: paths, headers and models, for both sides.

Learned from the tus resumable-upload protocol, written small: start an upload
with its size (idempotent), send pieces with ``Upload-Offset`` (a piece the
server already holds is not kept twice; a gap is 409 with the offset to resume
from), then commit, which checks the SHA-256. Download is a plain GET with
``Range`` to resume.
"""

from __future__ import annotations

from pydantic import Field

from otvisit.sync.protocol import WireModel

SHA256_PATTERN = r"^[0-9a-f]{64}$"
BLOB_PATH = "/api/v1/blobs/{sha256}"
BLOB_UPLOAD_PATH = "/api/v1/blobs/{sha256}/upload"
BLOB_COMMIT_PATH = "/api/v1/blobs/{sha256}/commit"
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

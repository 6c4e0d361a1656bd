"""Where the server keeps attachments' bytes: one small interface, filesystem or database."""

from otvisit.sync.server.blobs.store import (
    BlobProblem,
    BlobStore,
    UploadState,
    open_blob_store,
)

__all__ = ["BlobProblem", "BlobStore", "UploadState", "open_blob_store"]

"""The photos' and scans' bytes of this laptop's store, moved after the records' sync.

The records sync first (notes are never kept waiting behind photos); then this step sends the
bytes the server lacks and fetches the ones this laptop lacks, newest first, in the background.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from otvisit.models.store import Store
from otvisit.services import attachment_blobs
from otvisit.sync.client.blob_http import BlobClient
from otvisit.sync.client.blobs import BlobReport, Progress, transfer_blobs
from otvisit.sync.client.credentials import load_credentials


class LaptopBlobs:
    """The encrypted store's attachment bytes as the transfer's source.

    Bytes fetched from the server are already there: they are kept as sent.
    """

    @staticmethod
    def keep_fetched(session: Session, blobs: list[tuple[str, bytes]]) -> None:
        attachment_blobs.store_checked_blobs(session, blobs, sent=True)

    blob_bytes = staticmethod(attachment_blobs.blob_bytes)
    has_blob = staticmethod(attachment_blobs.has_blob)
    wanted_blobs = staticmethod(attachment_blobs.wanted_blobs)
    unsent_blobs = staticmethod(attachment_blobs.unsent_blobs)
    mark_blob_sent = staticmethod(attachment_blobs.mark_blob_sent)


def transfer_attachments(store: Store, *, progress: Progress | None = None) -> BlobReport:
    """Send and fetch the attachment bytes of this signed-in laptop; never raises a SyncError."""
    with store.read_session() as session:
        credentials = load_credentials(session)
    client = BlobClient(credentials.server_url, credentials.token)
    try:
        return transfer_blobs(store.transaction, LaptopBlobs(), client, progress=progress)
    finally:
        client.close()

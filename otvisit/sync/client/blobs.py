"""Attachments' bytes between the laptop and the team's server, after the records.

A separate step from the sync of records (run it after ``sync_once``, in the
same worker or its own): a failure here is reported, never a failed sync of
notes. Uploads go first (a colleague may be waiting for them), then downloads,
newest first, several at once. A cut connection resumes from the bytes the
server holds (upload) or the bytes already received (download, ``Range``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from otvisit.sync import blob_protocol as wire
from otvisit.sync.client.blob_http import BlobClient, CutFetch, NotOnServer
from otvisit.sync.client.errors import (
    AuthError,
    OfflineError,
    RequestRefused,
    ServerError,
    SyncError,
    UpdateRequired,
)

log = logging.getLogger(__name__)

Sessions = Callable[[], AbstractContextManager[Session]]


class BlobSource(Protocol):
    """The laptop's attachment bytes (``otvisit.sync.client.attachments.LaptopBlobs``)."""

    def keep_fetched(self, session: Session, blobs: list[tuple[str, bytes]]) -> None:
        """Keep downloaded files, each with the SHA-256 it was checked against, as held by the
        server (bytes already held stay as they are)."""
        ...

    def blob_bytes(self, session: Session, sha256: str) -> bytes | None: ...

    def has_blob(self, session: Session, sha256: str) -> bool: ...

    def wanted_blobs(self, session: Session) -> list[str]:
        """Live attachments whose bytes this laptop lacks, newest first."""
        ...

    def unsent_blobs(self, session: Session) -> list[str]:
        """Bytes the server has not confirmed holding."""
        ...

    def mark_blob_sent(self, session: Session, sha256: str) -> None: ...


@dataclass(frozen=True, slots=True)
class BlobProgress:
    """Where the transfer stands, for a progress bar: files and bytes done of the total."""

    phase: Literal["upload", "download"]
    files_done: int
    files_total: int
    bytes_done: int


@dataclass
class BlobReport:
    uploaded: list[str] = field(default_factory=list)
    #: Sent by another laptop of the team already: nothing to send.
    already_held: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    #: sha256 → why it could not move this time (it is tried again next sync).
    failed: dict[str, str] = field(default_factory=dict)
    #: Why the transfer stopped early ("" when it went through the lists).
    error: str = ""
    #: Times a cut connection was resumed.
    resumed: int = 0


@dataclass
class Patience:
    """How many cuts in a row one file may suffer, and the pause between tries."""

    attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 5.0
    sleep: Callable[[float], None] = time.sleep

    def pause(self, attempt: int) -> None:
        self.sleep(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


Progress = Callable[[BlobProgress], None]
#: Files asked for in one fetch (about 10 MB of photos).
FETCH_GROUP = 32
#: Downloaded bytes kept per local transaction: each commit of the encrypted store waits for
#: the disk (WAL written, then copied into the file), so fewer and larger ones go faster.
BATCH_BYTES = 32 * 1024 * 1024
_STOPPING = (AuthError, UpdateRequired)


def transfer_blobs(
    sessions: Sessions,
    source: BlobSource,
    client: BlobClient,
    *,
    progress: Progress | None = None,
    workers: int = 3,
    patience: Patience | None = None,
) -> BlobReport:
    """Send the unsent bytes, then fetch the wanted ones; never raises a SyncError."""
    report = BlobReport()
    wait_rule = patience or Patience()
    try:
        upload_all(sessions, source, client, report, progress, wait_rule)
        download_all(sessions, source, client, report, progress, wait_rule, workers=workers)
    except _STOPPING as error:
        report.error = str(error)
    except SyncError as error:  # offline after every try: next sync resumes
        report.error = str(error)
    return report


def upload_all(
    sessions: Sessions,
    source: BlobSource,
    client: BlobClient,
    report: BlobReport,
    progress: Progress | None,
    patience: Patience,
) -> None:
    with sessions() as session:
        unsent = source.unsent_blobs(session)
    sent_bytes = 0
    for number, sha256 in enumerate(unsent, start=1):
        with sessions() as session:
            data = source.blob_bytes(session, sha256)
        if data is None:
            report.failed[sha256] = "The bytes of this attachment are not on this laptop."
            continue
        try:
            held = upload_one(client, sha256, data, patience, report)
        except RequestRefused as refused:
            report.failed[sha256] = str(refused)
            if refused.code == wire.TEAM_QUOTA_FULL:
                report.error = str(refused)
                return
            continue
        (report.already_held if held else report.uploaded).append(sha256)
        with sessions() as session:
            source.mark_blob_sent(session, sha256)
        sent_bytes += len(data)
        if progress is not None:
            progress(BlobProgress("upload", number, len(unsent), sent_bytes))


def upload_one(
    client: BlobClient, sha256: str, data: bytes, patience: Patience, report: BlobReport
) -> bool:
    """Send one file, resuming after cuts; True when the server held it already."""
    cuts = 0
    first = True
    while True:
        try:
            state = client.start(sha256, len(data))
            if first and state.stored:
                return True
            first = False
            while not state.stored and state.received < len(data):
                piece = data[state.received : state.received + client.chunk_bytes]
                state = client.send_piece(sha256, state.received, piece)
            if not state.stored:
                client.commit(sha256)
            return False
        except (OfflineError, ServerError) as error:
            cuts += 1
            if cuts >= patience.attempts:
                raise
            log.info("upload of %s cut (%s); resuming", sha256[:12], error)
        except RequestRefused as refused:
            if refused.code not in (wire.OFFSET_MISMATCH, "upload_incomplete"):
                raise
            cuts += 1  # the server holds other bytes than we thought: ask it again
            if cuts >= patience.attempts:
                raise
        report.resumed += 1
        patience.pause(cuts)


def fetch_one(
    client: BlobClient, sha256: str, patience: Patience, *, received: bytes = b""
) -> tuple[bytes, int]:
    """One file's bytes (after the ``received`` ones), resumed with Range after cuts;
    (bytes, times resumed). The hash is checked by the caller."""
    held = bytearray(received)
    cuts = 0
    while True:
        try:
            for piece in client.fetch(sha256, start=len(held)):
                held += piece
            return bytes(held), cuts
        except (OfflineError, ServerError):
            cuts += 1
            if cuts >= patience.attempts:
                raise
            patience.pause(cuts)


@dataclass
class GroupResult:
    """What one fetch of several files brought: their bytes, or why not, and the cuts met."""

    arrived: dict[str, bytes] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    cuts: int = 0


def fetch_group(client: BlobClient, group: list[str], patience: Patience) -> GroupResult:
    """Several small files in one answer; after a cut, the rest is asked again and the file cut
    in the middle is finished with a ranged download from where it stopped."""
    result = GroupResult()
    problem = ""
    while remaining := [sha for sha in group if sha not in result.arrived]:
        try:
            for sha256, whole in client.fetch_many(remaining):
                result.arrived[sha256] = whole
            break
        except CutFetch as cut:
            result.cuts += 1
            problem = str(cut)
            if cut.partial is not None:
                sha256, received = cut.partial
                with contextlib.suppress(OfflineError, ServerError, NotOnServer):
                    finished, _ = fetch_one(client, sha256, patience, received=received)
                    result.arrived[sha256] = finished
        except (OfflineError, ServerError) as error:
            result.cuts += 1
            problem = str(error)
        if result.cuts >= patience.attempts:
            break
        patience.pause(result.cuts)
    for sha256 in group:
        data = result.arrived.get(sha256)
        if data is None:
            result.failed[sha256] = (
                problem
                if result.cuts >= patience.attempts
                else ("The team's server does not hold this attachment yet.")
            )
        elif hashlib.sha256(data).hexdigest() != sha256:
            del result.arrived[sha256]
            result.failed[sha256] = (
                "The attachment arrived damaged (its SHA-256 does not match); it will be "
                "fetched again at the next sync."
            )
    return result


def download_all(
    sessions: Sessions,
    source: BlobSource,
    client: BlobClient,
    report: BlobReport,
    progress: Progress | None,
    patience: Patience,
    *,
    workers: int,
) -> None:
    """Fetch the wanted files newest first, a group per answer, ``workers`` answers at once
    (each checked against its SHA-256 on the thread that fetched it); one writer thread keeps
    them in batches while the next ones arrive."""
    with sessions() as session:
        wanted = source.wanted_blobs(session)
    if not wanted:
        return
    groups = [wanted[at : at + FETCH_GROUP] for at in range(0, len(wanted), FETCH_GROUP)]
    batch: list[tuple[str, bytes]] = []
    batch_bytes = 0
    done_bytes = 0
    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="blob-fetch") as pool,
        _Writer(sessions, source) as writer,
    ):
        try:
            for group, outcome in _in_flight(pool, groups, client, patience, window=workers * 2):
                if isinstance(outcome, _STOPPING):
                    raise outcome
                if isinstance(outcome, BaseException):
                    report.failed.update(dict.fromkeys(group, str(outcome)))
                    continue
                report.resumed += outcome.cuts
                report.failed.update(outcome.failed)
                for sha256 in group:  # newest first within the group too
                    data = outcome.arrived.get(sha256)
                    if data is None:
                        continue
                    report.downloaded.append(sha256)
                    batch.append((sha256, data))
                    batch_bytes += len(data)
                    done_bytes += len(data)
                if batch_bytes >= BATCH_BYTES:
                    writer.keep(batch)
                    batch, batch_bytes = [], 0
                if progress is not None:
                    done = len(report.downloaded)
                    progress(BlobProgress("download", done, len(wanted), done_bytes))
        finally:
            writer.keep(batch)


class _Writer:
    """One thread that keeps batches of downloaded files, each batch in one local transaction
    (fewer commits, and fsyncs, than one per file), while the fetch threads go on. At most one
    batch is being written and one gathered; a write's error is raised at the next ``keep``
    or at the end."""

    def __init__(self, sessions: Sessions, source: BlobSource) -> None:
        self.sessions = sessions
        self.source = source
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blob-keep")
        self.writing: Future[None] | None = None

    def _write(self, batch: list[tuple[str, bytes]]) -> None:
        with self.sessions() as session:
            self.source.keep_fetched(session, batch)

    def _wait(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def keep(self, batch: list[tuple[str, bytes]]) -> None:
        self._wait()
        if batch:
            self.writing = self.thread.submit(self._write, batch)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self._wait()
        finally:
            self.thread.shutdown()


def _in_flight(pool: ThreadPoolExecutor, groups: list[list[str]], client: BlobClient,
               patience: Patience, *, window: int) -> Iterator[
                   tuple[list[str], GroupResult | BaseException]]:  # fmt: skip
    """Results as they come, at most ``window`` groups in memory at once, newest asked first."""
    queue = iter(groups)
    running: dict[Future[GroupResult], list[str]] = {}
    for group in queue:
        running[pool.submit(fetch_group, client, group, patience)] = group
        if len(running) >= window:
            break
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            group = running.pop(future)
            error = future.exception()
            yield group, (error if error is not None else future.result())
            following = next(queue, None)
            if following is not None:
                running[pool.submit(fetch_group, client, following, patience)] = following


__all__ = ["BlobClient", "BlobSource", "NotOnServer", "transfer_blobs"]

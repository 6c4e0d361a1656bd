"""Writing the server's append-only audit log (there is deliberately no function to change it)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.server.schema import AuditEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit log: who (user, device, address) did what to which record."""

    action: str
    user_id: str | None = None
    username: str = ""
    device_id: str | None = None
    address: str = ""
    entity: str = ""
    record_id: str | None = None
    child_id: str | None = None
    detail: str = ""
    #: When it happened (None: when it is written). Queued reads carry the time of the read.
    at: datetime | None = None


def write_audit(session: Session, *, events: Iterable[AuditEvent]) -> None:
    """Append events in the caller's transaction: a write and its audit commit together."""
    now = utcnow()
    rows = [
        {
            "at": event.at or now,
            "action": event.action,
            "user_id": event.user_id,
            "username": event.username,
            "device_id": event.device_id,
            "address": event.address[:64],
            "entity": event.entity,
            "record_id": event.record_id,
            "child_id": event.child_id,
            "detail": event.detail,
        }
        for event in events
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)


class AuditQueue:
    """Read events written in batches by a background thread, off the pull's critical path.

    Pulls are the hot path when many devices sync at once; committing one audit
    transaction per pull (an fsync each) would serialise them. Reads are queued
    and written every ``interval`` seconds in one transaction, and on shutdown.
    Writes are never queued: they are audited in their own transaction.
    """

    def __init__(self, write: Callable[[list[AuditEvent]], None], *, interval: float = 0.2) -> None:
        self._write = write
        self._interval = interval
        self._pending: list[AuditEvent] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, events: Iterable[AuditEvent]) -> None:
        with self._lock:
            self._pending.extend(events)

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            self._write(batch)
        except Exception:
            with self._lock:  # put them back, oldest first, for the next attempt
                self._pending[:0] = batch
            raise

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:  # keep the writer alive; flush() kept the batch for a retry
                log.exception("could not write %s audit events; will retry", len(self._pending))

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.flush()

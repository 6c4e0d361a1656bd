"""A therapist's laptop in tests: its own real SQLite store, signed in to a real server."""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from otvisit.models import OutboxOp, SyncedRecord
from otvisit.models.registry import SYNCED_MODELS
from otvisit.models.store import Store
from otvisit.models.wire import record_fields
from otvisit.sync.client import HttpTransport, RetryPolicy, SyncReport, login, settings, sync_once
from otvisit.sync.protocol import MAX_PULL_LIMIT


@functools.cache
def _empty_store() -> Path:
    """A freshly migrated, empty store file to copy for each new laptop."""
    path = Path(tempfile.mkdtemp(prefix="otvisit-empty-store-")) / "empty.db"
    Store.open(path).close()
    return path


@dataclass
class Laptop:
    """One device: a store file, the URL it reaches the server by, and its sync calls."""

    name: str
    store: Store
    url: str
    username: str
    sleeps: list[float] = field(default_factory=list)

    @classmethod
    def sign_in(
        cls, tmp_path: Path, *, name: str, url: str, username: str, password: str
    ) -> Laptop:
        path = tmp_path / f"{name}.db"
        shutil.copyfile(_empty_store(), path)  # migrating every new store would be slow
        store = Store.open(path)
        with store.transaction() as session:
            login(session, server_url=url, username=username, password=password, device_name=name)
        return cls(name=name, store=store, url=url, username=username)

    def transport(self, attempts: int = 3) -> HttpTransport:
        # Real backoff would make tests slow: record the delays instead of waiting them out.
        retry = RetryPolicy(attempts=attempts, base_delay=0.01, sleep=self.sleeps.append)
        return HttpTransport(self.url, retry=retry)

    def sync(self, *, pull_limit: int = MAX_PULL_LIMIT, attempts: int = 3, **kw: Any) -> SyncReport:
        transport = self.transport(attempts)
        try:
            return sync_once(self.store, transport=transport, pull_limit=pull_limit, **kw)
        finally:
            transport.close()

    def snapshot(self) -> dict[tuple[str, str], tuple[bool, dict[str, Any]]]:
        """Every synced record on the laptop: (entity, id) -> (deleted, fields)."""
        found: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {}
        with self.store.read_session() as session:
            for model in SYNCED_MODELS:
                for record in session.scalars(select(model)):
                    found[(model.__entity__, record.id)] = (record.deleted, record_fields(record))
        return found

    def get(self, model: type[SyncedRecord], record_id: str) -> Any:
        with self.store.read_session() as session:
            return session.get(model, record_id)

    def outbox(self) -> list[OutboxOp]:
        with self.store.read_session() as session:
            return list(session.scalars(select(OutboxOp).order_by(OutboxOp.seq)))

    @property
    def user_id(self) -> str:
        """The signed-in therapist's id: the server takes notes only in her own name."""
        with self.store.read_session() as session:
            user = settings.get_settings(session, settings.USER)[settings.USER]
        return str(json.loads(user)["therapist_id"])

    def close(self) -> None:
        self.store.close()

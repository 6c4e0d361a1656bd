"""A record's history for the therapist: the server's versions of its text, and local conflicts.

The server keeps every version of clinical text (append-only); this laptop keeps both sides of
every conflict it met. ``server_versions`` goes over the network (run it off the GUI thread);
offline it says so instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import SyncConflict
from otvisit.sync.client.credentials import Credentials, load_credentials
from otvisit.sync.client.errors import NotSignedIn, OfflineError, RequestRefused, SyncError
from otvisit.sync.client.transport import HttpTransport, SyncTransport


@dataclass(frozen=True)
class HistoryEntry:
    """One version of one text field: when, by whom, where it is kept."""

    at: datetime
    by: str
    field: str
    text: str
    #: "server" (a saved version), "conflict" (a side kept in a conflict), "deleted".
    kind: str


@dataclass(frozen=True)
class ServerHistory:
    entries: list[HistoryEntry]
    #: "" when the server answered; else why only this laptop's versions are shown.
    problem: str = ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def local_versions(session: Session, record_id: str) -> list[HistoryEntry]:
    """Both sides of every conflict this laptop met on the record (open or resolved)."""
    entries: list[HistoryEntry] = []
    conflicts = session.scalars(
        select(SyncConflict)
        .where(SyncConflict.record_id == record_id)
        .order_by(SyncConflict.found_at)
    )
    for conflict in conflicts:
        state = "resolved" if conflict.resolved_at else "open"
        if conflict.kind == "edit":
            entries.append(
                HistoryEntry(conflict.found_at, "this laptop", conflict.field,
                             _text(conflict.mine), f"conflict ({state}): mine")
            )  # fmt: skip
            entries.append(
                HistoryEntry(conflict.found_at, conflict.theirs_by, conflict.field,
                             _text(conflict.theirs), f"conflict ({state}): theirs")
            )  # fmt: skip
    return entries


def signed_in(session: Session) -> Credentials | None:
    """This laptop's credentials, or None when it is not signed in (read on the database lane)."""
    try:
        return load_credentials(session)
    except NotSignedIn:
        return None
    except SyncError:  # the password store could not be read
        return None


def server_versions(
    credentials: Credentials | None, record_id: str, *, transport: SyncTransport | None = None
) -> ServerHistory:
    """Every version the server keeps (network only: run it on the slow lane, no database)."""
    if credentials is None:
        return ServerHistory([], "This laptop is not signed in to a team server.")
    active = transport or HttpTransport(credentials.server_url)
    try:
        history = active.history(credentials.token, record_id)
    except OfflineError:
        return ServerHistory([], "Offline: showing only the versions kept on this laptop.")
    except RequestRefused as error:
        return ServerHistory([], f"The server has no history of this record yet ({error}).")
    except SyncError as error:
        return ServerHistory([], f"The server's history could not be read: {error}")
    finally:
        if transport is None:
            active.close()
    entries: list[HistoryEntry] = []
    for version in history.versions:
        for name, value in version.text.items():
            entries.append(
                HistoryEntry(version.at, version.by, name, _text(value),
                             "deleted" if version.deleted else "server")
            )  # fmt: skip
    for conflict in history.conflicts:
        if conflict.kind == "edit":
            entries.append(
                HistoryEntry(conflict.at, conflict.mine_by, conflict.field,
                             _text(conflict.mine), "conflict: not kept in the record")
            )  # fmt: skip
    return ServerHistory(entries)

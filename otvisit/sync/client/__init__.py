"""The laptop's sync client: login, push the outbox, pull and apply, conflicts, status (no Qt).

The names below load their module when first used, so that the team server can use one piece
of the client (``apply``: pulled records into a local schema, for the console's FHIR exchange)
without importing the laptop's credential store (keyring) it never installs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otvisit.sync.client.conflicts import ConflictView, list_conflicts, resolve_conflict
    from otvisit.sync.client.credentials import Credentials, load_credentials
    from otvisit.sync.client.engine import SyncReport, sync_once
    from otvisit.sync.client.errors import (
        AuthError,
        NotSignedIn,
        OfflineError,
        SyncError,
        UpdateRequired,
    )
    from otvisit.sync.client.login import login
    from otvisit.sync.client.status import (
        RejectedChange,
        SetAside,
        SyncStatus,
        list_rejected,
        list_set_aside,
        sync_status,
    )
    from otvisit.sync.client.transport import HttpTransport, RetryPolicy, SyncTransport

#: Each public name and the module of the client it lives in.
_HOMES = {
    "ConflictView": "conflicts",
    "list_conflicts": "conflicts",
    "resolve_conflict": "conflicts",
    "Credentials": "credentials",
    "load_credentials": "credentials",
    "SyncReport": "engine",
    "sync_once": "engine",
    "AuthError": "errors",
    "NotSignedIn": "errors",
    "OfflineError": "errors",
    "SyncError": "errors",
    "UpdateRequired": "errors",
    "login": "login",
    "RejectedChange": "status",
    "SetAside": "status",
    "SyncStatus": "status",
    "list_rejected": "status",
    "list_set_aside": "status",
    "sync_status": "status",
    "HttpTransport": "transport",
    "RetryPolicy": "transport",
    "SyncTransport": "transport",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AuthError",
    "ConflictView",
    "Credentials",
    "HttpTransport",
    "NotSignedIn",
    "OfflineError",
    "RejectedChange",
    "RetryPolicy",
    "SetAside",
    "SyncError",
    "SyncReport",
    "SyncStatus",
    "SyncTransport",
    "UpdateRequired",
    "list_conflicts",
    "list_rejected",
    "list_set_aside",
    "load_credentials",
    "login",
    "resolve_conflict",
    "sync_once",
    "sync_status",
]

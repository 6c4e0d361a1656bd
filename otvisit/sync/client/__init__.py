"""The laptop's sync client: login, push the outbox, pull and apply, conflicts, status (no Qt)."""

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

"""What can go wrong while talking to the team's server, in words a therapist can read."""

from __future__ import annotations

from otvisit.services.errors import DomainError


class SyncError(DomainError):
    """Sync could not finish; ``str(error)`` is shown to the therapist."""


class OfflineError(SyncError):
    """The server could not be reached (no network, server down, timed out)."""


class ServerError(SyncError):
    """The server answered with an error it may recover from (5xx)."""


class AuthError(SyncError):
    """The server refused the device's credentials; ``code`` says why (e.g. ``device_revoked``)."""

    def __init__(self, message: str, *, code: str = "unauthorized") -> None:
        super().__init__(message)
        self.code = code


class UpdateRequired(SyncError):
    """This version of otvisit is too old for the server: the therapist must update."""


class RequestRefused(SyncError):
    """The server refused a request as wrong (4xx other than auth); retrying will not help."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "bad_request",
        status: int = 400,
        last_op_seq: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        #: On an op_seq refusal: the highest op_seq of this device the server holds.
        self.last_op_seq = last_op_seq


class NotSignedIn(SyncError):
    """This device has not been registered with a server yet (run ``otvisit login``)."""

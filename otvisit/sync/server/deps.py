"""Request dependencies shared by the routes: the caller's address, bearer token and device."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from otvisit.sync.server.auth import Caller, authenticate, touch_device
from otvisit.sync.server.database import Database
from otvisit.sync.server.errors import unauthorized

bearer = HTTPBearer(auto_error=False, description="The device token given at login.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized("not_signed_in", "Sign in first: this call needs a device token.")
    return credentials.credentials


def caller_for(db: Database, *, token: str, address: str) -> Caller:
    """The device behind a token (401 when it is not valid); refreshes its last-seen time."""
    with db.read_connection() as connection:
        found, stale = authenticate(connection, token=token, address=address)
    if stale:
        with db.write() as session:
            touch_device(session, device_id=found.device_id)
    return found


def current_caller(request: Request, credentials: Credentials) -> Caller:
    """The device behind the bearer token (401 when there is none or it is not valid)."""
    db: Database = request.app.state.db
    return caller_for(db, token=token_of(credentials), address=client_address(request))


CallerDep = Annotated[Caller, Depends(current_caller)]

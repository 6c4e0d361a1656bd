"""The device token in the OS credential store (keyring), never in a plain file."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import keyring
import keyring.errors
from sqlalchemy.orm import Session

from otvisit.sync.client import settings
from otvisit.sync.client.errors import NotSignedIn, SyncError

KEYRING_SERVICE = "otvisit"


@dataclass(frozen=True)
class Credentials:
    """What a sync needs to identify this device to its server."""

    server_url: str
    username: str
    device_id: str
    token: str


def keyring_key(server_url: str, username: str) -> str:
    """One entry per server and user, so a second server never reads the first one's token."""
    return f"{server_url.rstrip('/')}|{username}"


def save_token(*, server_url: str, username: str, token: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(server_url, username), token)
    except keyring.errors.KeyringError as error:
        raise SyncError(
            "The device key could not be kept in this computer's password store: "
            f"{error}. Ask your IT support to set up the password store."
        ) from error


def forget_token(*, server_url: str, username: str) -> None:
    # Already gone is what we wanted.
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, keyring_key(server_url, username))


def load_credentials(session: Session) -> Credentials:
    """The credentials of the signed-in device, or NotSignedIn."""
    values = settings.get_settings(
        session, settings.SERVER_URL, settings.USERNAME, settings.DEVICE_ID
    )
    url, username, device_id = (
        values[settings.SERVER_URL],
        values[settings.USERNAME],
        values[settings.DEVICE_ID],
    )
    if not (url and username and device_id):
        raise NotSignedIn("This laptop is not signed in to a team server yet: sign in first.")
    try:
        token = keyring.get_password(KEYRING_SERVICE, keyring_key(url, username))
    except keyring.errors.KeyringError as error:
        raise SyncError(f"This computer's password store could not be read: {error}.") from error
    if not token:
        raise NotSignedIn(f"Sign in to {url} again as {username}: this laptop has no device key.")
    return Credentials(server_url=url, username=username, device_id=device_id, token=token)

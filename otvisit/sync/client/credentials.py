"""The device token in the OS credential store (keyring), never in a plain file."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from sqlalchemy import Engine
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
    #: The folder of the store signed in (its profile in its data folder): keys the token.
    folder: str = ""


def store_folder(session: Session) -> str:
    """The folder of the store this session works on (one profile of one data folder)."""
    bind = session.get_bind()
    database = (bind if isinstance(bind, Engine) else bind.engine).url.database
    return str(Path(database).resolve().parent) if database else ""


def keyring_key(server_url: str, username: str, folder: str = "") -> str:
    """One entry per server, user and store folder: a second server, or a second data folder
    (or profile) of the same OS account, never reads or overwrites the first one's token.

    ``folder`` empty gives the entry of versions before issue 11 (migrated on first read).
    """
    entry = f"{server_url.rstrip('/')}|{username}"
    return f"{entry}|{folder}" if folder else entry


def save_token(*, server_url: str, username: str, token: str, folder: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(server_url, username, folder), token)
    except keyring.errors.KeyringError as error:
        raise SyncError(
            "The device key could not be kept in this computer's password store: "
            f"{error}. Ask your IT support to set up the password store."
        ) from error


def forget_token(*, server_url: str, username: str, folder: str) -> None:
    # Already gone is what we wanted.
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, keyring_key(server_url, username, folder))


def _token(url: str, username: str, folder: str) -> str | None:
    """The token of this folder; an entry of an older version (not keyed by folder) moves here."""
    token = keyring.get_password(KEYRING_SERVICE, keyring_key(url, username, folder))
    if token or not folder:
        return token
    old = keyring.get_password(KEYRING_SERVICE, keyring_key(url, username))
    if old:
        keyring.set_password(KEYRING_SERVICE, keyring_key(url, username, folder), old)
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, keyring_key(url, username))
    return old


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
    folder = store_folder(session)
    try:
        token = _token(url, username, folder)
    except keyring.errors.KeyringError as error:
        raise SyncError(f"This computer's password store could not be read: {error}.") from error
    if not token:
        raise NotSignedIn(f"Sign in to {url} again as {username}: this laptop has no device key.")
    return Credentials(
        server_url=url, username=username, device_id=device_id, token=token, folder=folder
    )

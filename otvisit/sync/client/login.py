"""Signing this laptop in to the team's server: registers the device, keeps its token in keyring."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from otvisit.services.unlock import MIN_PASSWORD_LENGTH, set_unlock_password
from otvisit.sync.client import settings
from otvisit.sync.client.credentials import forget_token, save_token, store_folder
from otvisit.sync.client.errors import AuthError, RequestRefused, SyncError
from otvisit.sync.client.transport import HttpTransport, SyncTransport
from otvisit.sync.protocol import LoginRequest, SignedInUser

#: Plain http is only for a server on this same computer (tests, a demo); never over a network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def normalise_server_url(url: str) -> str:
    cleaned = url.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme == "https" and parts.hostname:
        return cleaned
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return cleaned
    raise SyncError(f"The server address must start with https:// (got {url!r}).")


def login(
    session: Session,
    *,
    server_url: str,
    username: str,
    password: str,
    device_name: str,
    transport: SyncTransport | None = None,
) -> SignedInUser:
    """Register this laptop as a device of the user; the caller commits the session.

    A laptop holds one team's records: signing in as someone of another team
    is refused while records of the first team are still here.
    """
    url = normalise_server_url(server_url)
    try:
        request = LoginRequest(username=username, password=password, device_name=device_name)
    except ValueError as error:
        raise SyncError("Enter a username, a password and a name for this laptop.") from error
    active = transport or HttpTransport(url)
    try:
        response = active.login(request)
    except (AuthError, RequestRefused) as error:
        raise SyncError(str(error)) from error
    finally:
        if transport is None:
            active.close()
    previous = settings.get_settings(
        session, settings.SERVER_URL, settings.USERNAME, settings.TEAM_ID, settings.PULL_CURSOR
    )
    held = previous[settings.PULL_CURSOR] not in ("", "0")
    same_place = previous[settings.SERVER_URL] == url and (
        previous[settings.TEAM_ID] in ("", response.user.team_id)
    )
    if held and not same_place:
        raise SyncError(
            "This laptop holds records of another team or server. "
            "Sync and remove them before signing in here."
        )
    if previous[settings.USERNAME] and (
        previous[settings.SERVER_URL],
        previous[settings.USERNAME],
    ) != (
        url,
        username,
    ):
        forget_token(
            server_url=previous[settings.SERVER_URL],
            username=previous[settings.USERNAME],
            folder=store_folder(session),
        )
    save_token(
        server_url=url, username=username, token=response.token, folder=store_folder(session)
    )
    settings.set_settings(
        session,
        {
            settings.SERVER_URL: url,
            settings.USERNAME: username,
            settings.DEVICE_ID: response.device_id,
            settings.USER: response.user.model_dump_json(),
            settings.TEAM_ID: response.user.team_id,
            settings.WIPED_REASON: "",
        },
    )
    # Her own password unlocks the laptop later, checked offline. One too short to be
    # a lock password is not kept: the first lock then asks for a longer one.
    if len(password) >= MIN_PASSWORD_LENGTH:
        set_unlock_password(session, password=password)
    return response.user

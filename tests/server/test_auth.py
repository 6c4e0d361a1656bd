"""Login, tokens, revoked and expired devices, schema versions, and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.server import admin
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import Device
from tests.server.dbcheck import AuditEntry, counts, execute, rows
from tests.support.server_fixtures import DeviceFactory

ENDPOINTS = [
    ("GET", protocol.ME_PATH, None),
    ("GET", protocol.PULL_PATH, None),
    ("POST", protocol.PUSH_PATH, {"device_id": "x", "operations": []}),
]


def _call(device, method: str, path: str, body: object) -> httpx.Response:
    if method == "GET":
        return device.get(path)
    return device.post(path, json={**body, "device_id": device.device_id or "x"})  # type: ignore[dict-item]


def test_login_registers_a_device_whose_token_is_stored_hashed(live_server, team, devices) -> None:
    account = team.therapists[0]
    device = devices(live_server.base_url)
    answer = device.login_response(account.username, account.password, "Sam's laptop")
    assert answer.status_code == 200
    body = answer.json()
    assert (
        body["user"]["team_id"] == team.team_id and body["user"]["therapist_id"] == account.user_id
    )
    [stored] = rows(live_server.database_url, Device, Device.id == body["device_id"])
    assert stored.token_hash != body["token"] and body["token"] not in stored.token_hash  # type: ignore[attr-defined]
    assert stored.expires_at > utcnow() + timedelta(days=80)  # type: ignore[attr-defined]


def test_wrong_password_then_rate_limit(live_server, team, devices) -> None:
    account = team.therapists[0]
    device = devices(live_server.base_url)
    for _ in range(5):
        answer = device.login_response(account.username, "not the password", "laptop")
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_login"
    blocked = device.login_response(account.username, account.password, "laptop")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    # Another user from the same address is not locked out.
    other = team.therapists[1]
    assert device.login_response(other.username, other.password, "laptop").status_code == 200
    failures = rows(live_server.database_url, AuditEntry, AuditEntry.username == account.username)
    assert sum(1 for f in failures if f.action == "login_failed") == 5  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_needs_a_valid_token(live_server, devices, method, path, body) -> None:
    device = devices(live_server.base_url)
    answer = _call(device, method, path, body)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_signed_in"
    device.token = "made-up-token"
    answer = _call(device, method, path, body)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_revoked_device_is_refused_everywhere(
    live_server, team, devices, method, path, body
) -> None:
    device: object = devices(live_server.base_url, team.therapists[0])
    database = Database(live_server.database_url)
    try:
        with database.write() as session:
            admin.revoke_device(session, device_id=device.device_id)  # type: ignore[attr-defined]
    finally:
        database.dispose()
    before = counts(live_server.database_url)
    answer = _call(device, method, path, body)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == protocol.DEVICE_REVOKED
    assert counts(live_server.database_url) == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_expired_token_is_refused(live_server, team, devices, method, path, body) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    past = utcnow() - timedelta(minutes=1)
    execute(
        live_server.database_url,
        update(Device).where(Device.id == device.device_id).values(expires_at=past),
    )
    answer = _call(device, method, path, body)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == protocol.TOKEN_EXPIRED


@pytest.mark.parametrize(
    ("schema", "status", "code"),
    [
        (None, 426, protocol.UPDATE_REQUIRED),
        (protocol.SCHEMA_VERSION - 1, 426, protocol.UPDATE_REQUIRED),
        (protocol.SCHEMA_VERSION + 1, 409, protocol.SERVER_UPDATE_REQUIRED),
    ],
)
def test_schema_version_is_checked_on_every_call(
    live_server, team, devices: DeviceFactory, schema, status, code
) -> None:
    good = devices(live_server.base_url, team.therapists[0])
    device = devices(live_server.base_url, schema=schema)
    device.token, device.device_id = good.token, good.device_id
    account = team.therapists[0]
    answers = [
        device.login_response(account.username, account.password, "laptop"),
        *(_call(device, method, path, body) for method, path, body in ENDPOINTS),
    ]
    for answer in answers:
        assert answer.status_code == status
        error = answer.json()["error"]
        assert error["code"] == code and "update" in error["message"].lower()


def test_openapi_is_served(live_server) -> None:
    document = httpx.get(f"{live_server.base_url}/openapi.json").json()
    for path in (protocol.LOGIN_PATH, protocol.ME_PATH, protocol.PUSH_PATH, protocol.PULL_PATH):
        assert path in document["paths"]
    assert "PushOperation" in document["components"]["schemas"]

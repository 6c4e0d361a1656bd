"""Security headers on every answer, token lifetime from the settings, and HTTPS with TLS."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.server.guard import Receive, Scope, Send
from otvisit.sync.server.headers import SecurityHeaders
from tests.support.api import ApiClient
from tests.support.server_process import ServerProcess, seed_team, sqlite_url
from tests.support.tls import self_signed_certificate

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


def _assert_hardened(answer: httpx.Response, *, api: bool = True) -> None:
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (answer.request.url, name)
    if api:
        assert answer.headers.get("cache-control") == "no-store", answer.request.url
    assert "server" not in answer.headers  # no server software or version
    assert "strict-transport-security" not in answer.headers  # plain HTTP: HSTS means nothing


def test_every_kind_of_answer_carries_the_security_headers(live_server, team, devices) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    anonymous = devices(live_server.base_url)
    outdated = devices(live_server.base_url, schema=None)
    answers = [
        device.get(protocol.PULL_PATH),  # 200 with the team's records
        device.get(protocol.ME_PATH),
        anonymous.get(protocol.PULL_PATH),  # 401
        outdated.get(protocol.ME_PATH),  # 426 from the guard, before the app
        device.post(protocol.PUSH_PATH, content=b"x" * (6 * 1024 * 1024)),  # 413
        device.get(protocol.PULL_PATH, params={"limit": 0}),  # 422
        device.get("/api/v1/nothing-here"),  # 404
    ]
    assert [a.status_code for a in answers] == [200, 200, 401, 426, 413, 422, 404]
    for answer in answers:
        _assert_hardened(answer)
    schema = device.get("/openapi.json")
    assert schema.status_code == 200
    _assert_hardened(schema, api=False)
    assert device.get("/docs").status_code == 404  # no interactive console


def test_an_unexpected_error_is_a_bare_500_with_the_headers() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("SELECT secret FROM child -- Traceback (most recent call last)")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=SecurityHeaders(broken))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(protocol.ME_PATH)

    # A thread of its own: the ASGI call needs an event loop of its own, whatever this thread runs.
    with ThreadPoolExecutor(max_workers=1) as worker:
        answer = worker.submit(asyncio.run, call()).result()
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "server_error"
    assert "SELECT" not in answer.text and "Traceback" not in answer.text
    _assert_hardened(answer)


@pytest.mark.parametrize(("days", "expected"), [("2", timedelta(days=2)), ("0", None)])
def test_token_lifetime_comes_from_the_settings(tmp_path, days, expected) -> None:
    url = sqlite_url(tmp_path)
    team = seed_team(url, therapists=1)
    with ServerProcess(url, env={"OTVISIT_SERVER_TOKEN_LIFETIME_DAYS": days}) as server:
        device = ApiClient(server.base_url)
        try:
            account = team.therapists[0]
            answer = device.login_response(account.username, account.password, "laptop")
        finally:
            device.close()
    expires = answer.json()["expires_at"]
    if expected is None:
        assert expires is None  # 0: valid until revoked
    else:
        left = datetime.fromisoformat(expires) - utcnow()
        assert expected - timedelta(minutes=5) < left <= expected


def test_https_with_a_self_signed_certificate(tmp_path: Path) -> None:
    cert = self_signed_certificate(tmp_path)
    url = sqlite_url(tmp_path)
    team = seed_team(url, therapists=1)
    account = team.therapists[0]
    with ServerProcess(url, tls=(cert.certfile, cert.keyfile)) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        device = ApiClient(server.base_url, verify=server.ssl_context())
        try:
            device.login(account.username, account.password, "laptop")
            answer = device.get(protocol.PULL_PATH)
            assert answer.status_code == 200
            assert team.team_id in {r["record_id"] for r in answer.json()["records"]}
            hsts = answer.headers.get("strict-transport-security", "")
            assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) > 0
        finally:
            device.close()
        # A client that does not trust the certificate refuses to talk (and sends no password).
        untrusting = ApiClient(server.base_url)
        try:
            with pytest.raises(httpx.ConnectError) as refused:
                untrusting.login_response(account.username, account.password, "laptop")
            assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
        finally:
            untrusting.close()
        # Plain HTTP on the TLS port gets no API answer.
        with pytest.raises(httpx.TransportError):
            httpx.get(server.base_url.replace("https://", "http://") + "/openapi.json")


@pytest.mark.parametrize("trusted", [True, False])
def test_hsts_behind_a_trusted_reverse_proxy_only(tmp_path, trusted) -> None:
    url = sqlite_url(tmp_path)
    flags = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"] if trusted else []
    with ServerProcess(url, serve_args=flags) as server:
        answer = httpx.get(
            f"{server.base_url}/openapi.json", headers={"X-Forwarded-Proto": "https"}
        )
    assert answer.status_code == 200
    assert ("strict-transport-security" in answer.headers) is trusted

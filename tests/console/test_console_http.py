"""The console over HTTP(S), no browser: the login limit, cookies under TLS, headers, times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import Device
from tests.support.api import ApiClient
from tests.support.server_process import ServerProcess, seed_team, sqlite_url
from tests.support.tls import self_signed_certificate

pytestmark = pytest.mark.slow
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = client.get("/console/sign-in")
    token = TOKEN.search(form.text)
    assert token is not None
    data = {"csrf_token": token[1], "username": username, "password": password}
    return client.post("/console/sign-in", data=data)


def test_sign_in_is_rate_limited_like_the_api(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    env = {"OTVISIT_SERVER_LOGIN_FAILURES_ALLOWED": "3"}
    with ServerProcess(url, env=env) as server, httpx.Client(base_url=server.base_url) as client:
        lead = seed_team(url, therapists=0, leads=1).leads[0]
        answers = [_sign_in(client, lead.username, "wrong password!").status_code for _ in range(3)]
        assert answers == [401, 401, 401]
        limited = _sign_in(client, lead.username, lead.password)  # even the right one, now
        assert limited.status_code == 429 and "Too many failed sign-ins" in limited.text
        assert "otvisit_console=" not in limited.headers.get("set-cookie", "")


def test_under_tls_the_session_cookie_is_secure_httponly_and_strict(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    cert = self_signed_certificate(tmp_path)
    with ServerProcess(url, tls=(cert.certfile, cert.keyfile)) as server:
        lead = seed_team(url, therapists=0, leads=1).leads[0]
        with httpx.Client(base_url=server.base_url, verify=server.ssl_context()) as client:
            signed_in = _sign_in(client, lead.username, lead.password)
            assert signed_in.status_code == 303
            cookie = next(
                value
                for name, value in signed_in.headers.multi_items()
                if name == "set-cookie" and value.startswith("otvisit_console=")
            )
            flags = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "secure", "samesite=strict", "path=/console"} <= flags
            session_id = cookie.split(";")[0].split("=", 1)[1]
            home = client.get("/console/")
            assert home.status_code == 200
            assert session_id not in home.text  # only the browser holds it
            policy = home.headers["content-security-policy"]
            assert "default-src 'none'" in policy and "style-src 'self'" in policy
            assert "https:" not in policy and home.headers["cache-control"] == "no-store"
            assert "strict-transport-security" in home.headers
            css = client.get("/console/static/nhsuk-frontend.min.css")
            assert css.status_code == 200 and "assets.nhs.uk" not in css.text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "1 Jul 2026, 10:30"),  # British Summer Time
        (datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "1 Dec 2026, 09:30"),  # Greenwich Mean Time
        (
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            "25 Oct 2026, 01:30",
        ),  # the hour before the change
    ],
)
def test_times_read_as_the_clock_in_england(tmp_path: Path, stored: datetime, shown: str) -> None:
    url = sqlite_url(tmp_path)
    with ServerProcess(url) as server, httpx.Client(base_url=server.base_url) as client:
        team = seed_team(url, therapists=1, leads=1)
        laptop = ApiClient(server.base_url)
        try:
            therapist = team.therapists[0]
            assert laptop.login_response(
                therapist.username, therapist.password, "Blue laptop"
            ).is_success
        finally:
            laptop.close()
        database = Database(url)
        try:
            with database.write() as session:
                session.execute(update(Device).values(last_seen_at=stored))
        finally:
            database.dispose()
        lead = team.leads[0]
        assert _sign_in(client, lead.username, lead.password).status_code == 303
        page = client.get("/console/devices")
        assert page.status_code == 200
        assert shown in page.text
        assert f'datetime="{stored.astimezone(SERVICE_TIMEZONE).isoformat()}"' in page.text

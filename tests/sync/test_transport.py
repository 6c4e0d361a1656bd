"""Retries with backoff and jitter on network errors and 5xx, never on refusals; timeouts set."""

from __future__ import annotations

import httpx
import pytest

from otvisit.sync.client import HttpTransport, RetryPolicy, SyncError
from otvisit.sync.client.errors import (
    AuthError,
    OfflineError,
    RequestRefused,
    ServerError,
    UpdateRequired,
)
from otvisit.sync.client.login import normalise_server_url
from otvisit.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION, LoginRequest, PushRequest

EMPTY_PULL = {"records": [], "removed_children": [], "next_cursor": 5, "has_more": False}


class ScriptedServer:
    """Answers requests from a script of responses or exceptions, recording what it saw."""

    def __init__(self, *steps: httpx.Response | Exception) -> None:
        self.steps = list(steps)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def _transport(script: ScriptedServer, sleeps: list[float], attempts: int = 4) -> HttpTransport:
    retry = RetryPolicy(
        attempts=attempts, base_delay=1.0, max_delay=3.0, sleep=sleeps.append, jitter=lambda: 0.5
    )
    return HttpTransport(
        "http://server.test", retry=retry, http_transport=httpx.MockTransport(script)
    )


def _error(status: int, code: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": f"{code} message"}})


def test_network_errors_and_5xx_are_retried_with_growing_jittered_delays() -> None:
    script = ScriptedServer(
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(503),
        httpx.Response(200, json=EMPTY_PULL),
    )
    sleeps: list[float] = []
    response = _transport(script, sleeps).pull("tok", cursor=4, limit=10)
    assert response.next_cursor == 5
    assert sleeps == [0.75, 1.5, 2.25]  # half fixed + half jitter of 1, 2, then capped 3
    request = script.seen[-1]
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers[SCHEMA_HEADER] == str(SCHEMA_VERSION)
    assert request.url.params["cursor"] == "4"


def test_attempts_are_bounded() -> None:
    script = ScriptedServer(*[httpx.ConnectError("down") for _ in range(3)])
    sleeps: list[float] = []
    with pytest.raises(OfflineError, match="could not be reached"):
        _transport(script, sleeps, attempts=3).pull("tok", cursor=0, limit=10)
    assert len(script.seen) == 3 and len(sleeps) == 2
    script = ScriptedServer(*[httpx.Response(502) for _ in range(3)])
    with pytest.raises(ServerError):
        _transport(script, [], attempts=3).pull("tok", cursor=0, limit=10)


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (_error(401, "device_revoked"), AuthError),
        (_error(426, "update_required"), UpdateRequired),
        (_error(422, "invalid_field"), RequestRefused),
        (_error(409, "op_seq_reused"), RequestRefused),
    ],
)
def test_refusals_are_not_retried(response: httpx.Response, error: type[Exception]) -> None:
    script = ScriptedServer(response)
    sleeps: list[float] = []
    with pytest.raises(error):
        _transport(script, sleeps).push("tok", PushRequest(device_id="d", operations=[]))
    assert len(script.seen) == 1 and sleeps == []


def test_a_login_that_may_have_reached_the_server_is_not_sent_twice() -> None:
    script = ScriptedServer(httpx.ReadTimeout("no answer"))
    with pytest.raises(OfflineError):
        _transport(script, []).login(LoginRequest(username="u", password="p", device_name="d"))
    assert len(script.seen) == 1


def test_an_answer_that_breaks_the_protocol_is_a_clear_error() -> None:
    script = ScriptedServer(httpx.Response(200, json={"records": "nope"}))
    with pytest.raises(Exception, match="does not understand"):
        _transport(script, []).pull("tok", cursor=0, limit=1)


def test_every_call_has_a_timeout() -> None:
    timeout = HttpTransport("http://server.test").client.timeout
    assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("https://ot.example.nhs.uk/", True),
        ("http://127.0.0.1:8765", True),
        ("http://ot.example.nhs.uk", False),  # a password and token in clear over a network
        ("ot.example.nhs.uk", False),
    ],
)
def test_the_server_address_must_use_https_unless_on_this_computer(
    address: str, accepted: bool
) -> None:
    if accepted:
        assert normalise_server_url(address) == address.rstrip("/")
    else:
        with pytest.raises(SyncError, match="https://"):
            normalise_server_url(address)

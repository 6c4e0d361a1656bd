"""Bad input gets a 4xx with a clear error body, and nothing is written."""

from __future__ import annotations

import json
import uuid

import pytest

from otvisit.sync import protocol
from tests.server.dbcheck import counts
from tests.support.api import child_fields


@pytest.fixture
def device(live_server, team, devices):
    device = devices(live_server.base_url, team.therapists[0])
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team.team_id), record_id=child)])
    device.child_id = child
    return device


def _goal(device, **changes):
    fields = {"child_id": device.child_id, "wording": "Coat on", "set_on": "2026-11-24"}
    return device.op("goal", {**fields, **changes})


BAD_BODIES = {
    "malformed JSON": (b'{"device_id": "x", "operations": [', "malformed_json"),
    "not an object": (b"[1, 2, 3]", "invalid_request"),
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_unreadable_bodies(live_server, device, name) -> None:
    body, code = BAD_BODIES[name]
    before = counts(live_server.database_url)
    answer = device.post(
        protocol.PUSH_PATH, content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code
    assert counts(live_server.database_url) == before


@pytest.mark.parametrize(
    ("case", "status", "code", "names"),
    [
        ("wrong type", 422, "invalid_field", "wording"),
        ("unknown field", 422, "invalid_field", "colour"),
        ("bad enum", 422, "invalid_field", "status"),
        ("unknown entity", 422, "unknown_entity", "spaceship"),
        ("bad op_seq", 422, "invalid_request", "op_seq"),
        ("bad record id", 422, "invalid_request", "record_id"),
        ("extra key", 422, "invalid_request", "surprise"),
        ("another device", 403, "device_mismatch", "device"),
    ],
)
def test_bad_operations_write_nothing(live_server, device, case, status, code, names) -> None:
    good = _goal(device)
    bad = _goal(device)
    if case == "wrong type":
        bad["changes"]["wording"] = 42
    elif case == "unknown field":
        bad["changes"]["colour"] = "blue"
    elif case == "bad enum":
        bad["changes"]["status"] = "finished"
    elif case == "unknown entity":
        bad["entity"] = "spaceship"
    elif case == "bad op_seq":
        bad["op_seq"] = -1
    elif case == "bad record id":
        bad["record_id"] = "not-a-uuid"
    elif case == "extra key":
        bad["surprise"] = True
    body = {"device_id": device.device_id, "operations": [good, bad]}
    if case == "another device":
        body["device_id"] = str(uuid.uuid4())
    before = counts(live_server.database_url)
    answer = device.post(protocol.PUSH_PATH, json=body)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and names in error["message"]
    assert counts(live_server.database_url) == before


def test_oversized_request_is_refused_before_parsing(live_server, device) -> None:
    before = counts(live_server.database_url)
    padding = "x" * (6 * 1024 * 1024)
    answer = device.post(
        protocol.PUSH_PATH, content=json.dumps({"padding": padding}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "request_too_large"

    def chunks():  # no Content-Length: the guard counts as it reads
        for _ in range(7):
            yield b"x" * (1024 * 1024)

    streamed = device.post(protocol.PUSH_PATH, content=chunks())
    assert streamed.status_code == 413
    assert counts(live_server.database_url) == before


def test_too_many_operations(live_server, device) -> None:
    ops = [_goal(device) for _ in range(protocol.MAX_PUSH_OPERATIONS + 1)]
    answer = device.push_response(ops)
    assert answer.status_code == 422 and "operations" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    "query", [{"cursor": -1}, {"limit": 0}, {"limit": 100000}, {"cursor": "x"}]
)
def test_bad_pull_parameters(device, query) -> None:
    answer = device.get(protocol.PULL_PATH, params=query)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


def _nul_login(device) -> object:
    return device.post(
        protocol.LOGIN_PATH,
        json={"username": "ot\u0000", "password": "p", "device_name": "x"},
    )


EDGE_VALUES = {
    # Each of these was a 500 on PostgreSQL (found fuzzing): a NUL can't be stored in text,
    # and sequences are 64-bit.
    "NUL in a login": _nul_login,
    "NUL in a child id": lambda d: d.push_response([_goal(d, child_id="a\u0000b")]),
    "NUL in a clinical note": lambda d: d.push_response([_goal(d, wording="Coat\u0000on")]),
    "op_seq above 2^63-1": lambda d: d.push_response([{**_goal(d), "op_seq": 2**63}]),
    "base_seq above 2^63-1": lambda d: d.push_response([{**_goal(d), "base_seq": 2**64}]),
    "cursor above 2^63-1": lambda d: d.get(protocol.PULL_PATH, params={"cursor": 2**63}),
}


@pytest.mark.parametrize("name", sorted(EDGE_VALUES))
def test_edge_values_are_refused_not_crashed_on(live_server, device, name) -> None:
    before = counts(live_server.database_url)
    answer = EDGE_VALUES[name](device)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"
    assert counts(live_server.database_url) == before


def test_an_escaped_backslash_before_u0000_is_ordinary_text(live_server, device) -> None:
    answer = device.push_response([_goal(device, wording="C:\\u0000 is a path, not a NUL")])
    assert answer.status_code == 200, answer.text

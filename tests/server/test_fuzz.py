"""Property-based fuzz of the whole OpenAPI surface (schemathesis) against a real server process.

Every operation of ``/openapi.json`` gets generated requests, valid and
invalid, sent with a team lead's token and the schema header: the server must
never answer 5xx, never crash, and must answer in the declared status codes,
content types and response schemas. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from otvisit.sync import protocol
from otvisit.sync.blob_protocol import CHUNK_MEDIA_TYPE
from otvisit.sync.protocol import PullResponse
from otvisit.sync.server.app import create_app
from otvisit.sync.server.config import ServerSettings
from tests.support.api import ApiClient, audit_event, child_fields, note_fields
from tests.support.server_process import ServerProcess, seed_team

_UUID = re.compile(protocol.UUID_PATTERN)
# The pieces of an attachment upload are plain bytes (tus's media type).
schemathesis.serializer.alias(CHUNK_MEDIA_TYPE, "application/octet-stream")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]


class Seeded:
    """A team with a lead's device and a child, so generated calls reach the real code paths."""

    def __init__(self, server: ServerProcess) -> None:
        team = seed_team(server.database_url, therapists=1, leads=1)
        self.lead = ApiClient(server.base_url).login(team.leads[0].username, team.leads[0].password)
        self.child = str(uuid.uuid4())
        self.lead.push([self.lead.op("child", child_fields(team.team_id), record_id=self.child)])
        answer = self.lead.upload_audit_response([audit_event(child_id=self.child)])
        assert answer.status_code == 200
        self.headers = {
            protocol.SCHEMA_HEADER: str(protocol.SCHEMA_VERSION),
            "Authorization": f"Bearer {self.lead.token}",
        }

    def aim(self, case: Any) -> None:
        """Point generated ids at the team's own device and child, so calls get past the checks."""
        body = case.body
        if isinstance(body, dict) and isinstance(body.get("device_id"), str):
            body["device_id"] = self.lead.device_id
        if isinstance(body, dict) and isinstance(body.get("records"), list):
            for item in body["records"]:  # an unreadable report: about the team's own child
                if isinstance(item, dict) and _UUID.match(str(item.get("record_id", ""))):
                    item["record_id"] = self.child
        params = case.path_parameters or {}
        for name in ("child_id", "record_id"):  # the audit trail, a record's history
            if _UUID.match(str(params.get(name, ""))):
                params[name] = self.child


@pytest.fixture(scope="module")
def seeded(live_server: ServerProcess) -> Iterator[Seeded]:
    world = Seeded(live_server)
    yield world
    world.lead.close()


def _operations() -> list[object]:
    """Every operation the app declares (from an app built in memory, nothing served), with
    invalid-data fuzzing too for those that take input."""
    unused = Path(tempfile.gettempdir()) / "otvisit-openapi-only.db"  # never connected to
    document = create_app(ServerSettings(database_url=f"sqlite:///{unused}")).openapi()
    cases = []
    for path, operations in document["paths"].items():
        for method, spec in operations.items():
            modes = [GenerationMode.POSITIVE]
            if spec.get("parameters") or spec.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                label = f"{method.upper()} {path} {mode.value}"
                cases.append(pytest.param(method.upper(), path, mode, id=label))
    return cases


@pytest.fixture(scope="module")
def api_schema(live_server: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(f"{live_server.base_url}/openapi.json")


@pytest.mark.parametrize(("method", "path", "mode"), _operations())
def test_no_server_error_anywhere(api_schema, seeded: Seeded, method, path, mode) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(mode, headers=seeded.headers))
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        seeded.aim(case)
        case.call_and_validate(checks=CHECKS)

    call()


# Values a broken or hostile laptop might send (issue 11): nesting far beyond what any laptop
# reads back, unpaired surrogates, NUL, integers beyond 64 bits, non-finite numbers. Whatever
# the mix, the server answers 2xx or 4xx, never 5xx, and every laptop can still read the pull.
def _deep(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


HOSTILE_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\ud83d", "a\udc00b", "x\x00y", "\u202e", "বাংলা 🧥", "\ud83d\ude00"]),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=4),
)
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**53, 2**60, -(2**63), 2**64]),
    st.floats(allow_nan=False, allow_infinity=False),
)
HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    HOSTILE_NUMBER,
    st.builds(
        _deep, st.integers(min_value=1, max_value=700), st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER)
    ),
    st.recursive(
        st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER, st.none()),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3)
        ),
        max_leaves=8,
    ),
)
FIELDS = st.sampled_from(
    [("session_note", "attendees"), ("session_note", "body"), ("session_note", "plan"),
     ("goal", "gas_baseline"), ("goal", "gas_weight"), ("child", "given_name"),
     ("child", "nhs_number")]
)  # fmt: skip


@pytest.fixture(scope="module")
def note_of(seeded: Seeded) -> dict[str, Any]:
    """A note and a goal of the team, for conflicting edits (base_seq 0: a colleague's change)."""
    lead = seeded.lead
    ids = {"session_note": str(uuid.uuid4()), "goal": str(uuid.uuid4()), "child": seeded.child}
    me = lead.get(protocol.ME_PATH).json()["user"]["therapist_id"]
    lead.push([
        lead.op("session_note", note_fields(seeded.child, me), record_id=ids["session_note"]),
        lead.op("goal", {"child_id": seeded.child, "wording": "Coat on", "set_on": "2026-11-24"},
                record_id=ids["goal"]),
    ])  # fmt: skip
    return ids


@given(field=FIELDS, value=HOSTILE_VALUE, conflicting=st.booleans(), step=HOSTILE_NUMBER)
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_hostile_values_never_break_the_server_or_the_pull(
    seeded: Seeded, note_of: dict[str, Any], field: tuple[str, str], value: Any,
    conflicting: bool, step: Any,
) -> None:  # fmt: skip
    entity, name = field
    lead = seeded.lead
    op = lead.op(entity, {name: value}, record_id=note_of[entity],
                 base_seq=0 if conflicting else None)  # fmt: skip
    if entity == "goal" and isinstance(step, int):
        op["increments"] = {"gas_baseline": step}
    answer = lead.push_response([op])
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        lead.next_op_seq -= 1  # refused whole: the number was never used
    text = value if isinstance(value, str) else ""
    detail = lead.upload_audit_response([audit_event(child_id=seeded.child, detail=text)])
    assert detail.status_code < 500, detail.text
    page = lead.get(protocol.PULL_PATH, params={"cursor": 0})
    assert page.status_code == 200
    PullResponse.model_validate_json(page.content)  # what every laptop reads


def test_json_nested_thousands_deep_is_refused_not_a_500(seeded: Seeded, note_of) -> None:
    lead = seeded.lead
    for depth in (500, 900, 5000, 100_000):
        nested = "[" * depth + "]" * depth
        body = (
            f'{{"device_id":"{lead.device_id}","operations":[{{"op_seq":{lead.next_op_seq},'
            f'"entity":"session_note","record_id":"{note_of["session_note"]}","kind":"upsert",'
            f'"changes":{{"attendees":{nested}}}}}]}}'
        )
        answer = lead.post(
            protocol.PUSH_PATH, content=body, headers={"Content-Type": "application/json"}
        )
        assert 400 <= answer.status_code < 500, (depth, answer.status_code, answer.text[:200])
        assert answer.json()["error"]["code"] in ("invalid_field", "malformed_json", "http_error")


@pytest.mark.parametrize("text", ["\ud83d", "a\udc00b", "\ud83d\ude00 fine"])
def test_surrogates_in_an_audit_upload_a_sign_in_or_a_report_are_not_a_500(
    seeded: Seeded, text
) -> None:
    answer = seeded.lead.upload_audit_response([audit_event(child_id=seeded.child, detail=text)])
    assert answer.status_code < 500, answer.text
    body = json.dumps({"username": text, "password": text, "device_name": text})
    login = seeded.lead.http.post(
        protocol.LOGIN_PATH, content=body, headers={"Content-Type": "application/json"}
    )
    assert login.status_code < 500, login.text
    item = {"entity": text, "record_id": seeded.child, "seq": 1, "reason": text}
    report = json.dumps({"device_id": seeded.lead.device_id, "records": [item]})
    unreadable = seeded.lead.post(
        protocol.UNREADABLE_PATH, content=report, headers={"Content-Type": "application/json"}
    )
    assert unreadable.status_code < 500, unreadable.text

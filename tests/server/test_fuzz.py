"""Property-based fuzz of the whole OpenAPI surface (schemathesis) against a real server process.

Every operation of ``/openapi.json`` gets generated requests, valid and
invalid, sent with a team lead's token and the schema header: the server must
never answer 5xx, never crash, and must answer in the declared status codes,
content types and response schemas. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from otvisit.sync import protocol
from otvisit.sync.server.app import create_app
from otvisit.sync.server.config import ServerSettings
from tests.support.api import ApiClient, audit_event, child_fields
from tests.support.server_process import ServerProcess, seed_team

_UUID = re.compile(protocol.UUID_PATTERN)
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
        params = case.path_parameters or {}
        if _UUID.match(str(params.get("child_id", ""))):
            params["child_id"] = self.child


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

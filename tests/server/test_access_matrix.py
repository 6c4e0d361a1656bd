"""Access control across every API endpoint: each way in without the right to is refused.

The endpoints come from the app's OpenAPI document, so a new endpoint that is
not in ``MATRIX`` fails ``test_the_matrix_covers_every_endpoint``. For each
endpoint and each situation (no token, malformed token, expired token, revoked
device, another team's child or record, wrong role) the answer must be the
right 4xx, write nothing, and leak nothing: no traceback, no SQL, and none of
the other team's names, ids or field values.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.server import admin
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import AuditEntry, Device
from otvisit.sync.server.team_views import routes as team_views
from tests.server.dbcheck import counts, execute
from tests.support.api import ApiClient, audit_event, child_fields
from tests.support.server_process import Account, SeededTeam, ServerProcess, seed_team

SECRET_GIVEN, SECRET_FAMILY, SECRET_NHS = "Zephyrine", "Quillfeather", "4857773457"
LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite3", "SELECT ", "INSERT ")


@dataclass
class World:
    """Team A (the caller's) and team B (whose child must never show), with devices."""

    server: ServerProcess
    a: SeededTeam
    b: SeededTeam
    a_child: str
    b_child: str
    b_goal: str
    clients: dict[str, ApiClient]

    def secrets(self) -> list[str]:
        names = [acc.username for acc in self.b.therapists + self.b.leads]
        names += [acc.full_name for acc in self.b.therapists + self.b.leads]
        return [SECRET_GIVEN, SECRET_FAMILY, SECRET_NHS, self.b.name, self.b.team_id,
                self.b_child, self.b_goal, *names]  # fmt: skip


Call = Callable[[World, ApiClient], httpx.Response]


def _pull(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.PULL_PATH)


def _me(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.ME_PATH)


def _push_own(w: World, c: ApiClient) -> httpx.Response:
    goal = {"child_id": w.a_child, "wording": "Coat on", "set_on": "2026-11-24"}
    return c.push_response([c.op("goal", goal)])


def _push_other(w: World, c: ApiClient) -> httpx.Response:
    return c.push_response([c.op("goal", {"wording": "Taken over"}, record_id=w.b_goal)])


def _audit_own(w: World, c: ApiClient) -> httpx.Response:
    return c.upload_audit_response([audit_event(child_id=w.a_child)])


def _audit_other(w: World, c: ApiClient) -> httpx.Response:
    return c.upload_audit_response([audit_event(child_id=w.b_child)])


def _trail_own(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.AUDIT_CHILD_PATH.format(child_id=w.a_child), params={"format": "csv"})


def _trail_other(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.AUDIT_CHILD_PATH.format(child_id=w.b_child), params={"format": "csv"})


def _duplicates(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.DUPLICATES_PATH)


def _caseload(w: World, c: ApiClient) -> httpx.Response:
    return c.get(team_views.CASELOAD_PATH)


def _allocate_own(w: World, c: ApiClient) -> httpx.Response:
    body = {"child_ids": [w.a_child], "therapist_id": w.a.therapists[0].user_id}
    return c.post(team_views.ALLOCATIONS_PATH, json=body)


def _allocate_other_child(w: World, c: ApiClient) -> httpx.Response:
    body = {"child_ids": [w.a_child, w.b_child], "therapist_id": w.a.therapists[1].user_id}
    return c.post(team_views.ALLOCATIONS_PATH, json=body)


def _waiting_list(w: World, c: ApiClient) -> httpx.Response:
    return c.get(team_views.WAITING_LIST_PATH)


def _waiting_list_csv(w: World, c: ApiClient) -> httpx.Response:
    return c.get(team_views.WAITING_LIST_CSV_PATH)


def _outcomes(w: World, c: ApiClient) -> httpx.Response:
    return c.get(team_views.OUTCOMES_PATH, params={"from": "2025-12-01", "to": "2026-11-30"})


def _experience(w: World, c: ApiClient) -> httpx.Response:
    return c.get(team_views.EXPERIENCE_PATH)


@dataclass(frozen=True)
class Endpoint:
    call: Call
    #: A request about another team's child or record (None: the endpoint names none).
    other_team: Call | None
    #: Team lead (or admin) only: a therapist is refused.
    lead_only: bool = False
    #: Public (login): no token situations apply; tested with a wrong password instead.
    public: bool = False


def _login(w: World, c: ApiClient) -> httpx.Response:
    return c.login_response(w.b.therapists[0].username, "not the password", "laptop")


MATRIX: dict[tuple[str, str], Endpoint] = {
    ("POST", protocol.LOGIN_PATH): Endpoint(_login, None, public=True),
    ("GET", protocol.ME_PATH): Endpoint(_me, None),
    ("GET", protocol.PULL_PATH): Endpoint(_pull, None),
    ("POST", protocol.PUSH_PATH): Endpoint(_push_own, _push_other),
    ("POST", protocol.AUDIT_PATH): Endpoint(_audit_own, _audit_other),
    ("GET", protocol.AUDIT_CHILD_PATH): Endpoint(_trail_own, _trail_other, lead_only=True),
    ("GET", protocol.DUPLICATES_PATH): Endpoint(_duplicates, None, lead_only=True),
    ("GET", team_views.CASELOAD_PATH): Endpoint(_caseload, None, lead_only=True),
    ("POST", team_views.ALLOCATIONS_PATH): Endpoint(
        _allocate_own, _allocate_other_child, lead_only=True
    ),
    ("GET", team_views.WAITING_LIST_PATH): Endpoint(_waiting_list, None, lead_only=True),
    ("GET", team_views.WAITING_LIST_CSV_PATH): Endpoint(_waiting_list_csv, None, lead_only=True),
    ("GET", team_views.OUTCOMES_PATH): Endpoint(_outcomes, None, lead_only=True),
    ("GET", team_views.EXPERIENCE_PATH): Endpoint(_experience, None, lead_only=True),
}

#: situation -> (which client, expected status, expected error codes)
TOKEN_SITUATIONS: dict[str, tuple[str, int, set[str]]] = {
    "no token": ("anonymous", 401, {"not_signed_in"}),
    "malformed token": ("malformed", 401, {"invalid_token", "not_signed_in"}),
    "wrong scheme": ("basic", 401, {"not_signed_in"}),
    "expired token": ("expired", 401, {protocol.TOKEN_EXPIRED}),
    "revoked device": ("revoked", 401, {protocol.DEVICE_REVOKED}),
}


def _cases() -> list[object]:
    cases = []
    for (method, path), endpoint in MATRIX.items():
        label = f"{method} {path}"
        if endpoint.public:
            cases.append(pytest.param(method, path, "wrong password", id=f"{label}-password"))
            continue
        for situation in TOKEN_SITUATIONS:
            cases.append(pytest.param(method, path, situation, id=f"{label}-{situation}"))
        if endpoint.other_team is not None:
            cases.append(pytest.param(method, path, "other team", id=f"{label}-other team"))
        if endpoint.lead_only:
            cases.append(pytest.param(method, path, "wrong role", id=f"{label}-wrong role"))
    return cases


def _device(url: str, account: Account, *, tag: str) -> ApiClient:
    return ApiClient(url).login(account.username, account.password, f"{tag} laptop")


@pytest.fixture(scope="module")
def world(live_server: ServerProcess) -> Iterator[World]:
    url = live_server.base_url
    a = seed_team(live_server.database_url, leads=1)
    b = seed_team(live_server.database_url, leads=1)
    b_device = _device(url, b.therapists[0], tag="b")
    b_child, b_goal = str(uuid.uuid4()), str(uuid.uuid4())
    b_device.push([
        b_device.op("child", child_fields(b.team_id, given_name=SECRET_GIVEN,
                    family_name=SECRET_FAMILY, nhs_number=SECRET_NHS), record_id=b_child),
        b_device.op("goal", {"child_id": b_child, "wording": f"{SECRET_GIVEN} zips her coat",
                             "set_on": "2026-11-24"}, record_id=b_goal),
    ])  # fmt: skip
    assert b_device.upload_audit_response([audit_event(child_id=b_child)]).status_code == 200
    b_device.close()
    a_child = str(uuid.uuid4())
    lead = _device(url, a.leads[0], tag="a lead")
    lead.push([lead.op("child", child_fields(a.team_id), record_id=a_child)])
    clients = {
        "therapist": _device(url, a.therapists[0], tag="a"),
        "lead": lead,
        "expired": _device(url, a.leads[0], tag="expired"),
        "revoked": _device(url, a.leads[0], tag="revoked"),
        "anonymous": ApiClient(url),
        "malformed": ApiClient(url),
        "basic": ApiClient(url),
    }
    clients["malformed"].token = "not-a-real-token-" + "x" * 300
    clients["basic"].http.headers["Authorization"] = "Basic b3QxOnBhc3N3b3Jk"
    execute(
        live_server.database_url,
        update(Device)
        .where(Device.id == clients["expired"].device_id)
        .values(expires_at=utcnow() - timedelta(minutes=1)),
    )
    database = Database(live_server.database_url)
    try:
        with database.write() as session:
            admin.revoke_device(session, device_id=clients["revoked"].device_id)  # type: ignore[arg-type]
    finally:
        database.dispose()
    yield World(live_server, a, b, a_child, b_child, b_goal, clients)
    for client in clients.values():
        client.close()


def _written(database_url: str) -> dict[str, int]:
    found = counts(database_url)
    database = Database(database_url)
    try:
        with database.read() as session:
            found["device audit"] = int(
                session.execute(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.origin == "device")
                ).scalar_one()
            )
    finally:
        database.dispose()
    return found


def _assert_leaks_nothing(world: World, answer: httpx.Response) -> None:
    for secret in (*world.secrets(), *LEAKS):
        assert secret not in answer.text, (secret, answer.text)
        assert all(secret not in value for value in answer.headers.values()), secret


def test_the_matrix_covers_every_endpoint(live_server) -> None:
    document = httpx.get(f"{live_server.base_url}/openapi.json").json()
    served = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert served == set(MATRIX), "add the new endpoint to MATRIX (and its situations)"


@pytest.mark.parametrize(("method", "path", "situation"), _cases())
def test_refused_and_nothing_leaked(world: World, method, path, situation) -> None:
    endpoint = MATRIX[(method, path)]
    clients = world.clients
    if situation in TOKEN_SITUATIONS:
        who, status, codes = TOKEN_SITUATIONS[situation]
        client, call = clients[who], endpoint.call
    elif situation == "other team":
        # The caller has every right but the team: a lead of team A, about team B's records.
        client, call = clients["lead"], endpoint.other_team
        status, codes = 403, {protocol.OTHER_TEAM}
    elif situation == "wrong role":
        client, call, status, codes = clients["therapist"], endpoint.call, 403, {"not_team_lead"}
    else:  # login with a wrong password
        client, call, status, codes = clients["anonymous"], endpoint.call, 401, {"invalid_login"}
    assert call is not None
    before = _written(world.server.database_url)
    answer = call(world, client)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] in codes
    assert set(answer.json()) == {"error"}
    _assert_leaks_nothing(world, answer)
    after = _written(world.server.database_url)
    assert after == before


@pytest.mark.parametrize(("method", "path"), [key for key, e in MATRIX.items() if not e.public])
def test_the_rightful_caller_gets_an_answer_without_the_other_team(world, method, path) -> None:
    """The same calls with a valid lead token succeed: the refusals above are not accidents."""
    answer = MATRIX[(method, path)].call(world, world.clients["lead"])
    assert answer.status_code == 200, answer.text
    _assert_leaks_nothing(world, answer)

"""Access control across every API endpoint: each way in without the right to is refused.

The endpoints come from the app's OpenAPI document, so a new endpoint that is
not in ``MATRIX`` fails ``test_the_matrix_covers_every_endpoint``. For each
endpoint and each situation (no token, malformed token, expired token, revoked
device, another team's child or record, wrong role) the answer must be the
right 4xx, write nothing, and leak nothing: no traceback, no SQL, and none of
the other team's names, ids or field values.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select, update

from otvisit.models.base import utcnow
from otvisit.sync import blob_protocol as wire
from otvisit.sync import protocol
from otvisit.sync.server import admin
from otvisit.sync.server.console.api import CHILD_FHIR_PATH, REFERRAL_FHIR_PATH
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import AuditEntry, BlobChunk, BlobUpload, Device, StoredBlob
from otvisit.sync.server.team_views import routes as team_views
from tests.factories import next_nhs_number
from tests.fhir.referrals import referral_bundle
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
    a_blob: str = ""
    b_blob: str = ""
    b_device_id: str = ""

    def secrets(self) -> list[str]:
        names = [acc.username for acc in self.b.therapists + self.b.leads]
        names += [acc.full_name for acc in self.b.therapists + self.b.leads]
        return [SECRET_GIVEN, SECRET_FAMILY, SECRET_NHS, self.b.name, self.b.team_id,
                self.b_child, self.b_goal, self.b_blob, *names]  # fmt: skip


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


def _upload(
    c: ApiClient, data: bytes, *, piece: bool = True, commit: bool = False
) -> httpx.Response:
    """Start an upload of ``data``, then send it whole and commit, as far as asked."""
    sha = hashlib.sha256(data).hexdigest()
    path = wire.BLOB_UPLOAD_PATH.format(sha256=sha)
    answer = c.post(path, json={"byte_size": len(data)})
    if piece:
        answer = c.http.patch(path, content=data, headers={
            **c._auth(), wire.UPLOAD_OFFSET_HEADER: "0", "Content-Type": wire.CHUNK_MEDIA_TYPE,
        })  # fmt: skip
    if commit:
        answer = c.post(wire.BLOB_COMMIT_PATH.format(sha256=sha))
    return answer


def _blob_own(w: World, c: ApiClient) -> httpx.Response:
    return c.get(wire.BLOB_PATH.format(sha256=w.a_blob))


def _blob_other(w: World, c: ApiClient) -> httpx.Response:
    return c.get(wire.BLOB_PATH.format(sha256=w.b_blob), headers={"Range": "bytes=0-"})


def _upload_state_own(w: World, c: ApiClient) -> httpx.Response:
    return c.get(wire.BLOB_UPLOAD_PATH.format(sha256=w.a_blob))


def _upload_state_other(w: World, c: ApiClient) -> httpx.Response:
    return c.get(wire.BLOB_UPLOAD_PATH.format(sha256=w.b_blob))


def _start_own(w: World, c: ApiClient) -> httpx.Response:
    return _upload(c, uuid.uuid4().bytes, piece=False)


def _piece_own(w: World, c: ApiClient) -> httpx.Response:
    return _upload(c, uuid.uuid4().bytes)


def _piece_other(w: World, c: ApiClient) -> httpx.Response:
    return c.http.patch(wire.BLOB_UPLOAD_PATH.format(sha256=w.b_blob), content=b"x", headers={
        **c._auth(), wire.UPLOAD_OFFSET_HEADER: "0", "Content-Type": wire.CHUNK_MEDIA_TYPE,
    })  # fmt: skip


def _commit_own(w: World, c: ApiClient) -> httpx.Response:
    return _upload(c, uuid.uuid4().bytes, commit=True)


def _fetch_own(w: World, c: ApiClient) -> httpx.Response:
    return c.post(wire.BLOB_FETCH_PATH, json={"sha256s": [w.a_blob]})


def _commit_other(w: World, c: ApiClient) -> httpx.Response:
    return c.post(wire.BLOB_COMMIT_PATH.format(sha256=w.b_blob))


#: Another team's attachment is answered as one that does not exist.
NOT_HERE = (404, {wire.ATTACHMENT_NOT_FOUND, wire.UPLOAD_NOT_STARTED})


def _history_own(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.HISTORY_PATH.format(record_id=w.a_child))


def _history_other(w: World, c: ApiClient) -> httpx.Response:
    return c.get(protocol.HISTORY_PATH.format(record_id=w.b_goal))


def _report_unreadable(c: ApiClient, record_id: str) -> httpx.Response:
    item = {"entity": "goal", "record_id": record_id, "seq": 1, "reason": "nested too deep"}
    body = {"device_id": c.device_id or str(uuid.uuid4()), "records": [item]}
    return c.post(protocol.UNREADABLE_PATH, json=body)


def _unreadable_own(w: World, c: ApiClient) -> httpx.Response:
    return _report_unreadable(c, w.a_child)


def _unreadable_other(w: World, c: ApiClient) -> httpx.Response:
    return _report_unreadable(c, w.b_goal)


def _resend_conflict_own(w: World, c: ApiClient) -> httpx.Response:
    item = {
        "conflict_id": str(uuid.uuid4()), "entity": "child", "record_id": w.a_child,
        "kind": "edit", "field": "given_name", "mine": "A", "theirs": "B",
        "found_at": "2026-11-30T10:00:00+00:00",
    }  # fmt: skip
    body = {"device_id": c.device_id or str(uuid.uuid4()), "conflicts": [item]}
    return c.post(protocol.RESENT_CONFLICTS_PATH, json=body)


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


def _fhir_own(w: World, c: ApiClient) -> httpx.Response:
    return c.get(CHILD_FHIR_PATH.format(child_id=w.a_child))


def _fhir_other(w: World, c: ApiClient) -> httpx.Response:
    return c.get(CHILD_FHIR_PATH.format(child_id=w.b_child))


def _referral_fhir(w: World, c: ApiClient) -> httpx.Response:
    """A GP system's referral for a child new to the team (a new NHS number each call)."""
    body = referral_bundle(nhs_number=next_nhs_number())
    return c.post(REFERRAL_FHIR_PATH, json=body)


@dataclass(frozen=True)
class Endpoint:
    call: Call
    #: A request about another team's child or record (None: the endpoint names none).
    other_team: Call | None
    #: Team lead (or admin) only: a therapist is refused.
    lead_only: bool = False
    #: Public (login): no token situations apply; tested with a wrong password instead.
    public: bool = False
    #: The answer to the other team's record (status, codes).
    other_team_answer: tuple[int, set[str]] = (403, {protocol.OTHER_TEAM})


def _login(w: World, c: ApiClient) -> httpx.Response:
    return c.login_response(w.b.therapists[0].username, "not the password", "laptop")


TEAM = "/api/v1/team"
PASSWORD = {"password": "a new password 123"}


def _person_call(method: str, suffix: str, body: dict[str, str] | None, *, other: bool) -> Call:
    def call(w: World, c: ApiClient) -> httpx.Response:
        user = (w.b.therapists[0] if other else w.a.therapists[1]).user_id
        return c.http.request(method, f"{TEAM}/people/{user}/{suffix}", json=body,
                              headers=c._auth())  # fmt: skip

    return call


def _revoke_call(method: str, *, other: bool) -> Call:
    def call(w: World, c: ApiClient) -> httpx.Response:
        device = w.b_device_id if other else w.clients["spare"].device_id
        return c.http.request(method, f"{TEAM}/devices/{device}/revoke", headers=c._auth())

    return call


def _new_person(w: World, c: ApiClient) -> httpx.Response:
    body = {"username": f"new-{uuid.uuid4().hex[:8]}", "full_name": "New Therapist",
            "password": "first password 1"}  # fmt: skip
    return c.post(f"{TEAM}/people", json=body)


def _put_logo(w: World, c: ApiClient) -> httpx.Response:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "navy").save(out, format="PNG")
    body = {"image_base64": base64.b64encode(out.getvalue()).decode("ascii")}
    return c.http.put(f"{TEAM}/logo", json=body, headers=c._auth())


NOT_FOUND = (404, {"not_found"})
TEAM_MATRIX: dict[tuple[str, str], Endpoint] = {
    ("GET", TEAM): Endpoint(lambda w, c: c.get(TEAM), None),
    ("PUT", TEAM): Endpoint(
        lambda w, c: c.http.put(TEAM, json={"phone": "020 1"}, headers=c._auth()),
        None,
        lead_only=True,
    ),
    # The logo is the caller's team's: no path names another team (tests/server/test_team_logo.py).
    ("PUT", f"{TEAM}/logo"): Endpoint(_put_logo, None, lead_only=True),
    ("DELETE", f"{TEAM}/logo"): Endpoint(
        lambda w, c: c.http.delete(f"{TEAM}/logo", headers=c._auth()), None, lead_only=True
    ),
    ("GET", f"{TEAM}/people"): Endpoint(lambda w, c: c.get(f"{TEAM}/people"), None, lead_only=True),
    ("POST", f"{TEAM}/people"): Endpoint(_new_person, None, lead_only=True),
    ("GET", f"{TEAM}/devices"): Endpoint(
        lambda w, c: c.get(f"{TEAM}/devices"), None, lead_only=True
    ),
    ("GET", f"{TEAM}/conflicts"): Endpoint(
        lambda w, c: c.get(f"{TEAM}/conflicts"), None, lead_only=True
    ),
}
for _method, _suffix, _body in [
    ("PUT", "password", PASSWORD),
    ("PUT", "role", {"role": "therapist"}),
    ("POST", "deactivate", None),
    ("POST", "reactivate", None),
]:
    TEAM_MATRIX[(_method, f"{TEAM}/people/{{user_id}}/{_suffix}")] = Endpoint(
        _person_call(_method, _suffix, _body, other=False),
        _person_call(_method, _suffix, _body, other=True),
        lead_only=True,
        other_team_answer=NOT_FOUND,
    )
for _method in ("GET", "POST"):
    TEAM_MATRIX[(_method, f"{TEAM}/devices/{{device_id}}/revoke")] = Endpoint(
        _revoke_call(_method, other=False),
        _revoke_call(_method, other=True),
        lead_only=True,
        other_team_answer=NOT_FOUND,
    )

MATRIX: dict[tuple[str, str], Endpoint] = {
    **TEAM_MATRIX,
    ("POST", protocol.LOGIN_PATH): Endpoint(_login, None, public=True),
    ("GET", protocol.ME_PATH): Endpoint(_me, None),
    ("GET", protocol.PULL_PATH): Endpoint(_pull, None),
    ("POST", protocol.PUSH_PATH): Endpoint(_push_own, _push_other),
    ("POST", protocol.AUDIT_PATH): Endpoint(_audit_own, _audit_other),
    ("GET", protocol.AUDIT_CHILD_PATH): Endpoint(_trail_own, _trail_other, lead_only=True),
    ("GET", protocol.DUPLICATES_PATH): Endpoint(_duplicates, None, lead_only=True),
    ("GET", wire.BLOB_PATH): Endpoint(_blob_own, _blob_other, other_team_answer=NOT_HERE),
    ("GET", wire.BLOB_UPLOAD_PATH): Endpoint(
        _upload_state_own, _upload_state_other, other_team_answer=NOT_HERE
    ),
    # Starting an upload names no other team's anything: a team's uploads are its own.
    ("POST", wire.BLOB_UPLOAD_PATH): Endpoint(_start_own, None),
    ("PATCH", wire.BLOB_UPLOAD_PATH): Endpoint(
        _piece_own, _piece_other, other_team_answer=NOT_HERE
    ),
    # Another team's files are left out of a fetch (tests/server/test_blobs.py), not refused.
    ("POST", wire.BLOB_FETCH_PATH): Endpoint(_fetch_own, None),
    ("POST", wire.BLOB_COMMIT_PATH): Endpoint(
        _commit_own, _commit_other, other_team_answer=NOT_HERE
    ),
    ("GET", protocol.HISTORY_PATH): Endpoint(_history_own, _history_other),
    ("POST", protocol.UNREADABLE_PATH): Endpoint(_unreadable_own, _unreadable_other),
    # Conflicts on another team's records are left out, unsaid (test_resent_conflicts.py).
    ("POST", protocol.RESENT_CONFLICTS_PATH): Endpoint(_resend_conflict_own, None),
    ("GET", team_views.CASELOAD_PATH): Endpoint(_caseload, None, lead_only=True),
    ("POST", team_views.ALLOCATIONS_PATH): Endpoint(
        _allocate_own, _allocate_other_child, lead_only=True
    ),
    ("GET", team_views.WAITING_LIST_PATH): Endpoint(_waiting_list, None, lead_only=True),
    ("GET", team_views.WAITING_LIST_CSV_PATH): Endpoint(_waiting_list_csv, None, lead_only=True),
    ("GET", team_views.OUTCOMES_PATH): Endpoint(_outcomes, None, lead_only=True),
    ("GET", team_views.EXPERIENCE_PATH): Endpoint(_experience, None, lead_only=True),
    ("GET", CHILD_FHIR_PATH): Endpoint(
        _fhir_own, _fhir_other, lead_only=True, other_team_answer=NOT_FOUND
    ),
    # An import names no other team's child: a referral's NHS number is matched in the team.
    ("POST", REFERRAL_FHIR_PATH): Endpoint(_referral_fhir, None, lead_only=True),
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
    b_photo = f"{SECRET_GIVEN}'s seating at nursery".encode()
    assert _upload(b_device, b_photo, commit=True).json()["stored"] is True
    b_device_id = str(b_device.device_id)
    b_device.close()
    a_child = str(uuid.uuid4())
    lead = _device(url, a.leads[0], tag="a lead")
    lead.push([lead.op("child", child_fields(a.team_id), record_id=a_child)])
    a_photo = b"a handwriting sample"
    assert _upload(lead, a_photo, commit=True).json()["stored"] is True
    clients = {
        "therapist": _device(url, a.therapists[0], tag="a"),
        "lead": lead,
        "expired": _device(url, a.leads[0], tag="expired"),
        "revoked": _device(url, a.leads[0], tag="revoked"),
        "spare": _device(url, a.therapists[1], tag="a spare"),
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
    blobs = hashlib.sha256(a_photo).hexdigest(), hashlib.sha256(b_photo).hexdigest()
    yield World(live_server, a, b, a_child, b_child, b_goal, clients, *blobs, b_device_id)
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
            for table in (BlobUpload, BlobChunk, StoredBlob):
                found[table.__tablename__] = int(
                    session.execute(select(func.count()).select_from(table)).scalar_one()
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
        status, codes = endpoint.other_team_answer
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
    assert answer.status_code in (200, 201, 204), answer.text
    _assert_leaks_nothing(world, answer)

"""The team console's FHIR exchange against a real server process (SQLite and PostgreSQL).

A child's record exported by a team lead is the laptop's own export of the same child (same
resources, validated by fhir.resources, NHS number system as NHS England's); another team's
child is a 404 that shows nothing. A referral Bundle becomes server records that a real
laptop's sync puts on its list of referrals to decide; each refusal says why and writes
nothing (the server's records, conflicts and sequence counted before and after).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle

from otvisit.fhir.export import bundle_json, export_child
from otvisit.models import Child, Team, Therapist
from otvisit.services import referrals
from otvisit.sync.server.console.api import CHILD_FHIR_PATH, REFERRAL_FHIR_PATH
from otvisit.sync.server.schema import AuditEntry, Record
from tests.factories import next_nhs_number
from tests.fhir.conftest import build_full_record
from tests.fhir.referrals import referral_bundle
from tests.server.dbcheck import counts, rows
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import SeededTeam, ServerProcess, seed_team
from tests.sync.laptop import Laptop

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


@pytest.fixture
def seeded(live_server: ServerProcess) -> SeededTeam:
    return seed_team(live_server.database_url, therapists=1, leads=1)


@pytest.fixture
def lead(live_server: ServerProcess, seeded: SeededTeam) -> Iterator[ApiClient]:
    client = ApiClient(live_server.base_url).login(
        seeded.leads[0].username, seeded.leads[0].password, "lead laptop"
    )
    yield client
    client.close()


@pytest.fixture
def laptop(live_server: ServerProcess, seeded: SeededTeam, tmp_path: Path) -> Iterator[Laptop]:
    account = seeded.therapists[0]
    made = Laptop.sign_in(
        tmp_path,
        name="ot-laptop",
        url=live_server.base_url,
        username=account.username,
        password=account.password,
    )
    yield made
    made.close()


def _import(client: ApiClient, body: bytes | dict[str, Any]) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.http.post(
        REFERRAL_FHIR_PATH,
        content=content,
        headers={**client._auth(), "Content-Type": "application/fhir+json"},
    )


def _entries(text: str) -> list[dict[str, Any]]:
    return json.loads(text)["entry"]  # type: ignore[no-any-return]


def test_the_console_export_is_the_laptops_export_of_the_same_child(
    live_server: ServerProcess, seeded: SeededTeam, lead: ApiClient, laptop: Laptop
) -> None:
    assert laptop.sync().failure == ""  # the team and its therapists reach the laptop
    with laptop.store.transaction() as session:
        team = session.get(Team, seeded.team_id)
        therapist = session.get(Therapist, laptop.user_id)
        assert team is not None and therapist is not None
        record = build_full_record(session, team=team, therapist=therapist)
    report = laptop.sync()
    assert report.failure == "" and report.rejected == [] and report.pushed > 10

    answer = lead.get(CHILD_FHIR_PATH.format(child_id=record.child_id))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="fhir-{record.nhs_number}.json"'
    )
    bundle = Bundle.model_validate_json(answer.text)  # valid FHIR R4, every resource
    assert bundle.type == "collection"
    patient = bundle.entry[0].resource  # type: ignore[index]
    assert patient.get_resource_type() == "Patient"
    assert [(i.system, i.value) for i in patient.identifier] == [(NHS_SYSTEM, record.nhs_number)]

    with laptop.store.transaction() as session:
        at = datetime.now(UTC)
        mine = bundle_json(export_child(session, child_id=record.child_id, actor_id=None, at=at))
    kinds = {e["resource"]["resourceType"] for e in _entries(mine)}
    assert {
        "Patient",
        "Goal",
        "Observation",
        "DocumentReference",
        "Encounter",
        "DeviceRequest",
        "CarePlan",
        "EpisodeOfCare",
        "Appointment",
        "Practitioner",
    } <= kinds
    assert _entries(answer.text) == _entries(mine)

    exports = rows(
        live_server.database_url,
        AuditEntry,
        AuditEntry.action == "export",
        AuditEntry.child_id == record.child_id,
    )
    assert [(e.user_id, e.record_id) for e in exports] == [  # type: ignore[attr-defined]
        (seeded.leads[0].user_id, record.child_id)
    ]


def test_another_teams_child_is_not_found_and_shows_nothing(
    live_server: ServerProcess, lead: ApiClient
) -> None:
    other = seed_team(live_server.database_url, therapists=1)
    device = ApiClient(live_server.base_url).login(
        other.therapists[0].username, other.therapists[0].password
    )
    child = str(uuid.uuid4())
    device.push(
        [
            device.op(
                "child",
                child_fields(other.team_id, given_name="Philippa", nhs_number="4857773457"),
                record_id=child,
            )
        ]
    )
    device.close()
    answer = lead.get(CHILD_FHIR_PATH.format(child_id=child))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert "Philippa" not in answer.text and "4857773457" not in answer.text
    assert (
        rows(
            live_server.database_url,
            AuditEntry,
            AuditEntry.action == "export",
            AuditEntry.child_id == child,
        )
        == []
    )


def test_an_imported_referral_reaches_a_laptops_referrals_to_decide(
    live_server: ServerProcess, seeded: SeededTeam, lead: ApiClient, laptop: Laptop
) -> None:
    number = next_nhs_number()
    answer = _import(lead, referral_bundle(nhs_number=number))
    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert done["child_created"] is True and done["child_name"] == "Aisha Begum"
    stored = {
        r.entity: r
        for r in rows(
            live_server.database_url,
            Record,  # type: ignore[attr-defined]
            Record.child_id == done["child_id"],
        )
    }
    assert set(stored) == {"child", "referral"}
    assert stored["referral"].id == done["referral_id"]
    assert stored["child"].team_id == seeded.team_id

    assert laptop.sync().failure == ""
    with laptop.store.read_session() as session:
        waiting = referrals.referrals_to_decide(session, team_id=seeded.team_id)
        child = session.get(Child, done["child_id"])
    assert [(w.referral_id, w.nhs_number, w.received_on) for w in waiting] == [
        (done["referral_id"], number, date(2026, 11, 2))
    ]
    assert child is not None and child.date_of_birth == date(2020, 5, 17)
    assert waiting[0].reason == "Struggles with dressing and with pencil grip at nursery"


def test_a_referral_for_a_child_on_the_caseload_is_matched_by_nhs_number(
    live_server: ServerProcess, seeded: SeededTeam, lead: ApiClient, laptop: Laptop
) -> None:
    laptop.sync()
    number = next_nhs_number()
    with laptop.store.transaction() as session:
        known = Child(
            team_id=seeded.team_id,
            given_name="Aisha",
            family_name="Begum",
            date_of_birth=date(2020, 5, 17),
            nhs_number=number,
        )
        session.add(known)
    assert laptop.sync().rejected == []
    answer = _import(lead, referral_bundle(nhs_number=number))
    assert answer.status_code == 201, answer.text
    assert answer.json()["child_created"] is False
    assert answer.json()["child_id"] == known.id
    children = rows(
        live_server.database_url, Record, Record.entity == "child", Record.team_id == seeded.team_id
    )
    assert len(children) == 1


REFUSALS = {
    "check digit": (
        lambda number: referral_bundle(nhs_number=number[:9] + str((int(number[9]) + 1) % 10)),
        "fails its check digit",
    ),
    "other date of birth": (
        lambda number: referral_bundle(nhs_number=number, birth_date=date(2021, 1, 2)),
        "another date of birth",
    ),
    "not JSON": (lambda number: b"MSH|^~\\&|GP|referral", "not JSON"),
    "not FHIR": (lambda number: {"resourceType": "Referral", "child": number}, "not a FHIR Bundle"),
    "reference outside": (
        lambda number: referral_bundle(nhs_number=number, subject="Patient/elsewhere"),
        "points outside the bundle",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_each_refusal_says_why_and_writes_nothing(
    live_server: ServerProcess, seeded: SeededTeam, lead: ApiClient, case: str
) -> None:
    number = next_nhs_number()
    known = str(uuid.uuid4())  # on the caseload, born 17 May 2020
    lead.push(
        [
            lead.op(
                "child",
                child_fields(seeded.team_id, nhs_number=number, date_of_birth="2020-05-17"),
                record_id=known,
            )
        ]
    )
    make, reason = REFUSALS[case]
    body = make(number)
    before = counts(live_server.database_url)
    audit_before = len(rows(live_server.database_url, AuditEntry, AuditEntry.action == "import"))
    answer = _import(lead, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "fhir_refused"
    message = answer.json()["error"]["message"]
    assert message.startswith("The referral was not imported, nothing was written: ")
    assert reason in message
    assert counts(live_server.database_url) == before
    assert len(rows(live_server.database_url, AuditEntry, AuditEntry.action == "import")) == (
        audit_before
    )

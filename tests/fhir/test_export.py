"""The export: every resource valid FHIR R4, the NHS number system exact, GAS coded with LOINC."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select

from otvisit.fhir import codes
from otvisit.fhir.export import bundle_json, export_child
from otvisit.models import AuditEvent, GasRating
from otvisit.models.store import Store
from tests.fhir.conftest import FullRecord


def _export(store: Store, record: FullRecord) -> dict:
    with store.transaction() as session:
        return json.loads(
            bundle_json(export_child(session, child_id=record.child_id, actor_id=None))
        )


def test_every_exported_resource_validates_on_its_own(
    store: Store, full_record: FullRecord
) -> None:
    bundle = _export(store, full_record)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    kinds = Counter()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)  # raises on anything invalid
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        kinds[resource["resourceType"]] += 1
    for kind in (
        "Patient",
        "EpisodeOfCare",
        "Appointment",
        "Encounter",
        "DocumentReference",
        "Goal",
        "Observation",
        "DeviceRequest",
        "CarePlan",
        "Practitioner",
        "Organization",
    ):
        assert kinds[kind] >= 1, kind
    # one signed note (the draft stays behind): one Encounter, note + addendum documents
    assert kinds["Encounter"] == 1
    assert kinds["DocumentReference"] == 2


def test_the_nhs_number_identifier_system_is_exactly_right(
    store: Store, full_record: FullRecord
) -> None:
    bundle = _export(store, full_record)
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": full_record.nhs_number}
    ]
    communication = next(x for x in patient["extension"] if x["url"] == codes.UK_NHS_COMMUNICATION)
    parts = {p["url"]: p for p in communication["extension"]}
    assert parts["interpreterRequired"]["valueBoolean"] is True
    assert parts["language"]["valueCodeableConcept"]["coding"][0]["code"] == "ar"


@pytest.mark.parametrize(
    ("level", "loinc"),
    [(2, "LA6113-0"), (1, "LA6112-2"), (0, "LA6111-4"), (-1, None), (-2, None)],
)
def test_each_gas_rating_maps_to_the_right_loinc_answer(
    store: Store, full_record: FullRecord, level: int, loinc: str | None
) -> None:
    bundle = _export(store, full_record)
    with store.read_session() as session:
        rating_ids = set(session.scalars(select(GasRating.id).where(GasRating.level == level)))
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["id"] in rating_ids]
    assert observations, f"no rating at level {level} was exported"
    for observation in observations:
        assert observation["code"]["coding"][0] == {
            "system": "http://loinc.org",
            "code": "107332-9",
            "display": "Goal attainment scale - Reported",
        }
        answers = {c["system"]: c["code"] for c in observation["valueCodeableConcept"]["coding"]}
        assert answers.get("http://loinc.org") == loinc
        assert answers[codes.own_system("gas-level")] == str(level)


def test_the_t_score_and_copm_before_and_after_are_observations(
    store: Store, full_record: FullRecord
) -> None:
    bundle = _export(store, full_record)
    resources = [e["resource"] for e in bundle["entry"]]
    t_score = next(
        r
        for r in resources
        if r.get("code", {}).get("coding", [{}])[0].get("code") == "gas-t-score"
    )
    # latest ratings: +2 (weight 2) and -1 (weight 1): T = 50 + 10*(4-1)/sqrt(0.7*5 + 0.3*9)
    assert t_score["valueQuantity"]["value"] == pytest.approx(62.0, abs=0.1)
    copm = next(r for r in resources if r.get("valueString") == "Getting dressed for school")
    scores = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in copm["component"]}
    assert scores == {
        "importance": 9,
        "performance-before": 3,
        "satisfaction-before": 2,
        "performance-after": 6,
        "satisfaction-after": 7,
    }


def test_the_export_is_audited(store: Store, full_record: FullRecord) -> None:
    _export(store, full_record)
    with store.read_session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.child_id == full_record.child_id)
        ).all()
    assert any(e.action == "export" and "FHIR" in e.detail for e in events)


def test_our_json_is_exactly_what_fhir_resources_writes(
    store: Store, full_record: FullRecord
) -> None:
    from otvisit.fhir.json_out import to_json

    with store.transaction() as session:
        bundle = export_child(session, child_id=full_record.child_id, actor_id=None)
    kinds = set()
    for entry in bundle.entry or []:
        resource = entry.resource
        kinds.add(resource.get_resource_type())
        assert json.loads(to_json(resource)) == json.loads(
            resource.model_dump_json(exclude_none=True)
        ), resource.get_resource_type()
    assert json.loads(to_json(bundle)) == json.loads(bundle.model_dump_json(exclude_none=True))
    assert len(kinds) >= 11


def test_the_committed_example_bundle_is_valid_and_made_up() -> None:
    from pathlib import Path

    from otvisit.fhir.reading import read_bundle

    path = Path(__file__).resolve().parents[2] / "docs" / "fhir" / "example-bundle.json"
    read = read_bundle(path.read_bytes())
    patients = [
        e.resource for e in read.bundle.entry or [] if e.resource.get_resource_type() == "Patient"
    ]
    assert len(patients) == 1
    assert patients[0].identifier[0].value.startswith("999"), "only test-range NHS numbers in docs"


@pytest.mark.parametrize(
    ("vocabulary", "mapping"),
    [
        ("AppointmentStatus", "APPOINTMENT_STATUS"),
        ("Place", "ENCOUNTER_CLASS"),
        ("GoalStatus", "GOAL_LIFECYCLE"),
        ("EquipmentStatus", "DEVICE_REQUEST_STATUS"),
    ],
)
def test_every_value_of_the_service_has_a_fhir_mapping(vocabulary: str, mapping: str) -> None:
    """A new outcome (was not brought, no access) must never make an export fail."""
    from otvisit.models import vocabulary as words

    assert set(getattr(words, vocabulary)) == set(getattr(codes, mapping))


def test_was_not_brought_and_no_access_are_exported_as_noshow(
    store: Store, full_record: FullRecord
) -> None:
    from datetime import timedelta

    from otvisit.models import Appointment
    from otvisit.models.base import utcnow
    from otvisit.models.vocabulary import AppointmentStatus

    with store.transaction() as session:
        for status in (AppointmentStatus.WAS_NOT_BROUGHT, AppointmentStatus.NO_ACCESS):
            session.add(
                Appointment(
                    child_id=full_record.child_id, kind="intervention", place="home",
                    starts_at=utcnow() - timedelta(days=3), status=status,
                )
            )  # fmt: skip
    bundle = _export(store, full_record)
    shown = [
        (e["resource"]["status"], ext["valueCode"])
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Appointment"
        for ext in e["resource"]["extension"]
        if ext["url"].endswith("appointment-status")
    ]
    assert ("noshow", "was_not_brought") in shown and ("noshow", "no_access") in shown


def test_the_garbage_collector_is_back_as_it_was_after_an_export(
    store: Store, full_record: FullRecord
) -> None:
    import gc

    from otvisit.fhir.export import collector_paused

    assert gc.isenabled()
    with store.transaction() as session:
        with collector_paused():  # an export inside another (two threads) keeps it held off
            text = bundle_json(export_child(session, child_id=full_record.child_id, actor_id=None))
            assert not gc.isenabled()
        assert gc.isenabled() and '"resourceType": "Bundle"' in text
    gc.disable()
    try:
        with store.transaction() as session:
            export_child(session, child_id=full_record.child_id, actor_id=None)
        assert not gc.isenabled()  # left off when it was off
    finally:
        gc.enable()

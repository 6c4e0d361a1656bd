"""Referrals in as FHIR: matched or created by NHS number, refused whole when anything is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from otvisit.fhir.reading import FhirError, read_bundle
from otvisit.fhir.referral_import import import_referral
from otvisit.models import Child, Referral
from otvisit.models.store import Store
from otvisit.models.vocabulary import ReferralPriority, ReferralSource, ReferralStatus
from otvisit.services import referrals
from otvisit.services.waiting_list import waiting_list
from tests.factories import counts, make_child
from tests.fhir.referrals import referral_bundle

TODAY = date(2026, 11, 30)


def _import(store: Store, data: Any) -> Any:
    text = data if isinstance(data, str) else json.dumps(data)
    with store.transaction() as session:
        return import_referral(session, read_bundle(text), team_id=None, actor_id=None, today=TODAY)


@pytest.fixture
def team_child(store: Store) -> Child:
    with store.transaction() as session:
        child = make_child(session, nhs_number="9990000034", date_of_birth=date(2020, 1, 9))
        session.expunge(child)
        return child


def test_a_new_child_is_created_and_waits_with_the_referral(
    store: Store, team_child: Child
) -> None:
    done = _import(store, referral_bundle())
    assert done.child_created
    with store.read_session() as session:
        child = session.get(Child, done.child_id)
        referral = session.get(Referral, done.referral_id)
        assert child is not None and referral is not None
        assert (child.given_name, child.family_name, child.nhs_number) == (
            "Aisha",
            "Begum",
            "9990000026",
        )
        assert child.team_id == team_child.team_id
        assert referral.status is ReferralStatus.RECEIVED
        assert referral.source is ReferralSource.GP
        assert referral.priority is ReferralPriority.ROUTINE
        assert referral.received_on == date(2026, 11, 2)
        assert "pencil grip" in referral.reason
    with store.transaction() as session:  # accepted, the child waits on the 18-week clock
        referrals.accept_referral(session, referral_id=done.referral_id, accepted_on=TODAY)
        rows = waiting_list(session, today=TODAY)
    assert [(r.nhs_number, r.days_waited) for r in rows] == [("9990000026", 28)]


def test_a_child_already_on_the_caseload_is_matched_by_nhs_number(
    store: Store, team_child: Child
) -> None:
    done = _import(store, referral_bundle(nhs_number="999 000 0034", birth_date=date(2020, 1, 9)))
    assert not done.child_created and done.child_id == team_child.id
    with store.read_session() as session:
        assert len(session.scalars(select(Child)).all()) == 1


BAD_FILES: dict[str, tuple[Any, str]] = {
    "check digit": (referral_bundle(nhs_number="9990000027"), "fails its check digit"),
    "nine digits": (referral_bundle(nhs_number="999000002"), "fails its check digit"),
    "letters": (referral_bundle(nhs_number="99900000AB"), "fails its check digit"),
    "other date of birth": (
        referral_bundle(nhs_number="9990000034", birth_date=date(2021, 1, 9)),
        "another date of birth",
    ),
    "not json": ("this is not json {", "not JSON"),
    "json, not fhir": ({"patient": "Aisha"}, "not a FHIR Bundle"),
    "another resource": ({"resourceType": "Patient"}, "not a FHIR Bundle"),
    "invalid bundle": (
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": {"resourceType": "Patient", "birthDate": "last spring"}}],
        },
        "not valid FHIR",
    ),
    "unknown element": (
        {"resourceType": "Bundle", "type": "collection", "colour": "blue"},
        "not valid FHIR",
    ),
    "reference outside": (
        referral_bundle(subject="https://gp.example/fhir/Patient/1"),
        "points outside the bundle",
    ),
    "no service request": (
        {"resourceType": "Bundle", "type": "collection", "entry": []},
        "exactly one ServiceRequest",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_referral_is_refused_with_a_reason_and_nothing_written(
    store: Store, team_child: Child, name: str
) -> None:
    data, reason = BAD_FILES[name]
    with store.read_session() as session:
        before = counts(session)
    with pytest.raises(FhirError, match=reason):
        _import(store, data)
    with store.read_session() as session:
        assert counts(session) == before


def _otvisit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otvisit", "--data-dir", str(data_dir), "--profile", "demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"OTVISIT_INSECURE_KEY_FILE": "1", "PATH": "/usr/bin:/bin"},
    )


def test_the_command_imports_a_referral_and_refuses_a_bad_one(tmp_path: Path) -> None:
    made = _otvisit("demo", "--children", "3", "--records", "200", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    good = tmp_path / "referral.json"
    good.write_text(json.dumps(referral_bundle(nhs_number="9990009007")))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(referral_bundle(nhs_number="9990000027")))
    refused = _otvisit("fhir", "import-referral", str(bad), data_dir=tmp_path)
    assert refused.returncode == 1
    assert "refused, nothing written" in refused.stderr and "check digit" in refused.stderr
    done = _otvisit("fhir", "import-referral", str(good), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "waits to be accepted" in done.stdout


def test_a_referral_missing_what_otvisit_needs_is_refused_not_crashed(
    store: Store, team_child: Child
) -> None:
    data = referral_bundle()
    del data["entry"][0]["resource"]["name"]
    with pytest.raises(FhirError, match="no name"):
        _import(store, data)
    data = referral_bundle()
    del data["entry"][1]["resource"]["subject"]
    with pytest.raises(FhirError):
        _import(store, data)

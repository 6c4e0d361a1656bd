"""The console's FHIR exchange in a real Chromium against a real server (SQLite and PostgreSQL).

A team lead downloads a child's record from the caseload (a FHIR Bundle that validates, the
child's NHS number in it), is shown nothing for another team's child, and uploads referral
files through the real form: a refused one shows the NHS error summary with the reason and
writes nothing; a good one is on the server for the team's laptops to pull. The SQLite run
saves screenshots of the import page in docs/console/.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from tests.console.conftest import (
    SECRET_FAMILY,
    SECRET_GIVEN,
    lead_in,
    other_team_with_a_secret_child,
    shoot,
)
from tests.factories import next_nhs_number
from tests.fhir.referrals import referral_bundle
from tests.server.dbcheck import counts
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import SeededTeam, ServerProcess, seed_team

pytestmark = pytest.mark.slow
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
FILE_LABEL = "The referral's FHIR file (JSON)"


@dataclass
class World:
    server: ServerProcess
    a: SeededTeam
    b: SeededTeam
    a_child: str
    a_number: str
    b_child: str
    a_laptop: ApiClient

    @property
    def url(self) -> str:
        return self.server.base_url

    def shoot(self, page: Page, name: str) -> None:
        shoot(self.server, page, name)


@pytest.fixture(scope="module")
def world(live_server: ServerProcess) -> Iterator[World]:
    url = live_server.base_url
    a = seed_team(
        live_server.database_url,
        therapists=1,
        leads=1,
        name=f"Riverside children's OT {uuid.uuid4().hex[:4]}",
    )
    other = other_team_with_a_secret_child(live_server)
    b, b_child = other.team, other.child
    a_laptop = ApiClient(url).login(a.therapists[0].username, a.therapists[0].password, "OT-07")
    a_child, a_number = str(uuid.uuid4()), next_nhs_number()
    a_laptop.push(
        [
            a_laptop.op(
                "child",
                child_fields(
                    a.team_id, given_name="Amara", family_name="Okafor", nhs_number=a_number
                ),
                record_id=a_child,
            )
        ]
    )
    yield World(live_server, a, b, a_child, a_number, b_child, a_laptop)
    a_laptop.close()


def _lead_in(world: World, page: Page) -> None:
    lead_in(page, world.url, world.a)


def _upload(page: Page, content: bytes, name: str = "referral.json") -> None:
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": name, "mimeType": "application/fhir+json", "buffer": content}]
    )
    page.get_by_role("button", name="Import the referral").click()


def test_a_lead_downloads_a_childs_record_from_the_caseload(world: World, page: Page) -> None:
    _lead_in(world, page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    with page.expect_download() as started:
        page.get_by_role("link", name="FHIR record of Amara Okafor (download)").click()
    download = started.value
    assert download.suggested_filename == f"fhir-{world.a_number}.json"
    bundle = Bundle.model_validate_json(Path(download.path()).read_text(encoding="utf-8"))
    patient = bundle.entry[0].resource  # type: ignore[index]
    assert [(i.system, i.value) for i in patient.identifier] == [(NHS_SYSTEM, world.a_number)]
    assert patient.name[0].given == ["Amara"]

    answer = page.goto(f"{world.url}/console/children/{world.b_child}/fhir")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert SECRET_GIVEN not in page.content() and SECRET_FAMILY not in page.content()


def test_a_lead_imports_a_referral_through_the_form(world: World, page: Page) -> None:
    _lead_in(world, page)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Import a referral (FHIR)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a referral (FHIR)")
    world.shoot(page, "15-fhir-import")

    page.get_by_role("button", name="Import the referral").click()  # no file chosen
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the referral's FHIR file")

    before = counts(world.server.database_url)
    known = referral_bundle(nhs_number=world.a_number, birth_date=date(2021, 1, 2))
    _upload(page, json.dumps(known).encode())
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The referral was not imported, nothing was written")
    expect(summary).to_contain_text("already on the caseload with another date of birth")
    summary.get_by_role("link").first.click()  # the summary leads to the file field
    expect(page.get_by_label(FILE_LABEL)).to_be_focused()
    world.shoot(page, "16-fhir-import-refused")
    _upload(page, b"<ClinicalDocument/>", name="referral.xml")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("the file is not JSON")
    assert counts(world.server.database_url) == before

    number = next_nhs_number()
    _upload(page, json.dumps(referral_bundle(nhs_number=number)).encode())
    shown = f"{number[:3]} {number[3:6]} {number[6:]}"
    expect(page.locator(".otv-done")).to_contain_text(
        f"Referral imported for Aisha Begum (NHS number {shown}), added to the caseload"
    )
    pulled = world.a_laptop.pull_all()["records"]
    children = [
        r for r in pulled.values() if r["entity"] == "child" and r["fields"]["nhs_number"] == number
    ]
    assert len(children) == 1
    referrals = [
        r
        for r in pulled.values()
        if r["entity"] == "referral" and r["fields"]["child_id"] == children[0]["record_id"]
    ]
    assert [r["fields"]["status"] for r in referrals] == ["received"]
    menu.get_by_role("link", name="Waiting list").click()  # the console lists it to decide
    deciding = page.get_by_role("table", name="Referrals to decide, oldest first (1)")
    expect(
        deciding.get_by_role("row", name=f"Aisha Begum {number} 2 Nov 2026 routine")
    ).to_be_visible()


def test_an_upload_without_the_form_token_is_refused(world: World, page: Page) -> None:
    _lead_in(world, page)
    before = counts(world.server.database_url)
    content = json.dumps(referral_bundle(nhs_number=next_nhs_number())).encode()
    answer = page.request.post(
        f"{world.url}/console/referrals/fhir",
        multipart={"bundle": {"name": "r.json", "mimeType": "application/json", "buffer": content}},
    )
    assert answer.status == 403 and "Nothing was changed" in answer.text()
    assert counts(world.server.database_url) == before

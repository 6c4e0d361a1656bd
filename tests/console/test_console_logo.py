"""The team's logo in a real Chromium: refused files explained at the field, an upload previewed
and pulled by a laptop, removal; a post without the form token changes nothing.

The SQLite run saves the team page with its logo (and with a refusal) in docs/console/.
"""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from otvisit.reports.samples import sample_logo_png
from tests.console.conftest import shoot, sign_in
from tests.server.dbcheck import counts
from tests.services.pictures import CAMERA_MAKER, camera_photo, other_format, png_declaring
from tests.support.api import ApiClient
from tests.support.server_process import SeededTeam, ServerProcess, seed_team

pytestmark = pytest.mark.slow


@dataclass
class World:
    server: ServerProcess
    team: SeededTeam
    laptop: ApiClient

    @property
    def url(self) -> str:
        return self.server.base_url

    def pulled_logo(self) -> str:
        fields = self.laptop.pull_all()["records"][self.team.team_id]["fields"]
        return str(fields["logo_png"])


@pytest.fixture(scope="module")
def world(live_server: ServerProcess) -> Iterator[World]:
    team = seed_team(live_server.database_url, therapists=1, leads=1,
                     name=f"Riverside children's OT {uuid.uuid4().hex[:4]}")  # fmt: skip
    therapist = team.therapists[0]
    laptop = ApiClient(live_server.base_url).login(therapist.username, therapist.password)
    yield World(live_server, team, laptop)
    laptop.close()


def _shoot(world: World, page: Page, name: str) -> None:
    shoot(world.server, page, name)


def _team_page(world: World, page: Page) -> None:
    lead = world.team.leads[0]
    sign_in(page, world.url, lead.username, lead.password)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.team.name)
    page.goto(f"{world.url}/console/team")


def _choose(page: Page, name: str, mime: str, data: bytes) -> None:
    page.locator("#logo").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload logo").click()


def _refused(world: World, page: Page, message: str) -> None:
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(page.locator("#logo-error")).to_contain_text(message)
    summary.get_by_role("link").first.click()
    expect(page.locator("#logo")).to_be_focused()


def test_a_lead_is_told_why_a_file_is_refused_and_nothing_is_written(
    world: World, page: Page
) -> None:
    _team_page(world, page)
    before, kept = counts(world.server.database_url), world.pulled_logo()
    page.get_by_role("button", name="Upload logo").click()
    _refused(world, page, "Choose the logo's image file")
    _choose(page, "logo.gif", "image/gif", other_format("GIF"))
    _refused(world, page, "The file is a GIF image. Upload the logo as PNG, JPEG")
    _shoot(world, page, "05-team-logo-refused")
    _choose(page, "bomb.png", "image/png", png_declaring(40_000, 40_000))
    _refused(world, page, "far too many pixels")
    _choose(page, "poster.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024))
    _refused(world, page, "The file is 3.0 MB; a logo can be at most 2 MB")
    assert counts(world.server.database_url) == before
    assert world.pulled_logo() == kept


def test_a_lead_uploads_a_logo_sees_it_and_a_laptop_pulls_it(world: World, page: Page) -> None:
    _team_page(world, page)
    _choose(page, "logo.jpg", "image/jpeg", camera_photo(1600, 1200))
    expect(page.locator(".otv-done")).to_contain_text("Logo saved")
    preview = page.get_by_role("img", name="The team's logo, as it is printed")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 240]
    pulled = base64.b64decode(world.pulled_logo())
    with Image.open(io.BytesIO(pulled)) as image:
        assert image.format == "PNG" and image.size == (320, 240)
    assert CAMERA_MAKER.encode() not in pulled

    page.get_by_label("Replace the logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": sample_logo_png()}
    )
    page.get_by_role("button", name="Upload logo").click()
    expect(page.locator(".otv-done")).to_contain_text("Logo saved")
    assert preview.evaluate("img => img.naturalWidth") == 600
    assert base64.b64decode(world.pulled_logo()) == sample_logo_png()
    _shoot(world, page, "05-team-logo")


def test_a_post_without_the_form_token_changes_nothing(world: World, page: Page) -> None:
    _team_page(world, page)
    kept = world.pulled_logo()
    files = {"logo": {"name": "x.png", "mimeType": "image/png", "buffer": other_format("PNG")}}
    answer = page.request.post(f"{world.url}/console/team/logo", multipart=files)
    assert answer.status == 403 and "Nothing was changed" in answer.text()
    answer = page.request.post(f"{world.url}/console/team/logo/remove", form={"csrf_token": "x"})
    assert answer.status == 403
    assert world.pulled_logo() == kept


def test_a_lead_removes_the_logo_and_laptops_print_without_it(world: World, page: Page) -> None:
    _team_page(world, page)
    if page.locator("#no-logo").count():
        _choose(page, "logo.png", "image/png", sample_logo_png())
    page.get_by_role("button", name="Remove the logo").click()
    expect(page.locator(".otv-done")).to_contain_text("Logo removed")
    expect(page.locator("#no-logo")).to_be_visible()
    expect(page.get_by_role("img", name="The team's logo, as it is printed")).to_have_count(0)
    assert world.pulled_logo() == ""

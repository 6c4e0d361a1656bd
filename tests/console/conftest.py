"""A real Chromium (Debian's /usr/bin/chromium, driven by Playwright) and console sign-in helpers.

Without Chromium the browser tests are skipped with the reason, except under ``CI=true`` where
they fail: scripts/system-packages installs it as root.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.api import ApiClient, child_fields
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    live_server,
    server_database_url,
)
from tests.support.server_process import SeededTeam, ServerProcess, seed_team

#: Where the browser tests' screenshots go (the README shows them).
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
#: Another team's child: its names must never appear on this team's pages.
SECRET_GIVEN, SECRET_FAMILY = "Zephyrine", "Quillfeather"
CHROMIUM = os.environ.get("OTVISIT_TEST_CHROMIUM", "/usr/bin/chromium")


def _chromium() -> str:
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).is_file() else None)
    if found is None:
        problem = f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem}; CI=true: the console's browser tests must run")
        pytest.skip(problem)
    return found


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope: Playwright's sync API holds an asyncio loop as running on this thread while
    # it lives, so it must stop before tests elsewhere call asyncio.run().
    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def lead_in(page: Page, base_url: str, team: SeededTeam) -> None:
    """Sign the team's first lead in and wait for the team's home page."""
    lead = team.leads[0]
    sign_in(page, base_url, lead.username, lead.password)
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)


def shoot(server: ServerProcess, page: Page, name: str) -> None:
    """A full-page screenshot into docs/console/ (on the SQLite run only: one set of pictures)."""
    if server.database_url.startswith("sqlite"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@dataclass(frozen=True)
class OtherTeam:
    """A second team on the same server, with a child whose names are secret to the first."""

    team: SeededTeam
    child: str
    device: str


def other_team_with_a_secret_child(server: ServerProcess) -> OtherTeam:
    team = seed_team(server.database_url, therapists=1)
    therapist = team.therapists[0]
    laptop = ApiClient(server.base_url).login(therapist.username, therapist.password, "B laptop")
    try:
        child = str(uuid.uuid4())
        fields = child_fields(team.team_id, given_name=SECRET_GIVEN, family_name=SECRET_FAMILY)
        laptop.push([laptop.op("child", fields, record_id=child)])
        return OtherTeam(team, child, laptop.device_id)
    finally:
        laptop.close()

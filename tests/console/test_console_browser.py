"""The team console in a real Chromium against a real server process, on SQLite and PostgreSQL.

Sign-in and sign-out, a wrong password, a therapist refused, the idle timeout, another team's ids
typed into the address bar (404, nothing shown), a POST without the form token (403, nothing
changed), withdrawing a laptop (its next sync is refused), the keyboard alone, and every view
written to the audit log. The SQLite run also saves a screenshot of every page in docs/console/.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import insert, select

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import AuditEntry, Conflict
from tests.console.conftest import (
    SECRET_FAMILY,
    SECRET_GIVEN,
    lead_in,
    other_team_with_a_secret_child,
    shoot,
    sign_in,
)
from tests.support.api import ApiClient, audit_event, child_fields
from tests.support.server_process import SeededTeam, ServerProcess, seed_team, sqlite_url

pytestmark = pytest.mark.slow


@dataclass
class World:
    server: ServerProcess
    a: SeededTeam
    b: SeededTeam
    a_child: str
    b_child: str
    b_device: str
    a_laptop: ApiClient

    @property
    def url(self) -> str:
        return self.server.base_url

    @property
    def screenshots(self) -> bool:
        return self.server.database_url.startswith("sqlite")


def _shoot(world: World, page: Page, name: str) -> None:
    shoot(world.server, page, name)


@pytest.fixture(scope="module")
def world(live_server: ServerProcess) -> Iterator[World]:
    url = live_server.base_url
    a = seed_team(
        live_server.database_url,
        therapists=2,
        leads=1,
        name=f"Riverside children's OT {uuid.uuid4().hex[:4]}",
    )
    other = other_team_with_a_secret_child(live_server)
    b, b_child, b_device = other.team, other.child, other.device
    a_laptop = ApiClient(url).login(
        a.therapists[0].username, a.therapists[0].password, "OT-LAPTOP-07"
    )
    a_child = str(uuid.uuid4())
    a_laptop.push(
        [
            a_laptop.op(
                "child",
                child_fields(a.team_id, given_name="Amara", family_name="Okafor"),
                record_id=a_child,
            )
        ]
    )
    assert a_laptop.upload_audit_response([audit_event(child_id=a_child)]).status_code == 200
    database = Database(live_server.database_url)
    try:
        with database.write() as session:  # a conflict as the push stores one (both versions)
            session.execute(
                insert(Conflict).values(
                    id=str(uuid.uuid4()),
                    team_id=a.team_id,
                    child_id=a_child,
                    entity="note",
                    record_id=str(uuid.uuid4()),
                    field="text",
                    kind="concurrent_text",
                    mine=json.dumps("Amara used the slope board for 10 minutes."),
                    theirs=json.dumps("Amara managed the slope board with prompts."),
                    device_id=a_laptop.device_id,
                    op_seq=3,
                    mine_by=a.therapists[0].full_name,
                    theirs_by=a.therapists[1].full_name,
                    created_at=utcnow(),
                )
            )
    finally:
        database.dispose()
    yield World(live_server, a, b, a_child, b_child, str(b_device), a_laptop)
    a_laptop.close()


def _lead_in(world: World, page: Page) -> None:
    lead_in(page, world.url, world.a)


def test_sign_in_every_page_and_sign_out(world: World, page: Page) -> None:
    page.goto(f"{world.url}/console/people")
    expect(page).to_have_url(f"{world.url}/console/sign-in")
    _shoot(world, page, "01-sign-in")
    _lead_in(world, page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "otvisit_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    _shoot(world, page, "02-home")
    for link, heading, shot in [
        ("Team and people", "Team and people", "03-people"),
        ("Team details", "Team details", "05-team-details"),
        ("Devices", "Devices", "06-devices"),
        ("Sync conflicts", "Sync conflicts", "08-conflicts"),
        ("Audit", "Audit", "09-audit-search"),
    ]:
        page.get_by_role("navigation", name="Menu").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        _shoot(world, page, shot)
    expect(page.get_by_text("Amara used the slope board")).to_have_count(0)
    page.goto(f"{world.url}/console/conflicts")
    expect(page.get_by_text("Amara used the slope board for 10 minutes.")).to_be_visible()
    page.goto(f"{world.url}/console/people/new")
    _shoot(world, page, "04-add-account")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{world.url}/console/sign-in")
    page.goto(f"{world.url}/console/devices")
    expect(page).to_have_url(f"{world.url}/console/sign-in")
    database = Database(world.server.database_url)
    try:
        with database.read() as session:
            seen = session.execute(
                select(AuditEntry.action, AuditEntry.detail).where(
                    AuditEntry.user_id == world.a.leads[0].user_id
                )
            ).all()
    finally:
        database.dispose()
    details = {detail for action, detail in seen if action == "console_view"}
    assert {"people", "team details", "devices", "sync conflicts"} <= details
    assert ("logout", "team console: signed out") in seen


def test_a_wrong_password_and_a_therapist_are_refused(world: World, page: Page) -> None:
    lead = world.a.leads[0]
    sign_in(page, world.url, lead.username, "not the password at all")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "username or password is not right"
    )
    expect(page.get_by_label("Username")).to_have_value(lead.username)
    _shoot(world, page, "10-wrong-password")
    therapist = world.a.therapists[1]
    sign_in(page, world.url, therapist.username, therapist.password)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("for team leads and admins")
    page.goto(f"{world.url}/console/people")
    expect(page).to_have_url(f"{world.url}/console/sign-in")


def test_an_empty_form_shows_the_error_summary_linked_to_its_fields(
    world: World, page: Page
) -> None:
    _lead_in(world, page)
    page.goto(f"{world.url}/console/people/new")
    page.get_by_role("button", name="Add account").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Full name")
    summary.get_by_role("link", name="Password", exact=False).first.click()
    expect(page.get_by_label("First password")).to_be_focused()


def test_another_teams_ids_in_the_address_bar_show_nothing(world: World, page: Page) -> None:
    _lead_in(world, page)
    for path in (
        f"/console/audit/{world.b_child}",
        f"/console/audit/{world.b_child}/csv",
        f"/console/devices/{world.b_device}/revoke",
        f"/console/people/{world.b.therapists[0].user_id}",
    ):
        answer = page.goto(f"{world.url}{path}")
        assert answer is not None and answer.status == 404, path
        text = page.content()
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        for secret in (SECRET_GIVEN, SECRET_FAMILY, world.b.name, world.b.therapists[0].full_name):
            assert secret not in text
    page.goto(f"{world.url}/console/audit?name={SECRET_GIVEN}")
    expect(page.get_by_role("heading", level=2)).to_have_text("0 children found")


def test_a_post_without_the_form_token_is_refused_and_changes_nothing(
    world: World, page: Page
) -> None:
    _lead_in(world, page)
    page.goto(f"{world.url}/console/team")
    before = page.get_by_label("Phone").input_value()
    answer = page.request.post(
        f"{world.url}/console/team", form={"phone": "0000 forged", "email": "", "address": ""}
    )
    assert answer.status == 403 and "Nothing was changed" in answer.text()
    forged = page.request.post(
        f"{world.url}/console/team", form={"phone": "0000 forged", "csrf_token": "guessed"}
    )
    assert forged.status == 403
    page.reload()
    expect(page.get_by_label("Phone")).to_have_value(before)
    page.get_by_label("Phone").fill("020 3049 8181")
    page.get_by_role("button", name="Save team details").click()
    expect(page.locator(".otv-done")).to_contain_text("Saved")
    expect(page.get_by_label("Phone")).to_have_value("020 3049 8181")
    pulled = world.a_laptop.pull_all()  # the laptops receive the new letterhead details
    assert pulled["records"][world.a.team_id]["fields"]["phone"] == "020 3049 8181"


def test_withdrawing_a_laptop_warns_then_its_next_sync_is_refused(world: World, page: Page) -> None:
    laptop = ApiClient(world.url).login(
        world.a.therapists[1].username, world.a.therapists[1].password, "OT-LAPTOP-12"
    )
    try:
        told = laptop.get(protocol.PULL_PATH, headers={protocol.UNSENT_HEADER: "3"})
        assert told.status_code == 200  # a sync whose laptop still holds 3 unsent changes
        _lead_in(world, page)
        page.goto(f"{world.url}/console/devices")
        row = page.get_by_role("row").filter(has_text="OT-LAPTOP-12")
        expect(row.get_by_role("cell").nth(3)).to_have_text("3")
        page.get_by_role("link", name="Withdraw OT-LAPTOP-12").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw OT-LAPTOP-12?")
        expect(page.locator("#wipe-warning")).to_contain_text(
            "every record it holds will be removed"
        )
        _shoot(world, page, "07-withdraw-laptop")
        assert laptop.get(protocol.ME_PATH).status_code == 200  # nothing happens before confirming
        page.get_by_role("button", name="Withdraw and wipe this laptop").click()
        expect(page.locator(".otv-done")).to_contain_text("OT-LAPTOP-12")
        refused = laptop.get(protocol.PULL_PATH)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == protocol.DEVICE_REVOKED
    finally:
        laptop.close()


def test_one_childs_audit_trail_on_screen_and_as_csv(world: World, page: Page) -> None:
    _lead_in(world, page)
    page.goto(f"{world.url}/console/audit")
    page.get_by_label("Child's name").fill("amara")
    page.get_by_role("button", name="Find child").click()
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail of Amara Okafor")
    expect(page.locator("table")).to_contain_text("audit trail on screen")
    _shoot(world, page, "09-audit-trail")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("at,origin,action") and "exported the child's audit trail" in text


def _focus_is_visible(page: Page) -> bool:
    return bool(
        page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'
            || s.backgroundColor === 'rgb(255, 235, 59)';
    }""")
    )


def test_the_console_works_with_the_keyboard_alone(world: World, page: Page) -> None:
    page.goto(f"{world.url}/console/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")  # the skip link jumps over the header
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.type(world.a.leads[0].username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(world.a.leads[0].password)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.a.name)
    reached = []
    for _ in range(12):  # skip link, home link, sign out, then the navigation in order
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        assert _focus_is_visible(page), reached[-1]
        if reached[-1] == "Devices":
            break
    assert reached.index("Team and people") < reached.index("Devices")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Devices")


def _tab_to(page: Page, element_id: str, *, presses: int = 60) -> None:
    """Tab forward until the element with this id has the focus, each stop visibly focused."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            assert _focus_is_visible(page), element_id
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_moving_a_child_and_choosing_a_period_with_the_keyboard_alone(
    world: World, page: Page
) -> None:
    _lead_in(world, page)
    page.goto(f"{world.url}/console/caseload")
    first_row = page.locator("form tbody tr").first
    holder = (first_row.locator("td").nth(2).text_content() or "").strip()
    _tab_to(page, "child_ids")
    page.keyboard.press("Space")
    expect(page.locator("#child_ids")).to_be_checked()
    _tab_to(page, "therapist_id")
    chosen = holder
    for _ in range(5):  # the arrow keys change a closed list's choice
        if chosen != holder:
            break
        page.keyboard.press("ArrowDown")
        chosen = (page.locator("#therapist_id option:checked").text_content() or "").strip()
    assert chosen != holder
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move the ticked children")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator(".otv-done")).to_contain_text(f"1 child moved to {chosen}")
    expect(first_row.locator("td").nth(2)).to_have_text(chosen)

    page.goto(f"{world.url}/console/outcomes")
    _tab_to(page, "start")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-01-01")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-03-31")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show this period")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The team, 1 Jan 2026 to 31 Mar 2026")).to_be_visible()


def test_an_idle_session_ends(tmp_path: Path, page: Page) -> None:
    url = sqlite_url(tmp_path)
    with ServerProcess(url, env={"OTVISIT_SERVER_CONSOLE_IDLE_SECONDS": "2"}) as server:
        team = seed_team(url, therapists=0, leads=1)
        sign_in(page, server.base_url, team.leads[0].username, team.leads[0].password)
        expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
        page.goto(f"{server.base_url}/console/people")  # activity restarts the clock
        expect(page.get_by_role("heading", level=1)).to_have_text("Team and people")
        time.sleep(3)
        page.goto(f"{server.base_url}/console/people")
        expect(page).to_have_url(f"{server.base_url}/console/sign-in?timed_out=true")
        expect(page.locator(".nhsuk-error-summary")).to_contain_text("without activity")


def test_caseload_move_waiting_list_outcomes_and_experience(world: World, page: Page) -> None:
    """A lead moves a child to a colleague (a laptop's pull then holds the move), downloads the
    waiting-list return and reads the outcomes, whose figures are the JSON API's own."""
    _lead_in(world, page)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.get_by_text(SECRET_GIVEN)).to_have_count(0)  # never another team's child
    _shoot(world, page, "11-caseload")
    page.get_by_role("button", name="Move the ticked children").click()  # nothing ticked
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose at least one child")
    colleague = world.a.therapists[1]
    page.get_by_label("Move Amara Okafor").check()
    page.get_by_label("Move the ticked children to").select_option(label=colleague.full_name)
    page.get_by_role("button", name="Move the ticked children").click()
    expect(page.locator(".otv-done")).to_contain_text(f"1 child moved to {colleague.full_name}")
    pulled = world.a_laptop.pull_all()["records"][world.a_child]
    assert pulled["fields"]["therapist_id"] == colleague.user_id

    menu.get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    _shoot(world, page, "12-waiting-list")
    answer = page.request.get(f"{world.url}/console/waiting-list.csv")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    header = answer.text().splitlines()[0]
    assert "18" in header and "52" in header  # the NHS England bands

    lead = world.a.leads[0]
    api = ApiClient(world.url).login(lead.username, lead.password, "lead laptop")
    try:
        figures = api.get("/api/v1/team/outcomes").json()["team"]
    finally:
        api.close()
    menu.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    expect(page.locator("[data-figure=children]")).to_have_text(str(figures["children"]))
    expect(page.locator("[data-figure=dna]")).to_contain_text(
        f"({figures['attendance']['did_not_attend']} of {figures['attendance']['appointments']})"
    )
    expect(page.get_by_role("heading", name="An unbiased service")).to_be_visible()
    _shoot(world, page, "13-outcomes")
    page.get_by_label("From (for example 2025-12-01)").fill("2026-13-01")
    page.get_by_role("button", name="Show this period").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("is not a date")

    menu.get_by_role("link", name="Family experience").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family experience")
    _shoot(world, page, "14-family-experience")

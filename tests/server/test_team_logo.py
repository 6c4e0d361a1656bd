"""The team's logo through the JSON API on a real server: cleaned, audited, pulled by laptops;
refused uploads write nothing; a lead changes only their own team's logo.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image

from otvisit.services.team_logo import MAX_FIELD_CHARS, MAX_UPLOAD_BYTES
from otvisit.sync.values import check_fields
from tests.server.dbcheck import AuditEntry, counts, rows
from tests.services.pictures import (
    CAMERA_MAKER,
    camera_photo,
    noise_photo,
    other_format,
    png_declaring,
)
from tests.support.api import ApiClient
from tests.support.server_process import SeededTeam, ServerProcess, seed_team

LOGO = "/api/v1/team/logo"


@dataclass
class Teams:
    server: ServerProcess
    a: SeededTeam
    b: SeededTeam
    lead: ApiClient
    laptop: ApiClient
    b_laptop: ApiClient


@pytest.fixture(scope="module")
def teams(live_server: ServerProcess) -> Iterator[Teams]:
    a = seed_team(live_server.database_url, therapists=1, leads=1)
    b = seed_team(live_server.database_url, therapists=1, leads=1)
    url = live_server.base_url
    clients = [
        ApiClient(url).login(a.leads[0].username, a.leads[0].password, "lead laptop"),
        ApiClient(url).login(a.therapists[0].username, a.therapists[0].password, "A laptop"),
        ApiClient(url).login(b.therapists[0].username, b.therapists[0].password, "B laptop"),
    ]
    yield Teams(live_server, a, b, *clients)
    for client in clients:
        client.close()


def _put(client: ApiClient, data: bytes) -> object:
    body = {"image_base64": base64.b64encode(data).decode("ascii")}
    return client.http.put(LOGO, json=body, headers=client._auth())


def _team_fields(client: ApiClient, team_id: str) -> dict[str, object]:
    return client.pull_all()["records"][team_id]["fields"]  # type: ignore[no-any-return]


def test_a_leads_jpeg_is_kept_as_a_small_png_that_laptops_pull(teams: Teams) -> None:
    answer = _put(teams.lead, camera_photo(1600, 1200))
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    kept = answer.json()["logo_png"]  # type: ignore[attr-defined]
    png = base64.b64decode(kept)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (320, 240)
    assert CAMERA_MAKER.encode() not in png
    assert teams.lead.get("/api/v1/team").json()["logo_png"] == kept

    fields = _team_fields(teams.laptop, teams.a.team_id)
    assert fields["logo_png"] == kept
    assert check_fields("team", fields)["logo_png"] == kept  # what the laptop's pull checks
    assert _team_fields(teams.b_laptop, teams.b.team_id)["logo_png"] == ""  # only team A's
    lines = rows(teams.server.database_url, AuditEntry,
                 AuditEntry.user_id == teams.a.leads[0].user_id)  # fmt: skip
    assert any(line.action == "console_change" and "set the team's logo (320 × 240 px PNG"  # type: ignore[attr-defined]
               in line.detail for line in lines)  # type: ignore[attr-defined]  # fmt: skip


def test_a_photograph_as_a_logo_passes_every_layer_of_a_pull(teams: Teams) -> None:
    answer = _put(teams.lead, noise_photo())
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    fields = _team_fields(teams.laptop, teams.a.team_id)
    assert 50_000 < len(fields["logo_png"]) <= MAX_FIELD_CHARS  # type: ignore[arg-type]
    assert check_fields("team", fields)["logo_png"] == fields["logo_png"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (other_format("GIF"), "is a GIF image. Upload the logo as PNG, JPEG"),
        (b"%PDF-1.7 a letter", "is not an image"),
        (png_declaring(40_000, 40_000), "far too many pixels"),
        (png_declaring(12_000, 9_000), "far too many pixels"),
        (b"\x89PNG" + b"\0" * MAX_UPLOAD_BYTES, "a logo can be at most 2 MB"),
    ],
    ids=["gif", "pdf", "bomb", "bomb-warning", "over-2-MB"],
)
def test_a_refused_upload_says_why_and_writes_nothing(
    teams: Teams, data: bytes, message: str
) -> None:
    before = counts(teams.server.database_url), _team_fields(teams.laptop, teams.a.team_id)
    answer = _put(teams.lead, data)
    assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
    assert message in answer.json()["error"]["message"]  # type: ignore[attr-defined]
    after = counts(teams.server.database_url), _team_fields(teams.laptop, teams.a.team_id)
    assert after == before


def test_text_that_is_not_base64_is_refused_by_the_model(teams: Teams) -> None:
    before = counts(teams.server.database_url)
    answer = teams.lead.http.put(LOGO, json={"image_base64": "not base64!"},
                                 headers=teams.lead._auth())  # fmt: skip
    assert answer.status_code == 422 and "base64" in answer.json()["error"]["message"]
    assert counts(teams.server.database_url) == before


def test_a_therapist_can_not_set_the_logo(teams: Teams) -> None:
    before = counts(teams.server.database_url)
    answer = _put(teams.laptop, camera_photo(400, 300))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_team_lead"  # type: ignore[attr-defined]
    assert counts(teams.server.database_url) == before


def test_another_teams_lead_changes_only_their_own_logo(teams: Teams) -> None:
    assert _put(teams.lead, camera_photo(800, 400)).status_code == 200  # type: ignore[attr-defined]
    a_logo = _team_fields(teams.laptop, teams.a.team_id)["logo_png"]
    b_lead = ApiClient(teams.server.base_url).login(
        teams.b.leads[0].username, teams.b.leads[0].password, "B lead"
    )
    try:
        assert _put(b_lead, other_format("PNG")).status_code == 200  # type: ignore[attr-defined]
        assert b_lead.http.delete(LOGO, headers=b_lead._auth()).status_code == 200
    finally:
        b_lead.close()
    assert _team_fields(teams.laptop, teams.a.team_id)["logo_png"] == a_logo != ""
    assert teams.b.team_id not in teams.laptop.pull_all()["records"]


def test_removing_the_logo_reaches_the_laptops(teams: Teams) -> None:
    assert _put(teams.lead, camera_photo(400, 300)).status_code == 200  # type: ignore[attr-defined]
    answer = teams.lead.http.delete(LOGO, headers=teams.lead._auth())
    assert answer.status_code == 200 and answer.json()["logo_png"] == ""
    assert _team_fields(teams.laptop, teams.a.team_id)["logo_png"] == ""

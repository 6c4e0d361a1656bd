"""The team's logo from the console to a laptop's letterhead: a real server process, a real
laptop store pulling the team record, and the printed letter's PDF read back with pypdf.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdf
from PIL import Image

from otvisit.models import Team, Therapist
from otvisit.reports.printing import DocumentRequest, render_for_child
from otvisit.reports.render import DocumentKind
from otvisit.reports.samples import sample_logo_png
from tests import factories
from tests.support.api import ApiClient
from tests.support.server_process import ServerProcess, seed_team
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts


def _first_page_images(pdf: bytes) -> list[tuple[int, int]]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    found = []
    for name in xobjects:
        drawn = xobjects[name].get_object()
        if drawn["/Subtype"] == "/Image":
            found.append((int(drawn["/Width"]), int(drawn["/Height"])))
    return found


def _letter(laptop: Laptop, child_id: str) -> bytes:
    with laptop.store.transaction() as session:
        rendered = render_for_child(
            session, DocumentRequest(DocumentKind.EQUIPMENT, child_id), today=factories.TODAY
        )
    return rendered.pdf


def test_a_logo_set_in_the_console_is_on_the_letter_a_laptop_prints(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    seeded = seed_team(server.database_url, therapists=1, leads=1)
    lead = ApiClient(server.base_url).login(seeded.leads[0].username, seeded.leads[0].password)
    try:
        assert lead.http.put("/api/v1/team", json={"phone": "020 3049 8181"},
                             headers=lead._auth()).status_code == 200  # fmt: skip
        logo = sample_logo_png()
        answer = lead.http.put("/api/v1/team/logo", headers=lead._auth(),
                               json={"image_base64": base64.b64encode(logo).decode()})  # fmt: skip
        assert answer.status_code == 200, answer.text
    finally:
        lead.close()
    accounts = TeamAccounts(
        team_id=seeded.team_id,
        usernames=(seeded.therapists[0].username,),
        passwords={seeded.therapists[0].username: seeded.therapists[0].password},
    )
    laptop = sign_in(laptops, tmp_path, name="ot", url=server.base_url, team=accounts, number=0)
    laptop.sync()

    team = laptop.get(Team, seeded.team_id)
    assert base64.b64decode(team.logo_png) == logo  # the store holds the console's PNG
    with laptop.store.transaction() as session:
        therapist = session.get(Therapist, laptop.user_id)
        assert therapist is not None
        child = factories.make_child(session, therapist=therapist)
        factories.make_equipment(session, child=child)
        child_id = child.id
    with Image.open(io.BytesIO(logo)) as image:
        size = image.size
    printed = _letter(laptop, child_id)
    assert _first_page_images(printed) == [size]

    # A field the laptop can't read (not base64) prints the letter without a logo.
    with laptop.store.transaction() as session:
        stored = session.get(Team, seeded.team_id)
        assert stored is not None
        stored.logo_png = "this is not a PNG"
    assert _first_page_images(_letter(laptop, child_id)) == []

"""The short "tell us how it went" slip at the end of the advice for school staff."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Spacer

from otvisit.reports.common import Writer, content_width, grid
from otvisit.reports.content import HomeProgramme

QUESTIONS = (
    "return_slip_tried",
    "return_slip_went_well",
    "return_slip_hard",
    "return_slip_who",
)


def return_slip(w: Writer, programme: HomeProgramme) -> list[Flowable]:
    """A boxed form with room to write, and where to send it; kept on one page."""
    team = programme.team
    send_to = ", ".join([programme.therapist.name, team.team_name, *team.address])
    if team.email:
        send_to += f", {team.email}"
    width = content_width()
    rows = [[[w.t(key, w.sheet.small), Spacer(1, w.sheet.body.leading * 2.2)]] for key in QUESTIONS]
    rows.append([[w.t("return_slip_child", w.sheet.small, name=programme.child.full_name)]])
    return [
        KeepTogether(
            [
                w.spacer(0.5),
                w.heading("return_slip_heading"),
                w.t("return_slip_intro", w.sheet.small, send_to=send_to),
                grid(rows, [width], lines=True),
            ]
        )
    ]

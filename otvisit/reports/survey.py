"""The printable family-experience survey in the family's language, with the service's questions."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from otvisit.models import Team
from otvisit.reports import styles
from otvisit.reports.common import Writer, content_width
from otvisit.reports.content import TeamContact
from otvisit.reports.errors import TranslationError
from otvisit.reports.fonts import face
from otvisit.reports.gather import SERVICE_NAME
from otvisit.reports.i18n import load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.styles import stylesheet
from otvisit.services.errors import ValidationError
from otvisit.services.feedback import QUESTIONS
from otvisit.services.records import get_live
from otvisit.services.team_logo import logo_png_from_field

SCALE = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class SurveyTexts:
    """The survey's words in one language (English where a key is missing)."""

    texts: dict[str, str]
    reviewed: bool

    def __getitem__(self, key: str) -> str:
        return self.texts[key]


@cache
def survey_texts(code: str) -> SurveyTexts:
    """The ``[survey]`` table of resources/i18n/<code>.toml over the English one."""

    def table(language: str) -> dict[str, object]:
        resource = files("otvisit.resources") / "i18n" / f"{language}.toml"
        if not resource.is_file():
            raise TranslationError(f"There are no template texts for the language '{language}'.")
        found = tomllib.loads(resource.read_text("utf-8")).get("survey")
        if not isinstance(found, dict):
            raise TranslationError(f"i18n/{language}.toml has no [survey] table.")
        return found

    english, own = table("en"), table(code)
    texts = {str(k): str(v) for k, v in english.items() if k != "reviewed"}
    texts.update({str(k): str(v) for k, v in own.items() if k != "reviewed"})
    missing = sorted(set(QUESTIONS) - set(texts))
    if missing:
        raise TranslationError(f"The survey has no wording for {', '.join(missing)}.")
    return SurveyTexts(texts, code == "en" or own.get("reviewed") is True)


def survey_team(session: Session, *, team_id: str) -> TeamContact:
    """Where the family sends the survey back, and how to get an interpreter."""
    team = get_live(session, Team, team_id, what="team")
    if not team.phone:
        raise ValidationError(f"{team.name} has no phone number yet; families need one")
    return TeamContact(
        service_name=SERVICE_NAME,
        team_name=team.name,
        phone=team.phone,
        language_line=team.language_line_phone,
        address=tuple(line.strip() for line in team.address.splitlines() if line.strip()),
        email=team.email or None,
        logo_png=logo_png_from_field(team.logo_png),
    )


def _question_table(w: Writer, texts: SurveyTexts) -> Table:
    sheet = w.sheet
    width = content_width()
    box = width * 0.075
    # Empty cells hold a spacer, not "": a text cell would name a font the PDF does not embed.
    head: list[Flowable] = [Spacer(1, 1), *(w.p(n, sheet.subheading) for n in SCALE)]
    rows = [head] + [
        [w.p(texts[key], sheet.body), *(Spacer(1, 1) for _ in SCALE)] for key in QUESTIONS
    ]
    widths = [width - box * len(SCALE), *([box] * len(SCALE))]
    if w.lang.rtl:  # the question reads from the right; the boxes follow it leftwards
        rows = [list(reversed(row)) for row in rows]
        widths = list(reversed(widths))
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    first_box = 0 if w.lang.rtl else 1
    last_box = len(SCALE) - 1 if w.lang.rtl else len(SCALE)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), face("latin", False).name),  # never Helvetica
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, styles.NHS_BLUE),
                # The boxes to tick: a clear square under each number.
                ("BOX", (first_box, 1), (last_box, -1), 0.8, styles.NHS_BLUE),
                ("INNERGRID", (first_box, 1), (last_box, -1), 0.8, styles.NHS_BLUE),
                ("TOPPADDING", (0, 1), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
            ]
        )
    )
    return table


def _comment_box(height: float) -> Table:
    box = Table([[Spacer(1, 1)]], colWidths=[content_width()], rowHeights=[height])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, styles.NHS_BLUE),
                ("FONTNAME", (0, 0), (-1, -1), face("latin", False).name),
            ]
        )
    )
    return box


def render_family_survey(
    team: TeamContact,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """The paper survey a therapist hands over; anonymous (no name, no NHS number on it)."""
    lang = load_language(language)
    texts = survey_texts(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    story: list[Flowable] = [w.p(texts["title"], sheet.title)]
    if not texts.reviewed:
        story.append(w.notice(lang.t("not_reviewed")))
    story += [
        w.p(texts["intro"]),
        w.p(texts["how"]),
        _question_table(w, texts),
        w.spacer(0.5),
        KeepTogether(
            [w.p(texts["comments"], sheet.subheading), _comment_box(sheet.body.leading * 7)]
        ),
        w.spacer(0.5),
    ]
    address = ", ".join((team.team_name, *team.address))
    story += [
        w.p(texts["return_text"].format(address=address)),
        w.p(texts["thanks"]),
        KeepTogether(
            [
                w.heading("interpreter_heading"),
                w.notice(lang.t("interpreter_text")),
                w.notice(lang.t("language_line_text", language_line=team.language_line)),
                w.notice(lang.t("team_phone_line", phone=team.phone)),
            ]
        ),
    ]
    meta = DocumentMeta(
        title=f"{texts['title']} - {team.team_name}",
        author=team.team_name,
        subject=texts["title"],
        header=team.service_name,
        footer=team.team_name,
        logo_png=team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

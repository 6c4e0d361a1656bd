"""The strike-day list of families to phone, printed or saved as a PDF for the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AuditAction
from otvisit.reports.common import Writer, content_width, grid
from otvisit.reports.content import TeamContact
from otvisit.reports.gather import team_contact_for
from otvisit.reports.i18n import load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf, write_pdf
from otvisit.reports.styles import stylesheet
from otvisit.services.audit import record_access
from otvisit.services.disruption import FamilyContact, contact_list

TITLE = "Families to contact"
OUTCOME_WORDS = {"rebooked": "Rebooked", "call_back": "To call back", "no_answer": "No answer"}


@dataclass(frozen=True)
class ContactListDocument:
    team: TeamContact
    day: date
    families: tuple[FamilyContact, ...]


def _status(family: FamilyContact) -> str:
    outcome = OUTCOME_WORDS.get(family.outcome.value, "") if family.outcome else ""
    if family.contacted:
        return f"Yes: {outcome}"
    return f"Not yet ({outcome})" if outcome else "Not yet: ______"


def render_contact_list(
    document: ContactListDocument,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """A table: family, children, phone, language and interpreter, appointments, contacted."""
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    waiting = sum(1 for family in document.families if not family.contacted)
    story: list[Flowable] = [
        w.p(f"{TITLE}: {lang.date(document.day)}", sheet.heading),
        w.p(
            f"{document.team.team_name}. {len(document.families)} families, {waiting} not yet "
            "contacted. Tick each family when you have spoken to them and write the outcome."
        ),
    ]
    small = sheet.small
    header = ["Family", "Children", "Phone", "Language", "Appts", "Contacted"]
    rows = [[w.p(text, small) for text in header]]
    for family in document.families:
        language_text = family.language
        if family.interpreter_language:
            language_text += f" — interpreter: {family.interpreter_language}"
        rows.append(
            [
                w.p(family.family_name, small),
                w.p(", ".join(family.children), small),
                w.p(family.phone or "no number", small),
                w.p(language_text, small),
                w.p(str(family.appointment_count), small),
                w.p(_status(family) + (f" {family.note}" if family.note else ""), small),
            ]
        )
    width = content_width()
    shares = (0.19, 0.13, 0.2, 0.19, 0.1, 0.19)
    story.append(grid(rows, [width * share for share in shares], lines=True))
    meta = DocumentMeta(
        title=f"{TITLE} - {document.day.isoformat()}",
        author=document.team.team_name,
        subject="Service disruption: families to contact",
        header=document.team.service_name,
        footer=f"{TITLE} - {document.day.isoformat()}",
        logo_png=document.team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


def contact_list_pdf(session: Session, *, day: date, team_id: str) -> bytes:
    """The day's list as a PDF (nothing saved: a preview)."""
    document = ContactListDocument(
        team=team_contact_for(session, team_id=team_id),
        day=day,
        families=tuple(contact_list(session, day=day, team_id=team_id)),
    )
    return render_contact_list(document)


def save_contact_list(
    session: Session, *, day: date, team_id: str, path: Path, actor_id: str | None
) -> Path:
    """Write the day's list to ``path``, an export audited as one (it names families and phones)."""
    written = write_pdf(contact_list_pdf(session, day=day, team_id=team_id), path)
    record_access(
        session,
        actor_id=actor_id,
        action=AuditAction.EXPORT,
        entity="disruption_contact",
        record_id=None,
        child_id=None,
        detail=f"families to contact on {day.isoformat()}",
    )
    return written

"""The letter when a referral is declined: to the referrer, with a copy for the family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from otvisit.reports.common import (
    Writer,
    about_block,
    check_all,
    copy_list,
    letter_head,
    signature,
)
from otvisit.reports.content import ChildSummary, CopyRecipient, TeamContact, TherapistContact
from otvisit.reports.i18n import load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.styles import stylesheet

TITLE = "Your referral to children's occupational therapy"


@dataclass(frozen=True)
class ReferralDeclinedLetter:
    """A declined referral: who referred, when, why the team cannot accept it, what next."""

    child: ChildSummary
    therapist: TherapistContact
    team: TeamContact
    letter_date: date
    received_on: date
    referrer_name: str
    referrer_role: str
    referrer_address: tuple[str, ...]
    referral_reason: str
    decline_reason: str
    copy_to: tuple[CopyRecipient, ...] = field(default_factory=tuple)


def render_referral_declined_letter(
    letter: ReferralDeclinedLetter,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """An NHS clinical letter to the referrer (in English), copied to the parents or carers."""
    check_all("referral letter", (letter.referral_reason, letter.decline_reason))
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, team = letter.child, letter.team
    recipient = [x for x in (letter.referrer_name, *letter.referrer_address) if x]
    story: list[Flowable] = letter_head(
        w,
        team=team,
        therapist=letter.therapist,
        recipient=recipient,
        date_text=lang.date(letter.letter_date),
    )
    story += [
        w.t("dear", names=letter.referrer_name) if letter.referrer_name else w.t("dear_colleague"),
        w.p(TITLE, sheet.heading),
        about_block(w, child),
        w.p(
            f"Thank you for your referral, which we received on "
            f"{lang.date(letter.received_on)}. We have looked at it carefully as a team. We are "
            f"not able to offer {child.first_name} an appointment with our service."
        ),
        w.p("What the referral asked for", sheet.heading),
        w.p(letter.referral_reason),
        w.p("Why we cannot accept it", sheet.heading),
        w.p(letter.decline_reason),
        w.p("What happens next", sheet.heading),
        w.p(
            f"We have not added {child.first_name} to our waiting list. If things change, or you "
            f"would like to talk about this decision, please call us on {team.phone}. A new "
            "referral is welcome if needs change."
        ),
        w.p(f"We have sent a copy of this letter to {child.first_name}'s parents or carers."),
        w.notice(lang.t("interpreter_text")),
        w.notice(lang.t("language_line_text", language_line=team.language_line)),
        w.spacer(0.5),
        *signature(w, letter.therapist, team),
        *copy_list(w, letter.copy_to),
    ]
    meta = DocumentMeta(
        title=f"{TITLE} - {child.full_name}",
        author=f"{letter.therapist.name}, {letter.therapist.role}",
        subject="Referral declined",
        header=team.service_name,
        footer=f"{child.full_name} - NHS {child.nhs_number_display}",
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

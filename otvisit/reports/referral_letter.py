"""The letter when a referral is declined: to the family in their written language where the
templates have it (with an English copy for the referrer and GP), or in English to the referrer
with a copy for the family."""

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
    english_copy_of: str | None = None,
) -> bytes:
    """In English: the NHS clinical letter to the referrer, copied to the parents or carers.

    In another language: the family's own letter in it. ``english_copy_of`` names the family's
    language when this English letter is the copy for the referrer and GP of that letter.
    """
    check_all("referral letter", (letter.referral_reason, letter.decline_reason))
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    if language == "en":
        story = _to_referrer(w, letter, english_copy_of=english_copy_of)
        title, subject = f"{TITLE} - {letter.child.full_name}", "Referral declined"
    else:
        story = _to_family(w, letter)
        title = f"{lang.t('declined_title')} - {letter.child.full_name}"
        subject = lang.t("declined_title")
    meta = DocumentMeta(
        title=title,
        author=f"{letter.therapist.name}, {letter.therapist.role}",
        subject=subject,
        header=letter.team.service_name,
        footer=f"{letter.child.full_name} - NHS {letter.child.nhs_number_display}",
        logo_png=letter.team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


def _to_referrer(
    w: Writer, letter: ReferralDeclinedLetter, *, english_copy_of: str | None
) -> list[Flowable]:
    lang, sheet = w.lang, w.sheet
    child, team = letter.child, letter.team
    recipient = [x for x in (letter.referrer_name, *letter.referrer_address) if x]
    story: list[Flowable] = letter_head(
        w,
        team=team,
        therapist=letter.therapist,
        recipient=recipient,
        date_text=lang.date(letter.letter_date),
    )
    if english_copy_of:
        story.append(w.notice(lang.t("english_copy_for_referrer", language=english_copy_of)))
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
    return story


def _to_family(w: Writer, letter: ReferralDeclinedLetter) -> list[Flowable]:
    """The family's letter: every sentence from the templates; the reason as the team wrote it."""
    lang = w.lang
    child, team = letter.child, letter.team
    first_name = child.first_name
    names = " and ".join(child.carers)
    story: list[Flowable] = letter_head(
        w,
        team=team,
        therapist=letter.therapist,
        recipient=[names, *child.address],
        date_text=lang.date(letter.letter_date),
    )
    referrer = letter.referrer_name or letter.referrer_role
    # Who else has the letter (in English): the referrer and the GP, not the family itself.
    copies = tuple(c for c in letter.copy_to if tuple(c.address) != tuple(child.address))
    if letter.referrer_name:
        copies = (CopyRecipient(letter.referrer_name, letter.referrer_address), *copies)
    story += [
        w.t("dear", names=names) if names else w.t("dear_family"),
        w.t("declined_title", w.sheet.heading),
        about_block(w, child, home_address=True),
        w.t(
            "declined_received",
            first_name=first_name,
            date=lang.date(letter.received_on),
            referrer=referrer,
        ),
        w.t("declined_not_offered", first_name=first_name),
        w.heading("declined_reason_heading"),
        w.notice(lang.t("declined_reason_english")),
        w.p(letter.decline_reason),
        w.heading("declined_next_heading"),
        w.t("declined_next", first_name=first_name),
        w.t("declined_call", phone=team.phone),
        w.heading("interpreter_heading"),
        w.notice(lang.t("interpreter_text")),
        w.notice(lang.t("language_line_text", language_line=team.language_line)),
        w.spacer(0.5),
        *signature(w, letter.therapist, team),
        *copy_list(w, copies),
    ]
    return story

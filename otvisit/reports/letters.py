"""Clinical letters: equipment/seating recommendation to a setting, discharge to the family."""

from __future__ import annotations

from reportlab.platypus import Flowable

from otvisit.models.vocabulary import DischargeReason
from otvisit.reports.common import (
    Writer,
    about_block,
    check_all,
    check_length,
    content_width,
    copy_list,
    grid,
    letter_head,
    signature,
)
from otvisit.reports.content import DischargeLetter, EquipmentLetter
from otvisit.reports.i18n import load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.styles import stylesheet


def _section(w: Writer, key: str, items: tuple[str, ...], empty_key: str) -> list[Flowable]:
    body = w.bullets(items) if items else [w.t(empty_key)]
    return [w.heading(key), *body]


def render_equipment_letter(
    letter: EquipmentLetter,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """A seating or equipment recommendation letter to a nursery or school."""
    check_all(
        "equipment letter",
        (
            letter.item,
            letter.functional_need,
            letter.funding_responsibility,
            letter.provision_responsibility,
            *letter.fitting_notes,
            *letter.alternatives_tried,
            *letter.safety_notes,
            *letter.training_notes,
        ),
    )
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, setting = letter.child, letter.setting
    recipient: list[str] = []
    missing = setting is None or not setting.contact_name
    if setting is not None:
        recipient = [
            x
            for x in (setting.contact_name, setting.contact_role, setting.name, *setting.address)
            if x
        ]
    dated = lang.date(letter.letter_date)
    story: list[Flowable] = letter_head(
        w, team=letter.team, therapist=letter.therapist, recipient=recipient, date_text=dated
    )
    if missing:
        story.append(w.notice(lang.t("equipment_to_missing")))
    dear = setting.contact_name if setting and setting.contact_name else None
    story += [
        w.t("dear", names=dear) if dear else w.t("dear_colleague"),
        w.t("equipment_title", sheet.heading),
        about_block(w, child),
        w.t(
            "equipment_intro",
            first_name=child.first_name,
            setting=setting.name if setting else "nursery or school",
        ),
        w.heading("need_heading"),
        w.p(letter.functional_need),
    ]
    if letter.goal is not None:
        story += [w.heading("goal_heading"), w.p(check_length("goal", letter.goal.wording))]
    story += [
        w.heading("item_heading"),
        w.p(letter.item, sheet.subheading),
        w.heading("measurements_heading"),
    ]
    if letter.measurements:
        width = content_width()
        rows = [[w.p(m.label, sheet.small), w.p(m.value, sheet.small)] for m in letter.measurements]
        story.append(grid(rows, [width * 0.6, width * 0.4], lines=True))
    else:
        story.append(w.t("measurements_none"))
    story += _section(w, "fitting_heading", letter.fitting_notes, "none_recorded")
    story += _section(w, "alternatives_heading", letter.alternatives_tried, "alternatives_none")
    story += [
        w.heading("responsibility_heading"),
        w.t("funding_line", who=letter.funding_responsibility),
        w.t("provision_line", who=letter.provision_responsibility),
    ]
    story += _section(
        w, "safety_heading", letter.safety_notes + letter.training_notes, "none_recorded"
    )
    story.append(w.heading("review_heading"))
    if letter.review_date:
        story.append(w.t("review_date_line", date=lang.date(letter.review_date)))
    else:
        story.append(w.notice(lang.t("review_date_missing")))
    story += signature(w, letter.therapist, letter.team) + copy_list(w, letter.copy_to)
    meta = DocumentMeta(
        title=f"{lang.t('equipment_title')} - {child.full_name}",
        author=f"{letter.therapist.name}, {letter.therapist.role}",
        subject=f"{lang.t('equipment_subject')}: {letter.item}",
        header=letter.team.service_name,
        footer=f"{child.full_name} - NHS {child.nhs_number_display}",
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


_REASON_KEYS = {
    DischargeReason.GOALS_MET: "reason_goals_met",
    DischargeReason.FAMILY_REQUEST: "reason_family_request",
    DischargeReason.DID_NOT_ATTEND: "reason_did_not_attend",
    DischargeReason.MOVED_AWAY: "reason_moved_away",
    DischargeReason.OTHER: "reason_other",
}


def render_discharge_letter(
    letter: DischargeLetter,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """The discharge letter to the family, copied to the GP and school."""
    check_all("discharge letter", (letter.reason_detail, *letter.achievements))
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, team = letter.child, letter.team
    recipient = [" and ".join(child.carers) if child.carers else "", *child.address]
    dated = lang.date(letter.letter_date)
    story: list[Flowable] = letter_head(
        w, team=team, therapist=letter.therapist, recipient=recipient, date_text=dated
    )
    names = " and ".join(child.carers)
    story += [
        w.t("dear", names=names) if names else w.t("dear_family"),
        w.t("discharge_title", sheet.heading),
        about_block(w, child),
        w.t("discharge_intro", first_name=child.first_name, service=team.service_name),
        w.heading("reason_heading"),
        w.t(_REASON_KEYS[letter.reason], first_name=child.first_name),
    ]
    if letter.reason_detail:
        story.append(w.p(letter.reason_detail))
    if letter.achievements:
        story += [
            w.heading("achievements_heading", first_name=child.first_name),
            *w.bullets(letter.achievements),
        ]
    story += [
        w.heading("needs_change_heading"),
        w.t("needs_change_text", first_name=child.first_name),
        w.t("needs_change_call", phone=team.phone),
        w.heading("interpreter_heading"),
        w.notice(lang.t("interpreter_text")),
        w.notice(lang.t("language_line_text", language_line=team.language_line)),
        w.spacer(0.5),
        *signature(w, letter.therapist, team),
        *copy_list(w, letter.copy_to),
    ]
    meta = DocumentMeta(
        title=f"{lang.t('discharge_title')} - {child.full_name}",
        author=f"{letter.therapist.name}, {letter.therapist.role}",
        subject=lang.t("discharge_title"),
        header=team.service_name,
        footer=f"{child.full_name} - NHS {child.nhs_number_display}",
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

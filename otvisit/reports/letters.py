"""Clinical letters: equipment/seating recommendation to a setting, discharge to the family."""

from __future__ import annotations

from reportlab.platypus import Flowable

from otvisit.models.vocabulary import DischargeReason
from otvisit.reports.attached_pictures import equipment_photos
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
from otvisit.reports.equipment_needs import missing_measurements
from otvisit.reports.goal_lines import goal_bullets
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
            letter.product_code,
            letter.supplier,
            *letter.fitting_notes,
            *letter.alternatives_tried,
            *letter.safety_notes,
            *letter.training_notes,
            *(photo.caption for photo in letter.photos),
        ),
    )
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, setting = letter.child, letter.setting
    recipient: list[str] = []
    no_contact = setting is None or not setting.contact_name
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
    if no_contact:
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
    story += [w.heading("item_heading"), w.p(letter.item, sheet.subheading)]
    if letter.product_code or letter.supplier:
        order = [(lang.t("product_code_label"), letter.product_code),
                 (lang.t("supplier_label"), letter.supplier)]  # fmt: skip
        rows = [[w.p(label, sheet.small), w.p(value or lang.t("not_given"), sheet.small)]
                for label, value in order]  # fmt: skip
        story.append(grid(rows, [content_width() * 0.45, content_width() * 0.55], lines=True))
    else:
        story.append(w.notice(lang.t("product_code_missing")))
    story.append(w.heading("measurements_heading"))
    missing = missing_measurements(letter.item, letter.measurements)
    if letter.measurements or missing:
        width = content_width()
        rows = [[w.p(m.label, sheet.small), w.p(m.value, sheet.small)] for m in letter.measurements]
        rows += [[w.p(need, sheet.small), w.p(lang.t("measurement_missing"), sheet.small)]
                 for need in missing]  # fmt: skip
        story.append(grid(rows, [width * 0.45, width * 0.55], lines=True))
    else:
        story.append(w.t("measurements_none"))
    story += _section(w, "fitting_heading", letter.fitting_notes, "none_recorded")
    story += _section(w, "alternatives_heading", letter.alternatives_tried, "alternatives_none")
    story += [
        w.heading("responsibility_heading"),
        w.t("funding_line", who=letter.funding_responsibility),
        w.t("provision_line", who=letter.provision_responsibility),
        w.t(
            "order_contact_line",
            name=letter.therapist.name,
            phone=letter.therapist.phone or letter.team.phone,
        ),
    ]
    story += _section(
        w, "safety_heading", letter.safety_notes + letter.training_notes, "none_recorded"
    )
    story += equipment_photos(w, letter.photos)
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
        logo_png=letter.team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


_REASON_KEYS = {
    DischargeReason.GOALS_MET: "reason_goals_met",
    DischargeReason.FAMILY_REQUEST: "reason_family_request",
    DischargeReason.DID_NOT_ATTEND: "reason_did_not_attend",
    DischargeReason.MOVED_AWAY: "reason_moved_away",
    DischargeReason.OTHER: "reason_other",
}


def _outcomes(w: Writer, letter: DischargeLetter) -> list[Flowable]:
    lang = w.lang
    lines = []
    if letter.gas_t_score is not None:
        lines.append(lang.t("outcome_gas_line", score=f"{letter.gas_t_score:.0f}"))
    elif letter.worked_on:
        lines.append(lang.t("outcome_gas_missing"))
    for copm in letter.copm:
        values = {
            "occupation": copm.occupation,
            "p_before": copm.performance_before,
            "s_before": copm.satisfaction_before,
        }
        if copm.performance_after is not None and copm.satisfaction_after is not None:
            key = "outcome_copm_line"
            values |= {"p_after": copm.performance_after, "s_after": copm.satisfaction_after}
        else:
            key = "outcome_copm_not_reassessed"
        lines.append(lang.t(key, **values))
    body = w.bullets(lines) if lines else [w.t("outcomes_none")]
    return [w.heading("outcomes_heading"), *body]


def _equipment_left(w: Writer, letter: DischargeLetter) -> list[Flowable]:
    lines = [
        w.lang.t(
            "equipment_left_dated", item=e.item, who=e.reviewed_by, date=w.lang.date(e.review_date)
        )
        if e.review_date
        else w.lang.t("equipment_left_line", item=e.item, who=e.reviewed_by)
        for e in letter.equipment_left
    ]
    body = w.bullets(lines) if lines else [w.t("equipment_left_none")]
    return [w.heading("equipment_left_heading"), *body]


def _reason(w: Writer, letter: DischargeLetter) -> list[Flowable]:
    """One reason: the recorded one in plain words, or the therapist's own words for 'other'."""
    first_name = letter.child.first_name
    if letter.reason is DischargeReason.OTHER and letter.reason_detail:
        return [w.heading("reason_heading"), w.p(letter.reason_detail)]
    out = [w.heading("reason_heading"), w.t(_REASON_KEYS[letter.reason], first_name=first_name)]
    if letter.reason_detail:
        out.append(w.p(letter.reason_detail))
    return out


def render_discharge_letter(
    letter: DischargeLetter,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
    english_copy_of: str | None = None,
    english_beside: bool = False,
) -> bytes:
    """The discharge letter to the family, copied to the GP and school.

    ``english_copy_of`` names the family's language when this is the English copy
    for the GP and school of a letter the family has in that language.
    ``english_beside`` prints each goal's English under the family's own words.
    """
    check_all(
        "discharge letter",
        (
            letter.reason_detail,
            letter.referral_reason,
            *letter.achievements,
            *letter.gp_actions,
            *(g.wording for g in letter.worked_on),
            *(g.family_wording for g in letter.worked_on + letter.achieved_goals),
        ),
    )
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, team = letter.child, letter.team
    first_name = child.first_name
    recipient = [" and ".join(child.carers) if child.carers else "", *child.address]
    dated = lang.date(letter.letter_date)
    story: list[Flowable] = letter_head(
        w, team=team, therapist=letter.therapist, recipient=recipient, date_text=dated
    )
    if english_copy_of:
        story.append(w.notice(lang.t("english_copy_for", language=english_copy_of)))
    names = " and ".join(child.carers)
    story += [
        w.t("dear", names=names) if names else w.t("dear_family"),
        w.t("discharge_title", sheet.heading),
        about_block(w, child, home_address=True),
        w.t("discharge_intro", first_name=first_name, service=team.service_name),
    ]
    if letter.discharged_on:
        story.append(w.t("discharge_date_line", date=lang.date(letter.discharged_on)))
    story += _reason(w, letter)
    if letter.referral_reason:
        story += [w.heading("referral_heading", first_name=first_name), w.p(letter.referral_reason)]
    if letter.worked_on:
        story += [
            w.heading("worked_on_heading"),
            *goal_bullets(w, letter.worked_on, english_beside=english_beside),
        ]
    achieved = (
        goal_bullets(w, letter.achieved_goals, english_beside=english_beside)
        if letter.achieved_goals
        else w.bullets(letter.achievements)
    )
    if achieved:
        story += [w.heading("achievements_heading", first_name=first_name), *achieved]
    story += _outcomes(w, letter)
    story += _equipment_left(w, letter)
    story += [
        w.heading("gp_actions_heading"),
        *(w.bullets(letter.gp_actions) if letter.gp_actions else [w.t("gp_actions_none")]),
        w.heading("needs_change_heading"),
        w.t("needs_change_text", first_name=first_name),
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
        logo_png=team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

"""The family home-strategy handout and the classroom advice for school staff."""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from otvisit.reports.common import Writer, about_block, check_all, check_length, content_width
from otvisit.reports.content import Goal, HomeProgramme, StrategyChoice
from otvisit.reports.errors import DocumentError
from otvisit.reports.fonts import face
from otvisit.reports.goal_lines import goal_bullets
from otvisit.reports.i18n import Language, load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.pictures import PictureFlowable
from otvisit.reports.return_slip import return_slip
from otvisit.reports.strategy_library import Strategy, StrategyLibrary, bundled_library
from otvisit.reports.styles import LARGE_PRINT_BODY_PT, RULE, Stylesheet, stylesheet
from otvisit.reports.textlayout import has_rtl


def _check(programme: HomeProgramme) -> None:
    if not programme.strategies:
        raise DocumentError(
            f"No strategies are chosen for {programme.child.first_name}'s home programme. "
            "Choose at least one strategy before printing."
        )
    check_all("goal", (g.wording for g in programme.goals))
    check_all("goal in the family's language", (g.family_wording for g in programme.goals))
    check_all("what to try this week", programme.this_week)
    check_all("strategy note", (c.note or "" for c in programme.strategies))


def _goal_names(goals: tuple[Goal, ...], ids: tuple[str, ...], code: str) -> list[str]:
    by_id = {g.goal_id: g.in_language(code) for g in goals}
    return [by_id[i] for i in ids if i in by_id]


def _interpreter(w: Writer, programme: HomeProgramme) -> list[Flowable]:
    team = programme.team
    return [
        w.heading("interpreter_heading"),
        w.notice(w.lang.t("interpreter_text")),
        w.notice(w.lang.t("language_line_text", language_line=team.language_line)),
        w.notice(w.lang.t("team_phone_line", phone=team.phone)),
    ]


PICTURE_MM = 56.0
LARGE_PRINT_PICTURE_MM = 76.0
_GAP = 4 * mm


@dataclass
class _Translations:
    """The translations one document used, for the discreet line at its foot."""

    drafted: int = 0
    checked_by: set[str] = dc_field(default_factory=set)


def picture_width(sheet: Stylesheet) -> float:
    """Clear-print picture width; large print scales it up with the text."""
    large = sheet.body.size >= LARGE_PRINT_BODY_PT
    return float((LARGE_PRINT_PICTURE_MM if large else PICTURE_MM) * mm)


def _how_often(
    w: Writer, strategy: Strategy, chosen: str | None, translated: bool
) -> Flowable | None:
    """The "how often" line: the therapist's choice for this child, else the library's."""
    lang = w.lang
    if chosen:
        text = lang.phrase(chosen) if lang.code != "en" else chosen
        if text is None:
            return w.p(
                lang.t("how_often_line", how_often=chosen) + " " + lang.t("english_only_item")
            )
        return w.p(lang.t("how_often_line", how_often=text), w.sheet.small)
    translation = strategy.translations.get(lang.code) if translated else None
    text = translation.how_often if translation is not None else strategy.how_often
    if not text:
        return None
    return w.p(lang.t("how_often_line", how_often=text), w.sheet.small)


def _beside(w: Writer, text: list[Flowable], picture: Flowable | None) -> list[Flowable]:
    """Steps with the picture beside them (at the line's end side: right, or left in RTL)."""
    if picture is None:
        return text
    pic_w = picture.width
    text_w = content_width() - pic_w - _GAP
    cells: list[Any] = [text, picture]
    widths = [text_w, pic_w + _GAP]
    if w.lang.rtl:
        cells.reverse()
        widths.reverse()
    table = Table([cells], colWidths=widths, hAlign="LEFT", splitInRow=1)
    pad = 0 if w.lang.rtl else _GAP
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), face("latin", False).name),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), pad),
                ("RIGHTPADDING", (0, 0), (0, 0), _GAP - pad),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [table]


def _strategy_block(
    w: Writer,
    strategy: Strategy,
    programme: HomeProgramme,
    choice: StrategyChoice,
    used: _Translations,
    *,
    school: bool,
) -> Flowable:
    translation = strategy.translations.get(w.lang.code)
    title, summary = strategy.title, strategy.summary
    steps = strategy.school_steps if school else strategy.home_steps
    notices: list[Flowable] = []
    translated = translation is not None and (bool(translation.school_steps) or not school)
    if translation is not None and translated:
        title, summary = translation.title, translation.summary
        steps = translation.school_steps if school else translation.home_steps
        if translation.reviewed:
            used.checked_by.add(translation.checked_by)
        else:
            used.drafted += 1
    elif w.lang.code != "en":
        notices.append(w.notice(w.lang.t("english_only")))
    text: list[Flowable] = [w.p(summary), *w.bullets(steps)]
    how_often = _how_often(w, strategy, choice.how_often, translated)
    if how_often is not None:
        text.append(how_often)
    if choice.note:
        text.append(w.p(choice.note))
    goals = _goal_names(programme.goals, choice.goal_ids, w.lang.code)
    text += _helps_with(w, goals)
    picture = (
        PictureFlowable(strategy.picture, strategy.strategy_id, picture_width(w.sheet))
        if strategy.picture is not None
        else None
    )
    # The whole block stays on one page where it fits; a heading never ends a page alone.
    return KeepTogether([w.p(title, w.sheet.subheading), *notices, *_beside(w, text, picture)])


def _helps_with(w: Writer, goals: list[str]) -> list[Flowable]:
    """ "This helps with: …" and the goals the therapist linked the strategy to.

    In a right-to-left handout a goal without the family's wording is English: it gets a line of
    its own, read left to right (set on the right), so its full stop stays at its end and its
    words are not wrapped into the sentence around them.
    """
    if not goals:
        return []
    if not w.lang.rtl or all(has_rtl(goal) for goal in goals):
        return [w.p(w.lang.t("helps_with", goals="; ".join(goals)), w.sheet.small)]
    label = w.lang.t("helps_with", goals="").strip()
    return [
        w.p(label, w.sheet.small),
        *(w.p(goal, w.sheet.small, right_aligned=not has_rtl(goal)) for goal in goals),
    ]


def _strategies(
    w: Writer,
    programme: HomeProgramme,
    library: StrategyLibrary,
    used: _Translations,
    heading: Flowable,
    *,
    school: bool,
) -> list[Flowable]:
    """The heading and every chosen strategy; the heading stays with the first one."""
    out: list[Flowable] = []
    for choice in programme.strategies:
        strategy = library.get(choice.strategy_id)
        out.append(_strategy_block(w, strategy, programme, choice, used, school=school))
    if out:
        out[0] = KeepTogether([heading, out[0]])
    return out or [heading]


def _translation_line(w: Writer, used: _Translations) -> list[Flowable]:
    """A small line at the foot: draft translation, or checked by whom."""
    lang = w.lang
    if lang.code == "en":
        return []
    checkers = {lang.checked_by} if lang.review_status == "checked" else set()
    if used.drafted or lang.review_status != "checked":
        return [w.spacer(0.5), w.p(lang.t("translation_draft"), w.sheet.small)]
    names = ", ".join(sorted(n for n in checkers | used.checked_by if n))
    return [w.spacer(0.5), w.p(lang.t("translation_checked", names=names), w.sheet.small)]


def _tick_days(w: Writer) -> list[Flowable]:
    """A row of the week's days with boxes to tick."""
    days = [w.lang.t(f"day_{d}") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    if w.lang.rtl:
        days.reverse()
    small = w.sheet.small
    cells = [[w.p(day, small) for day in days], ["" for _ in days]]
    width = content_width() / 7
    table = Table(cells, colWidths=[width] * 7, rowHeights=[None, small.leading * 1.6])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("FONTNAME", (0, 0), (-1, -1), face("latin", False).name),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [w.p(w.lang.t("tick_days"), small), table]


def _goals(
    w: Writer, programme: HomeProgramme, key: str, *, english_beside: bool = False
) -> list[Flowable]:
    out: list[Flowable] = [w.heading(key)]
    if programme.goals:
        out.extend(goal_bullets(w, programme.goals, english_beside=english_beside))
    else:
        out.append(w.t("goals_none"))
    return out


def _meta(
    lang: Language, programme: HomeProgramme, title_key: str, subject_key: str, footer: str
) -> DocumentMeta:
    return DocumentMeta(
        title=f"{lang.t(title_key)} - {programme.child.first_name}",
        author=f"{programme.therapist.name}, {programme.team.service_name}",
        subject=lang.t(subject_key),
        header=programme.team.service_name,
        footer=footer,
        logo_png=programme.team.logo_png,
    )


def render_handout(
    programme: HomeProgramme,
    *,
    language: str = "en",
    large_print: bool = False,
    library: StrategyLibrary | None = None,
    reproducible: bool = False,
    english_beside: bool = False,
) -> bytes:
    """The home-strategy handout for the family, in their language where possible.

    ``english_beside`` prints each goal's English under the family's own words.
    """
    _check(programme)
    lib = library or bundled_library()
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    used = _Translations()
    child = programme.child
    story: list[Flowable] = [
        w.t("handout_title", sheet.title),
        w.t("for_child", sheet.subheading, first_name=child.first_name),
        w.t("date_line", date=lang.date(programme.issued_on)),
        *_interpreter(w, programme),
        *_goals(w, programme, "goals_heading", english_beside=english_beside),
        *_strategies(w, programme, lib, used, w.heading("strategies_heading"), school=False),
        KeepTogether(
            [
                w.heading("this_week_heading"),
                *(
                    w.bullets(programme.this_week)
                    if programme.this_week
                    else [w.t("this_week_none")]
                ),
                *_tick_days(w),
            ]
        ),
    ]
    if programme.review_date:
        story.append(w.t("review_line", date=lang.date(programme.review_date)))
    story.append(
        KeepTogether(  # the translation line stays with the contacts, never alone on a page
            [
                w.heading("contact_heading"),
                w.t("therapist_line", name=programme.therapist.name),
                w.t("team_phone_line", phone=programme.team.phone),
                *_translation_line(w, used),
            ]
        )
    )
    footer = f"{child.first_name} - {lang.date(programme.issued_on)}"
    meta = _meta(lang, programme, "handout_title", "handout_subject", footer)
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


def for_setting(programme: HomeProgramme) -> HomeProgramme:
    """Only what the nursery or school works on: its own goals and goals for every setting.

    A strategy tied only to goals of another setting (e.g. home) is left out too; one tied
    to no goal, or to a goal the setting shares, stays.
    """
    setting = programme.setting
    kinds = {setting.kind} if setting is not None else {"nursery", "school"}
    shown = tuple(g for g in programme.goals if g.setting in kinds | {"all"})
    elsewhere = {g.goal_id for g in programme.goals} - {g.goal_id for g in shown}
    strategies = tuple(
        c for c in programme.strategies if not c.goal_ids or not set(c.goal_ids) <= elsewhere
    )
    if not strategies:
        where = setting.name if setting is not None else "the nursery or school"
        raise DocumentError(
            f"Every strategy in {programme.child.first_name}'s programme is for goals worked on "
            f"at home, so there is no advice for {where}. Link a strategy to a school or "
            "nursery goal (or one for all settings) first."
        )
    return replace(programme, goals=shown, strategies=strategies)


def render_teacher_advice(
    programme: HomeProgramme,
    *,
    language: str = "en",
    large_print: bool = False,
    library: StrategyLibrary | None = None,
    reproducible: bool = False,
) -> bytes:
    """The same programme written for classroom and nursery staff: always in English."""
    _check(programme)
    if language != "en":
        raise DocumentError(
            "Advice for school or nursery staff is always in English; the family's "
            "language is for the handout and family letters."
        )
    programme = for_setting(programme)
    lib = library or bundled_library()
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child, setting = programme.child, programme.setting
    story: list[Flowable] = [w.t("teacher_title", sheet.title), about_block(w, child)]
    if setting is None or not setting.contact_name:
        story.append(w.notice(lang.t("teacher_setting_missing")))
    if setting is not None:
        who = ", ".join(x for x in (setting.name, setting.contact_name, setting.contact_role) if x)
        story.append(w.t("teacher_setting_line", setting=check_length("setting", who)))
    story += [
        w.t("date_line", date=lang.date(programme.issued_on)),
        w.t("teacher_intro", first_name=child.first_name),
        *_goals(w, programme, "teacher_goals_heading"),
        *_strategies(
            w, programme, lib, _Translations(), w.heading("teacher_strategies_heading"), school=True
        ),
    ]
    if programme.review_date:
        story.append(w.t("review_line", date=lang.date(programme.review_date)))
    story += [
        w.heading("contact_heading"),
        w.t(
            "teacher_questions",
            therapist=programme.therapist.name,
            phone=programme.therapist.phone or programme.team.phone,
        ),
        w.t("team_phone_line", phone=programme.team.phone),
        *return_slip(w, programme),
    ]
    footer = f"{child.full_name} - NHS {child.nhs_number_display}"
    meta = _meta(lang, programme, "teacher_title", "teacher_subject", footer)
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

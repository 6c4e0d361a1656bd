"""The family home-strategy handout and the classroom advice for school staff."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from otvisit.reports.common import Writer, about_block, check_all, check_length
from otvisit.reports.content import Goal, HomeProgramme
from otvisit.reports.errors import DocumentError
from otvisit.reports.i18n import Language, load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.return_slip import return_slip
from otvisit.reports.strategy_library import Strategy, StrategyLibrary, bundled_library
from otvisit.reports.styles import stylesheet


def _check(programme: HomeProgramme) -> None:
    if not programme.strategies:
        raise DocumentError(
            f"No strategies are chosen for {programme.child.first_name}'s home programme. "
            "Choose at least one strategy before printing."
        )
    check_all("goal", (g.wording for g in programme.goals))
    check_all("what to try this week", programme.this_week)
    check_all("strategy note", (c.note or "" for c in programme.strategies))


def _goal_names(goals: tuple[Goal, ...], ids: tuple[str, ...]) -> list[str]:
    by_id = {g.goal_id: g.wording for g in goals}
    return [by_id[i] for i in ids if i in by_id]


def _interpreter(w: Writer, programme: HomeProgramme) -> list[Flowable]:
    team = programme.team
    return [
        w.heading("interpreter_heading"),
        w.notice(w.lang.t("interpreter_text")),
        w.notice(w.lang.t("language_line_text", language_line=team.language_line)),
        w.notice(w.lang.t("team_phone_line", phone=team.phone)),
    ]


def _strategy_block(
    w: Writer,
    strategy: Strategy,
    programme: HomeProgramme,
    goal_ids: tuple[str, ...],
    note: str | None,
    *,
    school: bool,
) -> list[Flowable]:
    translation = strategy.translations.get(w.lang.code)
    title, summary = strategy.title, strategy.summary
    steps = strategy.school_steps if school else strategy.home_steps
    notices: list[Flowable] = []
    if translation is not None and (translation.school_steps or not school):
        title, summary = translation.title, translation.summary
        steps = translation.school_steps if school else translation.home_steps
        if not translation.reviewed:
            notices.append(w.notice(w.lang.t("not_reviewed")))
    elif w.lang.code != "en":
        notices.append(w.notice(w.lang.t("english_only")))
    head: list[Flowable] = [w.p(title, w.sheet.subheading), *notices, w.p(summary)]
    body: list[Flowable] = list(w.bullets(steps))
    if note:
        body.append(w.p(note))
    goals = _goal_names(programme.goals, goal_ids)
    if goals:
        body.append(w.p(w.lang.t("helps_with", goals="; ".join(goals)), w.sheet.small))
    # Keep the title with its first steps so a heading never ends a page alone.
    return [KeepTogether([*head, *body[:2]]), *body[2:]]


def _strategies(
    w: Writer, programme: HomeProgramme, library: StrategyLibrary, *, school: bool
) -> list[Flowable]:
    out: list[Flowable] = []
    for choice in programme.strategies:
        strategy = library.get(choice.strategy_id)
        out.extend(
            _strategy_block(w, strategy, programme, choice.goal_ids, choice.note, school=school)
        )
    return out


def _goals(w: Writer, programme: HomeProgramme, key: str) -> list[Flowable]:
    out: list[Flowable] = [w.heading(key)]
    if programme.goals:
        out.extend(w.bullets([g.wording for g in programme.goals]))
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
    )


def render_handout(
    programme: HomeProgramme,
    *,
    language: str = "en",
    large_print: bool = False,
    library: StrategyLibrary | None = None,
    reproducible: bool = False,
) -> bytes:
    """The home-strategy handout for the family, in their language where possible."""
    _check(programme)
    lib = library or bundled_library()
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    child = programme.child
    story: list[Flowable] = [
        w.t("handout_title", sheet.title),
        w.t("for_child", sheet.subheading, first_name=child.first_name),
        w.t("date_line", date=lang.date(programme.issued_on)),
        *_interpreter(w, programme),
        *_goals(w, programme, "goals_heading"),
        w.heading("strategies_heading"),
        *_strategies(w, programme, lib, school=False),
        w.heading("this_week_heading"),
        *(w.bullets(programme.this_week) if programme.this_week else [w.t("this_week_none")]),
    ]
    if programme.review_date:
        story.append(w.t("review_line", date=lang.date(programme.review_date)))
    story += [
        w.heading("contact_heading"),
        w.t("therapist_line", name=programme.therapist.name),
        w.t("team_phone_line", phone=programme.team.phone),
    ]
    footer = f"{child.first_name} - {lang.date(programme.issued_on)}"
    meta = _meta(lang, programme, "handout_title", "handout_subject", footer)
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)


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
        w.heading("teacher_strategies_heading"),
        *_strategies(w, programme, lib, school=True),
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

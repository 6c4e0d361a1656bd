"""Goal progress report: GAS levels and T-score, GAS over time and COPM charts with tables."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, KeepTogether

from otvisit.reports.assessments_section import assessments_flowables
from otvisit.reports.attached_pictures import handwriting_samples
from otvisit.reports.common import Writer, about_block, check_all, content_width, grid
from otvisit.reports.content import CopmScore, GoalProgress, ProgressReport
from otvisit.reports.errors import DocumentError
from otvisit.reports.i18n import Language, load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.progress_charts import copm_chart, gas_history_chart, gas_points
from otvisit.reports.styles import stylesheet

COPM_IMPORTANT_CHANGE = 2


def _on(lang: Language, day: date | None) -> str:
    return f" ({lang.date(day)})" if day else ""


def _level_text(goal: GoalProgress, score: int | None, not_rated: str) -> str:
    if score is None:
        return not_rated
    described = {lvl.score: lvl.description for lvl in goal.levels}
    return f"{score:+d}: {described.get(score, '')}".rstrip(": ")


def _gas(w: Writer, report: ProgressReport) -> list[Flowable]:
    lang, sheet = w.lang, w.sheet
    out: list[Flowable] = [w.heading("gas_heading")]
    width = content_width()
    for n, goal in enumerate(report.goals, start=1):
        out.append(w.p(f"{n}. {goal.goal.in_language(lang.code)}", sheet.subheading))
        rows = [
            [w.p(f"{lvl.score:+d}", sheet.small), w.p(lvl.description, sheet.small)]
            for lvl in sorted(goal.levels, key=lambda lvl: lvl.score)
        ]
        out.append(grid(rows, [width * 0.1, width * 0.9], lines=True))
        not_rated = lang.t("gas_not_rated")
        out.append(
            w.p(
                f"{lang.t('gas_baseline')}{_on(lang, goal.set_on)}: "
                f"{_level_text(goal, goal.baseline, not_rated)}",
                sheet.small,
            )
        )
        out.append(
            w.p(
                f"{lang.t('gas_current')}{_on(lang, goal.rated_on)}: "
                f"{_level_text(goal, goal.current, not_rated)}",
                sheet.small,
            )
        )
    # The score is the services' (otvisit.services.gas): one formula for screen and paper.
    score = report.gas_t_score
    if score is None:
        out.append(w.t("gas_t_score_missing", sheet.subheading))
    else:
        out.append(w.t("gas_t_score_line", sheet.subheading, score=f"{score:.1f}"))
    return out


def _change(before: int, after: int | None) -> str:
    if after is None:
        return "-"
    diff = after - before
    return f"{diff:+d}{' *' if abs(diff) >= COPM_IMPORTANT_CHANGE else ''}"


def _copm(w: Writer, scores: tuple[CopmScore, ...]) -> list[Flowable]:
    lang, sheet = w.lang, w.sheet
    out: list[Flowable] = [w.heading("copm_heading")]
    if not scores:
        return [*out, w.t("copm_none")]
    head = [
        lang.t("copm_occupation"),
        f"{lang.t('copm_perf')} {lang.t('copm_before')}/{lang.t('copm_after')}",
        lang.t("copm_change"),
        f"{lang.t('copm_sat')} {lang.t('copm_before')}/{lang.t('copm_after')}",
        lang.t("copm_change"),
    ]
    rows = [[w.p(h, sheet.small) for h in head]]
    for s in scores:
        pa = "-" if s.performance_after is None else str(s.performance_after)
        sa = "-" if s.satisfaction_after is None else str(s.satisfaction_after)
        dates = " - ".join(lang.date(d) for d in (s.measured_on, s.remeasured_on) if d)
        cells = [
            f"{s.occupation} ({dates})" if dates else s.occupation,
            f"{s.performance_before} / {pa}",
            _change(s.performance_before, s.performance_after),
            f"{s.satisfaction_before} / {sa}",
            _change(s.satisfaction_before, s.satisfaction_after),
        ]
        rows.append([w.p(c, sheet.small) for c in cells])
    width = content_width()
    table = grid(rows, [width * f for f in (0.32, 0.2, 0.14, 0.2, 0.14)], lines=True)
    # The footnote explains the stars: it never sits on a page of its own.
    out.append(KeepTogether([table, w.t("copm_marked", sheet.small)]))
    return out


def _gas_history(w: Writer, report: ProgressReport) -> list[Flowable]:
    """Each goal's ratings over time as a line chart, and the same numbers in a table."""
    sheet, lang = w.sheet, w.lang
    width = content_width()
    drawing = gas_history_chart(report.goals, width=width, label_pt=sheet.chart_label_pt)
    rows = [[w.p(h, sheet.small) for h in ("Goal", "Date", "GAS level")]]
    for n, goal in enumerate(report.goals, start=1):
        for point in gas_points(goal):
            baseline = " (baseline)" if point.rated_on == goal.set_on else ""
            rows.append(
                [
                    w.p(f"Goal {n}", sheet.small),
                    w.p(lang.date(point.rated_on), sheet.small),
                    w.p(
                        f"{point.level:+d}{baseline}" if point.level else f"0{baseline}",
                        sheet.small,
                    ),
                ]
            )
    table = grid(rows, [width * f for f in (0.25, 0.4, 0.35)], lines=True)
    return [KeepTogether([w.heading("chart_heading"), drawing]), table]


def _copm_chart(w: Writer, scores: tuple[CopmScore, ...]) -> list[Flowable]:
    if not scores:
        return []
    drawing = copm_chart(scores, width=content_width(), label_pt=w.sheet.chart_label_pt)
    return [KeepTogether([w.heading("chart_copm_heading"), drawing])]


def render_progress_report(
    report: ProgressReport,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
) -> bytes:
    """The goal progress report (GAS and COPM) for one child."""
    if not report.goals:
        raise DocumentError(
            f"{report.child.full_name} has no goals recorded, so there is no progress to "
            "report. Set goals with the family first."
        )
    check_all("goal", (g.goal.wording for g in report.goals))
    check_all("summary", (report.summary, *(s.caption for s in report.samples)))
    lang = load_language(language)
    sheet = stylesheet(large_print=large_print, script=lang.script)
    w = Writer(lang, sheet)
    story: list[Flowable] = [
        w.t("progress_title", sheet.title),
        about_block(w, report.child),
        w.t("date_line", date=lang.date(report.report_date)),
    ]
    if report.summary:
        story += [w.heading("summary_heading"), w.p(report.summary)]
    story += _gas(w, report)
    story += _gas_history(w, report)
    story += _copm(w, report.copm)
    story += _copm_chart(w, report.copm)
    story += assessments_flowables(w, report.assessments)
    story += handwriting_samples(w, report.samples)
    story += [
        w.spacer(0.5),
        KeepTogether(  # the name never ends a page without the role and phone
            [
                w.p(report.therapist.name, sheet.subheading),
                w.p(report.therapist.role),
                w.t("team_phone_line", phone=report.team.phone),
            ]
        ),
    ]
    meta = DocumentMeta(
        title=f"{lang.t('progress_title')} - {report.child.full_name}",
        author=f"{report.therapist.name}, {report.therapist.role}",
        subject=lang.t("progress_subject"),
        header=report.team.service_name,
        footer=f"{report.child.full_name} - NHS {report.child.nhs_number_display}",
        logo_png=report.team.logo_png,
    )
    return build_pdf(story, meta=meta, lang=lang, sheet=sheet, reproducible=reproducible)

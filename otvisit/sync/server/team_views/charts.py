"""Server-rendered SVG charts (pygal), each with its title and the same numbers as a table.

A chart never stands alone: the page shows the table beside it, so a screen reader and a
printout give the same figures. No chart script is embedded (``js=[]``): nothing loads from
the internet, and the SVG is static.
"""

from __future__ import annotations

import base64
import sys
from dataclasses import dataclass
from html import escape

import pygal
from pygal.style import Style

from otvisit.sync.server.team_views.models import (
    Count,
    Experience,
    GasFigures,
    GroupFigures,
    Outcomes,
    WaitingList,
)

# pygal appends an old-style import hook for its map plugins (pygal.maps.*) to sys.meta_path.
# It has no find_spec, so from then on every import that misses warns (an error under the
# tests' warning filter, noise in the server's log). The console draws no maps: take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

#: NHS identity colours: blue, dark blue, warm yellow, green, grey (good contrast on white).
NHS_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212b32",
    foreground_strong="#212b32",
    foreground_subtle="#4c6272",
    colors=("#005eb8", "#003087", "#ffb81c", "#007f3b", "#768692"),
    font_family="Arial, sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=14,
)


@dataclass(frozen=True, slots=True)
class Chart:
    """An accessible chart: its title, the SVG, and the numbers it draws as table rows."""

    title: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def data_uri(self) -> str:
        """The SVG as an image address: drawn with its own styles, which the console's content
        security policy keeps out of the page itself."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def _render(chart: pygal.Graph, title: str) -> str:
    svg: str = chart.render(is_unicode=True)
    # The title is the SVG's accessible name too (pygal writes it as a <title> already).
    return svg.replace("<svg", f'<svg role="img" aria-label="{escape(title)}"', 1)


def _bar(title: str, x_title: str, counts: list[Count], series: str) -> str:
    chart = pygal.Bar(
        title=title, x_title=x_title, y_title="Children", style=NHS_STYLE, js=[],
        disable_xml_declaration=True, show_legend=False, print_values=True,
        width=720, height=360, explicit_size=False,
    )  # fmt: skip
    chart.x_labels = [c.label for c in counts]
    chart.add(series, [c.n for c in counts])
    return _render(chart, title)


def gas_chart(figures: GasFigures, *, when: str) -> Chart:
    """The distribution of GAS T-scores (``when``: "at the latest rating", "at discharge")."""
    median = "no children" if figures.median is None else f"median {figures.median:.1f}"
    title = f"GAS T-scores {when} ({figures.children} children, {median})"
    return Chart(
        title=title,
        svg=_bar(title, "T-score", figures.distribution, "Children"),
        headers=("T-score", "Children"),
        rows=tuple((c.label, str(c.n)) for c in figures.distribution),
    )


def waits_chart(listing: WaitingList) -> Chart:
    title = (
        f"Children waiting by weeks since referral ({len(listing.children)} waiting, "
        f"{listing.breaches} over {listing.clock_weeks} weeks)"
    )
    counts = [Count(label=f"{b.band} weeks", n=b.children) for b in listing.bands]
    return Chart(
        title=title,
        svg=_bar(title, "Weeks waited", counts, "Children waiting"),
        headers=("Weeks waited", "Children"),
        rows=tuple((c.label, str(c.n)) for c in counts),
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def missed_chart(groups: list[GroupFigures], *, by: str) -> Chart:
    """Did-not-attend and was-not-brought rates of each group, with the counts behind them."""
    title = f"Missed appointments by {by}"
    chart = pygal.HorizontalBar(
        title=title, x_title="Share of appointments (%)", style=NHS_STYLE, js=[],
        disable_xml_declaration=True, print_values=True, width=720,
        height=120 + 60 * max(1, len(groups)), explicit_size=False,
    )  # fmt: skip
    chart.x_labels = [f"{g.label} (n={g.figures.attendance.appointments})" for g in groups]
    rates = {
        "Did not attend": [g.figures.attendance.did_not_attend_rate for g in groups],
        "Was not brought": [g.figures.attendance.was_not_brought_rate for g in groups],
    }
    for name, values in rates.items():
        chart.add(name, [None if v is None else round(100 * v, 1) for v in values])

    def told(count: int, rate: float | None) -> str:
        return f"{count} ({_percent(rate)})"

    rows = tuple(
        (
            g.label,
            str(g.figures.children),
            str(g.figures.attendance.appointments),
            told(g.figures.attendance.did_not_attend, g.figures.attendance.did_not_attend_rate),
            told(g.figures.attendance.was_not_brought, g.figures.attendance.was_not_brought_rate),
        )
        for g in groups
    )
    return Chart(
        title=title,
        svg=_render(chart, title),
        headers=(by.capitalize(), "Children", "Appointments", "Did not attend", "Was not brought"),
        rows=rows,
    )


def survey_chart(experience: Experience) -> Chart:
    """How families answered each question, 1 (worst) to 5 (best), stacked."""
    title = f"Family experience: answers per question ({experience.surveys} surveys)"
    chart = pygal.StackedBar(
        title=title, y_title="Families", style=NHS_STYLE, js=[], disable_xml_declaration=True,
        width=720, height=400, explicit_size=False, x_label_rotation=20,
    )  # fmt: skip
    chart.x_labels = [q.key.replace("_", " ") for q in experience.questions]
    for score in range(5):
        chart.add(str(score + 1), [q.counts[score] for q in experience.questions])
    return Chart(
        title=title,
        svg=_render(chart, title),
        headers=("Question", "Answered", "1", "2", "3", "4", "5", "Mean"),
        rows=tuple(
            (
                q.question,
                str(q.answered),
                *(str(n) for n in q.counts),
                "–" if q.mean is None else f"{q.mean:.2f}",
            )
            for q in experience.questions
        ),
    )


def waits_to_first_visit_chart(outcomes: Outcomes) -> Chart:
    waits = outcomes.team.waits
    median = "no children" if waits.median_days is None else f"median {waits.median_days:g} days"
    title = f"Weeks from referral to the first appointment ({waits.children} children, {median})"
    counts = [Count(label=f"{c.label} weeks", n=c.n) for c in waits.distribution]
    return Chart(
        title=title,
        svg=_bar(title, "Weeks from referral", counts, "Children"),
        headers=("Weeks from referral", "Children"),
        rows=tuple((c.label, str(c.n)) for c in counts),
    )


def outcome_charts(outcomes: Outcomes) -> list[Chart]:
    """Every chart of the outcomes page, in the page's order (the equity view last)."""
    return [
        gas_chart(outcomes.team.gas_latest, when="at the latest rating"),
        gas_chart(outcomes.team.gas_discharge, when="at discharge"),
        waits_to_first_visit_chart(outcomes),
        missed_chart(outcomes.by_therapist, by="therapist"),
        missed_chart(outcomes.by_setting, by="setting"),
        missed_chart(outcomes.by_written_language, by="written language"),
        missed_chart(outcomes.by_interpreter_need, by="interpreter need"),
    ]

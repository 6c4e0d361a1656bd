"""The progress report's charts: GAS ratings over time per goal, COPM before and after.

Vector drawings from reportlab's own charts (text stays text). Lines differ by
colour, dash and marker so they read apart in black-and-white print too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from otvisit.reports import styles
from otvisit.reports.content import CopmScore, GasPoint, GoalProgress
from otvisit.reports.fonts import face

#: Distinct in colour and in grey (Okabe–Ito based, darkened for print on white).
LINE_COLOURS = (
    styles.NHS_BLUE,
    colors.HexColor("#C85200"),
    colors.HexColor("#212B32"),
    colors.HexColor("#007A5E"),
    colors.HexColor("#8B1A8B"),
)
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (6, 3), (2, 2), (8, 2, 2, 2), (4, 4))
MARKERS = ("FilledCircle", "FilledSquare", "FilledDiamond", "FilledTriangle", "FilledCross")
#: COPM: before is light, after is strong; performance blue, satisfaction grey-green.
COPM_COLOURS = (
    colors.HexColor("#9CC3E6"),
    styles.NHS_BLUE,
    colors.HexColor("#B5C9BC"),
    colors.HexColor("#2E5E4E"),
)
PLOT_HEIGHT = 170.0


def shorten(text: str, limit: int) -> str:
    """The wording cut at a word before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def gas_points(goal: GoalProgress) -> list[GasPoint]:
    """The baseline (on the day the goal was set) and every rating, oldest first."""
    points: list[GasPoint] = []
    if goal.set_on is not None and goal.baseline is not None:
        points.append(GasPoint(goal.set_on, goal.baseline))
    ratings = list(goal.history)
    if not ratings and goal.rated_on is not None and goal.current is not None:
        ratings = [GasPoint(goal.rated_on, goal.current)]
    points.extend(ratings)
    return sorted(points, key=lambda p: p.rated_on)


def _date_label(value: float) -> str:
    day = date.fromordinal(round(value))
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _date_steps(first: int, last: int, days: Sequence[int]) -> list[int]:
    if len(days) <= 5:
        return list(days)
    step = (last - first) / 4
    return [round(first + step * n) for n in range(5)]


def gas_history_chart(goals: Sequence[GoalProgress], *, width: float, label_pt: float) -> Drawing:
    """One line per goal: its GAS level (−2 … +2) on each dated rating; 0 marked and named."""
    font = face("latin", False).name
    lines = [(n, gas_points(g)) for n, g in enumerate(goals, start=1)]
    lines = [(n, pts) for n, pts in lines if pts]
    legend_rows = len(lines)
    legend_h = legend_rows * label_pt * 1.5 + 8
    height = PLOT_HEIGHT + 60 + legend_h
    drawing = Drawing(width, height, initialFontName=font)
    plot = LinePlot()
    plot.x, plot.y = 58, legend_h + 40
    plot.width, plot.height = width - 70, PLOT_HEIGHT
    days = sorted({p.rated_on.toordinal() for _, pts in lines for p in pts})
    if not days:
        days = [date.today().toordinal()]
    first, last = days[0], days[-1]
    if last - first < 28:  # one day (or a few): give the axis some width
        first, last = first - 14, last + 14
        days = sorted({first, *days, last}) if len(days) == 1 else days
    plot.data = [[(p.rated_on.toordinal(), p.level) for p in pts] for _, pts in lines] or [
        [(first, 0)]
    ]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first - 5, last + 5
    plot.xValueAxis.valueSteps = _date_steps(first, last, days)
    plot.xValueAxis.labelTextFormat = _date_label
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = -2.4, 2.4
    plot.yValueAxis.valueSteps = [-2, -1, 0, 1, 2]
    plot.yValueAxis.labelTextFormat = lambda v: f"{round(v):+d}" if round(v) else "0"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#D8DDE0")
    plot.yValueAxis.gridStrokeWidth = 0.5
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, label_pt
        axis.strokeColor = styles.TEXT
    for index in range(len(lines)):
        line = plot.lines[index]
        line.strokeColor = LINE_COLOURS[index % len(LINE_COLOURS)]
        line.strokeWidth = 2
        line.strokeDashArray = DASHES[index % len(DASHES)]
        marker = makeMarker(MARKERS[index % len(MARKERS)])
        marker.size = 7
        marker.fillColor = marker.strokeColor = line.strokeColor
        line.symbol = marker
    drawing.add(plot)
    # 0 is the expected outcome: a visible line across the plot, named at its end.
    zero_y = plot.y + plot.height * (0 - plot.yValueAxis.valueMin) / 4.8
    drawing.add(
        Line(
            plot.x,
            zero_y,
            plot.x + plot.width,
            zero_y,
            strokeColor=styles.TEXT,
            strokeWidth=1.5,
            strokeDashArray=(1, 0),
        )
    )
    drawing.add(
        String(
            plot.x + 4,
            zero_y + 4,
            "0 = expected outcome",
            fontName=font,
            fontSize=label_pt,
            fillColor=styles.TEXT,
            textAnchor="start",
        )
    )
    drawing.add(String(0, plot.y + plot.height + 12, "GAS level", fontName=font, fontSize=label_pt))
    legend = Legend()
    legend.x, legend.y = plot.x, legend_h
    legend.fontName, legend.fontSize = font, label_pt
    legend.alignment, legend.columnMaximum = "right", max(1, legend_rows)
    legend.dy, legend.dx, legend.deltay = label_pt * 0.6, label_pt * 2.2, label_pt * 1.5
    limit = int((width - plot.x - label_pt * 4) / (label_pt * 0.55))
    legend.colorNamePairs = [
        (
            LINE_COLOURS[i % len(LINE_COLOURS)],
            f"Goal {n}: {shorten(goals[n - 1].goal.wording, limit)}",
        )
        for i, (n, _) in enumerate(lines)
    ]
    drawing.add(legend)
    return drawing


def copm_chart(scores: Sequence[CopmScore], *, width: float, label_pt: float) -> Drawing:
    """Performance and satisfaction (1–10) before and after, grouped per occupation."""
    font = face("latin", False).name
    legend_h = 2 * label_pt * 1.6 + 10
    height = PLOT_HEIGHT + 45 + label_pt * 2 + legend_h
    drawing = Drawing(width, height, initialFontName=font)
    bars = VerticalBarChart()
    bars.x, bars.y = 40, 45
    bars.width, bars.height = width - 50, PLOT_HEIGHT
    bars.data = [
        [s.performance_before for s in scores],
        [s.performance_after for s in scores],
        [s.satisfaction_before for s in scores],
        [s.satisfaction_after for s in scores],
    ]
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = 0, 10, 2
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#D8DDE0")
    per_group = bars.width / max(1, len(scores))
    limit = max(8, int(per_group / (label_pt * 0.55)))
    bars.categoryAxis.categoryNames = [shorten(s.occupation, limit) for s in scores]
    bars.categoryAxis.labels.boxAnchor = "n"
    for axis in (bars.valueAxis, bars.categoryAxis):
        axis.labels.fontName, axis.labels.fontSize = font, label_pt
    bars.barLabelFormat = "%d"
    bars.barLabels.fontName, bars.barLabels.fontSize = font, label_pt
    bars.barLabels.nudge = 6
    bars.groupSpacing, bars.barSpacing = 10, 1
    for index, colour in enumerate(COPM_COLOURS):
        bars.bars[index].fillColor = colour
        bars.bars[index].strokeColor = styles.TEXT
        bars.bars[index].strokeWidth = 0.5
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = bars.x, height - 4
    legend.fontName, legend.fontSize = font, label_pt
    legend.alignment, legend.columnMaximum = "right", 2
    legend.deltax, legend.dxTextSpace = width / 2.2, 6
    legend.deltay = label_pt * 1.6
    legend.colorNamePairs = list(
        zip(
            COPM_COLOURS,
            (
                "Performance before",
                "Performance after",
                "Satisfaction before",
                "Satisfaction after",
            ),
            strict=True,
        )
    )
    drawing.add(legend)
    drawing.add(
        String(0, bars.y + bars.height + 8, "Score (1–10)", fontName=font, fontSize=label_pt)
    )
    return drawing

"""The progress report's assessments: each tool with its date, scores and summary."""

from __future__ import annotations

from reportlab.platypus import Flowable

from otvisit.reports.common import Writer, content_width, grid
from otvisit.services.assessment_views import AssessmentView


def assessments_flowables(w: Writer, assessments: tuple[AssessmentView, ...]) -> list[Flowable]:
    """A heading, then per assessment its name, kind and date, a score table and the summary."""
    if not assessments:
        return []
    sheet = w.sheet
    out: list[Flowable] = [w.p("Assessments", sheet.heading)]
    width = content_width()
    for item in assessments:
        kind = "standardised" if item.kind.value == "standardised" else "informal"
        out.append(w.p(f"{item.name} ({kind}), {w.lang.date(item.assessed_on)}", sheet.subheading))
        rows = [
            [w.p(part, sheet.small), w.p(measure, sheet.small), w.p(str(value), sheet.small)]
            for part, measures in item.scores.items()
            for measure, value in measures.items()
        ]
        if rows:
            head = [w.p(text, sheet.small) for text in ("Part", "Score", "Result")]
            out.append(grid([head, *rows], [width * 0.45, width * 0.35, width * 0.2], lines=True))
        if item.summary:
            out.append(w.p(item.summary))
    return out

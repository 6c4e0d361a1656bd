"""Assessments recorded for a child appear in the progress report, read back from the PDF."""

from __future__ import annotations

from datetime import date

import pytest

from otvisit.models.store import Store
from otvisit.models.vocabulary import AssessmentKind
from otvisit.reports.gather import progress_content
from otvisit.reports.progress import render_progress_report
from otvisit.services import assessments
from otvisit.services.assessment_views import child_assessments, scores_from_text
from otvisit.services.errors import ValidationError
from tests.factories import TODAY, make_child, make_goal
from tests.reports import pdfcheck


def test_typed_scores_become_parts_and_measures() -> None:
    typed = "Manual dexterity: standard score 6; percentile 9\n\nBalance: 11\nNotes: tires quickly"
    assert scores_from_text(typed) == {
        "Manual dexterity": {"standard score": 6, "percentile": 9},
        "Balance": {"score": 11},
        "Notes": {"tires": "quickly"},
    }
    assert scores_from_text("VMI: scaled score 7.5") == {"VMI": {"scaled score": 7.5}}
    for wrong, message in (("no colon here", "Line 1"), ("A: 1\nA: 2", "scored twice")):
        with pytest.raises(ValidationError, match=message):
            scores_from_text(wrong)


def test_progress_report_lists_each_assessment_with_scores_and_summary(store: Store) -> None:
    with store.transaction() as session:
        child = make_child(session)
        make_goal(session, child=child)
        assessments.record_assessment(
            session, child_id=child.id, name="Movement ABC-3", kind=AssessmentKind.STANDARDISED,
            assessed_on=date(2026, 10, 2), scores=scores_from_text(
                "Manual dexterity: standard score 6; percentile 9"
            ),
            summary="Fine motor skills are well below what is expected for his age.",
            today=TODAY,
        )  # fmt: skip
        assessments.record_assessment(
            session, child_id=child.id, name="Observation at lunch", assessed_on=date(2026, 11, 3),
            summary="Uses a fork with a palmar grasp.", today=TODAY,
        )  # fmt: skip
        rows = child_assessments(session, child_id=child.id)
        report = progress_content(session, child_id=child.id, today=TODAY)
    assert [r.name for r in rows] == ["Observation at lunch", "Movement ABC-3"]  # newest first
    assert report.assessments == tuple(rows)
    text = pdfcheck.flat(render_progress_report(report, reproducible=True))
    assert "Assessments" in text
    assert "Movement ABC-3 (standardised), 2 October 2026" in text
    assert "Manual dexterity standard score 6" in text and "percentile 9" in text
    assert "Fine motor skills are well below what is expected for his age." in text
    assert "Observation at lunch (informal), 3 November 2026" in text

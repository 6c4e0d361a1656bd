"""The family surveys screen, through its real buttons: enter paper surveys, read the results."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from otvisit.models import AuditEvent, FeedbackSurvey
from otvisit.ui.surveys.view import SurveysView
from tests.ui.driver import Visit, message, type_into
from tests.ui.keys import clashes
from tests.ui.shots import save_screenshot


def _click(widget: object) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def _open(visit: Visit) -> SurveysView:
    _click(visit.window.caseload.surveys_button)
    visit.settle()
    view = visit.window.surveys
    assert visit.window.pages.currentWidget() is view
    return view


def _enter(
    visit: Visit,
    view: SurveysView,
    answers: dict[str, int],
    comment: str,
    lang: str,
    arrived: str | None = "post",
) -> None:
    for key, answer in answers.items():
        view.answers[key].setCurrentIndex(answer)
    view.language.setCurrentIndex(view.language.findData(lang))
    view.arrival.setCurrentIndex(0 if arrived is None else view.arrival.findData(arrived))
    if comment:
        type_into(view.comments, comment)
    _click(view.save_button)
    visit.settle()


def test_enter_paper_surveys_and_read_the_teams_results(visit: Visit) -> None:
    view = _open(visit)
    assert clashes(visit.window) == {}  # "How it &arrived" takes a letter of its own
    assert "No surveys received" in view.count.text()
    _enter(visit, view, {}, "", "en")  # nothing ticked, nothing written: refused
    assert "no answers and no comments" in message(visit)
    _enter(visit, view, {"felt_listened_to": 5, "would_recommend": 4}, "Very kind.", "en")
    assert "Survey saved (anonymous)" in message(visit)
    assert view.answers["felt_listened_to"].currentIndex() == 0  # the form is ready for the next
    _enter(visit, view, {"goals_mattered": 3}, "", "en", arrived=None)  # how did it arrive?
    assert "Say how the survey arrived" in message(visit)
    assert view.answers["goals_mattered"].currentIndex() == 3  # what was typed is kept
    view.answers["goals_mattered"].setCurrentIndex(0)
    _enter(
        visit, view, {"felt_listened_to": 4, "language_needs_met": 2}, "No interpreter.", "ur",
        arrived="online",
    )  # fmt: skip
    assert "2 survey(s)" in view.count.text() and "Urdu 1" in view.count.text()
    cells = {
        view.table.item(r, 0).text(): [view.table.item(r, c).text() for c in range(1, 8)]
        for r in range(view.table.rowCount())
    }
    assert cells["We felt listened to"] == ["2", "0", "0", "0", "1", "1", "4.50"]
    assert cells["Our language needs were met"][-1] == "2.00"
    assert cells["Things were explained clearly"] == ["0", "0", "0", "0", "0", "0", ""]
    arrivals = {
        view.arrivals.item(r, 0).text(): view.arrivals.item(r, 1).text()
        for r in range(view.arrivals.rowCount())
    }
    assert arrivals == {
        "By post": "1", "In clinic": "0", "Online or QR code": "1", "By phone": "0",
    }  # fmt: skip
    comments = [view.comments_list.item(i).text() for i in range(view.comments_list.count())]
    assert any(c.endswith("(Urdu): No interpreter.") for c in comments)
    visit.window.resize(1250, 760)
    visit.settle()
    save_screenshot(visit.window, "family-surveys.png")

    with visit.window.context.runner.store.read_session() as session:
        surveys = session.scalars(select(FeedbackSurvey)).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "feedback_survey"))
        assert len(surveys) == 2 and all(event.child_id is None for event in audit)
        assert sorted(str(s.arrived_by) for s in surveys) == ["online", "post"]


def test_make_a_blank_survey_in_the_familys_language(visit: Visit, tmp_path: Path) -> None:
    visit.window.printer.remember_export_folder(tmp_path)  # where the therapist exports to
    view = _open(visit)
    view.blank_language.setCurrentIndex(view.blank_language.findData("ur"))
    _click(view.blank_button)
    visit.settle()
    assert "Blank survey in Urdu saved" in message(visit)
    assert view.last_blank == tmp_path / "family-survey-ur.pdf"
    assert view.last_blank.read_bytes().startswith(b"%PDF")

"""Recording an assessment in the child's record, through the real button and dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.driver import Visit, find_and_open, message, open_section, type_into
from tests.ui.shots import save_screenshot


def test_record_a_standardised_assessment_with_scores(visit: Visit) -> None:
    find_and_open(visit, "Okafor")
    record = visit.window.record
    assert record is not None
    section = record.assessments
    open_section(visit, section)
    QTest.mouseClick(section.record_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None and dialog.isVisible()
    type_into(dialog.tool, "Movement ABC-3")
    dialog.kind.setCurrentIndex(dialog.kind.findData("standardised"))
    type_into(dialog.scores, "Manual dexterity standard score 6")  # no colon: a slip
    type_into(dialog.summary, "Fine motor skills well below age expectations.")
    dialog.confirm()
    visit.settle()
    assert "Line 1 of the scores" in message(visit)
    assert dialog.isVisible() and dialog.tool.text() == "Movement ABC-3"  # nothing lost
    assert section.model.rowCount() == 0
    dialog.scores.clear()
    type_into(dialog.scores, "Manual dexterity: standard score 6; percentile 9")
    QTest.keyClick(dialog.scores, Qt.Key.Key_Return)
    type_into(dialog.scores, "Balance: 11")
    dialog.confirm()
    visit.settle()
    assert "Assessment saved: Movement ABC-3" in message(visit)
    assert section.model.rowCount() == 1
    row = section.model.texts(section.model.row_at(0))
    assert row[1:4] == (
        "Movement ABC-3",
        "Standardised",
        "Manual dexterity: standard score 6; percentile 9 · Balance: score 11",
    )
    visit.window.resize(1200, 700)
    visit.settle()
    save_screenshot(visit.window, "child-assessments.png")


def test_an_assessment_dated_in_the_future_is_refused_and_the_form_comes_back(
    visit: Visit,
) -> None:
    find_and_open(visit, "Haddad")
    record = visit.window.record
    assert record is not None
    section = record.assessments
    open_section(visit, section)
    QTest.mouseClick(section.record_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None
    type_into(dialog.tool, "Sensory Profile 2")
    dialog.on.setDate(dialog.on.date().addDays(3))
    dialog.confirm()
    visit.settle()
    assert "cannot be dated in the future" in message(visit)
    assert dialog.isVisible() and dialog.tool.text() == "Sensory Profile 2"
    assert section.model.rowCount() == 0

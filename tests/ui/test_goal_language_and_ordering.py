"""The goal form takes the family's wording in their language; the equipment form what to order."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from otvisit.models import EquipmentRecommendation, Goal
from tests.ui.driver import Visit, find_and_open, message, open_section, type_into

pytestmark = pytest.mark.gui

ARABIC_GOAL = "أميرة ستلبس معطفها بنفسها"


def _store(visit: Visit):  # type: ignore[no-untyped-def]
    return visit.window.context.runner.store


def type_letters(widget: QWidget, text: str) -> None:
    """Key presses carrying each letter, as an Arabic keyboard layout sends them.

    (QTest.keyClicks only knows Latin keys.)
    """
    widget.setFocus()
    for letter in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = Qt.Key.Key_Space if letter == " " else Qt.Key.Key_unknown
            QApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, letter)
            )


def test_type_a_goal_in_arabic_with_the_interpreter_right_to_left(visit: Visit) -> None:
    find_and_open(visit, "amira")
    goals = visit.window.record.goals
    open_section(visit, goals)
    assert goals.family_label.text() == "Family's language: Arabic"
    assert goals.family_wording.isEnabled()
    assert goals.family_wording.layoutDirection() == Qt.LayoutDirection.RightToLeft
    option = goals.family_wording.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    type_into(goals.wording, "Amira will put her coat on by herself")
    type_letters(goals.family_wording, ARABIC_GOAL)
    assert goals.family_wording.toPlainText() == ARABIC_GOAL
    goals.setting.setCurrentIndex(goals.setting.findData("school"))
    for level, edit in goals.level_edits.items():
        type_into(edit, f"Level {level}")
    QTest.mouseClick(goals.add_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert message(visit) == "Goal added."
    assert goals.family_wording.toPlainText() == ""  # ready for the next goal
    with _store(visit).read_session() as session:
        goal = session.scalars(select(Goal).where(Goal.wording.like("Amira will%"))).one()
        assert (goal.family_wording, goal.family_language) == (ARABIC_GOAL, "ar")
        assert goal.setting.value == "school"


def test_for_an_english_reading_family_the_second_wording_is_off(visit: Visit) -> None:
    find_and_open(visit, "sam")
    goals = visit.window.record.goals
    open_section(visit, goals)
    assert not goals.family_wording.isEnabled()
    assert goals.family_wording.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_the_equipment_letter_says_exactly_what_to_order(visit: Visit, tmp_path: Path) -> None:
    find_and_open(visit, "sam")
    equipment = visit.window.record.equipment
    open_section(visit, equipment)
    type_into(equipment.item, "Height-adjustable classroom chair with footrest")
    type_into(equipment.product_code, "KS-200-3")
    type_into(equipment.supplier, "Kidsafe Seating Ltd")
    type_into(equipment.need, "Feet do not reach the floor; he slumps when writing.")
    equipment.measure["seat_height"].setValue(31)
    QTest.mouseClick(equipment.recommend_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "KS-200-3" in equipment.details.toPlainText()
    assert equipment.product_code.text() == ""  # the next item starts clean
    QTest.mouseClick(equipment.letter_button, Qt.MouseButton.LeftButton)
    visit.settle()
    preview = visit.window.printer.preview
    assert preview is not None
    target = tmp_path / "letter.pdf"
    with visit.qtbot.waitSignal(visit.window.printer.saved):
        visit.window.printer.save_copy(preview.shown, target)
    visit.settle()
    preview.close()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Product code KS-200-3" in text and "Supplier Kidsafe Seating Ltd" in text
    with _store(visit).read_session() as session:
        rec = session.scalars(select(EquipmentRecommendation)).one()
        assert (rec.product_code, rec.supplier) == ("KS-200-3", "Kidsafe Seating Ltd")

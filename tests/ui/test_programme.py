"""Editing a saved home programme: this week's plan and the review date change in place."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from otvisit.models import HomeProgramme
from tests.ui.driver import Visit, find_and_open, open_section, type_into

pytestmark = pytest.mark.gui


def test_this_week_and_the_review_date_of_a_saved_programme_change(visit: Visit) -> None:
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    programme = record.programme
    open_section(visit, programme)
    programme.library.check(programme.library.item(0).data(Qt.ItemDataRole.UserRole))
    type_into(programme.this_week, "Coat flip before school.")
    QTest.mouseClick(programme.save_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert programme.programme is not None
    programme.this_week.selectAll()
    type_into(programme.this_week, "Coat flip, then zip with the big puller.")
    programme.review_set.setChecked(True)
    programme.review.setDate(QDate(2027, 2, 1))
    QTest.mouseClick(programme.save_button, Qt.MouseButton.LeftButton)
    visit.settle()
    with visit.window.context.runner.store.read_session() as session:
        saved = session.scalars(select(HomeProgramme)).one()  # the same programme, not a new one
        assert saved.this_week == "Coat flip, then zip with the big puller."
        assert saved.review_on == date(2027, 2, 1)
    assert programme.programme is not None and programme.programme.review_on == date(2027, 2, 1)
    assert "zip with the big puller" in programme.this_week.toPlainText()

"""What a locked screen may show: every text a visible widget holds, checked for child data."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from sqlalchemy import select

from otvisit.models import Child
from otvisit.services.nhs_number import format_nhs_number
from tests.ui.driver import Visit, type_into

PASSWORD = "correct horse battery"


def _model_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    for row in range(model.rowCount(QModelIndex())):
        for column in range(model.columnCount(QModelIndex())):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if value is not None:
                    yield str(value)


def texts_on_screen(window: QWidget) -> list[str]:
    """Every text a visible widget of the app shows or tells a screen reader, and window titles.

    Every widget the app makes has the window as an ancestor (dialogs and previews too), so
    the walk starts there rather than at QApplication.allWidgets(), which also lists the
    closed windows of earlier tests.
    """
    texts: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts += [widget.windowTitle(), widget.accessibleName(), widget.toolTip()]
        texts.append(widget.accessibleDescription())
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView):
            texts += list(_model_texts(widget))
    return [text for text in texts if text]


def _identifiers(visit: Visit) -> list[str]:
    with visit.window.context.runner.store.read_session() as session:
        children = session.scalars(select(Child)).all()
        words = []
        for child in children:
            words += [child.given_name, child.family_name, child.preferred_name]
            words += [child.nhs_number, format_nhs_number(child.nhs_number), child.setting_name]
    return [word for word in words if word]


def assert_nothing_about_children(visit: Visit) -> None:
    shown = "\n".join(texts_on_screen(visit.window))
    assert "locked" in visit.window.windowTitle()
    for word in _identifiers(visit):
        assert not re.search(rf"\b{re.escape(word)}\b", shown), f"{word!r} is on screen"


def unlock(visit: Visit, password: str) -> None:
    page = visit.window.locker.page
    visit.qtbot.waitUntil(page.password.isVisible)
    type_into(page.password, password)
    QTest.keyClick(page.password, Qt.Key.Key_Return)
    visit.settle()

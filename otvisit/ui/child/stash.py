"""Forms typed in and not yet submitted, as plain data, so locking the app never loses a word."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from otvisit.ui.child.checklist import CheckList

#: What one field holds: text, a number, a tick, a choice's data, ticked values or a moment.
FieldValue = str | int | float | bool | tuple[str, ...] | None


@dataclass(frozen=True)
class FormStash:
    """One form: which (``form``), about which record (``key``), and its fields' values."""

    form: str
    fields: Mapping[str, FieldValue]
    key: str = ""
    dialog: bool = False


@dataclass(frozen=True)
class SectionStash:
    """The forms of one section of one child's record, kept in memory while the app is locked."""

    child_id: str
    forms: tuple[FormStash, ...] = field(default=())

    def form(self, name: str) -> FormStash | None:
        return next((form for form in self.forms if form.form == name), None)


def read_fields(widgets: Mapping[str, QWidget]) -> dict[str, FieldValue]:
    return {name: read_field(widget) for name, widget in widgets.items()}


def write_fields(widgets: Mapping[str, QWidget], values: Mapping[str, FieldValue]) -> None:
    for name, value in values.items():
        widget = widgets.get(name)
        if widget is not None:
            write_field(widget, value)


def read_field(widget: QWidget) -> FieldValue:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, CheckList):
        return tuple(widget.checked_values())
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if isinstance(data, str | int | float) else None
    if isinstance(widget, QDateTimeEdit):  # QDateEdit too
        return int(widget.dateTime().toSecsSinceEpoch())
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    raise TypeError(f"no stash for a {type(widget).__name__}")


def write_field(widget: QWidget, value: FieldValue) -> None:
    if isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != value:  # an unchanged box keeps its cursor and undo history
            widget.setPlainText(str(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, CheckList):
        ticked = set(value) if isinstance(value, tuple) else set()
        for choice in {str(v) for v in widget.checked_values()} | ticked:
            widget.check(choice, choice in ticked)
    elif isinstance(widget, QComboBox):
        index = next((i for i in range(widget.count()) if widget.itemData(i) == value), -1)
        if index >= 0:  # a choice gone since (a goal deleted by a sync) stays as it is
            widget.setCurrentIndex(index)
    elif isinstance(widget, QDateTimeEdit) and isinstance(value, int):
        widget.setDateTime(QDateTime.fromSecsSinceEpoch(value))
    elif isinstance(widget, QSpinBox) and isinstance(value, int | float):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox) and isinstance(value, int | float):
        widget.setValue(float(value))
    elif not isinstance(widget, QAbstractSpinBox):
        raise TypeError(f"no stash for a {type(widget).__name__}")

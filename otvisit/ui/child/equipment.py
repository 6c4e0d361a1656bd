"""The equipment section: a recommendation with measurements, and its letter to the setting."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import EquipmentStatus, Funder, Place
from otvisit.services import caseload, equipment, equipment_views
from otvisit.services.caseload import GoalView
from otvisit.services.equipment import MEASUREMENTS
from otvisit.services.equipment_views import EquipmentView
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import day_text, label, place_text


def _text(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 3)
    return edit


def details_html(row: EquipmentView) -> str:
    """Everything recommended for one item, as its details pane reads."""
    measured = ", ".join(
        f"{MEASUREMENTS.get(key, label(key)).capitalize()} {value:g} cm"
        for key, value in row.measurements.items()
    )
    lines = [
        ("Used at", place_text(row.setting)),
        ("Status", label(row.status)),
        ("Recommended on", day_text(row.recommended_on)),
        ("For goal", row.goal_wording),
        ("Functional need", row.functional_need),
        ("Measurements", measured),
        ("Alternatives tried", row.alternatives_tried),
        ("Funded by", label(row.funder) if row.funder else ""),
        ("Provided by", row.provider),
        ("Product code", row.product_code),
        ("Supplier", row.supplier),
        ("Safety", row.safety_notes),
        ("Training", row.training_notes),
        ("Review on", day_text(row.review_on) if row.review_on else ""),
    ]
    body = "".join(
        f"<tr><td><b>{escape(name)}</b></td><td>{escape(value) or '—'}</td></tr>"
        for name, value in lines
    )
    return f"<h3>{escape(row.item)}</h3><table cellspacing='4'>{body}</table>"


class EquipmentSection(Section):
    title = "&Equipment"

    def __init__(
        self,
        context: AppContext,
        messages: MessageBar,
        printer: Printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, messages, parent)
        self.printer = printer
        self.rows: list[EquipmentView] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Recommendations")
        self.letter_button = QPushButton("Preview &letter…")
        self.advance_button = QPushButton("Ne&xt status")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Recommendations</b>"))
        left_layout.addWidget(self.list, 1)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Recommendation details")
        left_layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.letter_button)
        buttons.addWidget(self.advance_button)
        left_layout.addLayout(buttons)

        self.item = QLineEdit()
        self.item.setPlaceholderText("e.g. Height-adjustable chair with footrest")
        self.setting = QComboBox()
        for place in Place:
            self.setting.addItem(place_text(place.value), place.value)
        self.setting.setCurrentIndex(self.setting.findData(Place.SCHOOL.value))
        self.goal = QComboBox()
        self.need = _text("Functional need")
        self.measure: dict[str, QDoubleSpinBox] = {}
        grid = QGridLayout()
        for number, (key, words) in enumerate(MEASUREMENTS.items()):
            spin = QDoubleSpinBox()
            spin.setRange(0, 250)
            spin.setDecimals(1)
            spin.setSuffix(" cm")
            spin.setSpecialValueText("—")  # 0 means not measured
            spin.setAccessibleName(words.capitalize())
            self.measure[key] = spin
            grid.addWidget(QLabel(words.capitalize()), number // 2, (number % 2) * 2)
            grid.addWidget(spin, number // 2, (number % 2) * 2 + 1)
        self.alternatives = _text("Alternatives tried")
        self.funder = QComboBox()
        for funder in Funder:
            self.funder.addItem(label(funder.value), funder.value)
        self.provider = QLineEdit()
        # What a SENCO orders: the supplier's product code and the supplier.
        self.product_code = QLineEdit()
        self.product_code.setMaxLength(80)
        self.supplier = QLineEdit()
        self.supplier.setMaxLength(200)
        self.safety = _text("Safety notes")
        self.training = _text("Training notes")
        self.review = QDateEdit(QDate.currentDate().addMonths(3))
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("dd MMM yyyy")  # never 5 10 2026: day, month name, year
        self.recommend_button = QPushButton("&Recommend")
        form_box = QGroupBox("New recommendation")
        form = QFormLayout(form_box)
        form.addRow("&Item", self.item)
        form.addRow("Product code", self.product_code)
        form.addRow("Supplier", self.supplier)
        form.addRow("&Used at", self.setting)
        form.addRow("For goal", self.goal)
        form.addRow("Func&tional need", self.need)
        form.addRow("Measurements", grid)
        form.addRow("Alternatives tried", self.alternatives)
        form.addRow("Funded &by", self.funder)
        form.addRow("&Provided by", self.provider)
        form.addRow("&Safety", self.safety)
        form.addRow("Training", self.training)
        form.addRow("Revie&w on", self.review)
        form.addRow("", self.recommend_button)
        for caption, widget in (
            ("Item", self.item),
            ("Product code", self.product_code),
            ("Supplier", self.supplier),
            ("Used at", self.setting),
            ("For goal", self.goal),
            ("Funded by", self.funder),
            ("Provided by", self.provider),
            ("Review on", self.review),
        ):
            widget.setAccessibleName(caption)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_box)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)  # room for the chosen recommendation's details
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.forms["recommendation"] = {
            "item": self.item,
            "product code": self.product_code,
            "supplier": self.supplier,
            "used at": self.setting,
            "goal": self.goal,
            "need": self.need,
            **{f"measure {key}": spin for key, spin in self.measure.items()},
            "alternatives": self.alternatives,
            "funder": self.funder,
            "provider": self.provider,
            "safety": self.safety,
            "training": self.training,
            "review on": self.review,
        }
        self.recommend_button.clicked.connect(self.recommend)
        self.list.currentRowChanged.connect(self._show_details)
        self.letter_button.clicked.connect(self.preview_letter)
        self.advance_button.clicked.connect(self.advance)

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return

        def read(session: Session) -> tuple[list[EquipmentView], list[GoalView]]:
            return (
                equipment_views.child_equipment(session, child_id=child_id),
                caseload.child_goals(session, child_id=child_id),
            )

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: tuple[list[EquipmentView], list[GoalView]]) -> None:
        self.rows, goals = data
        self.list.clear()
        for row in self.rows:
            self.list.addItem(
                f"{row.item} — {place_text(row.setting)}, {label(row.status)} "
                f"({day_text(row.recommended_on)})"
            )
        if self.rows:
            self.list.setCurrentRow(0)
        self._show_details(self.list.currentRow())
        self.goal.clear()
        self.goal.addItem("(none)", None)
        for goal in goals:
            self.goal.addItem(goal.wording, goal.goal_id)
        self.shown()

    def _show_details(self, row: int) -> None:
        self.details.setHtml(details_html(self.rows[row]) if 0 <= row < len(self.rows) else "")

    def clear_form(self) -> None:
        """Ready for the next item: nothing of the last one is carried over."""
        for edit in (self.item, self.product_code, self.supplier, self.provider):
            edit.clear()
        for text in (self.need, self.alternatives, self.safety, self.training):
            text.clear()
        for spin in self.measure.values():
            spin.setValue(0)
        self.goal.setCurrentIndex(0)
        self.setting.setCurrentIndex(self.setting.findData(Place.SCHOOL.value))
        self.funder.setCurrentIndex(0)
        self.review.setDate(QDate.currentDate().addMonths(3))

    def selected(self) -> EquipmentView | None:
        row = self.list.currentRow()
        if row < 0:
            self.messages.inform("Choose a recommendation in the list first.")
            return None
        return self.rows[row]

    def _fields(self) -> dict[str, Any]:
        review = self.review.date()
        return {
            "item": self.item.text(),
            "setting": Place(self.setting.currentData()),
            "functional_need": self.need.toPlainText(),
            "measurements": {k: s.value() for k, s in self.measure.items() if s.value() > 0},
            "goal_id": self.goal.currentData(),
            "funder": Funder(self.funder.currentData()),
            "provider": self.provider.text(),
            "product_code": self.product_code.text(),
            "supplier": self.supplier.text(),
            "alternatives_tried": self.alternatives.toPlainText(),
            "safety_notes": self.safety.toPlainText(),
            "training_notes": self.training.toPlainText(),
            "review_on": date(review.year(), review.month(), review.day()),
        }

    def recommend(self) -> None:
        child_id, me = self.child_id, self.context.me_id
        if child_id is None:
            return
        fields = self._fields()

        def add(session: Session) -> str:
            return equipment.recommend_equipment(
                session,
                child_id=child_id,
                recommended_on=date.today(),
                therapist_id=me,
                actor_id=me,
                **fields,
            )

        def done(_id: str) -> None:
            self.messages.inform("Recommendation recorded. Preview the letter to print it.")
            self.clear_form()
            self.changed()
            self.reload()

        self.context.runner.write(
            add, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def advance(self) -> None:
        chosen, me = self.selected(), self.context.me_id
        if chosen is None:
            return
        current = EquipmentStatus(chosen.status)
        following = list(EquipmentStatus)
        index = following.index(current)
        if index + 1 >= len(following):
            self.messages.inform("This recommendation has been reviewed: nothing follows.")
            return
        wanted = following[index + 1]
        self.context.runner.write(
            lambda s: equipment.advance_equipment_status(
                s, recommendation_id=chosen.recommendation_id, status=wanted, actor_id=me
            ),
            done=lambda status: (
                self.messages.inform(f"Now {label(status.value)}."),
                self.reload(),
            ),
            failed=lambda e: self.messages.problem(describe_error(e)),
            owner=self,
        )

    def preview_letter(self) -> None:
        """The letter to the setting, in English unless the therapist chooses otherwise."""
        chosen, child_id = self.selected(), self.child_id
        if chosen is None or child_id is None:
            return
        self.printer.make(
            "equipment", child_id=child_id, source_id=chosen.recommendation_id, parent=self
        )

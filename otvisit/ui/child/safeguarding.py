"""The safeguarding check form shown with a proposed discharge (a child not brought or not seen)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QPlainTextEdit, QWidget

from otvisit.models import SafeguardingCheck
from otvisit.services.safeguarding import SafeguardingAnswers

_ANSWERS: tuple[tuple[str, bool | None], ...] = (
    ("Not answered yet", None),
    ("No", False),
    ("Yes", True),
)


def _yes_no_box(name: str) -> QComboBox:
    box = QComboBox()
    for text, value in _ANSWERS:
        box.addItem(text, value)
    box.setAccessibleName(name)
    return box


class SafeguardingForm(QWidget):
    """Known to social care? A concern? Who was told? Saved with the episode, then audited."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = _yes_no_box("Known to social care")
        self.concern = _yes_no_box("Safeguarding concern")
        self.details = QPlainTextEdit()
        self.details.setAccessibleName("The concern and what was done")
        self.details.setTabChangesFocus(True)
        self.details.setMaximumHeight(70)
        self.told_gp = QCheckBox("GP told")
        self.told_nurse = QCheckBox("Health visitor or school nurse told")
        self.told_referrer = QCheckBox("Referrer told")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Known to social care?", self.known)
        form.addRow("A safeguarding concern (a &worry for the child)?", self.concern)
        form.addRow("The concern, what was done", self.details)
        form.addRow("Who was told", self.told_gp)
        form.addRow("", self.told_nurse)
        form.addRow("", self.told_referrer)

    def answers(self) -> SafeguardingAnswers:
        return SafeguardingAnswers(
            known_to_social_care=self.known.currentData(),
            concern=self.concern.currentData(),
            concern_details=self.details.toPlainText(),
            told_gp=self.told_gp.isChecked(),
            told_health_visitor_or_school_nurse=self.told_nurse.isChecked(),
            told_referrer=self.told_referrer.isChecked(),
        )

    def show_check(self, check: SafeguardingCheck | None) -> None:
        """Fill the form from the recorded check (or clear it)."""
        values = [value for _, value in _ANSWERS]
        known = check.known_to_social_care if check else None
        concern = check.concern if check else None
        self.known.setCurrentIndex(values.index(known))
        self.concern.setCurrentIndex(values.index(concern))
        self.details.setPlainText(check.concern_details if check else "")
        self.told_gp.setChecked(bool(check and check.told_gp))
        self.told_nurse.setChecked(bool(check and check.told_health_visitor_or_school_nurse))
        self.told_referrer.setChecked(bool(check and check.told_referrer))

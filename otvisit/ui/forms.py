"""Small form dialogs that open without blocking (window-modal), so nothing waits on them.

A dialog opens with the keyboard in its first field, never on the default button: a space
typed into a date must not press Book.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class FormDialog(QDialog):
    """A titled form with OK and Cancel; ``on_ok`` runs when the therapist confirms."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        on_ok: Callable[[], None],
        *,
        intro: str = "",
        ok_text: str = "OK",
        name: str = "",
        key: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        #: Which form this is and about which record: what a section needs to open it again.
        self.name, self.key = name, key
        #: The fields by caption (without the ``&``), to keep what was typed while locked.
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro)
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addLayout(self.form)
        #: Warnings about what is typed (a clash, a bank holiday): shown, never blocking.
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setStyleSheet("QLabel { background: #fff4d6; padding: 4px; }")
        self.warnings.hide()
        self.warning_lines: list[str] = []
        layout.addWidget(self.warnings)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.accepted.connect(on_ok)
        # The window's shortcuts stop at a modal dialog; the ones marked so (Lock now) reach it.
        self.addActions([a for a in parent.window().actions() if a.property("in_dialogs")])

    def add(self, caption: str, field: QWidget) -> QWidget:
        field.setAccessibleName(caption.replace("&", ""))
        self.fields[caption.replace("&", "")] = field
        self.form.addRow(caption, field)
        return field

    def open(self) -> None:
        super().open()
        self.focus_first_field()

    def focus_first_field(self) -> None:
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.setFocus()

    def warn(self, lines: list[str]) -> None:
        """Show what the therapist should know before confirming (an empty list hides it)."""
        self.warning_lines = list(lines)
        self.warnings.setText("<br>".join(f"⚠ {escape(line)}" for line in lines))
        self.warnings.setVisible(bool(lines))

    def confirm(self) -> None:
        """Press OK (what Enter does); used by keyboard users and tests alike."""
        self.accept()

"""A calm message strip at the top of the window instead of pop-up error boxes.

Its room is always kept (a line of text), so a message appearing never pushes the window's
content down; only a message too long for one line makes it grow.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

PROBLEM_STYLE = "MessageBar { background: #fff4d6; }"
INFORM_STYLE = "MessageBar { background: palette(alternate-base); }"


class MessageBar(QFrame):
    """Shows one message at a time; information fades after a while, problems stay until closed
    or until the therapist moves to another page or section (the message was about that one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Messages")
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close the message")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self._reserve_room()
        self.clear()

    def inform(self, text: str) -> None:
        self._show(text, problem=False)
        self._timer.start(8000)

    def problem(self, text: str) -> None:
        self._timer.stop()
        self._show(text, problem=True)

    def text(self) -> str:
        return self.label.text()

    def showing(self) -> bool:
        """Is a message on screen now?"""
        return bool(self.label.text())

    def clear(self) -> None:
        """No message: the strip stays, empty, so nothing below it moves."""
        self._timer.stop()
        self.label.clear()
        self.label.setToolTip("")
        self.close_button.hide()
        self.setStyleSheet("")

    def hide(self) -> None:  # callers that "hide" the message mean: no message
        self.clear()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # View → Text size
            self._reserve_room()
        super().changeEvent(event)

    def _reserve_room(self) -> None:
        lines = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        self.setMinimumHeight(max(lines, self.close_button.sizeHint().height()) + margins + 4)

    def _show(self, text: str, *, problem: bool) -> None:
        self.label.setText(text)
        self.label.setToolTip(text)
        self.close_button.show()
        # A soft amber for problems, the palette's own colours otherwise: nothing shouts in red.
        self.setStyleSheet(PROBLEM_STYLE if problem else INFORM_STYLE)

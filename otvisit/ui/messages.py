"""A calm message strip at the top of the window instead of pop-up error boxes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class MessageBar(QFrame):
    """Shows one message at a time; information fades after a while, problems stay until closed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Messages")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Close")
        close.setAccessibleName("Close the message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def inform(self, text: str) -> None:
        self._show(text, problem=False)
        self._timer.start(8000)

    def problem(self, text: str) -> None:
        self._timer.stop()
        self._show(text, problem=True)

    def text(self) -> str:
        return self.label.text() if self.isVisible() or self.label.text() else ""

    def _show(self, text: str, *, problem: bool) -> None:
        self.label.setText(text)
        # A soft amber for problems, the palette's own colours otherwise: nothing shouts in red.
        self.setStyleSheet("MessageBar { background: #fff4d6; }" if problem else "")
        self.show()

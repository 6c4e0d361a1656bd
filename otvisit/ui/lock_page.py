"""What a locked laptop shows: no child data, only a password box (or a first password to set)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

MIN_PASSWORD_LENGTH = 8  # the same rule as otvisit.services.unlock, checked here to say so early


def _words(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _password(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class LockPage(QWidget):
    """Replaces the whole window's content while locked; unlocking is checked offline."""

    unlock_wanted = Signal(str)
    password_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Locked")
        self.heading = QLabel("<h2>otvisit is locked</h2>")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.feedback.setAccessibleName("Unlock message")

        self.password = _password("Your password")
        self.unlock_button = QPushButton("&Unlock")
        unlock = QWidget()
        unlock_layout = QVBoxLayout(unlock)
        unlock_layout.addWidget(_words("Type your password to carry on where you were."))
        unlock_form = QFormLayout()
        unlock_layout.addLayout(unlock_form)
        unlock_form.addRow("&Password", self.password)
        unlock_form.addRow("", self.unlock_button)

        self.new_password = _password("New password")
        self.repeat_password = _password("New password again")
        self.set_button = QPushButton("&Set password and unlock")
        choose = QWidget()
        choose_layout = QVBoxLayout(choose)
        choose_layout.addWidget(
            _words(
                "Choose a password that unlocks this laptop (at least "
                f"{MIN_PASSWORD_LENGTH} characters). It is checked on this laptop, "
                "without a network."
            )
        )
        choose_form = QFormLayout()
        choose_layout.addLayout(choose_form)
        choose_form.addRow("&New password", self.new_password)
        choose_form.addRow("&Again", self.repeat_password)
        choose_form.addRow("", self.set_button)

        self.forms = QStackedWidget()
        self.forms.addWidget(QWidget())  # while asking the store which form to show
        self.forms.addWidget(unlock)
        self.forms.addWidget(choose)
        self.unlock_form, self.choose_form = unlock, choose
        # A fixed width (from the font) lets the wrapped words take their full height: with
        # only a maximum, the box was squashed to its narrow size hint at 1366×768.
        self.box = QWidget()
        box_layout = QVBoxLayout(self.box)
        box_layout.addWidget(self.heading)
        box_layout.addWidget(self.forms)
        box_layout.addWidget(self.feedback)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self._fit_box()

        self._wait = QTimer(self)
        self._wait.setInterval(1000)
        self._wait.timeout.connect(self._tick)
        self._seconds_left = 0
        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.set_button.clicked.connect(self._choose)
        self.repeat_password.returnPressed.connect(self._choose)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # View → Text size
            self._fit_box()
        super().changeEvent(event)

    def _fit_box(self) -> None:
        self.box.setFixedWidth(self.fontMetrics().averageCharWidth() * 64)
        self.box.setMinimumHeight(self.box.layout().minimumSize().height())

    def reset(self) -> None:
        """Back to the blank form; called on every lock (nothing typed before stays)."""
        for edit in (self.password, self.new_password, self.repeat_password):
            edit.clear()
        self.feedback.clear()
        self.forms.setCurrentIndex(0)

    def ask_for_password(self) -> None:
        self.forms.setCurrentWidget(self.unlock_form)
        self.password.setFocus()

    def ask_for_new_password(self) -> None:
        self.forms.setCurrentWidget(self.choose_form)
        self.new_password.setFocus()

    def _unlock(self) -> None:
        if self._wait.isActive() or not self.password.text():
            return
        self.unlock_button.setEnabled(False)
        self.feedback.setText("Checking…")
        self.unlock_wanted.emit(self.password.text())

    def refused(self, message: str) -> None:
        self.password.clear()
        self.unlock_button.setEnabled(True)
        self.feedback.setText(message)
        self.password.setFocus()

    def wait(self, seconds: int) -> None:
        """Too many wrong tries: nothing can be typed for a while (the records stay as they are)."""
        self._seconds_left = seconds
        self.password.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self._show_wait()
        self._wait.start()

    def _tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left > 0:
            self._show_wait()
            return
        self._wait.stop()
        self.password.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.feedback.setText("You can try again now.")
        self.password.setFocus()

    def _show_wait(self) -> None:
        self.feedback.setText(
            f"That was the wrong password several times. Try again in {self._seconds_left} s."
        )

    def _choose(self) -> None:
        first, second = self.new_password.text(), self.repeat_password.text()
        if len(first) < MIN_PASSWORD_LENGTH:
            self.feedback.setText(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
        elif first != second:
            self.repeat_password.clear()
            self.feedback.setText("The two passwords are not the same. Type it again.")
        else:
            self.feedback.setText("Saving…")
            self.password_chosen.emit(first)

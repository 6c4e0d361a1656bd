"""Locking the app: after an idle time or on demand; the therapist's password unlocks it offline."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QMainWindow, QSpinBox, QWidget
from sqlalchemy.orm import Session

from otvisit.services import caseload, unlock
from otvisit.ui.context import AppContext
from otvisit.ui.idle import IdleWatch
from otvisit.ui.lock_page import LockPage
from otvisit.ui.tasks import describe_error

#: Wrong passwords in a row before the lock page makes the therapist wait (never a wipe).
TRIES_BEFORE_WAIT = 5
WAIT_SECONDS = 30


class Locker(QObject):
    """Swaps the window's content for the lock page and back; the window clears and restores.

    ``put_away`` runs before the content leaves the screen (save drafts, forget
    child data, close previews and dialogs); ``bring_back`` after unlocking.
    """

    locked_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        *,
        put_away: Callable[[], None],
        bring_back: Callable[[], None],
        can_lock: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(window)
        self.window, self.context = window, context
        self.put_away, self.bring_back, self.can_lock = put_away, bring_back, can_lock
        # Owned by the window from the start: a parentless widget could be collected by
        # Python's garbage collector on a worker thread, and its timer with it.
        self.page = LockPage(window)
        self.page.hide()
        self.idle = IdleWatch(context.lock_after_ms, self)
        self.idle.idle.connect(self.lock)
        self.tries = 0
        self.wait_seconds = WAIT_SECONDS
        self._content: QWidget | None = None
        self.page.unlock_wanted.connect(self._check)
        self.page.password_chosen.connect(self._choose)

    @property
    def locked(self) -> bool:
        return self._content is not None

    def start(self) -> None:
        self.idle.start()

    def stop(self) -> None:
        self.idle.stop()

    def lock(self) -> None:
        if self.locked or not self.can_lock():
            return
        self.idle.stop()
        self.context.locked = True
        self.put_away()
        self._content = self._take_central()
        self.page.reset()
        self.window.setCentralWidget(self.page)
        self.page.show()  # hidden explicitly when it was last taken out
        self.context.runner.read(unlock.has_unlock_password, done=self._ask, owner=self)
        self.locked_changed.emit(True)

    def _take_central(self) -> QWidget | None:
        """Out of the layout and off the screen, but still owned by the window.

        A widget taken from a QMainWindow belongs to Python; left parentless, it
        could be destroyed by the garbage collector while Qt still uses it.
        """
        widget = self.window.takeCentralWidget()
        if widget is not None:
            widget.hide()
            widget.setParent(self.window)
        return widget

    def _ask(self, has_password: bool) -> None:
        if has_password:
            self.page.ask_for_password()
        else:  # the demo, or a store from before unlock passwords: the first lock sets one
            self.page.ask_for_new_password()

    def _check(self, password: str) -> None:
        def check(session: Session) -> bool:
            return unlock.check_unlock_password(session, password=password)  # may rehash

        self.context.runner.write(check, done=self._checked, failed=self._failed, owner=self)

    def _checked(self, matched: bool) -> None:
        if matched:
            self._open()
            return
        self.tries += 1
        if self.tries % TRIES_BEFORE_WAIT == 0:
            self.page.refused("")
            self.page.wait(self.wait_seconds)
        else:
            self.page.refused("That is not the password. Take your time and try again.")

    def _choose(self, password: str) -> None:
        def keep(session: Session) -> None:
            unlock.set_unlock_password(session, password=password)

        self.context.runner.write(
            keep, done=lambda _none: self._open(), failed=self._failed, owner=self
        )

    def _failed(self, error: Exception) -> None:
        self.page.refused(describe_error(error))

    def _open(self) -> None:
        content, self._content = self._content, None
        if content is None:
            return
        self.tries = 0
        self._take_central()  # the lock page, kept for next time
        self.page.reset()
        self.window.setCentralWidget(content)
        content.show()
        self.context.locked = False
        self.bring_back()
        self.idle.start()
        self.locked_changed.emit(False)

    def choose_idle_time(self, parent: QWidget) -> LockAfterDialog:
        dialog = LockAfterDialog(parent, self.idle.interval_ms() // 60000)
        dialog.accepted.connect(lambda: self._keep_idle_time(dialog.minutes.value()))
        dialog.open()
        return dialog

    def _keep_idle_time(self, minutes: int) -> None:
        def keep(session: Session) -> int:
            return caseload.set_lock_after_minutes(session, minutes=minutes)

        def kept(value: int) -> None:
            self.context.lock_after_ms = value * 60_000
            self.idle.set_interval_ms(self.context.lock_after_ms)

        self.context.runner.write(keep, done=kept)


class LockAfterDialog(QDialog):
    """How many idle minutes before the laptop locks itself."""

    def __init__(self, parent: QWidget, minutes: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lock after")
        low, high = caseload.LOCK_MINUTES_RANGE
        self.minutes = QSpinBox()
        self.minutes.setRange(low, high)
        self.minutes.setValue(max(low, min(high, minutes)))
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes without use before locking")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Lock when not used for", self.minutes)
        form.addRow(buttons)

"""Noticing that nobody has touched the laptop for a while (to lock it)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

#: What counts as someone using the laptop; paint, timer and focus events do not.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class IdleWatch(QObject):
    """An event filter on the whole application: any key or mouse event restarts the timer."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self._installed = False

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.timer.start()

    def stop(self) -> None:
        """No watching while locked (the lock page waits for the password) or after closing."""
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def set_interval_ms(self, interval_ms: int) -> None:
        self.timer.setInterval(interval_ms)
        if self.timer.isActive():
            self.timer.start()

    def interval_ms(self) -> int:
        return self.timer.interval()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Runs for every event of the application: keep it to one set lookup.
        if event.type() in ACTIVITY:
            self.timer.start()
        return False

"""Python's garbage collection kept on the GUI thread, where Qt objects may be destroyed.

Left automatic, a collection can start on any thread that allocates (a database or
network worker) and destroy a Qt wrapper that belongs to the GUI thread, which crashes
the process. So automatic collection is switched off and a timer collects on the GUI
thread instead (the approach qutebrowser takes for the same reason).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """While alive, garbage is collected only here, on the GUI thread, every second."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        # The cheap young generation each tick; the older ones as their own thresholds say.
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 2 if counts[2] >= thresholds[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

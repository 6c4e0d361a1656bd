"""What every screen shares: the store's task runner, who is signed in, and the changes signal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from otvisit.services.caseload import TherapistRef
from otvisit.ui.tasks import TaskRunner


class Changes(QObject):
    """One signal views refresh from after any write (like Anki's operation-did-change hook)."""

    #: The child whose record changed ("" when it concerns the whole caseload).
    child_changed = Signal(str)
    #: Sync ran or local changes are waiting: the status bar refreshes.
    sync_state_changed = Signal()


@dataclass
class AppContext:
    """Handed to every feature widget; widgets never open sessions or sockets themselves."""

    runner: TaskRunner
    #: The profile's folder (its store, and settings such as the last export folder).
    profile_dir: Path
    me: TherapistRef | None = None
    changes: Changes = field(default_factory=Changes)
    #: Milliseconds between a keystroke in a note and its draft being saved.
    autosave_ms: int = 3000
    #: Milliseconds between background syncs when a server is configured (0: never).
    sync_interval_ms: int = 5 * 60 * 1000
    #: Milliseconds without a key press or mouse move before the app locks itself.
    lock_after_ms: int = 5 * 60 * 1000
    #: True while the lock page shows: views must not fill themselves with child data.
    locked: bool = False

    @property
    def me_id(self) -> str | None:
        return self.me.therapist_id if self.me else None

"""Sync in the status bar: online or not, pending changes, last sync, last error, Sync now."""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from otvisit.ui.context import AppContext
from otvisit.ui.tasks import describe_error

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from otvisit.sync.client.status import SyncStatus

STATUS_MODULE = "otvisit.sync.client.status"


def _load_sync_client() -> None:
    importlib.import_module(STATUS_MODULE)


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never"
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return moment.astimezone().strftime("%d %b %Y %H:%M")


NO_SERVER = (
    "Nothing to sync with: this laptop is not connected to a team server. "
    "Your changes are kept here and wait for the first sync."
)


def connection_text(status: SyncStatus) -> str:
    if not status.server_url:
        return "Not connected to a team server"
    if status.in_progress:
        return "Syncing…"
    failed_last = status.last_error and (
        status.last_success_at is None
        or (status.last_attempt_at is not None and status.last_attempt_at > status.last_success_at)
    )
    return "Offline — working on this laptop" if failed_last else "Online"


class SyncBar(QWidget):
    """Always visible at the bottom of the window; F5 syncs now."""

    open_conflicts = Signal()
    #: Something the therapist asked for could not happen, and why (for the status bar).
    said = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.status: SyncStatus | None = None
        self.syncing = False
        self.connection = QLabel("…")
        self.pending = QLabel()
        self.last = QLabel()
        self.error = QLabel()
        self.error.setWordWrap(False)
        self.conflicts_button = QPushButton("Conflicts")
        self.conflicts_button.setAccessibleName("Sync conflicts to resolve")
        self.sync_button = QPushButton("Sync now (F5)")
        self.sync_button.setAccessibleName("Sync now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self.connection, self.pending, self.last, self.error):
            widget.setAccessibleName("Sync status")
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.conflicts_button)
        layout.addWidget(self.sync_button)
        self.sync_button.clicked.connect(self.sync_now)
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._periodic)
        context.changes.sync_state_changed.connect(self.refresh)
        context.changes.child_changed.connect(lambda _c: self.refresh())

    def start(self) -> None:
        """Refresh now and sync in the background every few minutes once a server is set."""
        self.refresh()
        if self.context.sync_interval_ms > 0:
            self.timer.start(self.context.sync_interval_ms)

    def refresh(self) -> None:
        runner = self.context.runner

        def read(session: Session) -> SyncStatus:
            from otvisit.sync.client.status import sync_status

            return sync_status(session)

        def read_status(_loaded: object = None) -> None:
            runner.read(read, done=self._show, failed=self._status_failed, owner=self)

        if STATUS_MODULE in sys.modules:
            read_status()
        else:  # the sync client (httpx, pydantic) loads on the slow lane, not the GUI or DB one
            runner.run(_load_sync_client, done=read_status, failed=self._status_failed)

    def _status_failed(self, error: Exception) -> None:
        self.error.setText(f"Sync status unavailable: {describe_error(error)}")

    def _show(self, status: SyncStatus) -> None:
        self.status = status
        self.connection.setText(connection_text(status) if not self.syncing else "Syncing…")
        pending = f"{status.pending_ops} change(s) to send"
        if status.awaiting_ops:
            pending += f", {status.awaiting_ops} waiting for a colleague's laptop"
        if status.rejected_ops:
            pending += f", {status.rejected_ops} refused"
        self.pending.setText(pending)
        self.last.setText(f"Last sync: {ago(status.last_success_at)}")
        self.error.setText(f"Last problem: {status.last_error}" if status.last_error else "")
        self.error.setToolTip(status.last_error)
        self.conflicts_button.setText(f"Conflicts ({status.open_conflicts})")
        self.conflicts_button.setEnabled(True)
        self.sync_button.setEnabled(bool(status.server_url) and not self.syncing)

    def _periodic(self) -> None:
        if self.status is not None and self.status.server_url and not self.syncing:
            self.sync_now()

    def sync_now(self) -> None:
        if self.syncing:
            self.said.emit("A sync is already running.")
            return
        if self.status is not None and not self.status.server_url:
            self.said.emit(NO_SERVER)
            return
        self.syncing = True
        self.sync_button.setEnabled(False)
        self.connection.setText("Syncing…")
        store = self.context.runner.store

        def sync() -> Any:
            from otvisit.sync.client.engine import sync_once  # httpx loads on the worker

            return sync_once(store)

        self.context.runner.run(sync, done=self._synced, failed=self._sync_failed, owner=self)

    def _synced(self, report: Any) -> None:
        self.syncing = False
        if report.failure == "auth" and self.status is not None and not self.status.server_url:
            self.said.emit(NO_SERVER)
        elif report.failure:
            self.said.emit(f"Not synced: {report.error or report.failure}")
        else:
            self.said.emit("Synced.")
        self.context.changes.sync_state_changed.emit()
        if report.pulled or report.removed_children:
            self.context.changes.child_changed.emit("")  # the caseload may have changed
        if not report.failure:
            self._move_photos()

    def _move_photos(self) -> None:
        """Photos' and scans' bytes after the records, on the slow lane: notes never wait."""
        store = self.context.runner.store

        def move() -> Any:
            from otvisit.sync.client.attachments import transfer_attachments

            return transfer_attachments(store)

        self.context.runner.run(
            move, done=self._photos_moved, failed=self._photos_failed, owner=self
        )

    def _photos_failed(self, problem: object) -> None:
        problem = describe_error(problem) if isinstance(problem, Exception) else problem
        self.said.emit(f"Some photos or files did not move yet (tried again next sync): {problem}")

    def _photos_moved(self, report: Any) -> None:
        if report.error or report.failed:
            problem = report.error or next(iter(report.failed.values()))
            self.said.emit(
                f"Some photos or files did not move yet (tried again next sync): {problem}"
            )
        elif report.downloaded:
            self.context.changes.child_changed.emit("")  # thumbnails can be shown now

    def _sync_failed(self, error: Exception) -> None:
        self.syncing = False
        self.error.setText(f"Last problem: {describe_error(error)}")
        self.said.emit(f"Not synced: {describe_error(error)}")
        self.refresh()

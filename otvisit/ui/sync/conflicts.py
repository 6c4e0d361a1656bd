"""The conflicts view: both versions side by side; keep mine, take theirs, or merge the text."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.sync.client.conflicts import ConflictView, list_conflicts, resolve_conflict
from otvisit.sync.client.status import SyncStatus, sync_status
from otvisit.ui.context import AppContext
from otvisit.ui.sync.status import ago
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import label

Choice = Literal["mine", "theirs", "merged"]


def _as_text(value: object) -> str:
    if value is None:
        return "(deleted)"
    return value if isinstance(value, str) else repr(value)


def _readonly(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setAccessibleName(name)
    return edit


def no_conflicts_text(status: SyncStatus) -> str:
    """What is true when nothing conflicts: agreeing with the server needs a sync to know."""
    waiting = (
        f"{status.pending_ops} change{'s' if status.pending_ops != 1 else ''} waiting to be sent"
        if status.pending_ops
        else "no changes waiting"
    )
    if status.awaiting_ops:
        # After a server restore: these go once the note's author has synced her laptop.
        waiting += (
            f"; {status.awaiting_ops} change{'s' if status.awaiting_ops != 1 else ''} to a "
            "colleague's note waiting for her laptop to sync first (the server was restored "
            "from a backup)"
        )
    if not status.server_url:
        return (
            "No conflicts. This laptop is not connected to a team server and has never "
            f"synced: {waiting}."
        )
    if status.last_success_at is None:
        return f"No conflicts so far. This laptop has never synced: {waiting}."
    if status.pending_ops or status.awaiting_ops:
        return f"No conflicts at the last sync ({ago(status.last_success_at)}); {waiting}."
    return (
        "No conflicts: everything on this laptop agrees with the server as of the last sync "
        f"({ago(status.last_success_at)})."
    )


class ConflictsDialog(QDialog):
    """Opens without blocking; each choice is written as an ordinary edit that syncs."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Sync conflicts")
        self.rows: list[ConflictView] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Conflicts")
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.mine = _readonly("My version")
        self.theirs = _readonly("Their version")
        self.merged = QPlainTextEdit()
        self.merged.setAccessibleName("Merged version")
        self.merged.setTabChangesFocus(True)
        self.mine_button = QPushButton("Keep &mine")
        self.theirs_button = QPushButton("Take &theirs")
        self.merge_button = QPushButton("Save merge&d")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)

        grid = QGridLayout()
        self.theirs_label = QLabel("<b>Theirs</b>")
        grid.addWidget(QLabel("<b>Mine (this laptop)</b>"), 0, 0)
        grid.addWidget(self.theirs_label, 0, 1)
        grid.addWidget(self.mine, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        grid.addWidget(self.mine_button, 2, 0)
        grid.addWidget(self.theirs_button, 2, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.what)
        right_layout.addLayout(grid, 2)
        right_layout.addWidget(
            QLabel("<b>Merged</b> — edit the text to keep what matters from both")
        )
        right_layout.addWidget(self.merged, 1)
        merge_row = QHBoxLayout()
        merge_row.addStretch(1)
        merge_row.addWidget(self.merge_button)
        right_layout.addLayout(merge_row)
        right_layout.addWidget(self.feedback)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.resize(self.fontMetrics().averageCharWidth() * 140, self.fontMetrics().height() * 35)

        self.list.currentRowChanged.connect(self._show_conflict)
        self.mine_button.clicked.connect(lambda: self.resolve("mine"))
        self.theirs_button.clicked.connect(lambda: self.resolve("theirs"))
        self.merge_button.clicked.connect(lambda: self.resolve("merged"))

    def reload(self) -> None:
        def read(session: Session) -> tuple[list[ConflictView], SyncStatus]:
            return list_conflicts(session), sync_status(session)

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: tuple[list[ConflictView], SyncStatus]) -> None:
        rows, status = data
        self.rows = rows
        self.list.clear()
        for conflict in rows:
            field = label(conflict.field) if conflict.field else "deleted on the other side"
            self.list.addItem(f"{label(conflict.entity)}: {field}")
        if rows:
            self.list.setCurrentRow(0)
        else:
            self.what.setText(no_conflicts_text(status))
            for widget in (self.mine, self.theirs, self.merged):
                widget.clear()
        for button in (self.mine_button, self.theirs_button, self.merge_button):
            button.setEnabled(bool(rows))

    def _show_conflict(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        conflict = self.rows[row]
        self.what.setText(
            f"{label(conflict.entity)} — {label(conflict.field) or 'the whole record'}: "
            "changed here and on another laptop since the last sync."
        )
        self.theirs_label.setText(f"<b>Theirs</b> ({conflict.theirs_by or 'another laptop'})")
        self.mine.setPlainText(_as_text(conflict.mine))
        self.theirs.setPlainText(_as_text(conflict.theirs))
        self.merged.setPlainText(_as_text(conflict.mine))
        self.merged.setEnabled(conflict.can_merge)
        self.merge_button.setEnabled(conflict.can_merge)

    def resolve(self, choice: Choice) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.rows):
            return
        conflict = self.rows[row]
        merged = self.merged.toPlainText() if choice == "merged" else None

        def done(_view: ConflictView) -> None:
            self.feedback.setText("Resolved. The chosen version will sync.")
            self.context.changes.sync_state_changed.emit()
            if conflict.child_id:
                self.context.changes.child_changed.emit(conflict.child_id)
            self.reload()

        self.context.runner.write(
            lambda s: resolve_conflict(
                s, conflict_id=conflict.id, choice=choice, merged_text=merged
            ),
            done=done,
            failed=lambda e: self.feedback.setText(describe_error(e)),
            owner=self,
        )

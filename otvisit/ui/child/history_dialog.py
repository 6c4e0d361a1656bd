"""The "History" of a note or goal: every version of its text, who wrote it and when.

This laptop's conflict versions show at once; the server's versions arrive from the slow lane
(the window never waits on the network), or a line says they can't be fetched (offline).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from otvisit.sync.client.credentials import Credentials
from otvisit.sync.client.history import HistoryEntry, ServerHistory, local_versions, signed_in
from otvisit.ui.context import AppContext
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import when_text

_COLUMNS = ("When", "By", "Field", "Kept as", "Text")


class HistoryDialog(QDialog):
    def __init__(
        self, context: AppContext, record_id: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History: {title}")
        self.context = context
        self.record_id = record_id
        self.local: list[HistoryEntry] = []
        self.server: list[HistoryEntry] = []
        self.status = QLabel("Fetching the versions kept on the team's server…")
        self.status.setAccessibleName("History status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(820, 420)
        runner = context.runner
        runner.read(lambda s: local_versions(s, record_id), done=self._got_local, owner=self)
        # Credentials on the database lane, then the network on the slow lane (no database).
        runner.read(signed_in, done=self._fetch, owner=self)

    def _fetch(self, credentials: Credentials | None) -> None:
        record_id = self.record_id

        def fetch() -> ServerHistory:
            from otvisit.sync.client.history import server_versions  # httpx on the worker

            return server_versions(credentials, record_id)

        self.context.runner.run(fetch, done=self._got_server, failed=self._failed, owner=self)

    def _got_local(self, entries: list[HistoryEntry]) -> None:
        self.local = entries
        self._fill()

    def _got_server(self, answer: ServerHistory) -> None:
        self.server = answer.entries
        count = len(self.server)
        self.status.setText(answer.problem or f"{count} version(s) kept on the team's server.")
        self._fill()

    def _failed(self, error: Exception) -> None:
        self.status.setText(f"The server's versions could not be fetched: {describe_error(error)}")

    def _fill(self) -> None:
        rows = sorted([*self.server, *self.local], key=lambda e: e.at)
        self.table.setRowCount(len(rows))
        for number, entry in enumerate(rows):
            cells = (when_text(entry.at), entry.by, entry.field, entry.kind, entry.text)
            for column, text in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()

    def texts(self) -> list[str]:
        """The text column, top to bottom (for tests and screen readers)."""
        items = (self.table.item(row, 4) for row in range(self.table.rowCount()))
        return [item.text() if item is not None else "" for item in items]

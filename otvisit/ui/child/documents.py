"""The documents section: every PDF made for the child, to reopen or print again."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QVBoxLayout, QWidget

from otvisit.services import caseload
from otvisit.services.caseload import DocumentView
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import MadeDocument, Printer


class DocumentsSection(Section):
    title = "&Documents"

    def __init__(
        self,
        context: AppContext,
        messages: MessageBar,
        printer: Printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, messages, parent)
        self.printer = printer
        self.rows: list[DocumentView] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Documents made for the child")
        self.open_button = QPushButton("&Open / print again…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.list.itemActivated.connect(lambda _item: self.open_selected())

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: caseload.child_documents(session, child_id=child_id),
            done=self._show,
            owner=self,
        )

    def _show(self, rows: list[DocumentView]) -> None:
        self.rows = rows
        self.list.clear()
        for doc in rows:
            extras = f"{doc.language}{', large print' if doc.large_print else ''}"
            when = doc.made_at.astimezone()
            self.list.addItem(f"{when:%d %b %Y %H:%M} — {doc.title} ({extras})")
        if rows:
            self.list.setCurrentRow(0)

    def open_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            self.messages.inform("Choose a document first.")
            return
        doc = self.rows[row]
        path = self.context.documents_dir / doc.file_name
        self.printer.show_preview(MadeDocument(doc.document_id, path, doc.title), self)

"""The documents section: every PDF made for the child, to reopen or print again, and new ones."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from otvisit.services import caseload
from otvisit.services.caseload import DocumentView
from otvisit.ui.child.record_export import RecordExport
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import LANGUAGE_NAMES, Printer


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
        self.open_button = QPushButton("Open / &print again…")
        self.progress_button = QPushButton("P&rogress report…")
        self.progress_button.setToolTip("Goals with their GAS levels and the T-score, and COPM")
        self.discharge_button = QPushButton("Discharge &letter…")
        self.discharge_button.setToolTip("Once the child has been discharged")
        self.export_button = QPushButton("E&xport record (FHIR)…")
        self.export_button.setToolTip(
            "The record as FHIR R4 (UK Core) for the trust's main record, to a file you choose"
        )
        self.record_export = RecordExport(context, messages, printer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Make:"))
        buttons.addWidget(self.progress_button)
        buttons.addWidget(self.discharge_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.progress_button.clicked.connect(lambda: self.make("progress"))
        self.discharge_button.clicked.connect(lambda: self.make("discharge"))
        self.export_button.clicked.connect(self.export_record)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        printer.made.connect(self._made)

    def _made(self, _document_id: str) -> None:
        if self.isVisible():  # hidden, the record's change signal marks it stale instead
            self.reload()

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
            language = LANGUAGE_NAMES.get(doc.language, doc.language)
            extras = f"{language}{', large print' if doc.large_print else ''}"
            when = doc.made_at.astimezone()
            self.list.addItem(f"{when:%d %b %Y %H:%M} — {doc.title} ({extras})")
        if rows:
            self.list.setCurrentRow(0)

    def clear(self) -> None:
        self.rows = []
        self.list.clear()

    def export_record(self) -> None:
        if self.child_id is not None:
            self.record_export.open_dialog(self.child_id, self)

    def make(self, kind: str) -> None:
        """A new progress report (English) or discharge letter (the family's language)."""
        if self.child_id is not None:
            self.printer.make(kind, child_id=self.child_id, parent=self)

    def open_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0 or self.child_id is None:
            self.messages.inform("Choose a document first.")
            return
        doc = self.rows[row]
        self.printer.reopen(
            child_id=self.child_id,
            document_id=doc.document_id,
            title=doc.title,
            file_name=doc.file_name,
            parent=self,
        )

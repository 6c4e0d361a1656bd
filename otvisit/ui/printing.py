"""Making a document: build its content, render the PDF off the GUI thread, preview, print, save."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models import new_id
from otvisit.services import caseload
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error

LANGUAGE_NAMES = {
    "en": "English",
    "ar": "Arabic",
    "bn": "Bengali",
    "es": "Spanish",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "so": "Somali",
    "tr": "Turkish",
    "ur": "Urdu",
}


class PrintChoices(QWidget):
    """Language and large print, chosen at print time (defaults from the child's needs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = QComboBox()
        self.language.setAccessibleName("Language of the document")
        self.large_print = QCheckBox("&Large print")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Language"))
        layout.addWidget(self.language)
        layout.addWidget(self.large_print)
        self._wanted = "en"

    def showEvent(self, event: Any) -> None:
        # The report package (reportlab, fonts) loads when a print choice is first shown,
        # not at start-up: the caseload must appear in under a second.
        if self.language.count() == 0:
            from otvisit.reports.i18n import available_languages

            for code in available_languages():
                self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
            self.set_language(self._wanted)
        super().showEvent(event)

    def set_language(self, code: str) -> None:
        self._wanted = code
        index = self.language.findData(code)
        if index >= 0:
            self.language.setCurrentIndex(index)

    @property
    def code(self) -> str:
        return str(self.language.currentData() or self._wanted)


@dataclass(frozen=True)
class DocumentRequest:
    child_id: str
    kind: str
    title: str
    source_id: str | None
    language: str
    large_print: bool
    #: Reads the content dataclass for the renderer (runs on the DB worker).
    build: Callable[[Session], Any]


@dataclass(frozen=True)
class MadeDocument:
    document_id: str
    path: Path
    title: str


class PdfPreview(QDialog):
    """The PDF as it will print, with Print… and Save as PDF…; opens without blocking."""

    def __init__(self, made: MadeDocument, printer: Printer, parent: QWidget | None = None):
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.made = made
        self.printer = printer
        self.setWindowTitle(f"Preview — {made.title}")
        self.document = QPdfDocument(self)
        self.document.load(str(made.path))
        self.view = QPdfView(self)
        self.view.setAccessibleName("Document preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton(
            "&Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.open_print_dialog)
        self.save_button.clicked.connect(self.open_save_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(QSize(760, 900).boundedTo(self.screen().availableSize() * 0.9))

    def page_count(self) -> int:
        return self.document.pageCount()

    def open_print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.open()

    def print_to(self, printer: Any) -> None:
        """Paint each page at the printer's resolution (the text stays sharp)."""
        from PySide6.QtPrintSupport import QPrinter

        painter = QPainter()
        if not painter.begin(printer):
            self.printer.messages.problem("The printer could not be started. Check it is on.")
            return
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                area = printer.pageRect(QPrinter.Unit.DevicePixel).size().toSize()
                image = self.document.render(page, area)
                painter.drawImage(QPointF(0, 0), image)
        finally:
            painter.end()
        self.printer.record_print(self.made)

    def open_save_dialog(self) -> None:
        dialog = QFileDialog(self, "Save as PDF", str(Path.home() / self.made.path.name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PDF (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda name: self.printer.save_copy(self.made, Path(name)))
        dialog.open()


class Printer(QObject):
    """Builds, renders and keeps documents; every step runs in the task runner."""

    made = Signal(object)
    saved = Signal(str)

    def __init__(self, context: AppContext, messages: MessageBar, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.preview: PdfPreview | None = None

    def make(self, request: DocumentRequest, *, parent: QWidget, show: bool = True) -> None:
        """Content on the DB worker, PDF on the slow worker, record on the DB worker, preview."""
        runner = self.context.runner

        def failed(error: Exception) -> None:
            self.messages.problem(describe_error(error))

        def rendered(path: Path) -> None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            me = self.context.me_id

            def keep(session: Session) -> str:
                return caseload.record_document(
                    session,
                    child_id=request.child_id,
                    kind=request.kind,
                    title=request.title,
                    language=request.language,
                    large_print=request.large_print,
                    source_id=request.source_id,
                    file_name=path.name,
                    sha256=digest,
                    actor_id=me,
                )

            def kept(document_id: str) -> None:
                made = MadeDocument(document_id, path, request.title)
                self.made.emit(made)
                self.context.changes.child_changed.emit(request.child_id)
                if show:
                    self.show_preview(made, parent)

            runner.write(keep, done=kept, failed=failed)

        def built(data: Any) -> None:
            folder = self.context.documents_dir

            def render() -> Path:
                from otvisit.reports import render_document

                pdf = render_document(
                    request.kind, data, language=request.language, large_print=request.large_print
                )
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{request.kind}-{new_id()[:8]}.pdf"
                temporary = path.with_suffix(".part")
                temporary.write_bytes(pdf)
                temporary.replace(path)  # never a half-written PDF under the real name
                return path

            runner.run(render, done=rendered, failed=failed)

        self.messages.inform(f"Making the {request.title.lower()}…")
        runner.read(request.build, done=built, failed=failed)

    def show_preview(self, made: MadeDocument, parent: QWidget) -> None:
        if not made.path.exists():
            self.messages.problem(
                "That PDF was made on another laptop, or has been removed from this one. "
                "Make it again from its section."
            )
            return
        self.preview = PdfPreview(made, self, parent)
        self.preview.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview.show()

    def save_copy(self, made: MadeDocument, target: Path) -> None:
        def copy() -> str:
            shutil.copyfile(made.path, target)
            return str(target)

        def done(name: str) -> None:
            self.messages.inform(f"Saved {name}")
            self.saved.emit(name)

        self.context.runner.run(
            copy, done=done, failed=lambda error: self.messages.problem(describe_error(error))
        )

    def record_print(self, made: MadeDocument) -> None:
        self.messages.inform(f"Sent {made.title} to the printer.")

"""Making a document: render it off the GUI thread, preview it, print or save it, keep a record.

The one real path is ``otvisit.reports.printing``: ``render_for_child`` runs on the
database lane (it reads the child's records and renders in ≈25–100 ms, so a
separate gather/render split would only add a hop), after the report package
has been imported on the slow lane so that the first import never holds the
database lane. Nothing is recorded by a preview: ``save_rendered`` (the PDF kept
inside the encrypted store, PrintedDocument, PRINT audit) runs the first time the
therapist prints or saves; later prints are audited too. The PDF is only ever in
memory on this side: "Save as PDF…" is an export, audited, to a folder the
therapist chose (remembered for next time, never defaulting to the home folder).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRectF,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AuditAction
from otvisit.services.audit import record_access
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error

if TYPE_CHECKING:
    from otvisit.reports.printing import DocumentRequest, RenderedDocument

#: The profile's own settings file (beside the store), and the key of the last export folder.
SETTINGS_FILE = "settings.ini"
EXPORT_FOLDER_KEY = "export/last_folder"

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


def _english_copy_for(shown: Any) -> str:
    """Who the English copy of a family letter is for (the GP and school, the referrer…)."""
    from otvisit.reports.printing import ENGLISH_COPY_FOR  # loaded: a document was just made

    return ENGLISH_COPY_FOR.get(shown.rendered.request.kind, "the GP and school")


def _load_reports() -> None:
    import otvisit.reports.printing  # noqa: F401  (reportlab, fonts: the slow first import)


class PrintChoices(QWidget):
    """Language, large print and English beside the goals, chosen at print time.

    Changing any of them redraws the preview. "English beside the family's words"
    applies to a family document that lists goals, in a language other than English.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from otvisit.reports.i18n import available_languages  # loaded with the first document

        super().__init__(parent)
        self.language = QComboBox()
        self.language.setAccessibleName("Language of the document")
        for code in available_languages():
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.large_print = QCheckBox("&Large print")
        self.english_beside = QCheckBox("&English beside the family's words")
        self.english_beside.setToolTip(
            "Print each goal's English under the goal in the family's language"
        )
        caption = QLabel("Lan&guage")
        caption.setBuddy(self.language)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(self.language)
        layout.addWidget(self.large_print)
        layout.addWidget(self.english_beside)
        layout.addStretch(1)
        self.language.currentIndexChanged.connect(lambda _i: self._language_changed())
        self.large_print.toggled.connect(lambda _on: self.changed.emit())
        self.english_beside.toggled.connect(lambda _on: self.changed.emit())

    def _language_changed(self) -> None:
        self.english_beside.setEnabled(self.code != "en")  # in English the goal is the English
        self.changed.emit()

    def set_choice(self, language: str, large_print: bool, english_beside: bool = False) -> None:
        """Show what the document was made with, without asking for it again."""
        self.blockSignals(True)
        index = self.language.findData(language)
        if index >= 0:
            self.language.setCurrentIndex(index)
        self.large_print.setChecked(large_print)
        self.english_beside.setChecked(english_beside)
        self.english_beside.setEnabled(self.code != "en")
        self.blockSignals(False)

    @property
    def code(self) -> str:
        return str(self.language.currentData() or "en")

    @property
    def wants_english_beside(self) -> bool:
        return self.english_beside.isChecked() and self.code != "en"


@dataclass
class Shown:
    """A document on screen: its PDF and, once printed or saved, the record kept of it."""

    child_id: str
    title: str
    pdf: bytes
    rendered: RenderedDocument | None = None
    document_id: str | None = None
    file_name: str = ""


class PdfPreview(QDialog):
    """The PDF as it will print, with its choices, Print… and Save as PDF…; never blocks."""

    def __init__(self, shown: Shown, printer: Printer, parent: QWidget | None = None):
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.printer = printer
        self.shown = shown
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setAccessibleName("Document preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.choices: PrintChoices | None = None
        self.save_dialog: QFileDialog | None = None
        self.state = QLabel()
        top = QHBoxLayout()
        if shown.rendered is not None:  # a document made now; a reprint stays as it was made
            from otvisit.reports.render import ENGLISH_BESIDE_KINDS  # loaded with the document

            request = shown.rendered.request
            self.choices = PrintChoices()
            self.choices.set_choice(
                shown.rendered.language, shown.rendered.large_print, request.english_beside
            )
            self.choices.english_beside.setVisible(request.kind in ENGLISH_BESIDE_KINDS)
            self.choices.changed.connect(lambda: printer.redraw(self))
            top.addWidget(self.choices)
        top.addStretch(1)
        if shown.rendered is not None and shown.rendered.english_copy is not None:
            top.addWidget(QLabel(f"An English copy for {_english_copy_for(shown)} prints with it."))
        top.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton(
            "&Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(lambda: self.check_first(self.open_print_dialog))
        self.save_button.clicked.connect(lambda: self.check_first(self.open_save_dialog))
        self.warnings: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(QSize(760, 900).boundedTo(self.screen().availableSize() * 0.9))
        self.show_pdf(shown)

    def show_pdf(self, shown: Shown) -> None:
        self.shown = shown
        self.setWindowTitle(f"Preview — {shown.title}")
        buffer = QBuffer(self)
        buffer.setData(QByteArray(shown.pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self.state.setText("Redrawing…" if busy else "")
        self.print_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def page_count(self) -> int:
        return self.document.pageCount()

    def check_first(self, then: Any) -> None:
        """Show what the pre-print check found (Print anyway / Go back), else go straight on."""
        rendered = self.shown.rendered
        found = rendered.warnings if rendered is not None else ()
        if not found:
            then()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Before you print")
        box.setText(f"Please check {len(found)} thing{'s' if len(found) > 1 else ''} first:")
        box.setInformativeText("\n\n".join(f"• {w.message}" for w in found))
        box.setAccessibleName("Things to check before printing")
        anyway = box.addButton("&Print anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(anyway)
        box.buttonClicked.connect(lambda button: then() if button is anyway else None)
        self.warnings = box
        box.open()

    def open_print_dialog(self) -> None:
        """The system's print dialog, window-modal and never blocking; printing starts on OK.

        ``QPrintDialog.open()`` is not called: PySide6 6.12 binds only its two-argument
        overload (receiver, slot) and raises TypeError for the plain one. ``QDialog.open``
        is the same call in Qt (window-modal, then shown).
        """
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # the documents' paper
        printer.setDocName(self.shown.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print — {self.shown.title}")
        dialog.finished.connect(dialog.deleteLater)
        dialog.accepted.connect(lambda: self.print_to(printer))
        QDialog.open(dialog)

    def print_to(self, printer: Any) -> None:
        """Send the document to the printer from the slow worker: the window never waits.

        Each page is painted at the printer's resolution (the text stays sharp). The
        worker opens its own QPdfDocument from the bytes: the preview's belongs to the
        GUI thread.
        """
        shown, printers = self.shown, self.printer

        copies = (
            ()
            if shown.rendered is None or shown.rendered.english_copy is None
            else (shown.rendered.english_copy,)
        )

        def paint() -> bool:
            return paint_pdf(shown.pdf, printer, *copies)

        def done(started: bool) -> None:
            if started:
                printers.printed(shown)
            else:
                printers.messages.problem("The printer could not be started. Check it is on.")

        printers.context.runner.run(paint, done=done, failed=printers._failed)

    def open_save_dialog(self) -> None:
        """Save as PDF… is an export: the file dialog opens in the folder last chosen."""
        name = self.shown.file_name or f"{self.shown.title}.pdf"
        folder = self.printer.export_folder()
        dialog = QFileDialog(self, "Save as PDF", str(folder / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PDF (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda chosen: self.printer.save_copy(self.shown, Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.save_dialog = dialog
        dialog.open()


#: The resolution pages are rendered at for the printer (a finer printer gets them scaled).
PRINT_DPI = 300


def paint_pdf(pdf: bytes, printer: Any, *more: bytes) -> bool:
    """Paint every page of one or more PDFs onto a printer (any thread); False if it cannot start.

    ``more`` follow in the same print job: the English copy of a family letter for the GP.
    The documents carry their own margins, so each page is painted on the whole sheet,
    as large as fits with its proportions kept (an A4 letter on Letter paper is scaled,
    never cropped). Pages are rendered at no more than PRINT_DPI: 300 dpi keeps 14 pt
    text crisp, where a 1200 dpi printer would otherwise need 550 MB per A4 page.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    documents = []
    for data in (pdf, *more):
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        documents.append((document, buffer))
    printer.setFullPage(True)
    painter = QPainter()
    if documents[0][0].pageCount() == 0 or not painter.begin(printer):
        for document, _ in documents:
            document.close()
        return False
    first = True
    try:
        sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
        dots_per_point = printer.resolution() / 72
        for document, _ in documents:
            for page in range(document.pageCount()):
                if not first:
                    printer.newPage()
                first = False
                points = document.pagePointSize(page)
                fit = min(
                    sheet.width() / (points.width() * dots_per_point),
                    sheet.height() / (points.height() * dots_per_point),
                )
                width = points.width() * dots_per_point * fit
                height = points.height() * dots_per_point * fit
                target = QRectF((sheet.width() - width) / 2, (sheet.height() - height) / 2,
                                width, height)  # fmt: skip
                render_dpi = min(PRINT_DPI, printer.resolution()) * fit
                size = QSize(round(points.width() * render_dpi / 72),
                             round(points.height() * render_dpi / 72))  # fmt: skip
                painter.drawImage(target, document.render(page, size))
    finally:
        painter.end()
        for document, _ in documents:
            document.close()
    return True


def _settings(profile_dir: Path) -> QSettings:
    return QSettings(str(profile_dir / SETTINGS_FILE), QSettings.Format.IniFormat)


def export_folder(profile_dir: Path) -> Path:
    """Where exports go or their dialogs open: the folder chosen last, else Documents."""
    remembered = _settings(profile_dir).value(EXPORT_FOLDER_KEY, "", type=str)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.cwd()


def remember_export_folder(profile_dir: Path, folder: Path) -> None:
    settings = _settings(profile_dir)
    settings.setValue(EXPORT_FOLDER_KEY, str(folder))
    settings.sync()


class Printer(QObject):
    """Renders, previews and keeps documents; every step runs in the task runner."""

    #: A document was kept for the child (its PrintedDocument id).
    made = Signal(str)
    #: A copy was saved where the therapist chose (the file's name).
    saved = Signal(str)

    def __init__(self, context: AppContext, messages: MessageBar, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.preview: PdfPreview | None = None

    def _failed(self, error: Exception) -> None:
        if self.preview is not None:
            self.preview.set_busy(False)
        self.messages.problem(describe_error(error))

    def _render(self, request: DocumentRequest, done: Any, *, owner: QObject | None = None) -> None:
        runner, me = self.context.runner, self.context.me_id
        today = date.today()

        def render(session: Session) -> Shown:
            from otvisit.reports.printing import render_for_child

            rendered = render_for_child(session, request, today=today, signer_id=me)
            return Shown(request.child_id, rendered.title, rendered.pdf, rendered)

        runner.run(
            _load_reports,
            done=lambda _none: runner.read(render, done=done, failed=self._failed, owner=owner),
            failed=self._failed,
        )

    def make(
        self,
        kind: str,
        *,
        child_id: str,
        parent: QWidget,
        source_id: str | None = None,
    ) -> None:
        """Render the child's document with the defaults from the record, then preview it."""
        from otvisit.reports.printing import DocumentRequest
        from otvisit.reports.render import DocumentKind

        request = DocumentRequest(DocumentKind(kind), child_id, source_id=source_id)
        self.messages.inform("Making the document…")
        self._render(request, lambda shown: self._open(shown, parent))

    def redraw(self, preview: PdfPreview) -> None:
        """The therapist changed a print choice: render again, keep nothing yet."""
        rendered, choices = preview.shown.rendered, preview.choices
        if rendered is None or choices is None:
            return
        request = dataclasses.replace(
            rendered.request,
            language=choices.code,
            large_print=choices.large_print.isChecked(),
            english_beside=choices.wants_english_beside,
        )
        preview.set_busy(True)
        self._render(request, preview.show_pdf, owner=preview)

    def reopen(self, *, child_id: str, document_id: str, title: str, file_name: str,
               parent: QWidget) -> None:  # fmt: skip
        """A document made before, read from the encrypted store into memory, to print again."""

        def read(session: Session) -> bytes | None:
            from otvisit.services.document_files import read_pdf

            return read_pdf(session, file_name)

        def opened(pdf: bytes | None) -> None:
            if pdf is None:
                self.messages.problem(
                    "That PDF was made on another laptop, or has been removed from this one. "
                    "Make it again from its section."
                )
                return
            self._open(Shown(child_id, title, pdf, None, document_id, file_name), parent)

        self.context.runner.read(read, done=opened, failed=self._failed)

    def _open(self, shown: Shown, parent: QWidget) -> None:
        if self.context.locked:  # rendered while the app locked: never shown over the lock
            return
        self.close_preview()
        self.messages.hide()
        self.preview = PdfPreview(shown, self, parent)
        self.preview.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview.show()

    def close_preview(self) -> None:
        """Close the preview (and forget its PDF): on lock, and before opening another."""
        if self.preview is not None:
            self.preview.close()
            self.preview.deleteLater()
            self.preview = None

    def _keep(self, shown: Shown, then: Any) -> None:
        """Keep the document once: its PDF in the encrypted store, its record, the PRINT audit."""
        if shown.document_id is not None:
            then()
            return
        me = self.context.me_id
        rendered = shown.rendered
        assert rendered is not None

        def keep(session: Session) -> tuple[str, str]:
            from otvisit.models import new_id
            from otvisit.reports.printing import file_name_for, save_rendered

            name = file_name_for(rendered, today=date.today(), document_id=new_id())
            saved = save_rendered(session, rendered, file_name=name, actor_id=me)
            return saved.document_id, saved.file_name

        def kept(result: tuple[str, str]) -> None:
            shown.document_id, shown.file_name = result
            self.made.emit(shown.document_id)
            self.context.changes.child_changed.emit(shown.child_id)
            then()

        self.context.runner.write(keep, done=kept, failed=self._failed)

    def _audit(self, shown: Shown, action: AuditAction, detail: str) -> None:
        me = self.context.me_id

        def audit(session: Session) -> None:
            record_access(
                session, actor_id=me, action=action, entity="printed_document",
                record_id=shown.document_id, child_id=shown.child_id, detail=detail,
            )  # fmt: skip

        self.context.runner.write(audit, failed=self._failed)

    def printed(self, shown: Shown) -> None:
        """Sent to the printer: kept the first time (which audits it), audited again after."""
        if shown.document_id is not None:
            self._audit(shown, AuditAction.PRINT, "printed again")
        self._keep(shown, lambda: self.messages.inform(f"Sent {shown.title} to the printer."))

    def export_folder(self) -> Path:
        """Where Save as PDF… opens: the folder chosen last time, else the Documents folder."""
        return export_folder(self.context.profile_dir)

    def remember_export_folder(self, folder: Path) -> None:
        """The next export (a PDF, a FHIR record) opens in the folder chosen this time."""
        remember_export_folder(self.context.profile_dir, folder)

    def save_copy(self, shown: Shown, target: Path) -> None:
        """Keep the document, then export a plain copy where the therapist chose (audited)."""
        me = self.context.me_id
        self.remember_export_folder(target.parent)

        def export(session: Session) -> str:
            from otvisit.reports.printing import export_document

            export_document(
                session, pdf=shown.pdf, target=target, child_id=shown.child_id,
                document_id=shown.document_id, actor_id=me, how="saved as PDF",
            )  # fmt: skip
            return target.name

        def written(name: str) -> None:
            self.messages.inform(f"Saved {name}")
            self.saved.emit(name)

        self._keep(
            shown,
            lambda: self.context.runner.write(export, done=written, failed=self._failed),
        )

"""The dialogs of the attachments section: what a file is, photo consent, and the viewer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from otvisit.models.vocabulary import AttachmentKind, AttachmentSubject, ConsentUse
from otvisit.services.attachments import AttachmentSummary
from otvisit.ui.forms import FormDialog

KINDS = (
    (AttachmentKind.PHOTO, "Photo (needs consent; kept at most 2048 px, without location)"),
    (AttachmentKind.SCAN, "Scan (a handwriting sample or a form: kept at full size)"),
    (AttachmentKind.DOCUMENT, "Document (a PDF: a report or a signed form)"),
)
USES = (
    (ConsentUse.RECORD, "In the child's record only"),
    (ConsentUse.RECORD_AND_LETTERS, "In the record and in letters to the nursery or school"),
)
Subject = tuple[AttachmentSubject, str, str]


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def picked_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class DetailsDialog(FormDialog):
    """What the chosen file or photo is, what it belongs to, its caption and date."""

    def __init__(
        self,
        parent: QWidget,
        *,
        file_name: str,
        kind: AttachmentKind,
        subjects: Sequence[Subject],
        on_ok: Callable[[], None],
    ) -> None:
        super().__init__(
            parent, "Attach to the record", on_ok, intro=f"Attaching {file_name}.",
            ok_text="Attach", name="attach",
        )  # fmt: skip
        self.kind = QComboBox()
        for value, words in KINDS:
            self.kind.addItem(words, value)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.subject = QComboBox()
        for subject_kind, subject_id, words in subjects:
            self.subject.addItem(words, f"{subject_kind.value}|{subject_id}")
        self.caption = QLineEdit()
        self.caption.setMaxLength(300)
        self.caption.setPlaceholderText("What it shows, for the record and the letter")
        self.taken_on = _date_edit(date.today())
        self.add("&Caption", self.caption)
        self.add("&What it is", self.kind)
        self.add("&Belongs to", self.subject)
        self.add("&Taken on", self.taken_on)

    def choose_subject(self, subject_kind: AttachmentSubject, subject_id: str) -> bool:
        index = self.subject.findData(f"{subject_kind.value}|{subject_id}")
        if index >= 0:
            self.subject.setCurrentIndex(index)
        return index >= 0

    def values(self) -> dict[str, object]:
        subject_kind, _bar, subject_id = str(self.subject.currentData()).partition("|")
        return {
            "kind": self.kind.currentData(),
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "caption": self.caption.text(),
            "taken_on": picked_date(self.taken_on),
        }


class ConsentDialog(FormDialog):
    """Record who agreed to photos of the child, when, and for what use."""

    def __init__(self, parent: QWidget, on_ok: Callable[[], None]) -> None:
        super().__init__(
            parent, "Photo consent", on_ok, ok_text="Record consent", name="consent",
            intro="Photos of a child need consent first. Ask the parent or carer (or the young "
            "person) and record it here. Consent can be withdrawn at any time.",
        )  # fmt: skip
        self.given_by = QLineEdit()
        self.relationship = QLineEdit()
        self.relationship.setPlaceholderText("for example mother, foster carer, the young person")
        self.given_on = _date_edit(date.today())
        self.use = QComboBox()
        for value, words in USES:
            self.use.addItem(words, value)
        self.add("Given &by", self.given_by)
        self.add("&Relationship", self.relationship)
        self.add("Given &on", self.given_on)
        self.add("&Use", self.use)

    def values(self, child_id: str) -> dict[str, object]:
        return {
            "child_id": child_id,
            "given_by": self.given_by.text(),
            "relationship": self.relationship.text(),
            "given_on": picked_date(self.given_on),
            "use": self.use.currentData(),
        }


class AttachmentViewer(QDialog):
    """One photo or PDF, shown from memory only: nothing is written to disk to show it."""

    def __init__(
        self,
        parent: QWidget,
        summary: AttachmentSummary,
        *,
        image: QImage | None = None,
        pdf: bytes | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(summary.caption or "Attachment")
        layout = QVBoxLayout(self)
        if image is not None:
            picture = QLabel()
            picture.setAccessibleName("Picture")
            picture.setPixmap(QPixmap.fromImage(image))
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea()
            scroll.setWidget(picture)
            scroll.setWidgetResizable(True)
            layout.addWidget(scroll, 1)
        if pdf is not None:
            self.buffer = QBuffer(self)
            self.buffer.setData(QByteArray(pdf))
            self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self.buffer)
            view = QPdfView(self)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setDocument(self.document)
            layout.addWidget(view, 1)
        caption = QLabel(f"{summary.caption}\nTaken on {summary.taken_on:%d %b %Y}")
        caption.setWordWrap(True)
        layout.addWidget(caption)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 700)

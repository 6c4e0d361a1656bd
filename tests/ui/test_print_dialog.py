"""Printing as the therapist does it: Preview → Print… → the system's print dialog → OK.

The dialog is Qt's own QPrintDialog; with no printer installed it offers "Print to File
(PDF)", so the test fills in the file name as a user would and presses the dialog's Print
button. The printed PDF is read back and each page compared with the document's page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2
import pytest
from PIL.Image import Resampling
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit
from sqlalchemy import select

from otvisit.models import AuditEvent, PrintedDocument
from otvisit.models.vocabulary import AuditAction
from otvisit.services import goals
from otvisit.ui.printing import PdfPreview
from tests.ui.driver import Visit, find_and_open, open_section

pytestmark = pytest.mark.gui

LEVELS = {-2: "a", -1: "b", 0: "c", 1: "d", 2: "e"}


def _grey_pages(pdf: bytes | Path, width: int = 180) -> list[list[int]]:
    """Each page rendered to a small greyscale picture (the same size whatever the source)."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for index in range(len(document)):
        page = document[index]
        fine = page.render(scale=4 * width / page.get_width(), grayscale=True).to_pil()
        small = fine.convert("L").resize((width, round(width * 297 / 210)), Resampling.BOX)
        pages.append(list(small.tobytes()))
        page.close()
    document.close()
    return pages


def _difference(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def _open_print_dialog(visit: Visit, preview: PdfPreview) -> QPrintDialog:
    QTest.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: any(d.isVisible() for d in preview.findChildren(QPrintDialog)))
    return next(d for d in preview.findChildren(QPrintDialog) if d.isVisible())


def _print_to_pdf_file(dialog: QPrintDialog, target: Path) -> None:
    """What a user does in the dialog: choose Print to File (PDF), name the file, press Print."""
    printers = dialog.findChild(QComboBox, "printers")
    assert printers is not None
    printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
    file_name = dialog.findChild(QLineEdit, "filename")
    assert file_name is not None and file_name.isVisible()
    file_name.clear()
    QTest.keyClicks(file_name, str(target))
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and ok.isEnabled()
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_print_button_prints_every_page_through_the_print_dialog(
    visit: Visit, tmp_path: Path
) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        for wording in ("Sam will put his coat on", "Sam will cut along a line"):
            goals.create_goal(
                session, child_id=visit.seeded.sam, wording=wording, levels=LEVELS,
                set_on=date(2026, 10, 1), baseline=-2,
            )  # fmt: skip
    find_and_open(visit, "sam")
    documents = visit.window.record.documents
    open_section(visit, documents)
    QTest.mouseClick(documents.progress_button, Qt.MouseButton.LeftButton)
    visit.settle()
    preview = visit.window.printer.preview
    assert isinstance(preview, PdfPreview)
    visit.qtbot.waitUntil(lambda: preview.page_count() >= 1)

    target = tmp_path / "printed.pdf"
    dialog = _open_print_dialog(visit, preview)
    _print_to_pdf_file(dialog, target)
    visit.qtbot.waitUntil(lambda: "to the printer" in visit.window.messages.label.text())
    visit.settle()

    original = _grey_pages(preview.shown.pdf)
    printed = _grey_pages(target)
    assert len(printed) == len(original) >= 1  # every page, and no blank extra one
    blank = [255] * len(original[0])
    for number, (mine, theirs) in enumerate(zip(printed, original, strict=True)):
        ink = _difference(theirs, blank)
        assert ink > 3  # the document's page has text on it
        assert _difference(mine, theirs) < 0.3 * ink  # the printed page is that page
        for other, page in enumerate(original):
            if other != number:  # and not some other page of it
                assert _difference(mine, theirs) < 0.3 * _difference(mine, page)
    with store.read_session() as session:
        document = session.scalars(select(PrintedDocument)).one()
        prints = session.scalars(
            select(AuditEvent.record_id).where(AuditEvent.action == AuditAction.PRINT)
        ).all()
    assert prints == [document.id]

    # Printing again from the same preview goes through a fresh dialog, and is audited.
    again = tmp_path / "again.pdf"
    _print_to_pdf_file(_open_print_dialog(visit, preview), again)
    visit.qtbot.waitUntil(again.exists)
    visit.settle()
    assert len(_grey_pages(again)) == len(original)
    with store.read_session() as session:
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == AuditAction.PRINT)
        ).all()
    assert len(details) == 2 and "printed again" in details

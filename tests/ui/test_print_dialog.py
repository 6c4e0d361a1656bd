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
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFileDialog, QLineEdit
from sqlalchemy import select

from otvisit.models import AuditEvent, Child, PrintedDocument
from otvisit.models.vocabulary import AuditAction
from otvisit.services import goals
from otvisit.ui.printing import PdfPreview
from tests.reports import pdfcheck
from tests.ui.driver import Visit, find_and_open, open_section, shown_preview

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
    preview = shown_preview(visit)

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


def _every_file(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _readable_text(content: bytes) -> str:
    """What anyone can read from a file's bytes: as they are, and a PDF's text unpacked."""
    text = content.decode("latin-1") + content.decode("utf-16-le", errors="ignore")
    if content.startswith(b"%PDF"):
        text += " ".join(pdfcheck.flat(content).split())
    return text


def _save_through_the_dialog(visit: Visit, preview: PdfPreview, target: Path) -> Path:
    """Save as PDF… → the file dialog → Save; the folder the dialog had opened in."""
    QTest.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: any(d.isVisible() for d in preview.findChildren(QFileDialog)))
    dialog = next(d for d in preview.findChildren(QFileDialog) if d.isVisible())
    opened_in = Path(dialog.directory().absolutePath())
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.setText(str(target))  # pasted: typed, the completer would pick folders on the way
    buttons = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert buttons is not None
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save is not None and dialog.selectedFiles() == [str(target)]
    with visit.qtbot.waitSignal(visit.window.printer.saved):
        QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    visit.settle()
    return opened_in


def test_nothing_of_the_child_is_on_disk_in_the_clear_and_save_is_an_audited_export(
    visit: Visit, tmp_path: Path
) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        goals.create_goal(
            session, child_id=visit.seeded.sam, wording="Sam will put his coat on",
            levels=LEVELS, set_on=date(2026, 10, 1), baseline=-2,
        )  # fmt: skip
        sam = session.get(Child, visit.seeded.sam)
        assert sam is not None
        nhs = sam.nhs_number
        secrets = [sam.given_name + " " + sam.family_name, sam.family_name, nhs,
                   f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"]  # fmt: skip
    find_and_open(visit, "sam")
    documents = visit.window.record.documents
    open_section(visit, documents)
    QTest.mouseClick(documents.progress_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    printed = tmp_path / "printer" / "printed.pdf"
    printed.parent.mkdir()
    _print_to_pdf_file(_open_print_dialog(visit, preview), printed)
    visit.qtbot.waitUntil(lambda: "to the printer" in visit.window.messages.label.text())
    visit.settle()
    # The document is kept (listed, reprintable), and is in the PDF the test can read...
    assert any(s in _readable_text(preview.shown.pdf) for s in secrets)
    # ...but nowhere in the profile folder: not as a file, not in the store, WAL or settings.
    on_disk = _every_file(visit.profile.root)
    assert on_disk, "the profile folder holds the store"
    for path, content in on_disk.items():
        readable = _readable_text(content)
        for secret in secrets:
            assert secret not in readable, f"{secret!r} readable in {path}"
    assert not (visit.profile.root / "documents").exists()

    # Save as PDF… is an export to where the therapist chose, audited; the next one opens there.
    exports = tmp_path / "exports"
    exports.mkdir()
    first = _save_through_the_dialog(visit, preview, exports / "sam-progress.pdf")
    assert first != Path.home()
    assert "Okafor" in pdfcheck.flat((exports / "sam-progress.pdf").read_bytes())
    second = _save_through_the_dialog(visit, preview, exports / "again.pdf")
    assert second == exports  # remembered, not the home folder
    with store.read_session() as session:
        exported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)
        ).all()
    assert len(exported) == 2
    assert {e.child_id for e in exported} == {visit.seeded.sam}
    assert all(e.record_id is not None and "saved as PDF" in e.detail for e in exported)
    assert all("exports" not in e.detail for e in exported)  # the path is not in the audit
    for path, content in _every_file(visit.profile.root).items():
        assert nhs not in _readable_text(content), path


def test_english_beside_the_familys_words_is_ticked_in_the_preview_and_printed(
    visit: Visit, tmp_path: Path
) -> None:
    from otvisit.models import DocumentFile, Episode
    from otvisit.models.vocabulary import DischargeReason
    from otvisit.services import episodes
    from tests.reports.test_english_beside import _lines

    arabic, english = "سترتدي أميرة معطفها بنفسها", "Amira will put her coat on by herself"
    store = visit.window.context.runner.store
    with store.transaction() as session:
        episode = session.scalars(
            select(Episode.id).where(Episode.child_id == visit.seeded.amira)
        ).one()
        goals.create_goal(
            session, child_id=visit.seeded.amira, wording=english, levels=LEVELS,
            set_on=date(2026, 10, 1), family_wording=arabic, family_language="ar",
            episode_id=episode,
        )  # fmt: skip
        episodes.discharge_episode(
            session, episode_id=episode, reason=DischargeReason.GOALS_MET,
            summary="Amira dresses herself now.",
        )  # fmt: skip
    find_and_open(visit, "amira")
    discharge = visit.window.record.discharge
    open_section(visit, discharge)
    QTest.mouseClick(discharge.letter_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    assert preview.choices is not None
    box = preview.choices.english_beside
    assert box.isVisible() and box.isEnabled() and not box.isChecked()  # her family reads Arabic
    first = preview.shown.pdf
    assert arabic in " ".join(_lines(first)) and english not in " ".join(_lines(first))

    QTest.mouseClick(box, Qt.MouseButton.LeftButton)  # the therapist ticks it: a redraw
    visit.qtbot.waitUntil(lambda: preview.shown.pdf != first)
    lines = _lines(preview.shown.pdf)
    under = next(i for i, line in enumerate(lines) if line.strip("• ") == arabic) + 1
    assert lines[under] == english  # the English right under the family's words

    _print_to_pdf_file(_open_print_dialog(visit, preview), tmp_path / "printed.pdf")
    visit.qtbot.waitUntil(lambda: "to the printer" in visit.window.messages.label.text())
    visit.settle()
    with store.read_session() as session:
        document = session.scalars(
            select(PrintedDocument).where(PrintedDocument.language == "ar")
        ).one()
        kept = session.get(DocumentFile, document.file_name)
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.record_id == document.id)
        ).one()
    assert kept is not None and english in " ".join(_lines(kept.pdf))  # kept as printed
    assert "English beside the goals" in detail

    # English chosen as the language: the box no longer applies (the goal is the English).
    preview.choices.language.setCurrentIndex(preview.choices.language.findData("en"))
    assert not box.isEnabled()

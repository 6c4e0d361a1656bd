"""Printing through the one real path: progress report, discharge letter, reprints, the audit."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox
from sqlalchemy import select

from otvisit.models import AuditEvent, Episode, PrintedDocument
from otvisit.models.vocabulary import AuditAction, DischargeReason
from otvisit.services import episodes, goals
from otvisit.ui.printing import PdfPreview
from tests.ui.driver import Visit, find_and_open, open_section, shown_preview

pytestmark = pytest.mark.gui

LEVELS = {-2: "a", -1: "b", 0: "c", 1: "d", 2: "e"}


def _print_to_file(visit: Visit, preview: PdfPreview, target: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    preview.print_to(printer)
    visit.settle()


def test_progress_report_in_english_printed_then_reprinted_from_documents(
    visit: Visit, tmp_path: Path
) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        goals.create_goal(
            session, child_id=visit.seeded.sam, wording="Sam will put his coat on",
            levels=LEVELS, set_on=date(2026, 10, 1), baseline=-2,
        )  # fmt: skip
    find_and_open(visit, "sam")
    documents = visit.window.record.documents
    open_section(visit, documents)
    QTest.mouseClick(documents.progress_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    assert preview.choices is not None and preview.choices.code == "en"
    assert not preview.choices.large_print.isChecked()
    _print_to_file(visit, preview, tmp_path / "printed.pdf")
    assert len(PdfReader(tmp_path / "printed.pdf").pages) >= 1  # the printer got real pages
    preview.close()
    visit.settle()
    assert documents.list.count() == 1  # the documents list refreshed by itself
    assert "Goal progress report" in documents.list.item(0).text()

    QTest.mouseClick(documents.open_button, Qt.MouseButton.LeftButton)
    again = shown_preview(visit)
    assert again.choices is None  # a reprint is the document as it was made
    _print_to_file(visit, again, tmp_path / "again.pdf")
    with store.read_session() as session:
        assert len(session.scalars(select(PrintedDocument)).all()) == 1
        prints = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == AuditAction.PRINT)
        ).all()
    assert len(prints) == 2 and "printed again" in prints


def test_discharge_letter_defaults_to_the_familys_language(visit: Visit) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        episode = session.scalars(
            select(Episode.id).where(Episode.child_id == visit.seeded.amira)
        ).one()
        episodes.discharge_episode(
            session, episode_id=episode, reason=DischargeReason.GOALS_MET,
            summary="Amira dresses herself now.",
        )  # fmt: skip
    find_and_open(visit, "amira")
    discharge = visit.window.record.discharge
    open_section(visit, discharge)
    assert discharge.letter_button.isVisible()
    QTest.mouseClick(discharge.letter_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    assert preview.choices is not None and preview.choices.code == "ar"  # her family reads Arabic
    preview.choices.language.setCurrentIndex(preview.choices.language.findData("en"))
    visit.settle()
    assert preview.shown.rendered is not None and preview.shown.rendered.language == "en"
    preview.close()
    with store.read_session() as session:
        assert session.scalars(select(PrintedDocument)).all() == []  # previews keep nothing


def test_no_discharge_letter_before_discharge(visit: Visit) -> None:
    find_and_open(visit, "sam")
    documents = visit.window.record.documents
    open_section(visit, documents)
    QTest.mouseClick(documents.discharge_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert visit.window.printer.preview is None
    assert "has not been discharged" in visit.window.messages.label.text()


def _button(box: QMessageBox, text: str) -> QAbstractButton:
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def test_warnings_before_saving_go_back_or_save_anyway(visit: Visit) -> None:
    from tests.ui.driver import type_into

    find_and_open(visit, "sam")
    equipment = visit.window.record.equipment
    open_section(visit, equipment)
    type_into(equipment.item, "Height-adjustable chair with footrest")
    type_into(equipment.need, "Feet do not reach the floor; he slumps when writing.")
    equipment.measure["seat_height"].setValue(31)
    QTest.mouseClick(equipment.recommend_button, Qt.MouseButton.LeftButton)
    visit.settle()
    QTest.mouseClick(equipment.letter_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)

    QTest.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    box = preview.warnings
    assert box is not None and box.isVisible()
    listed = box.informativeText()
    assert "no safety or training notes" in listed and "no fitting notes" in listed
    assert "Seat depth, Footplate height, Table height, Backrest height" in listed
    QTest.mouseClick(_button(box, "Go back"), Qt.MouseButton.LeftButton)
    visit.settle()
    assert not preview.findChildren(QFileDialog)  # went back: nothing asked, nothing kept

    QTest.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    box = preview.warnings
    assert box is not None and box.isVisible()
    QTest.mouseClick(_button(box, "Print anyway"), Qt.MouseButton.LeftButton)
    visit.settle()
    dialogs = [d for d in preview.findChildren(QFileDialog) if d.isVisible()]
    assert len(dialogs) == 1  # on to choosing where to save
    dialogs[0].reject()
    preview.close()


def test_arabic_discharge_letter_prints_with_its_english_copy(visit: Visit, tmp_path: Path) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        episode = session.scalars(
            select(Episode.id).where(Episode.child_id == visit.seeded.amira)
        ).one()
        episodes.discharge_episode(
            session, episode_id=episode, reason=DischargeReason.GOALS_MET,
            summary="Amira dresses herself now.",
        )  # fmt: skip
    find_and_open(visit, "amira")
    discharge = visit.window.record.discharge
    open_section(visit, discharge)
    QTest.mouseClick(discharge.letter_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    rendered = preview.shown.rendered
    assert rendered is not None and rendered.language == "ar"
    assert rendered.english_copy is not None
    family = len(PdfReader(io.BytesIO(rendered.pdf)).pages)
    english = len(PdfReader(io.BytesIO(rendered.english_copy)).pages)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)  # quick: pages are only counted
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    preview.print_to(printer)
    visit.settle()
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == family + english
    preview.close()

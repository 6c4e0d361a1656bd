"""Documents → Export record (FHIR)…: the real button and save dialog, a valid Bundle, audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit
from sqlalchemy import select

from otvisit.models import AuditEvent, Child
from otvisit.models.vocabulary import AuditAction
from tests.ui.driver import Visit, find_and_open, open_section

pytestmark = pytest.mark.gui


def test_export_record_writes_a_fhir_bundle_where_the_therapist_chose(
    visit: Visit, tmp_path: Path
) -> None:
    store = visit.window.context.runner.store
    with store.read_session() as session:
        sam = session.get(Child, visit.seeded.sam)
        assert sam is not None
        nhs = sam.nhs_number
    find_and_open(visit, "sam")
    documents = visit.window.record.documents
    open_section(visit, documents)
    QTest.mouseClick(documents.export_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: any(d.isVisible() for d in documents.findChildren(QFileDialog)))
    dialog = next(d for d in documents.findChildren(QFileDialog) if d.isVisible())
    target = tmp_path / "for-the-trust" / "sam.json"
    target.parent.mkdir()
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.setText(str(target))
    buttons = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert buttons is not None
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save is not None
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(target.exists, timeout=20000)
    visit.settle()
    assert "Saved sam.json" in visit.window.messages.label.text()
    bundle = Bundle.model_validate(json.loads(target.read_text(encoding="utf-8")))
    patients = [
        e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == "Patient"
    ]
    assert [p.identifier[0].value for p in patients] == [nhs]
    assert target.stat().st_mode & 0o077 == 0  # a child's record: readable by its owner only
    with store.read_session() as session:
        exports = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.child_id == visit.seeded.sam
            )
        ).all()
    assert len(exports) == 1 and str(tmp_path) not in exports[0].detail
    assert visit.window.printer.export_folder() == target.parent  # the next export opens there

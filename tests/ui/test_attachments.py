"""Photos and files: attached through the real button and file dialog, seen in the letter."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
)
from sqlalchemy import select

from otvisit.models import Attachment, AuditEvent
from otvisit.models.vocabulary import AttachmentSubject, AuditAction, ConsentUse, Place
from otvisit.services import attachment_blobs as blobs
from otvisit.services import equipment
from otvisit.ui.child.attachment_dialogs import ConsentDialog, DetailsDialog
from otvisit.ui.child.attachments import AttachmentsSection
from tests.services.pictures import CAMERA_MAKER, camera_photo, heic_photo
from tests.ui.driver import Visit, find_and_open, message, open_section, shown_preview, type_into

pytestmark = pytest.mark.gui


def _shows_the_teal_photo(item: QListWidgetItem) -> bool:
    """The row's icon is the test photo's thumbnail (teal in the middle), not a file's icon."""
    image = item.icon().pixmap(96, 96).toImage()
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    return colour.red() < 60 and colour.green() > 100 and colour.blue() > 100


def _recommend_chair(visit: Visit) -> str:
    with visit.window.context.runner.store.transaction() as session:
        return equipment.recommend_equipment(
            session, child_id=visit.seeded.sam, item="Height-adjustable chair with footrest",
            setting=Place.SCHOOL, functional_need="Sits with feet supported to write",
            recommended_on=date.today(),
            measurements={"seat_height": 31.0, "footplate_height": 18.5, "table_height": 53.0},
        )  # fmt: skip


def _choose_file(visit: Visit, path: Path) -> None:
    section = visit.window.record.attachments
    QTest.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: any(d.isVisible() for d in section.findChildren(QFileDialog)))
    dialog = next(d for d in section.findChildren(QFileDialog) if d.isVisible())
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.setText(str(path))
    buttons = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert buttons is not None
    open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
    assert open_button is not None
    QTest.mouseClick(open_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: isinstance(section.dialog, DetailsDialog))


def _describe_and_attach(
    visit: Visit, caption: str, subject: tuple[AttachmentSubject, str]
) -> None:
    dialog = visit.window.record.attachments.dialog
    assert isinstance(dialog, DetailsDialog) and dialog.isVisible()
    type_into(dialog.caption, caption)
    assert dialog.choose_subject(*subject)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and ok.text() == "Attach"
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    visit.settle()


def _record_consent(visit: Visit) -> None:
    section = visit.window.record.attachments
    QTest.mouseClick(section.consent_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, ConsentDialog) and dialog.isVisible()
    type_into(dialog.given_by, "Grace Okafor")
    type_into(dialog.relationship, "mother")
    dialog.use.setCurrentIndex(dialog.use.findData(ConsentUse.RECORD_AND_LETTERS))
    QTest.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    visit.settle()


def test_a_photo_attached_through_the_file_dialog_is_in_the_equipment_letter_preview(
    visit: Visit, tmp_path: Path
) -> None:
    chair = _recommend_chair(visit)
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(camera_photo(1600, 1200))
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    assert "No photo consent recorded" in section.consent_label.text()

    # Without consent the photo is refused, and the therapist is told why.
    _choose_file(visit, photo)
    _describe_and_attach(visit, "Chair at the table", (AttachmentSubject.EQUIPMENT, chair))
    assert "needs recorded consent" in message(visit)
    assert section.list.count() == 0

    _record_consent(visit)
    assert "Photo consent from Grace Okafor (mother)" in section.consent_label.text()
    _choose_file(visit, photo)
    _describe_and_attach(
        visit, "Feet flat on the footrest at the table", (AttachmentSubject.EQUIPMENT, chair)
    )
    assert "Photo attached" in message(visit)
    assert section.list.count() == 1
    assert _shows_the_teal_photo(section.list.item(0))  # the thumbnail
    assert "Feet flat on the footrest" in section.list.item(0).text()

    store = visit.window.context.runner.store
    with store.read_session() as session:
        kept = session.scalars(select(Attachment)).one()
        assert kept.subject_id == chair and kept.created_by == visit.seeded.me

    record = visit.window.record
    open_section(visit, record.equipment)
    QTest.mouseClick(record.equipment.letter_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    reader = pypdf.PdfReader(io.BytesIO(preview.shown.pdf))
    pages = [page for page in reader.pages if "/XObject" in page["/Resources"] and page.images]
    assert len(pages) == 1
    with Image.open(io.BytesIO(pages[0].images[0].data)) as shown:
        assert shown.size == (1600, 1200)
    words = " ".join(pages[0].extract_text().split())
    assert "Feet flat on the footrest at the table (photo taken" in words
    assert CAMERA_MAKER.encode() not in preview.shown.pdf
    preview.reject()


def test_an_iphone_heic_chosen_in_the_file_dialog_is_attached_as_a_clean_jpeg(
    visit: Visit, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0412.HEIC"
    photo.write_bytes(heic_photo())
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    _record_consent(visit)
    _choose_file(visit, photo)
    _describe_and_attach(visit, "Pencil grip", (AttachmentSubject.CHILD, visit.seeded.sam))
    assert "Photo attached" in message(visit)
    assert section.list.count() == 1 and _shows_the_teal_photo(section.list.item(0))
    store = visit.window.context.runner.store
    with store.read_session() as session:
        kept = session.scalars(select(Attachment)).one()
        data = blobs.blob_bytes(session, kept.sha256)
    assert data is not None and CAMERA_MAKER.encode() not in data
    with Image.open(io.BytesIO(data)) as shown:
        assert (shown.format, shown.size) == ("JPEG", (480, 640))


def test_take_photo_says_when_there_is_no_camera_and_the_file_route_still_works(
    visit: Visit, tmp_path: Path
) -> None:
    from PySide6.QtMultimedia import QMediaDevices  # the real module answers, not its absence

    if QMediaDevices.videoInputs():
        pytest.skip("this machine has a camera")
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    QTest.mouseClick(section.camera_button, Qt.MouseButton.LeftButton)
    assert message(visit) == "No camera found on this laptop — use Add from file."
    scan = tmp_path / "report.pdf"
    from tests.services.pictures import one_page_pdf

    scan.write_bytes(one_page_pdf())
    _choose_file(visit, scan)
    _describe_and_attach(visit, "School report", (AttachmentSubject.CHILD, visit.seeded.sam))
    assert "Document attached" in message(visit) and section.list.count() == 1
    assert not _shows_the_teal_photo(section.list.item(0))  # a file's icon, not a picture


def _sam_with_a_camera(visit: Visit, monkeypatch: pytest.MonkeyPatch) -> AttachmentsSection:
    """Sam's Photos and files, on a laptop that lists one camera (a device Qt cannot open)."""
    from PySide6.QtMultimedia import QCameraDevice

    from otvisit.ui.child import attachments

    monkeypatch.setattr(attachments, "find_cameras", lambda: ([QCameraDevice()], ""))
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    return section


def test_a_camera_gone_since_it_was_listed_is_explained_not_a_blank_window(
    visit: Visit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A webcam unplugged (or taken by a video call) between listing and opening it.
    section = _sam_with_a_camera(visit, monkeypatch)
    QTest.mouseClick(section.camera_button, Qt.MouseButton.LeftButton)
    visit.qtbot.waitUntil(lambda: "camera could not take the photo" in message(visit))
    assert message(visit).endswith("— use Add from file.")
    dialog = section.camera
    assert dialog is not None
    visit.qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_a_frame_from_the_camera_goes_through_the_details_and_is_kept_clean(
    visit: Visit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QColor, QImage

    section = _sam_with_a_camera(visit, monkeypatch)
    _record_consent(visit)
    QTest.mouseClick(section.camera_button, Qt.MouseButton.LeftButton)
    camera = section.camera
    assert camera is not None and camera.isVisible()
    # What QImageCapture hands over when the therapist presses Take (this machine has no webcam).
    frame = QImage(1280, 720, QImage.Format.Format_RGB32)
    frame.fill(QColor("teal"))
    camera.capture.imageCaptured.emit(1, frame)
    visit.qtbot.waitUntil(lambda: isinstance(section.dialog, DetailsDialog))
    _describe_and_attach(
        visit, "Seat height at nursery", (AttachmentSubject.CHILD, visit.seeded.sam)
    )
    assert "Photo attached" in message(visit)
    assert section.list.count() == 1 and _shows_the_teal_photo(section.list.item(0))
    store = visit.window.context.runner.store
    with store.read_session() as session:
        kept = session.scalars(select(Attachment)).one()
        data = blobs.blob_bytes(session, kept.sha256)
    assert data is not None
    with Image.open(io.BytesIO(data)) as shown:
        assert (shown.format, shown.size) == ("JPEG", (1280, 720)) and not shown.getexif()


def test_an_install_without_qt_multimedia_says_so(
    visit: Visit, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import raises ImportError
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    QTest.mouseClick(section.camera_button, Qt.MouseButton.LeftButton)
    assert "cannot use a camera (Qt's multimedia part is missing)" in message(visit)


def test_withdrawing_consent_through_the_confirm_deletes_the_photos(
    visit: Visit, tmp_path: Path
) -> None:
    photo = tmp_path / "chair.jpg"
    photo.write_bytes(camera_photo(800, 600))
    find_and_open(visit, "sam")
    section = visit.window.record.attachments
    open_section(visit, section)
    _record_consent(visit)
    _choose_file(visit, photo)
    _describe_and_attach(visit, "Chair", (AttachmentSubject.CHILD, visit.seeded.sam))
    assert section.list.count() == 1

    QTest.mouseClick(section.view_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert section.viewer is not None and section.viewer.isVisible()
    section.viewer.reject()

    QTest.mouseClick(section.withdraw_button, Qt.MouseButton.LeftButton)
    box = section.confirm
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "deletes the 1 photo(s)" in box.text()
    withdraw = next(b for b in box.buttons() if "Withdraw" in b.text())
    QTest.mouseClick(withdraw, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "1 photo(s) deleted" in message(visit)
    assert section.list.count() == 0
    assert "No photo consent recorded" in section.consent_label.text()
    with visit.window.context.runner.store.read_session() as session:
        actions = set(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity == "attachment")
            ).all()
        )
    assert {AuditAction.CREATE, AuditAction.VIEW, AuditAction.DELETE} <= actions

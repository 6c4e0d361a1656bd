"""Photos in the equipment letter and handwriting samples in the progress report, read back."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
from PIL import Image
from sqlalchemy import select

from otvisit.models import AuditEvent
from otvisit.models.store import Store
from otvisit.models.vocabulary import (
    AttachmentKind,
    AttachmentSubject,
    AuditAction,
    ConsentUse,
)
from otvisit.reports import samples
from otvisit.reports.attached_pictures import _size
from otvisit.reports.printing import DocumentKind, DocumentRequest, render_for_child, save_rendered
from otvisit.reports.styles import PICTURE_MAX_HEIGHT
from otvisit.services import photo_consent
from otvisit.services.attachments import AttachmentDetails, attach_file
from tests.factories import TODAY, make_child, make_equipment, make_goal, make_rating
from tests.reports import pdfcheck
from tests.services.pictures import camera_photo, scan_png


def _images_on(pdf: bytes) -> list[tuple[int, int, int]]:
    """(page number, width, height) of every image XObject drawn in the PDF."""
    found = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages, start=1):
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as opened:
                found.append((number, *opened.size))
    return found


def _page_text(pdf: bytes, number: int) -> str:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[number - 1]
    return " ".join(page.extract_text().split())


def _with_consent(store: Store, use: ConsentUse) -> tuple[str, str]:
    with store.transaction() as session:
        child = make_child(session)
        item = make_equipment(session, child=child, review_on=TODAY + timedelta(days=90))
        details = photo_consent.check_consent_details(
            {"child_id": child.id, "given_by": "Grace Okafor", "relationship": "mother",
             "given_on": TODAY, "use": use}
        )  # fmt: skip
        photo_consent.record_consent(session, details=details, actor_id="t-1")
        return child.id, item.id


def _attach_setup_photo(store: Store, child_id: str, item_id: str, caption: str) -> str:
    with store.transaction() as session:
        return attach_file(
            session,
            details=AttachmentDetails(
                child_id=child_id,
                subject_kind=AttachmentSubject.EQUIPMENT,
                subject_id=item_id,
                caption=caption,
                taken_on=TODAY,
            ),
            data=camera_photo(1600, 1200, orientation=6),
            actor_id="t-1",
        )


def test_a_consented_photo_is_in_the_equipment_letter_with_its_caption_and_audited(
    store: Store,
) -> None:
    child_id, item_id = _with_consent(store, ConsentUse.RECORD_AND_LETTERS)
    photo_id = _attach_setup_photo(store, child_id, item_id, "Feet flat on the yellow footrest")
    request = DocumentRequest(DocumentKind.EQUIPMENT, child_id, source_id=item_id)
    with store.read_session() as session:
        rendered = render_for_child(session, request, today=TODAY, reproducible=True)
    images = _images_on(rendered.pdf)
    assert len(images) == 1
    page, width, height = images[0]
    assert height > width  # upright, as the phone was held
    words = _page_text(rendered.pdf, page)
    assert "Photos of the set-up" in words
    assert "Feet flat on the yellow footrest (photo taken 24 November 2026)" in words
    assert rendered.attachment_ids == (photo_id,)
    with store.transaction() as session:
        save_rendered(session, rendered, file_name="letter.pdf", actor_id="t-1")
    with store.read_session() as session:
        printed = session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == photo_id)
        ).all()
        assert AuditAction.PRINT in printed


def test_photos_with_consent_for_the_record_only_or_withdrawn_stay_out_of_letters(
    store: Store,
) -> None:
    child_id, item_id = _with_consent(store, ConsentUse.RECORD)
    _attach_setup_photo(store, child_id, item_id, "Record only")
    request = DocumentRequest(DocumentKind.EQUIPMENT, child_id, source_id=item_id)
    with store.read_session() as session:
        rendered = render_for_child(session, request, today=TODAY, reproducible=True)
    assert _images_on(rendered.pdf) == [] and "Record only" not in pdfcheck.flat(rendered.pdf)
    with store.transaction() as session:
        details = photo_consent.check_consent_details(
            {"child_id": child_id, "given_by": "Grace Okafor", "relationship": "mother",
             "given_on": TODAY, "use": ConsentUse.RECORD_AND_LETTERS}
        )  # fmt: skip
        consent_id = photo_consent.record_consent(session, details=details, actor_id="t-1")
    _attach_setup_photo(store, child_id, item_id, "For the school")
    with store.read_session() as session:
        rendered = render_for_child(session, request, today=TODAY, reproducible=True)
    assert len(_images_on(rendered.pdf)) == 1
    with store.transaction() as session:
        photo_consent.withdraw_consent(session, consent_id=consent_id, actor_id="t-1")
    with store.read_session() as session:
        rendered = render_for_child(session, request, today=TODAY, reproducible=True)
    assert _images_on(rendered.pdf) == [] and "For the school" not in pdfcheck.flat(rendered.pdf)


def test_the_progress_report_shows_the_first_and_latest_handwriting_sample(store: Store) -> None:
    with store.transaction() as session:
        child = make_child(session)
        goal = make_goal(session, child=child, wording="Sam will write his name on his work")
        make_rating(session, goal=goal)
        child_id = child.id
        for days, caption in ((60, "Name, first try"), (30, "Name, middle"), (1, "Name, now")):
            attach_file(
                session,
                details=AttachmentDetails(
                    child_id=child_id,
                    kind=AttachmentKind.SCAN,
                    subject_kind=AttachmentSubject.GOAL,
                    subject_id=goal.id,
                    caption=caption,
                    taken_on=TODAY - timedelta(days=days),
                ),
                data=scan_png(900 + days, 600),  # different bytes each time
                actor_id="t-1",
            )
    request = DocumentRequest(DocumentKind.PROGRESS, child_id, language="en")
    with store.read_session() as session:
        rendered = render_for_child(session, request, today=TODAY, reproducible=True)
    words = pdfcheck.flat(rendered.pdf)
    assert "Handwriting: before and after" in words
    assert "Before, 25 September 2026: Name, first try" in words
    assert "After, 23 November 2026: Name, now" in words
    assert "Name, middle" not in words
    assert len(_images_on(rendered.pdf)) == 2
    for page, *_ in _images_on(rendered.pdf):  # each sample on the page with its caption
        assert "Name," in _page_text(rendered.pdf, page)


def test_a_tall_picture_keeps_its_aspect_and_leaves_room_for_its_caption() -> None:
    wide = samples.setup_photo(2000, 1000)
    tall = samples.setup_photo(1000, 2000)
    width, height = _size(wide)
    assert abs(width / height - 2.0) < 0.01 and height < PICTURE_MAX_HEIGHT
    width, height = _size(tall)
    assert abs(height / width - 2.0) < 0.01 and height == PICTURE_MAX_HEIGHT

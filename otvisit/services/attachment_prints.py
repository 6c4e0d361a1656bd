"""Which attachments may go into a document: consented set-up photos, handwriting samples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Attachment, PhotoConsent
from otvisit.models.vocabulary import (
    AttachmentKind,
    AttachmentMediaType,
    AttachmentSubject,
    ConsentUse,
)
from otvisit.services.attachment_blobs import blob_bytes
from otvisit.services.attachment_files import image_size

_IMAGES = (AttachmentMediaType.JPEG, AttachmentMediaType.PNG)


@dataclass(frozen=True)
class PrintedPicture:
    """An image to place in a document, with its caption and pixel size (for the aspect)."""

    attachment_id: str
    caption: str
    taken_on: date
    data: bytes
    width: int
    height: int


def _may_print(session: Session, attachment: Attachment) -> bool:
    """Photos need consent for letters that is still in force; scans need none."""
    if attachment.kind is not AttachmentKind.PHOTO:
        return True
    if attachment.consent_id is None:
        return False
    consent = session.get(PhotoConsent, attachment.consent_id)
    return (
        consent is not None
        and not consent.deleted
        and consent.withdrawn_on is None
        and consent.use is ConsentUse.RECORD_AND_LETTERS
    )


def _picture(session: Session, attachment: Attachment) -> PrintedPicture | None:
    data = blob_bytes(session, attachment.sha256)
    if data is None:  # not arrived on this laptop yet
        return None
    width, height = image_size(data)
    return PrintedPicture(
        attachment.id, attachment.caption, attachment.taken_on, data, width, height
    )


def _printable(session: Session, rows: list[Attachment]) -> list[PrintedPicture]:
    pictures = []
    for row in rows:
        if row.media_type in _IMAGES and _may_print(session, row):
            picture = _picture(session, row)
            if picture is not None:
                pictures.append(picture)
    return pictures


def equipment_photos(session: Session, *, recommendation_id: str) -> tuple[PrintedPicture, ...]:
    """Photos of the set-up attached to a recommendation that consent lets go in letters."""
    rows = session.scalars(
        select(Attachment)
        .where(
            Attachment.subject_kind == AttachmentSubject.EQUIPMENT,
            Attachment.subject_id == recommendation_id,
            Attachment.kind == AttachmentKind.PHOTO,
            Attachment.deleted.is_(False),
        )
        .order_by(Attachment.taken_on, Attachment.created_at, Attachment.id)
    ).all()
    return tuple(_printable(session, list(rows)))


def handwriting_samples(session: Session, *, child_id: str) -> tuple[PrintedPicture, ...]:
    """The earliest and latest sample (photo or scan of a goal or assessment): before and after.

    One sample alone is shown as 'before'; none gives an empty tuple.
    """
    rows = session.scalars(
        select(Attachment)
        .where(
            Attachment.child_id == child_id,
            Attachment.subject_kind.in_((AttachmentSubject.GOAL, AttachmentSubject.ASSESSMENT)),
            Attachment.kind.in_((AttachmentKind.PHOTO, AttachmentKind.SCAN)),
            Attachment.deleted.is_(False),
        )
        .order_by(Attachment.taken_on, Attachment.created_at, Attachment.id)
    ).all()
    pictures = _printable(session, list(rows))
    if len(pictures) <= 1:
        return tuple(pictures)
    return (pictures[0], pictures[-1])

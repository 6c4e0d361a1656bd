"""Attaching photos, scans and PDFs to a child's record, viewing them and deleting them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import (
    Assessment,
    Attachment,
    Child,
    EquipmentRecommendation,
    Goal,
    SessionNote,
    SyncedRecord,
    new_id,
)
from otvisit.models.vocabulary import AttachmentKind, AttachmentSubject, AuditAction
from otvisit.services.attachment_blobs import blob_bytes, has_blob, store_blob
from otvisit.services.attachment_files import CleanFile, clean_file
from otvisit.services.audit import record_access, record_change
from otvisit.services.errors import NotFound, ValidationError
from otvisit.services.photo_consent import require_consent
from otvisit.services.records import get_live

_SUBJECTS: dict[AttachmentSubject, tuple[type[SyncedRecord], str]] = {
    AttachmentSubject.NOTE: (SessionNote, "session note"),
    AttachmentSubject.EQUIPMENT: (EquipmentRecommendation, "equipment recommendation"),
    AttachmentSubject.GOAL: (Goal, "goal"),
    AttachmentSubject.ASSESSMENT: (Assessment, "assessment"),
}
KIND_WORDS = {
    AttachmentKind.PHOTO: "Photo",
    AttachmentKind.SCAN: "Scan",
    AttachmentKind.DOCUMENT: "Document",
}


class AttachmentDetails(BaseModel):
    """What the therapist says about a file being attached (the bytes come separately)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    child_id: str
    kind: AttachmentKind = AttachmentKind.PHOTO
    subject_kind: AttachmentSubject = AttachmentSubject.CHILD
    #: The note, recommendation, goal or assessment; None for the child's record itself.
    subject_id: str | None = None
    caption: str = Field(default="", max_length=300)
    taken_on: date
    file_name: str = Field(default="the file", max_length=300)


@dataclass(frozen=True)
class AttachmentSummary:
    """One attachment as the record's list shows it."""

    id: str
    kind: AttachmentKind
    media_type: str
    caption: str
    taken_on: date
    subject_kind: AttachmentSubject
    subject_id: str
    byte_size: int
    sha256: str
    #: False until the bytes arrive from the server.
    here: bool

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def check_attachment_details(values: dict[str, object]) -> AttachmentDetails:
    """The attach form's values checked, or ValidationError in words a therapist reads."""
    try:
        return AttachmentDetails.model_validate(values)
    except PydanticError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]).replace("_", " ")
        raise ValidationError(f"The {where} is not right: {first['msg']}") from None


def _subject_id(session: Session, details: AttachmentDetails, child: Child) -> str:
    if details.subject_kind is AttachmentSubject.CHILD:
        return child.id
    model, what = _SUBJECTS[details.subject_kind]
    if details.subject_id is None:
        raise ValidationError(f"Please choose the {what} this belongs to")
    subject = get_live(session, model, details.subject_id, what=what)
    if getattr(subject, "child_id", None) != child.id:
        raise ValidationError(f"That {what} is in another child's record")
    return subject.id


def check_can_attach(session: Session, *, details: AttachmentDetails) -> None:
    """Refuse before any work is done: a missing child or subject, or a photo without consent."""
    child = get_live(session, Child, details.child_id, what="child")
    _subject_id(session, details, child)
    if details.kind is AttachmentKind.PHOTO:
        require_consent(session, child_id=child.id)


def attach_clean_file(
    session: Session, *, details: AttachmentDetails, clean: CleanFile, actor_id: str | None
) -> str:
    """Keep a cleaned file (see attachment_files.clean_file) as an attachment; returns its id."""
    child = get_live(session, Child, details.child_id, what="child")
    subject_id = _subject_id(session, details, child)
    consent_id = None
    if details.kind is AttachmentKind.PHOTO:
        consent_id = require_consent(session, child_id=child.id).id
    digest = store_blob(session, clean.data)
    attachment = Attachment(
        id=new_id(),
        child_id=child.id,
        subject_kind=details.subject_kind,
        subject_id=subject_id,
        sha256=digest,
        media_type=clean.media_type,
        byte_size=len(clean.data),
        kind=details.kind,
        caption=details.caption,
        taken_on=details.taken_on,
        consent_id=consent_id,
        created_by=actor_id,
    )
    session.add(attachment)
    session.flush()
    record_change(
        session,
        actor_id=actor_id,
        record=attachment,
        created=True,
        detail=f"{details.kind.value} attached to the {details.subject_kind.value} "
        f"({len(clean.data)} bytes)",
    )
    return attachment.id


def attach_file(
    session: Session, *, details: AttachmentDetails, data: bytes, actor_id: str | None
) -> str:
    """Check, clean and keep one file in one go (the screen splits this to work off the GUI)."""
    check_can_attach(session, details=details)
    clean = clean_file(data, kind=details.kind, name=details.file_name)
    return attach_clean_file(session, details=details, clean=clean, actor_id=actor_id)


def _summary(attachment: Attachment, here: bool) -> AttachmentSummary:
    return AttachmentSummary(
        id=attachment.id,
        kind=attachment.kind,
        media_type=attachment.media_type.value,
        caption=attachment.caption,
        taken_on=attachment.taken_on,
        subject_kind=attachment.subject_kind,
        subject_id=attachment.subject_id,
        byte_size=attachment.byte_size,
        sha256=attachment.sha256,
        here=here,
    )


def child_attachments(session: Session, *, child_id: str) -> list[AttachmentSummary]:
    """The child's live attachments, newest first (not audited: a list shows no picture)."""
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.child_id == child_id, Attachment.deleted.is_(False))
        .order_by(Attachment.taken_on.desc(), Attachment.created_at.desc(), Attachment.id)
    ).all()
    return [_summary(row, has_blob(session, row.sha256)) for row in rows]


def open_attachment(
    session: Session, *, attachment_id: str, actor_id: str | None
) -> tuple[AttachmentSummary, bytes]:
    """The attachment's bytes for viewing (in memory only), audited as a view."""
    attachment = get_live(session, Attachment, attachment_id, what="attachment")
    data = blob_bytes(session, attachment.sha256)
    if data is None:
        raise NotFound(
            "This attachment has not arrived on this laptop yet; it comes with the next sync"
        )
    record_access(
        session,
        actor_id=actor_id,
        action=AuditAction.VIEW,
        entity="attachment",
        record_id=attachment.id,
        child_id=attachment.child_id,
        detail=f"{attachment.kind.value} viewed",
    )
    return _summary(attachment, True), data


def delete_attachment(session: Session, *, attachment_id: str, actor_id: str | None) -> None:
    """Delete an attachment (a tombstone that syncs), audited."""
    attachment = get_live(session, Attachment, attachment_id, what="attachment")
    attachment.deleted = True
    record_change(
        session, actor_id=actor_id, record=attachment, deleted=True,
        detail=f"{attachment.kind.value} deleted",
    )  # fmt: skip
    session.flush()


def record_attachments_printed(
    session: Session, *, attachment_ids: tuple[str, ...], child_id: str, actor_id: str | None,
    document: str,
) -> None:  # fmt: skip
    """Audit each attachment that went into a kept or printed document."""
    for attachment_id in attachment_ids:
        record_access(
            session,
            actor_id=actor_id,
            action=AuditAction.PRINT,
            entity="attachment",
            record_id=attachment_id,
            child_id=child_id,
            detail=f"in the {document}",
        )


def subject_choices(session: Session, *, child_id: str) -> list[tuple[AttachmentSubject, str, str]]:
    """What an attachment can belong to: (kind, id, words) for the record and its parts."""
    choices: list[tuple[AttachmentSubject, str, str]] = [
        (AttachmentSubject.CHILD, child_id, "The child's record")
    ]
    for note in session.scalars(
        select(SessionNote)
        .where(SessionNote.child_id == child_id, SessionNote.deleted.is_(False))
        .order_by(SessionNote.created_at.desc())
    ):
        choices.append((AttachmentSubject.NOTE, note.id, f"Session note {_note_day(note)}"))
    for item in session.scalars(
        select(EquipmentRecommendation)
        .where(
            EquipmentRecommendation.child_id == child_id,
            EquipmentRecommendation.deleted.is_(False),
        )
        .order_by(EquipmentRecommendation.recommended_on.desc())
    ):
        choices.append((AttachmentSubject.EQUIPMENT, item.id, f"Equipment: {item.item}"))
    for goal in session.scalars(
        select(Goal).where(Goal.child_id == child_id, Goal.deleted.is_(False))
    ):
        choices.append((AttachmentSubject.GOAL, goal.id, f"Goal: {_short(goal.wording)}"))
    for assessment in session.scalars(
        select(Assessment).where(Assessment.child_id == child_id, Assessment.deleted.is_(False))
    ):
        choices.append(
            (
                AttachmentSubject.ASSESSMENT,
                assessment.id,
                f"Assessment: {assessment.name} ({assessment.assessed_on:%d %b %Y})",
            )
        )
    return choices


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _note_day(note: SessionNote) -> str:
    return f"{note.seen_on:%d %b %Y}"

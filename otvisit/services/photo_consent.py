"""Consent to photograph a child: recorded before any photo, and withdrawn with its photos."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Attachment, Child, PhotoConsent, new_id, utcnow
from otvisit.models.base import agreed_order
from otvisit.models.vocabulary import AttachmentKind, ConsentUse
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live

USE_WORDS = {
    ConsentUse.RECORD: "in the child's record only",
    ConsentUse.RECORD_AND_LETTERS: "in the record and in letters to the nursery or school",
}


class ConsentDetails(BaseModel):
    """What the therapist records when a parent, carer or young person agrees to photos."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    child_id: str
    given_by: str = Field(min_length=1, max_length=200)
    relationship: str = Field(min_length=1, max_length=80)
    given_on: date
    use: ConsentUse = ConsentUse.RECORD


def check_consent_details(values: dict[str, object]) -> ConsentDetails:
    """The consent form's values checked, or ValidationError in words a therapist reads."""
    try:
        details = ConsentDetails.model_validate(values)
    except PydanticError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "consent"
        words = {
            "given_by": "the name of the person who gave consent",
            "relationship": "who they are to the child (for example mother)",
            "given_on": "the date consent was given",
            "use": "what the photos may be used for",
        }
        raise ValidationError(f"Please enter {words.get(field, field)}") from None
    check_date(details.given_on, what="the date consent was given")
    if details.given_on > utcnow().date():
        raise ValidationError("Consent cannot be dated in the future")
    return details


def record_consent(session: Session, *, details: ConsentDetails, actor_id: str | None) -> str:
    """Record consent to photograph the child; returns its id."""
    child = get_live(session, Child, details.child_id, what="child")
    consent = PhotoConsent(
        id=new_id(),
        child_id=child.id,
        given_by=details.given_by,
        given_by_relationship=details.relationship,
        given_on=details.given_on,
        use=details.use,
        recorded_by=actor_id,
    )
    session.add(consent)
    session.flush()
    record_change(
        session,
        actor_id=actor_id,
        record=consent,
        created=True,
        detail=f"photo consent from {details.relationship}, {USE_WORDS[details.use]}",
    )
    return consent.id


def current_consent(session: Session, *, child_id: str) -> PhotoConsent | None:
    """The child's consent in force (recorded, not withdrawn), the latest given if several.

    New photos go under it; each photo keeps the consent (and its use) it was taken under.
    """
    found = session.scalars(
        select(PhotoConsent)
        .where(
            PhotoConsent.child_id == child_id,
            PhotoConsent.deleted.is_(False),
            PhotoConsent.withdrawn_on.is_(None),
        )
        .order_by(PhotoConsent.given_on, PhotoConsent.created_at, *agreed_order(PhotoConsent))
    ).all()
    return found[-1] if found else None


def require_consent(session: Session, *, child_id: str) -> PhotoConsent:
    """The consent a new photo is taken under, or RuleRefused explaining why there is none."""
    consent = current_consent(session, child_id=child_id)
    if consent is None:
        raise RuleRefused(
            "A photo of a child needs recorded consent first. Ask the parent or carer (or the "
            "young person) and record who agreed, when, and whether photos may go in letters "
            "to the nursery or school (Photo consent…). Scans and PDFs need no photo consent."
        )
    return consent


def photos_under(session: Session, *, consent_id: str) -> list[Attachment]:
    """The live photos taken under one consent."""
    return list(
        session.scalars(
            select(Attachment).where(
                Attachment.consent_id == consent_id,
                Attachment.deleted.is_(False),
                Attachment.kind == AttachmentKind.PHOTO,
            )
        )
    )


def withdraw_consent(
    session: Session, *, consent_id: str, actor_id: str | None, today: date | None = None
) -> int:
    """Withdraw consent: the photos taken under it are deleted (tombstones that sync
    everywhere), so they leave the record and every future document. Returns how many."""
    consent = get_live(session, PhotoConsent, consent_id, what="photo consent")
    if consent.withdrawn_on is not None:
        raise RuleRefused("This consent was already withdrawn")
    consent.withdrawn_on = check_date(today or utcnow().date(), what="the date of withdrawal")
    consent.withdrawn_by = actor_id
    photos = photos_under(session, consent_id=consent.id)
    for photo in photos:
        photo.deleted = True
        record_change(
            session, actor_id=actor_id, record=photo, deleted=True,
            detail="photo deleted: consent withdrawn",
        )  # fmt: skip
    record_change(
        session,
        actor_id=actor_id,
        record=consent,
        detail=f"photo consent withdrawn; {len(photos)} photo(s) deleted",
    )
    session.flush()
    return len(photos)

"""A referral sent as FHIR (ServiceRequest + Patient, as a GP system sends it) onto the caseload.

The child is matched by NHS number, or created; the referral is received onto the waiting
list, to be accepted or declined. Anything wrong refuses the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.fhir.reading import FhirError, ReadBundle, missing_parts
from otvisit.fhir.record_import import nhs_number_of, official_name
from otvisit.models import Child, Team
from otvisit.models.vocabulary import ReferralPriority, ReferralSource
from otvisit.services import referrals

#: FHIR request priority → the waiting list's priority.
_PRIORITY = {
    "routine": ReferralPriority.ROUTINE,
    "urgent": ReferralPriority.SOON,
    "asap": ReferralPriority.URGENT,
    "stat": ReferralPriority.URGENT,
}


@dataclass(frozen=True, slots=True)
class ImportedReferral:
    child_id: str
    referral_id: str
    child_created: bool


def _reason(request: ServiceRequest) -> str:
    parts = [c.text or (c.coding[0].display if c.coding else "") for c in request.reasonCode or []]
    parts += [n.text for n in request.note or [] if n.text]
    return "\n".join(p for p in parts if p)


def _received_on(request: ServiceRequest, today: date) -> date:
    authored = request.authoredOn
    if authored is None:
        return today
    return authored.date() if isinstance(authored, datetime) else authored


def import_referral(
    session: Session, read: ReadBundle, *, team_id: str | None, actor_id: str | None, today: date
) -> ImportedReferral:
    """Match or create the child, then open the referral; refuse the whole file on any fault."""
    with missing_parts("the referral bundle"):
        return _import_referral(session, read, team_id=team_id, actor_id=actor_id, today=today)


def _referrer(read: ReadBundle, request: ServiceRequest) -> tuple[str, str]:
    """The referrer's name and address, when the bundle carries them."""
    if request.requester is None:
        return "", ""
    who = read.by_address.get(request.requester.reference or "")
    names = getattr(who, "name", None)
    if isinstance(names, list):  # a Practitioner
        name = names[0].text or " ".join([*(names[0].given or []), names[0].family or ""]).strip()
    else:  # an Organization
        name = names or ""
    addresses = getattr(who, "address", None) or []
    return name, (addresses[0].text or "") if addresses else ""


def _import_referral(
    session: Session, read: ReadBundle, *, team_id: str | None, actor_id: str | None, today: date
) -> ImportedReferral:
    requests = list(read.of_type(ServiceRequest))
    if len(requests) != 1:
        raise FhirError("a referral bundle must hold exactly one ServiceRequest")
    request = requests[0]
    patient = read.resolve(request.subject, Patient)
    number = nhs_number_of(patient)
    if patient.birthDate is None:
        raise FhirError("the Patient has no birth date")
    if team_id is None:
        team_id = session.scalars(select(Team.id).where(Team.deleted.is_(False))).first()
        if team_id is None:
            raise FhirError("there is no team on this laptop to take the referral")
    existing = session.scalars(
        select(Child).where(
            Child.nhs_number == number, Child.team_id == team_id, Child.deleted.is_(False)
        )
    ).first()
    if existing is not None and existing.date_of_birth != patient.birthDate:
        raise FhirError(
            f"a child with NHS number {number} is already on the caseload with another date of "
            f"birth ({existing.date_of_birth:%d %b %Y}, the referral says "
            f"{patient.birthDate:%d %b %Y}): check with the referrer before importing"
        )
    given, family, preferred = official_name(patient)
    referrer_name, referrer_address = _referrer(read, request)
    received = referrals.receive_referral(
        session,
        team_id=team_id,
        details=referrals.ReferralDetails(
            received_on=_received_on(request, today),
            # A FHIR referral comes from a GP system; the therapist can change the source.
            source=ReferralSource.GP,
            reason=_reason(request),
            priority=_PRIORITY.get(request.priority or "routine", ReferralPriority.ROUTINE),
            referrer_name=referrer_name,
            referrer_address=referrer_address,
            child=referrals.NewChild(
                given_name=given,
                family_name=family,
                date_of_birth=patient.birthDate,
                nhs_number=number,
                details={
                    "preferred_name": preferred,
                    "address": (patient.address[0].text or "") if patient.address else "",
                    "postcode": (patient.address[0].postalCode or "") if patient.address else "",
                },
            ),
        ),
        actor_id=actor_id,
        today=today,
    )
    return ImportedReferral(received.child_id, received.referral_id, received.child_created)

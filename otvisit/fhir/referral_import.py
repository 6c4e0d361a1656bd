"""A referral sent as FHIR (ServiceRequest + Patient, as a GP system sends it) onto the caseload.

The child is matched by NHS number, or created; the referral opens an episode of care in
the referred state, waiting to be accepted. Anything wrong refuses the whole file.
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
from otvisit.services import children, episodes


@dataclass(frozen=True, slots=True)
class ImportedReferral:
    child_id: str
    episode_id: str
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
    if existing is None:
        given, family, preferred = official_name(patient)
        child_id = children.create_child(
            session,
            team_id=team_id,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            date_of_birth=patient.birthDate,
            nhs_number=number,
            address=(patient.address[0].text or "") if patient.address else "",
            postcode=(patient.address[0].postalCode or "") if patient.address else "",
            actor_id=actor_id,
            today=today,
        )
    else:
        child_id = existing.id
    episode_id = episodes.open_referral(
        session,
        child_id=child_id,
        referred_on=_received_on(request, today),
        referral_reason=_reason(request),
        actor_id=actor_id,
    )
    return ImportedReferral(child_id, episode_id, existing is None)

"""The episode of care, appointments, and each signed session note with its addenda."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime, time
from functools import lru_cache

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.appointment import AppointmentParticipant
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.documentreference import (
    DocumentReference,
    DocumentReferenceContent,
    DocumentReferenceContext,
    DocumentReferenceRelatesTo,
)
from fhir.resources.R4B.encounter import Encounter, EncounterParticipant
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.period import Period

from otvisit.fhir import codes
from otvisit.fhir.elements import (
    coding,
    concept,
    derived_id,
    ext,
    own_concept,
    record_identifier,
    ref,
    snomed,
)
from otvisit.fhir.json_out import shared
from otvisit.models import Appointment, Episode, NoteAddendum, SessionNote
from otvisit.models.vocabulary import EpisodeStatus

_EPISODE_STATUS = {
    EpisodeStatus.REFERRED: "waitlist",
    EpisodeStatus.ACCEPTED: "waitlist",
    EpisodeStatus.OPEN: "active",
    EpisodeStatus.DISCHARGED: "finished",
}


def episode(record: Episode, team_id: str) -> EpisodeOfCare:
    extensions = [ext("episode-status", valueCode=record.status.value)]
    if record.referral_reason:
        extensions.append(ext("referral-reason", valueString=record.referral_reason))
    if record.accepted_on:
        extensions.append(ext("accepted-on", valueDate=record.accepted_on))
    if record.discharge_reason:
        extensions.append(
            ext(
                "discharge-reason",
                valueCodeableConcept=own_concept("discharge-reason", record.discharge_reason.value),
            )
        )
    if record.discharge_summary:
        extensions.append(ext("discharge-summary", valueString=record.discharge_summary))
    return EpisodeOfCare(
        id=record.id,
        identifier=[record_identifier(record.id)],
        status=_EPISODE_STATUS[record.status],
        type=[snomed(codes.OCCUPATIONAL_THERAPY)],
        patient=ref(record.child_id),
        managingOrganization=ref(team_id),
        period=Period(start=record.referred_on, end=record.discharged_on),
        careManager=ref(record.discharged_by_id) if record.discharged_by_id else None,
        extension=extensions,
    )


@lru_cache(maxsize=4096)
def _attending(record_id: str) -> AppointmentParticipant:
    """The child or the therapist at an appointment (built once per person, shared)."""
    return shared(AppointmentParticipant(actor=ref(record_id), status="accepted"))


@lru_cache(maxsize=4096)
def _note_author(record_id: str) -> EncounterParticipant:
    return shared(EncounterParticipant(individual=ref(record_id)))


@lru_cache(maxsize=8)
def _progress_note(text: str) -> CodeableConcept:
    """A session note's or an addendum's type (built once, shared)."""
    return shared(concept(coding(codes.LOINC, "11506-3", "Progress note"), text=text))


def appointment(record: Appointment) -> FhirAppointment:
    participants = [_attending(record.child_id)]
    if record.therapist_id:
        participants.append(_attending(record.therapist_id))
    extensions = [
        ext("appointment-status", valueCode=record.status.value),
        ext("place", valueCode=record.place.value),
        ext("family-reschedules", valueInteger=record.reschedule_count),
        ext("group-session", valueBoolean=record.group_session),
        ext("interpreter-booked", valueBoolean=record.interpreter_booked),
    ]
    if record.interpreter_language:
        extensions.append(ext("interpreter-language", valueCode=record.interpreter_language))
    if record.disrupted:
        extensions.append(ext("disruption", valueString=record.disruption_reason or "disrupted"))
    end = record.starts_at.timestamp() + record.duration_minutes * 60
    return FhirAppointment(
        id=record.id,
        identifier=[record_identifier(record.id)],
        status=codes.APPOINTMENT_STATUS[record.status],
        serviceType=[snomed(codes.OCCUPATIONAL_THERAPY)],
        appointmentType=own_concept("appointment-type", record.kind.value, record.kind.value),
        start=record.starts_at,
        end=datetime.fromtimestamp(end, tz=record.starts_at.tzinfo),
        minutesDuration=record.duration_minutes,
        comment=record.notes or None,
        participant=participants,
        extension=extensions,
    )


def _text_attachment(text: str, title: str, created: datetime | None) -> Attachment:
    return Attachment(
        contentType="text/plain; charset=utf-8",
        language="en",
        data=base64.b64encode(text.encode("utf-8")),
        title=title,
        creation=created,
    )


def note_text(note: SessionNote) -> str:
    """What the session note says, as one text: the body, then the plan."""
    parts = [note.body.strip()]
    if note.plan.strip():
        parts.append(f"Plan: {note.plan.strip()}")
    return "\n\n".join(p for p in parts if p)


def encounter_id(note: SessionNote) -> str:
    return derived_id(note.id, "encounter")


def encounter(note: SessionNote) -> Encounter:
    klass, display = codes.ENCOUNTER_CLASS[note.place]
    return Encounter(
        id=encounter_id(note),
        status="finished",
        class_fhir=coding(codes.ACT_CODE, klass, display),
        serviceType=snomed(codes.OCCUPATIONAL_THERAPY),
        subject=ref(note.child_id),
        episodeOfCare=[ref(note.episode_id)] if note.episode_id else None,
        appointment=[ref(note.appointment_id)] if note.appointment_id else None,
        participant=[_note_author(note.author_id)],
        period=Period(start=note.seen_on, end=note.seen_on),
        extension=[ext("place", valueCode=note.place.value)],
    )


def note_document(note: SessionNote) -> DocumentReference:
    """A signed session note: its text, author and signed time."""
    signed_at = note.signed_at or datetime.combine(note.seen_on, time())
    extensions = [
        ext("seen-on", valueDate=note.seen_on),
        *[ext("goal-addressed", valueReference=ref(g)) for g in note.goals_addressed],
        *[ext("strategy-given", valueCode=s) for s in note.strategies_given],
    ]
    if note.interpreter_language:
        extensions.append(ext("interpreter-language", valueCode=note.interpreter_language))
    if note.plan:
        extensions.append(ext("note-plan", valueString=note.plan))
    return DocumentReference(
        id=note.id,
        identifier=[record_identifier(note.id)],
        status="current",
        docStatus="final",
        type=_progress_note("Session note"),
        category=[snomed(codes.OCCUPATIONAL_THERAPY)],
        subject=ref(note.child_id),
        date=signed_at,
        author=[ref(note.author_id)],
        authenticator=ref(note.signed_by_id or note.author_id),
        description=note.body[:200] or None,
        content=[
            DocumentReferenceContent(
                attachment=_text_attachment(note_text(note), "Session note", signed_at)
            )
        ],
        context=DocumentReferenceContext(encounter=[ref(encounter_id(note))]),
        extension=extensions,
    )


def addendum_document(addendum: NoteAddendum) -> DocumentReference:
    return DocumentReference(
        id=addendum.id,
        identifier=[record_identifier(addendum.id)],
        status="current",
        docStatus="amended",
        type=_progress_note("Addendum"),
        subject=ref(addendum.child_id),
        date=addendum.written_at,
        author=[ref(addendum.author_id)],
        relatesTo=[
            DocumentReferenceRelatesTo(code=codes.DOCUMENT_RELATION, target=ref(addendum.note_id))
        ],
        content=[
            DocumentReferenceContent(
                attachment=_text_attachment(addendum.text, "Addendum", addendum.written_at)
            )
        ],
    )


def signed_notes(notes: Sequence[SessionNote]) -> list[SessionNote]:
    """Only signed notes leave the laptop: a draft is not yet part of the record."""
    return [note for note in notes if note.signed_at is not None]

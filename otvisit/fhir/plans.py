"""Equipment recommendations, the home programme and printed documents, as FHIR."""

from __future__ import annotations

from collections.abc import Sequence

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.devicerequest import DeviceRequest, DeviceRequestParameter
from fhir.resources.R4B.documentreference import DocumentReference, DocumentReferenceContent
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity

from otvisit.fhir import codes
from otvisit.fhir.elements import concept, ext, own_concept, record_identifier, ref
from otvisit.models import (
    EquipmentRecommendation,
    HomeProgramme,
    PrintedDocument,
    ProgrammeStrategy,
)

#: The clinical text of a recommendation that travels as notes, each under its own heading.
_EQUIPMENT_NOTES = ("fitting_notes", "alternatives_tried", "safety_notes", "training_notes")


def device_request(item: EquipmentRecommendation) -> DeviceRequest:
    extensions = [
        ext("equipment-status", valueCode=item.status.value),
        ext("setting", valueCode=item.setting.value),
        ext("funder", valueCode=item.funder.value),
        *[ext("copy-to", valueCode=who) for who in item.copy_to],
    ]
    if item.provider:
        extensions.append(ext("provider", valueString=item.provider))
    if item.review_on:
        extensions.append(ext("review-on", valueDate=item.review_on))
    notes = [
        ext(f"equipment-{name.replace('_', '-')}", valueString=getattr(item, name))
        for name in _EQUIPMENT_NOTES
        if getattr(item, name)
    ]
    return DeviceRequest(
        id=item.id,
        identifier=[record_identifier(item.id)],
        status=codes.DEVICE_REQUEST_STATUS[item.status],
        intent="proposal",
        codeCodeableConcept=concept(text=item.item),
        subject=ref(item.child_id),
        authoredOn=item.recommended_on,
        requester=ref(item.therapist_id) if item.therapist_id else None,
        reasonCode=[concept(text=item.functional_need)] if item.functional_need else None,
        reasonReference=[ref(item.goal_id)] if item.goal_id else None,
        parameter=[
            DeviceRequestParameter(
                code=own_concept("measurement", name, name.replace("_", " ")),
                valueQuantity=Quantity(
                    value=value, unit="cm", system="http://unitsofmeasure.org", code="cm"
                ),
            )
            for name, value in sorted(item.measurements.items())
        ]
        or None,
        note=[
            Annotation(text=getattr(item, name)) for name in _EQUIPMENT_NOTES if getattr(item, name)
        ]
        or None,
        extension=extensions + notes,
    )


def care_plan(programme: HomeProgramme, strategies: Sequence[ProgrammeStrategy]) -> CarePlan:
    activities = []
    for chosen in sorted(strategies, key=lambda s: (s.position, s.id)):
        detail_extensions = [ext("programme-strategy", valueString=chosen.id)]
        if chosen.personal_note:
            detail_extensions.append(ext("personal-note", valueString=chosen.personal_note))
        activities.append(
            CarePlanActivity(
                detail=CarePlanActivityDetail(
                    kind="ServiceRequest",
                    code=own_concept("strategy", chosen.strategy_slug, chosen.strategy_slug),
                    goal=[ref(chosen.goal_id)] if chosen.goal_id else None,
                    status="in-progress",
                    scheduledString=chosen.how_often or None,
                    description=chosen.personal_note or None,
                    extension=detail_extensions,
                )
            )
        )
    goals = sorted({s.goal_id for s in strategies if s.goal_id})
    return CarePlan(
        id=programme.id,
        identifier=[record_identifier(programme.id)],
        status="active",
        intent="plan",
        title=programme.title,
        description=programme.this_week or None,
        subject=ref(programme.child_id),
        period=Period(start=programme.started_on, end=programme.review_on),
        goal=[ref(g) for g in goals] or None,
        activity=activities or None,
    )


def printed_document(document: PrintedDocument) -> DocumentReference:
    """A PDF printed for the child, referred to by its SHA-256 (the PDF stays on the laptop)."""
    identifiers = [record_identifier(document.id)]
    if document.sha256:
        identifiers.append(Identifier(system=codes.own_identifier("sha256"), value=document.sha256))
    return DocumentReference(
        id=document.id,
        identifier=identifiers,
        status="current",
        type=own_concept("document-kind", document.kind, document.title),
        subject=ref(document.child_id),
        date=document.created_at,
        author=[ref(document.made_by_id)] if document.made_by_id else None,
        content=[
            DocumentReferenceContent(
                attachment=Attachment(
                    contentType="application/pdf",
                    language=document.language,
                    title=document.title,
                )
            )
        ],
        extension=[ext("large-print", valueBoolean=document.large_print)],
    )

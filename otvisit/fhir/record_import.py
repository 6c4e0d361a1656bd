"""A child's record from an otvisit FHIR Bundle, rebuilt through the same services as typing it.

Used to move a child between otvisit teams or laptops and to prove the export loses nothing.
Every value passes the services' own checks; one failure writes nothing (the caller's
transaction is rolled back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fhir.resources.R4B.devicerequest import DeviceRequest
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.fhir import codes
from otvisit.fhir.elements import ext_value, own_code
from otvisit.fhir.reading import FhirError, ReadBundle, missing_parts
from otvisit.models import Team, Therapist
from otvisit.models.vocabulary import EquipmentStatus, Funder, GoalStatus, Place
from otvisit.services import children, copm, equipment, goals, notes
from otvisit.services.nhs_number import is_valid_nhs_number, normalise_nhs_number

_GOAL_STATUS = {fhir: ours for ours, fhir in codes.GOAL_LIFECYCLE.items()}
_LOINC_LEVEL = {code: level for level, (code, _) in codes.GAS_ANSWERS.items()}


@dataclass(frozen=True, slots=True)
class ImportedRecord:
    child_id: str
    goals: int
    ratings: int
    notes: int
    equipment: int


def _record_id(resource: object) -> str | None:
    for identifier in getattr(resource, "identifier", None) or []:
        if identifier.system == codes.own_identifier("record"):
            return str(identifier.value)
    return None


def nhs_number_of(patient: Patient) -> str:
    numbers = [i.value for i in patient.identifier or [] if i.system == codes.NHS_NUMBER]
    if not numbers:
        raise FhirError(f"the Patient has no identifier with the system {codes.NHS_NUMBER}")
    number = str(numbers[0])
    if not is_valid_nhs_number(number):
        raise FhirError(f"the NHS number {number!r} fails its check digit")
    return normalise_nhs_number(number)


def official_name(patient: Patient) -> tuple[str, str, str]:
    names = patient.name or []
    official = next((n for n in names if n.use == "official"), names[0] if names else None)
    if official is None or not official.family or not official.given:
        raise FhirError("the Patient has no name with a given and a family name")
    usual = next((n for n in names if n.use == "usual" and n.given), None)
    return official.given[0], official.family, usual.given[0] if usual else ""


def _interpreter(patient: Patient) -> dict[str, str]:
    for extension in patient.extension or []:
        if extension.url != codes.UK_NHS_COMMUNICATION:
            continue
        for part in extension.extension or []:
            if part.url == "language" and part.valueCodeableConcept.coding:
                return {"interpreter_language": str(part.valueCodeableConcept.coding[0].code)}
    return {}


def _telecom(resource: object, system: str) -> str:
    points = getattr(resource, "telecom", None) or []
    return next((str(t.value) for t in points if t.system == system), "")


def _setting(read: ReadBundle, patient: Patient) -> dict[str, str]:
    reference = ext_value(patient.extension, "setting", "Reference")
    if reference is None:
        return {}
    setting = read.resolve(reference, Organization)
    contact = (setting.contact or [None])[0]
    return {
        "setting_type": own_code((setting.type or [None])[0], "setting-type") or "school",
        "setting_name": setting.name or "",
        "setting_address": (setting.address[0].text or "") if setting.address else "",
        "setting_contact_name": (contact.name.text or "") if contact and contact.name else "",
        "setting_contact_role": (contact.purpose.text or "") if contact and contact.purpose else "",
        "setting_contact_phone": _telecom(contact, "phone"),
        "setting_contact_email": _telecom(contact, "email"),
    }


def _gp(read: ReadBundle, patient: Patient) -> dict[str, str]:
    found: dict[str, str] = {}
    for reference in patient.generalPractitioner or []:
        target = read.by_address.get(reference.reference or "")
        if isinstance(target, Organization):
            found["gp_practice"] = target.name or ""
            found["gp_address"] = (target.address[0].text or "") if target.address else ""
            found["gp_phone"] = _telecom(target, "phone")
        elif isinstance(target, Practitioner):
            found["gp_name"] = (target.name[0].text or "") if target.name else ""
            found.setdefault("gp_phone", _telecom(target, "phone"))
        else:
            raise FhirError("the Patient's GP reference does not point at a GP in this bundle")
    return found


def _patient(read: ReadBundle) -> Patient:
    patients = list(read.of_type(Patient))
    if len({p.id for p in patients}) != 1:
        raise FhirError("the bundle must hold exactly one Patient")
    return patients[0]


def _team(session: Session, read: ReadBundle, team_id: str | None) -> str:
    if team_id is not None:
        return team_id
    existing = session.scalars(select(Team.id).where(Team.deleted.is_(False))).first()
    if existing is not None:
        return str(existing)
    for organization in read.of_type(Organization):
        if _record_id(organization):
            team = Team(id=_record_id(organization), name=organization.name or "Team")
            session.add(team)
            return team.id
    raise FhirError("there is no team on this laptop to import the child into")


def _staff(session: Session, read: ReadBundle, team_id: str) -> dict[str, str]:
    """Bundle address of each practitioner → a therapist of this team (added when missing)."""
    found: dict[str, str] = {}
    for address, practitioner in read.by_address.items():
        if not isinstance(practitioner, Practitioner) or _record_id(practitioner) is None:
            continue
        therapist_id = str(_record_id(practitioner))
        if session.get(Therapist, therapist_id) is None:
            name = (practitioner.name or [None])[0]
            session.add(
                Therapist(
                    id=therapist_id,
                    team_id=team_id,
                    full_name=(name.text if name and name.text else "Former team member"),
                )
            )
            session.flush()
        found[address] = therapist_id
    return found


def _text(document: DocumentReference) -> str:
    data = document.content[0].attachment.data if document.content else None
    # fhir.resources hands base64Binary back already decoded
    return bytes(data).decode("utf-8") if data else ""


def _level(value: object) -> int:
    own = own_code(value, "gas-level")  # type: ignore[arg-type]
    if own is not None:
        return int(own)
    for item in getattr(value, "coding", None) or []:
        if item.system == codes.LOINC and item.code in _LOINC_LEVEL:
            return _LOINC_LEVEL[item.code]
    raise FhirError("a GAS rating has no level otvisit can read")


def _components(observation: Observation) -> dict[str, int]:
    return {
        str(own_code(c.code, "copm")): int(c.valueInteger)
        for c in observation.component or []
        if c.valueInteger is not None
    }


def import_record(
    session: Session, read: ReadBundle, *, actor_id: str | None, team_id: str | None = None
) -> ImportedRecord:
    """Create the child and their goals, ratings, COPM, signed notes and equipment."""
    with missing_parts("the record bundle"):
        return _import_record(session, read, actor_id=actor_id, team_id=team_id)


def _import_record(
    session: Session, read: ReadBundle, *, actor_id: str | None, team_id: str | None
) -> ImportedRecord:
    patient = _patient(read)
    given, family, preferred = official_name(patient)
    if patient.birthDate is None:
        raise FhirError("the Patient has no birth date")
    team = _team(session, read, team_id)
    staff = _staff(session, read, team)
    child_id = children.create_child(
        session,
        team_id=team,
        given_name=given,
        family_name=family,
        preferred_name=preferred,
        date_of_birth=patient.birthDate,
        nhs_number=nhs_number_of(patient),
        address=(patient.address[0].text or "") if patient.address else "",
        postcode=(patient.address[0].postalCode or "") if patient.address else "",
        spoken_language=ext_value(patient.extension, "spoken-language", "Code") or "en",
        written_language=ext_value(patient.extension, "written-language", "Code") or "en",
        interpreter_needed=any(
            e.url == codes.INTERPRETER_REQUIRED and e.valueBoolean for e in patient.extension or []
        ),
        access_needs=[
            str(e.valueCode)
            for e in patient.extension or []
            if e.url == codes.own_extension("access-need")
        ],
        access_notes=ext_value(patient.extension, "access-notes", "String") or "",
        actor_id=actor_id,
        **_interpreter(patient),
        **_setting(read, patient),
        **_gp(read, patient),
    )
    for contact in patient.contact or []:
        children.add_carer(
            session,
            child_id=child_id,
            full_name=contact.name.text if contact.name else "",
            relationship=(contact.relationship[0].text or "Parent")
            if contact.relationship
            else "Parent",
            phone=next((t.value for t in contact.telecom or [] if t.system == "phone"), ""),
            email=next((t.value for t in contact.telecom or [] if t.system == "email"), ""),
            parental_responsibility=bool(
                ext_value(contact.extension, "parental-responsibility", "Boolean")
            ),
            main_contact=bool(ext_value(contact.extension, "main-contact", "Boolean")),
            actor_id=actor_id,
        )
    made_goals: dict[int, str] = {}
    goal_ids: dict[str, str] = {}
    for address, goal in read.by_address.items():
        if not isinstance(goal, FhirGoal):
            continue
        if id(goal) not in made_goals:
            made_goals[id(goal)] = _import_goal(session, goal, child_id=child_id, actor_id=actor_id)
        goal_ids[address] = made_goals[id(goal)]
    ratings = 0
    for observation in read.of_type(Observation):
        codings = observation.code.coding or []
        is_gas = any(c.system == codes.LOINC and c.code == codes.GAS_LOINC[0] for c in codings)
        if is_gas and observation.focus:
            target = read.resolve(observation.focus[0], FhirGoal)
            goals.rate_goal(
                session,
                goal_id=made_goals[id(target)],
                level=_level(observation.valueCodeableConcept),
                rated_on=_as_date(observation.effectiveDateTime),
                comment=observation.note[0].text if observation.note else "",
                actor_id=actor_id,
                today=_as_date(observation.effectiveDateTime),
            )
            ratings += 1
        elif own_code(observation.code, "copm") == "problem":
            scores = _components(observation)
            goal_id = None
            if observation.focus:
                goal_id = made_goals[id(read.resolve(observation.focus[0], FhirGoal))]
            problem = copm.add_copm_problem(
                session,
                child_id=child_id,
                occupation=observation.valueString or "",
                baseline_on=_as_date(observation.effectivePeriod.start),
                performance=scores["performance-before"],
                satisfaction=scores["satisfaction-before"],
                importance=scores.get("importance"),
                goal_id=goal_id,
                actor_id=actor_id,
            )
            if observation.effectivePeriod.end and "performance-after" in scores:
                copm.reassess_copm_problem(
                    session,
                    problem_id=problem,
                    reassessed_on=_as_date(observation.effectivePeriod.end),
                    performance=scores["performance-after"],
                    satisfaction=scores["satisfaction-after"],
                    actor_id=actor_id,
                )
    note_count = _import_notes(session, read, child_id=child_id, staff=staff, goal_ids=goal_ids)
    made_equipment = 0
    for request in read.of_type(DeviceRequest):
        _import_equipment(
            session,
            read,
            request,
            child_id=child_id,
            staff=staff,
            goal_ids=goal_ids,
            actor_id=actor_id,
        )
        made_equipment += 1
    return ImportedRecord(child_id, len(made_goals), ratings, note_count, made_equipment)


def _import_goal(session: Session, goal: FhirGoal, *, child_id: str, actor_id: str | None) -> str:
    levels = {}
    for extension in goal.extension or []:
        if extension.url == codes.own_extension("gas-level"):
            parts = {e.url: e for e in extension.extension or []}
            levels[int(parts["level"].valueInteger)] = str(parts["text"].valueString)
    goal_id = goals.create_goal(
        session,
        child_id=child_id,
        wording=goal.description.text or "",
        levels=levels,
        set_on=goal.startDate or date.today(),
        baseline=int(ext_value(goal.extension, "gas-baseline", "Integer") or -1),
        weight=float(ext_value(goal.extension, "gas-weight", "Decimal") or 1.0),
        area=(own_code(goal.category[0], "goal-area") or "") if goal.category else "",
        actor_id=actor_id,
    )
    status = _GOAL_STATUS.get(goal.lifecycleStatus, GoalStatus.ACTIVE)
    if status is not GoalStatus.ACTIVE:
        goals.update_goal(session, goal_id=goal_id, changes={"status": status}, actor_id=actor_id)
    return goal_id


def _as_date(value: date | datetime | None) -> date:
    if value is None:
        raise FhirError("a dated resource has no date")
    return value.date() if isinstance(value, datetime) else value


def _author(read: ReadBundle, document: DocumentReference, staff: dict[str, str]) -> str:
    if not document.author:
        raise FhirError("a session note has no author")
    address = document.author[0].reference or ""
    read.resolve(document.author[0], Practitioner)
    if address not in staff:
        raise FhirError("a session note's author is not a member of staff in this bundle")
    return staff[address]


def _import_notes(
    session: Session,
    read: ReadBundle,
    *,
    child_id: str,
    staff: dict[str, str],
    goal_ids: dict[str, str],
) -> int:
    made: dict[int, str] = {}
    documents = list(read.of_type(DocumentReference))
    for document in documents:
        if document.docStatus != "final" or document.relatesTo:
            continue
        if not any(
            c.code == "11506-3" for c in (document.type.coding if document.type else []) or []
        ):
            continue
        author = _author(read, document, staff)
        plan = ext_value(document.extension, "note-plan", "String") or ""
        text = _text(document)
        suffix = f"\n\nPlan: {plan.strip()}"
        body = text[: -len(suffix)] if plan and text.endswith(suffix) else text
        seen_on = ext_value(document.extension, "seen-on", "Date") or _as_date(document.date)
        place = Place.HOME
        if document.context and document.context.encounter:
            encounter = read.by_address.get(document.context.encounter[0].reference or "")
            place = Place(
                ext_value(getattr(encounter, "extension", None), "place", "Code") or "home"
            )
        addressed = [
            goal_ids[e.valueReference.reference]
            for e in document.extension or []
            if e.url == codes.own_extension("goal-addressed")
            and e.valueReference.reference in goal_ids
        ]
        note_id = notes.create_note(
            session,
            child_id=child_id,
            author_id=author,
            seen_on=seen_on,
            place=place,
            interpreter_language=ext_value(document.extension, "interpreter-language", "Code")
            or "",
            goals_addressed=addressed,
            strategies_given=[
                str(e.valueCode)
                for e in document.extension or []
                if e.url == codes.own_extension("strategy-given")
            ],
            body=body,
            plan=plan,
        )
        notes.sign_note(session, note_id=note_id, actor_id=author, now=document.date)
        made[id(document)] = note_id
    for document in documents:
        if not document.relatesTo:
            continue
        target = read.resolve(document.relatesTo[0].target, DocumentReference)
        if id(target) not in made:
            raise FhirError("an addendum points at a note that is not a signed session note")
        notes.add_addendum(
            session,
            note_id=made[id(target)],
            author_id=_author(read, document, staff),
            text=_text(document),
            now=document.date,
        )
    return len(made)


def _import_equipment(
    session: Session,
    read: ReadBundle,
    request: DeviceRequest,
    *,
    child_id: str,
    staff: dict[str, str],
    goal_ids: dict[str, str],
    actor_id: str | None,
) -> None:
    def note(name: str) -> str:
        return str(ext_value(request.extension, f"equipment-{name}", "String") or "")

    goal_id = None
    if request.reasonReference:
        read.resolve(request.reasonReference[0], FhirGoal)
        goal_id = goal_ids.get(request.reasonReference[0].reference or "")
    requester = staff.get(request.requester.reference or "") if request.requester else None
    recommendation = equipment.recommend_equipment(
        session,
        child_id=child_id,
        item=request.codeCodeableConcept.text or "",
        setting=Place(ext_value(request.extension, "setting", "Code") or "school"),
        functional_need=request.reasonCode[0].text if request.reasonCode else "",
        recommended_on=_as_date(request.authoredOn),
        measurements={
            str(own_code(p.code, "measurement")): float(p.valueQuantity.value)
            for p in request.parameter or []
            if p.valueQuantity is not None
        },
        goal_id=goal_id,
        funder=Funder(ext_value(request.extension, "funder", "Code") or "school"),
        provider=ext_value(request.extension, "provider", "String") or "",
        alternatives_tried=note("alternatives-tried"),
        fitting_notes=note("fitting-notes"),
        safety_notes=note("safety-notes"),
        training_notes=note("training-notes"),
        review_on=ext_value(request.extension, "review-on", "Date"),
        copy_to=[
            str(e.valueCode)
            for e in request.extension or []
            if e.url == codes.own_extension("copy-to")
        ],
        therapist_id=requester,
        actor_id=actor_id,
    )
    status = EquipmentStatus(
        ext_value(request.extension, "equipment-status", "Code") or "recommended"
    )
    order = list(EquipmentStatus)
    for step in order[1 : order.index(status) + 1]:
        equipment.advance_equipment_status(
            session, recommendation_id=recommendation, status=step, actor_id=actor_id
        )

"""One child's record as a FHIR R4 ``collection`` Bundle, every resource validated on the way."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.fhir import care, outcomes, people, plans
from otvisit.fhir.elements import derived_id, full_url
from otvisit.fhir.json_out import to_json
from otvisit.models import (
    Appointment,
    Carer,
    Child,
    CopmProblem,
    Episode,
    EquipmentRecommendation,
    GasRating,
    Goal,
    HomeProgramme,
    NoteAddendum,
    PrintedDocument,
    ProgrammeStrategy,
    SessionNote,
    Team,
    Therapist,
)
from otvisit.models.base import SyncedRecord, utcnow
from otvisit.models.vocabulary import AuditAction
from otvisit.services.audit import record_access
from otvisit.services.errors import NotFound

R = TypeVar("R", bound=SyncedRecord)

_pausing = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while an export builds its models.

    An export makes thousands of small objects that live until it ends; the collector would
    otherwise walk every object of the process again and again meanwhile (about a sixth of a
    caseload export's time). Nothing is skipped: what became garbage is collected as usual
    once the last export running in the process has finished. Threads share the count.
    """
    global _paused, _was_enabled
    with _pausing:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """Everything of one child that leaves in an export, read in one transaction."""

    child: Child
    team: Team | None
    carers: list[Carer]
    staff: list[Therapist]
    episodes: list[Episode]
    appointments: list[Appointment]
    goals: list[Goal]
    ratings: list[GasRating]
    copm: list[CopmProblem]
    notes: list[SessionNote]
    addenda: list[NoteAddendum]
    equipment: list[EquipmentRecommendation]
    programmes: list[HomeProgramme]
    programme_strategies: list[ProgrammeStrategy]
    documents: list[PrintedDocument]


def _live(session: Session, model: type[R], child_id: str) -> list[R]:
    column: Any = model.child_id  # type: ignore[attr-defined]
    rows = session.scalars(
        select(model).where(column == child_id, model.deleted.is_(False)).order_by(model.id)
    )
    return list(rows)


def read_child_record(session: Session, *, child_id: str) -> ChildRecord:
    child = session.get(Child, child_id)
    if child is None or child.deleted:
        raise NotFound("That child is not on this laptop.")
    notes = care.signed_notes(_live(session, SessionNote, child_id))
    signed_ids = {note.id for note in notes}
    addenda = [a for a in _live(session, NoteAddendum, child_id) if a.note_id in signed_ids]
    appointments = _live(session, Appointment, child_id)
    equipment = _live(session, EquipmentRecommendation, child_id)
    staff_ids = {n.author_id for n in notes} | {n.signed_by_id for n in notes if n.signed_by_id}
    staff_ids |= {a.author_id for a in addenda} | {
        a.therapist_id for a in appointments if a.therapist_id
    }
    staff_ids |= {e.therapist_id for e in equipment if e.therapist_id}
    episodes = _live(session, Episode, child_id)
    staff_ids |= {e.discharged_by_id for e in episodes if e.discharged_by_id}
    documents = _live(session, PrintedDocument, child_id)
    staff_ids |= {d.made_by_id for d in documents if d.made_by_id}
    staff_ids.discard(None)  # type: ignore[arg-type]
    staff = list(
        session.scalars(select(Therapist).where(Therapist.id.in_(staff_ids)).order_by(Therapist.id))
    )
    return ChildRecord(
        child=child,
        team=session.get(Team, child.team_id),
        carers=_live(session, Carer, child_id),
        staff=staff,
        episodes=episodes,
        appointments=appointments,
        goals=_live(session, Goal, child_id),
        ratings=_live(session, GasRating, child_id),
        copm=_live(session, CopmProblem, child_id),
        notes=notes,
        addenda=addenda,
        equipment=equipment,
        programmes=_live(session, HomeProgramme, child_id),
        programme_strategies=_live(session, ProgrammeStrategy, child_id),
        documents=documents,
    )


def record_resources(record: ChildRecord, *, on: date) -> list[Resource]:
    """Every resource of the record, Patient first, in a stable order."""
    child = record.child
    found: list[Resource] = [people.patient(child, record.carers), *people.gp_resources(child)]
    setting = people.setting_organization(child)
    if setting is not None:
        found.append(setting)
    if record.team is not None:
        found.append(people.team_organization(record.team))
    found += [people.staff_practitioner(t) for t in record.staff]
    team_id = record.team.id if record.team is not None else child.team_id
    found += [care.episode(e, team_id) for e in record.episodes]
    found += [care.appointment(a) for a in record.appointments]
    for note in record.notes:
        found += [care.encounter(note), care.note_document(note)]
    found += [care.addendum_document(a) for a in record.addenda]
    ratings_by_goal: dict[str, list[GasRating]] = {}
    for rating in record.ratings:
        ratings_by_goal.setdefault(rating.goal_id, []).append(rating)
    found += [outcomes.goal(g, ratings_by_goal.get(g.id, [])) for g in record.goals]
    found += [outcomes.gas_rating(r) for r in record.ratings]
    score = outcomes.t_score(child.id, record.goals, record.ratings, on=on)
    if score is not None:
        found.append(score)
    found += [outcomes.copm(p) for p in record.copm]
    found += [plans.device_request(e) for e in record.equipment]
    for programme in record.programmes:
        chosen = [s for s in record.programme_strategies if s.programme_id == programme.id]
        found.append(plans.care_plan(programme, chosen))
    found += [plans.printed_document(d) for d in record.documents]
    return found


def bundle_of(resources: Sequence[Resource], *, child: Child, at: datetime) -> Bundle:
    return Bundle(
        id=derived_id(child.id, "bundle", at.isoformat()),
        identifier=Identifier(
            system="urn:ietf:rfc:3986", value=f"urn:uuid:{derived_id(child.id, at.isoformat())}"
        ),
        type="collection",
        timestamp=at,
        entry=[BundleEntry(fullUrl=full_url(str(r.id)), resource=r) for r in resources],
    )


def export_child(
    session: Session, *, child_id: str, actor_id: str | None, at: datetime | None = None
) -> Bundle:
    """The child's record as a Bundle; the export is audited like a print."""
    at = at or utcnow()
    with collector_paused():
        record = read_child_record(session, child_id=child_id)
        bundle = bundle_of(record_resources(record, on=at.date()), child=record.child, at=at)
    record_access(
        session,
        action=AuditAction.EXPORT,
        entity="child",
        record_id=child_id,
        child_id=child_id,
        actor_id=actor_id,
        detail=f"FHIR bundle of {len(bundle.entry or [])} resources",
    )
    return bundle


def bundle_json(bundle: Bundle) -> str:
    """The Bundle as FHIR JSON text (no empty elements), ready to write."""
    with collector_paused():
        return to_json(bundle)

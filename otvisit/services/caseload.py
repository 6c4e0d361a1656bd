"""Read-side queries for the caseload screen: list, search as you type, today, a child's summary."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import (
    Appointment,
    Carer,
    Child,
    Episode,
    GasRating,
    Goal,
    HomeProgramme,
    LibraryStrategy,
    NoteAddendum,
    PrintedDocument,
    ProgrammeStrategy,
    SessionNote,
    SyncSetting,
    Team,
    Therapist,
)
from otvisit.models.base import agreed_order
from otvisit.models.vocabulary import AppointmentStatus, EpisodeStatus
from otvisit.services.errors import NotFound, ValidationError
from otvisit.services.nhs_number import format_nhs_number

#: What people put between the digits of an NHS number (spaces, dashes, dots, slashes).
NHS_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212./_]+")
#: SyncSetting keys naming who is signed in: the sync login's user (JSON), or a bare id.
SIGNED_IN_USER_KEY = "user"
SIGNED_IN_KEY = "therapist_id"
#: SyncSetting key: minutes without a key press or mouse move before the app locks itself.
LOCK_AFTER_KEY = "lock_after_minutes"
DEFAULT_LOCK_MINUTES = 5
#: Shortest and longest idle time a therapist may choose (a laptop left on a bus locks within it).
LOCK_MINUTES_RANGE = (1, 60)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One child as the caseload list shows them."""

    child_id: str
    name: str
    nhs_number: str
    date_of_birth: date
    setting_name: str
    therapist_id: str | None
    therapist_name: str
    interpreter_needed: bool
    interpreter_language: str
    episode_status: str
    discharge_proposed: bool
    next_appointment: datetime | None
    #: Lower-case name, school and NHS digits: what search as you type looks in.
    search_text: str

    @property
    def nhs_display(self) -> str:
        return format_nhs_number(self.nhs_number)


@dataclass(frozen=True, slots=True)
class CaseloadFilter:
    """What the therapist narrowed the list to."""

    text: str = ""
    therapist_id: str | None = None
    interpreter_only: bool = False
    include_discharged: bool = False
    setting: str = ""


@dataclass(frozen=True, slots=True)
class CarerSummary:
    name: str
    relationship: str
    phone: str
    email: str
    main_contact: bool


@dataclass(frozen=True, slots=True)
class ChildSummary:
    """Everything the overview section shows about one child."""

    child_id: str
    name: str
    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str
    address: str
    postcode: str
    spoken_language: str
    written_language: str
    interpreter_needed: bool
    interpreter_language: str
    access_needs: tuple[str, ...]
    setting_type: str
    setting_name: str
    setting_contact: str
    setting_phone: str
    setting_email: str
    gp: str
    therapist_name: str
    episode_id: str | None
    episode_status: str
    discharge_proposed_reason: str | None
    carers: tuple[CarerSummary, ...] = field(default_factory=tuple)

    @property
    def nhs_display(self) -> str:
        return format_nhs_number(self.nhs_number)


@dataclass(frozen=True, slots=True)
class TherapistRef:
    therapist_id: str
    name: str
    team_id: str


def _search_text(child: Child, setting_name: str) -> str:
    parts = [
        child.given_name,
        child.preferred_name,
        child.family_name,
        setting_name,
        child.nhs_number,
    ]
    return " ".join(part.lower() for part in parts if part)


def _latest_episodes(session: Session) -> dict[str, Episode]:
    """The newest episode of each child (the one the caseload is about)."""
    latest: dict[str, Episode] = {}
    rows = session.scalars(
        select(Episode).where(Episode.deleted.is_(False)).order_by(Episode.referred_on)
    )
    for episode in rows:
        latest[episode.child_id] = episode
    return latest


def _next_appointments(session: Session, *, now: datetime) -> dict[str, datetime]:
    query = (
        select(Appointment.child_id, func.min(Appointment.starts_at))
        .where(
            Appointment.deleted.is_(False),
            Appointment.status == AppointmentStatus.BOOKED.value,
            Appointment.starts_at >= now,
        )
        .group_by(Appointment.child_id)
    )
    result: dict[str, datetime] = {}
    for child_id, starts_at in session.execute(query):
        if isinstance(starts_at, str):  # aggregate results skip the column's type
            starts_at = datetime.fromisoformat(starts_at)
        if starts_at is not None:
            result[child_id] = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
    return result


def list_caseload(session: Session, *, now: datetime | None = None) -> list[CaseloadRow]:
    """Every child on this device with what the list shows; filtering happens in memory."""
    now = now or datetime.now(UTC)
    therapists = {t.id: t.full_name for t in session.scalars(select(Therapist))}
    episodes = _latest_episodes(session)
    upcoming = _next_appointments(session, now=now)
    rows: list[CaseloadRow] = []
    children = session.scalars(
        select(Child).where(Child.deleted.is_(False)).order_by(Child.family_name, Child.given_name)
    )
    for child in children:
        episode = episodes.get(child.id)
        rows.append(
            CaseloadRow(
                child_id=child.id,
                name=child.display_name,
                nhs_number=child.nhs_number,
                date_of_birth=child.date_of_birth,
                setting_name=child.setting_name,
                therapist_id=child.therapist_id,
                therapist_name=therapists.get(child.therapist_id or "", ""),
                interpreter_needed=child.interpreter_needed,
                interpreter_language=child.interpreter_language,
                episode_status=episode.status.value if episode else "",
                discharge_proposed=bool(episode and episode.discharge_proposed_reason),
                next_appointment=upcoming.get(child.id),
                search_text=_search_text(child, child.setting_name),
            )
        )
    return rows


def matches(row: CaseloadRow, criteria: CaseloadFilter) -> bool:
    """Whether a row passes: every word typed must appear in name, school or NHS number."""
    if criteria.therapist_id and row.therapist_id != criteria.therapist_id:
        return False
    if criteria.interpreter_only and not row.interpreter_needed:
        return False
    if not criteria.include_discharged and row.episode_status == EpisodeStatus.DISCHARGED.value:
        return False
    if criteria.setting and criteria.setting.lower() not in row.setting_name.lower():
        return False
    text = criteria.text.strip().lower()
    if not text:
        return True
    digits = NHS_SEPARATORS.sub("", text)
    if digits.isdigit():
        # NHS numbers are typed with any separator: 943 476 5919, 943-476-5919, 943.476.5919.
        return digits in row.nhs_number
    return all(word in row.search_text for word in text.split())


def filter_caseload(rows: list[CaseloadRow], criteria: CaseloadFilter) -> list[CaseloadRow]:
    return [row for row in rows if matches(row, criteria)]


def child_summary(session: Session, *, child_id: str) -> ChildSummary:
    """The overview of one child: contacts, language and interpreter, setting, GP, episode."""
    child = session.get(Child, child_id)
    if child is None or child.deleted:
        raise NotFound("This child is not on this laptop. Sync, or check with your team lead.")
    therapist = session.get(Therapist, child.therapist_id) if child.therapist_id else None
    episode = _latest_episodes_for(session, child_id)
    carers = session.scalars(
        select(Carer)
        .where(Carer.child_id == child_id, Carer.deleted.is_(False))
        .order_by(Carer.main_contact.desc(), Carer.full_name)
    )
    contact = ", ".join(p for p in (child.setting_contact_name, child.setting_contact_role) if p)
    gp = ", ".join(p for p in (child.gp_name, child.gp_practice, child.gp_phone) if p)
    return ChildSummary(
        child_id=child.id,
        name=child.display_name,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
        address=child.address,
        postcode=child.postcode,
        spoken_language=child.spoken_language,
        written_language=child.written_language,
        interpreter_needed=child.interpreter_needed,
        interpreter_language=child.interpreter_language,
        access_needs=tuple(child.access_needs or ()),
        setting_type=child.setting_type.value,
        setting_name=child.setting_name,
        setting_contact=contact,
        setting_phone=child.setting_contact_phone,
        setting_email=child.setting_contact_email,
        gp=gp,
        therapist_name=therapist.full_name if therapist else "",
        episode_id=episode.id if episode else None,
        episode_status=episode.status.value if episode else "",
        discharge_proposed_reason=(
            episode.discharge_proposed_reason.value
            if episode and episode.discharge_proposed_reason
            else None
        ),
        carers=tuple(
            CarerSummary(c.full_name, c.relationship, c.phone, c.email, c.main_contact)
            for c in carers
        ),
    )


def _latest_episodes_for(session: Session, child_id: str) -> Episode | None:
    return session.scalars(
        select(Episode)
        .where(Episode.child_id == child_id, Episode.deleted.is_(False))
        .order_by(Episode.referred_on.desc(), Episode.created_at.desc())
        .limit(1)
    ).first()


def list_therapists(session: Session) -> list[TherapistRef]:
    return [
        TherapistRef(t.id, t.full_name, t.team_id)
        for t in session.scalars(
            select(Therapist).where(Therapist.deleted.is_(False)).order_by(Therapist.full_name)
        )
    ]


def signed_in_therapist(session: Session) -> TherapistRef | None:
    """Who uses this laptop: the therapist the sync login recorded, else the first one on file."""
    therapist = None
    for candidate in _signed_in_ids(session):
        therapist = session.get(Therapist, candidate)
        if therapist is not None:
            break
    if therapist is None:
        therapist = session.scalars(
            select(Therapist).order_by(Therapist.created_at).limit(1)
        ).first()
    if therapist is None:
        return None
    return TherapistRef(therapist.id, therapist.full_name, therapist.team_id)


def _signed_in_ids(session: Session) -> list[str]:
    ids: list[str] = []
    user = session.get(SyncSetting, SIGNED_IN_USER_KEY)
    if user and user.value:
        try:
            therapist_id = json.loads(user.value).get("therapist_id")
        except (ValueError, AttributeError):
            therapist_id = None
        if isinstance(therapist_id, str):
            ids.append(therapist_id)
    bare = session.get(SyncSetting, SIGNED_IN_KEY)
    if bare and bare.value:
        ids.append(bare.value)
    return ids


def lock_after_minutes(session: Session) -> int:
    """How long this laptop may sit untouched before it locks (the default if unset or odd)."""
    setting = session.get(SyncSetting, LOCK_AFTER_KEY)
    try:
        minutes = int(setting.value) if setting is not None else DEFAULT_LOCK_MINUTES
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    low, high = LOCK_MINUTES_RANGE
    return minutes if low <= minutes <= high else DEFAULT_LOCK_MINUTES


def set_lock_after_minutes(session: Session, *, minutes: int) -> int:
    """Keep the idle time before locking, in whole minutes within LOCK_MINUTES_RANGE."""
    low, high = LOCK_MINUTES_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise ValidationError(f"Choose between {low} and {high} minutes before the laptop locks")
    setting = session.get(SyncSetting, LOCK_AFTER_KEY)
    if setting is None:
        session.add(SyncSetting(key=LOCK_AFTER_KEY, value=str(minutes)))
    else:
        setting.value = str(minutes)
    return minutes


def is_empty(session: Session) -> bool:
    """True when the store holds no team and no child yet (first start: the welcome screen)."""
    no_team = session.scalars(select(Team.id).limit(1)).first() is None
    return no_team and session.scalars(select(Child.id).limit(1)).first() is None


# --- Read-side views of one child's record (the lists the record's sections show) -------------


@dataclass(frozen=True, slots=True)
class GoalView:
    goal_id: str
    wording: str
    area: str
    set_on: date
    status: str
    levels: tuple[str, str, str, str, str]
    baseline: int
    weight: float
    #: The latest GAS rating (None: not rated yet, the goal counts at its baseline).
    latest_level: int | None
    #: Where the goal is worked on (home, nursery, school or all).
    setting: str = "all"
    #: The goal in the family's written language and that language's code ("" if none).
    family_wording: str = ""
    family_language: str = ""


@dataclass(frozen=True, slots=True)
class NoteView:
    note_id: str
    seen_on: date
    place: str
    author_id: str
    author_name: str
    attendees: tuple[dict[str, str], ...]
    interpreter_language: str
    goals_addressed: tuple[str, ...]
    strategies_given: tuple[str, ...]
    body: str
    plan: str
    signed_at: datetime | None
    #: (written at, author's name, text) of each addendum, oldest first.
    addenda: tuple[tuple[datetime, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentView:
    document_id: str
    kind: str
    title: str
    language: str
    large_print: bool
    made_at: datetime
    file_name: str


@dataclass(frozen=True, slots=True)
class StrategyChoice:
    slug: str
    title: str
    area: str
    summary: str


@dataclass(frozen=True, slots=True)
class ProgrammeView:
    programme_id: str
    title: str
    this_week: str
    #: (entry id, strategy slug, goal id) in printed order.
    entries: tuple[tuple[str, str, str | None], ...]
    review_on: date | None = None


def child_goals(session: Session, *, child_id: str) -> list[GoalView]:
    """The child's goals in the order they were set, with each one's latest GAS rating."""
    goals = session.scalars(
        select(Goal)
        .where(Goal.child_id == child_id, Goal.deleted.is_(False))
        .order_by(Goal.set_on, Goal.created_at)
    ).all()
    latest: dict[str, int] = {}
    ratings = session.scalars(
        select(GasRating)
        .where(GasRating.child_id == child_id, GasRating.deleted.is_(False))
        .order_by(GasRating.rated_on, *agreed_order(GasRating))
    )
    for rating in ratings:
        latest[rating.goal_id] = rating.level
    return [
        GoalView(
            g.id,
            g.wording,
            g.area,
            g.set_on,
            g.status.value,
            (g.gas_minus2, g.gas_minus1, g.gas_zero, g.gas_plus1, g.gas_plus2),
            g.gas_baseline,
            g.gas_weight,
            latest.get(g.id),
            g.setting.value,
            g.family_wording,
            g.family_language,
        )
        for g in goals
    ]


def child_notes(session: Session, *, child_id: str) -> list[NoteView]:
    """The child's session notes, newest first, each with its addenda."""
    names = {t.id: t.full_name for t in session.scalars(select(Therapist))}
    notes = session.scalars(
        select(SessionNote)
        .where(SessionNote.child_id == child_id, SessionNote.deleted.is_(False))
        .order_by(SessionNote.seen_on.desc(), SessionNote.created_at.desc())
    ).all()
    addenda: dict[str, list[tuple[datetime, str, str]]] = {}
    for addendum in session.scalars(
        select(NoteAddendum)
        .where(NoteAddendum.child_id == child_id, NoteAddendum.deleted.is_(False))
        .order_by(NoteAddendum.written_at)
    ):
        entry = (addendum.written_at, names.get(addendum.author_id, ""), addendum.text)
        addenda.setdefault(addendum.note_id, []).append(entry)
    return [
        NoteView(
            n.id,
            n.seen_on,
            n.place.value,
            n.author_id,
            names.get(n.author_id, ""),
            tuple(n.attendees or ()),
            n.interpreter_language,
            tuple(n.goals_addressed or ()),
            tuple(n.strategies_given or ()),
            n.body,
            n.plan,
            n.signed_at,
            tuple(addenda.get(n.id, ())),
        )
        for n in notes
    ]


def child_documents(session: Session, *, child_id: str) -> list[DocumentView]:
    """Every document made for the child on any device, newest first."""
    rows = session.scalars(
        select(PrintedDocument)
        .where(PrintedDocument.child_id == child_id, PrintedDocument.deleted.is_(False))
        .order_by(PrintedDocument.created_at.desc())
    )
    return [
        DocumentView(d.id, d.kind, d.title, d.language, d.large_print, d.created_at, d.file_name)
        for d in rows
    ]


def strategy_choices(session: Session, *, team_id: str | None = None) -> list[StrategyChoice]:
    """The team's strategy library, by area then title, to pick from in notes and programmes."""
    query = select(LibraryStrategy).where(LibraryStrategy.deleted.is_(False))
    if team_id:
        query = query.where(LibraryStrategy.team_id == team_id)
    seen: dict[str, StrategyChoice] = {}
    for s in session.scalars(query.order_by(LibraryStrategy.area, LibraryStrategy.title)):
        seen.setdefault(s.slug, StrategyChoice(s.slug, s.title, s.area, s.summary))
    return list(seen.values())


def child_programme(session: Session, *, child_id: str) -> ProgrammeView | None:
    """The child's newest home programme, or None."""
    programme = session.scalars(
        select(HomeProgramme)
        .where(HomeProgramme.child_id == child_id, HomeProgramme.deleted.is_(False))
        .order_by(HomeProgramme.started_on.desc(), HomeProgramme.created_at.desc())
        .limit(1)
    ).first()
    if programme is None:
        return None
    entries = session.scalars(
        select(ProgrammeStrategy)
        .where(ProgrammeStrategy.programme_id == programme.id, ProgrammeStrategy.deleted.is_(False))
        .order_by(ProgrammeStrategy.position)
    )
    return ProgrammeView(
        programme.id,
        programme.title,
        programme.this_week,
        tuple((e.id, e.strategy_slug, e.goal_id) for e in entries),
        programme.review_on,
    )

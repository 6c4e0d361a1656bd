"""Group sessions and parent coaching: book many families at once, mark the register, one note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, Team, new_id, utcnow
from otvisit.models.groups import (
    CoachingProgramme,
    GroupPlace,
    GroupSession,
    PlaceStatus,
    place_id,
)
from otvisit.models.vocabulary import AppointmentType, EpisodeStatus, Place
from otvisit.services.appointments import (
    FAMILY_RESCHEDULES_ALLOWED,
    LONGEST_MINUTES,
    SHORTEST_MINUTES,
)
from otvisit.services.audit import record_change
from otvisit.services.episodes import current_episode
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_moment, get_live, optional_text, required_text
from otvisit.services.team import therapist_in_team

#: The marks a register takes (moving a family is a reschedule, not a mark).
REGISTER_MARKS = (PlaceStatus.ATTENDED, PlaceStatus.CANCELLED, PlaceStatus.NOT_BROUGHT)
LARGEST_GROUP = 30


class GroupBooking(BaseModel):
    """What the therapist fills in to book a group session."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    team_id: str
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    place: Place
    location: str = Field(default="", max_length=300)
    kind: AppointmentType = AppointmentType.PARENT_COACHING
    duration_minutes: int = Field(default=60, ge=SHORTEST_MINUTES, le=LONGEST_MINUTES * 2)
    therapist_id: str | None = None
    programme_id: str | None = None
    capacity: int = Field(default=8, ge=1, le=LARGEST_GROUP)
    child_ids: tuple[str, ...] = ()


def _readable(error: PydanticError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]).replace("_", " ")
    return f"The {where} is not right: {first['msg']}"


def check_booking(values: dict[str, object]) -> GroupBooking:
    """The booking form's values checked, or ValidationError in words a therapist reads."""
    try:
        booking = GroupBooking.model_validate(values)
    except PydanticError as error:
        raise ValidationError(_readable(error)) from None
    check_moment(booking.starts_at, what="the session time")
    location = booking.location.strip()
    if booking.place is Place.VIRTUAL and not location.startswith("https://"):
        raise ValidationError("A virtual group needs its video link (starting https://)")
    if booking.place is not Place.VIRTUAL and not location:
        raise ValidationError("Please say where the group meets (room and address)")
    if len(set(booking.child_ids)) != len(booking.child_ids):
        raise ValidationError("A family is listed twice in this group")
    if len(booking.child_ids) > booking.capacity:
        raise RuleRefused(
            f"This group has {booking.capacity} places; {len(booking.child_ids)} families chosen"
        )
    return booking


def _family(session: Session, child_id: str, team_id: str) -> Child:
    child = get_live(session, Child, child_id, what="child")
    if child.team_id != team_id:
        raise ValidationError(f"{child.display_name} is not on this team's caseload")
    episode = current_episode(session, child_id=child_id)
    if episode is None or episode.status not in (EpisodeStatus.ACCEPTED, EpisodeStatus.OPEN):
        raise RuleRefused(
            f"{child.display_name} has no accepted referral, so cannot be booked into a group"
        )
    return child


def _new_place(session: Session, group: GroupSession, child: Child, count: int) -> GroupPlace:
    language = child.interpreter_language if child.interpreter_needed else ""
    record_id = place_id(group.id, child.id)
    existing = session.get(GroupPlace, record_id)
    if existing is not None and not existing.deleted:
        raise RuleRefused(f"{child.display_name} already has a place in this group")
    if existing is not None:  # taken out earlier: the same place comes back
        existing.deleted = False
        existing.status = PlaceStatus.BOOKED
        existing.reschedule_count = count
        existing.interpreter_language = language
        return existing
    place = GroupPlace(
        id=record_id,
        child_id=child.id,
        group_session_id=group.id,
        status=PlaceStatus.BOOKED,
        reschedule_count=count,
        interpreter_language=language,
    )
    session.add(place)
    return place


def _live_places(session: Session, group_id: str) -> list[GroupPlace]:
    return list(
        session.scalars(
            select(GroupPlace).where(
                GroupPlace.group_session_id == group_id, GroupPlace.deleted.is_(False)
            )
        )
    )


def _taken(places: Sequence[GroupPlace]) -> int:
    return sum(1 for p in places if p.status is not PlaceStatus.MOVED)


def create_programme(
    session: Session,
    *,
    team_id: str,
    title: str,
    starts_on: date,
    therapist_id: str | None = None,
    description: str = "",
    actor_id: str | None = None,
) -> str:
    """A coaching programme (a series of group sessions); returns its id."""
    get_live(session, Team, team_id, what="team")
    if therapist_id is not None:
        therapist_in_team(session, therapist_id=therapist_id, team_id=team_id)
    programme = CoachingProgramme(
        id=new_id(),
        team_id=team_id,
        title=required_text(title, what="the programme's title", max_length=200),
        starts_on=starts_on,
        therapist_id=therapist_id,
        description=optional_text(description, what="the description"),
    )
    session.add(programme)
    record_change(session, actor_id=actor_id, record=programme, created=True)
    return programme.id


def book_group_session(
    session: Session, *, booking: GroupBooking, actor_id: str | None = None
) -> str:
    """Book one group session with a place for each family; returns the session's id."""
    booking = check_booking(booking.model_dump())
    get_live(session, Team, booking.team_id, what="team")
    if booking.therapist_id is not None:
        therapist_in_team(session, therapist_id=booking.therapist_id, team_id=booking.team_id)
    if booking.programme_id is not None:
        programme = get_live(session, CoachingProgramme, booking.programme_id, what="programme")
        if programme.team_id != booking.team_id:
            raise ValidationError("That programme belongs to another team")
    families = [_family(session, child_id, booking.team_id) for child_id in booking.child_ids]
    group = GroupSession(
        id=new_id(),
        team_id=booking.team_id,
        programme_id=booking.programme_id,
        title=booking.title.strip(),
        kind=booking.kind,
        place=booking.place,
        location=booking.location.strip(),
        starts_at=booking.starts_at,
        duration_minutes=booking.duration_minutes,
        therapist_id=booking.therapist_id,
        capacity=booking.capacity,
    )
    session.add(group)
    record_change(session, actor_id=actor_id, record=group, created=True)
    for child in families:
        place = _new_place(session, group, child, 0)
        record_change(session, actor_id=actor_id, record=place, created=True)
    return group.id


def add_family(
    session: Session, *, group_session_id: str, child_id: str, actor_id: str | None = None
) -> str:
    """Give one more family a place in a booked group; returns the place's id."""
    group = _open_group(session, group_session_id)
    if _taken(_live_places(session, group.id)) >= group.capacity:
        raise RuleRefused(f"This group is full ({group.capacity} places)")
    child = _family(session, child_id, group.team_id)
    place = _new_place(session, group, child, 0)
    record_change(session, actor_id=actor_id, record=place, created=True)
    return place.id


def _open_group(session: Session, group_session_id: str) -> GroupSession:
    group = get_live(session, GroupSession, group_session_id, what="group session")
    if group.cancelled:
        raise RuleRefused("This group session has been cancelled")
    return group


def mark_register(
    session: Session,
    *,
    place_id: str,
    mark: PlaceStatus,
    actor_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """Mark one family on the register: attended, cancelled or not brought.

    A mark may be corrected (a family marked not brought who arrives late becomes
    attended); a family moved to another session is marked there instead.
    """
    try:
        mark = PlaceStatus(mark)
    except ValueError:
        raise ValidationError("Mark a family attended, cancelled or not brought") from None
    if mark not in REGISTER_MARKS:
        raise ValidationError("Mark a family attended, cancelled or not brought")
    place = get_live(session, GroupPlace, place_id, what="place in the group")
    if place.status is PlaceStatus.MOVED:
        raise RuleRefused("This family moved to another session: mark them on that register")
    group = get_live(session, GroupSession, place.group_session_id, what="group session")
    if mark is not PlaceStatus.CANCELLED and group.starts_at > (now or utcnow()):
        raise RuleRefused("The register can be marked once the session has started")
    if place.status is mark:
        return
    place.status = mark
    place.marked_by_id = actor_id
    record_change(session, actor_id=actor_id, record=place, detail=f"register: {mark.value}")


def write_group_note(
    session: Session, *, group_session_id: str, text: str, actor_id: str | None = None
) -> None:
    """The one note of the group, written once for all families (shown in each child's record)."""
    group = get_live(session, GroupSession, group_session_id, what="group session")
    group.note = required_text(text, what="the group note")
    group.note_by_id = actor_id
    record_change(session, actor_id=actor_id, record=group, detail="group note written")


def write_child_entry(
    session: Session, *, place_id: str, text: str, actor_id: str | None = None
) -> None:
    """The short entry for one child that goes with the group note."""
    place = get_live(session, GroupPlace, place_id, what="place in the group")
    place.entry = optional_text(text, what="the entry for this child", max_length=2000)
    record_change(session, actor_id=actor_id, record=place, detail="group entry written")


def reschedule_place(
    session: Session,
    *,
    place_id: str,
    to_group_session_id: str,
    by_family: bool = True,
    actor_id: str | None = None,
) -> str:
    """Move one family's place to another group session; returns the new place's id.

    The service's two-reschedule rule counts per family, not per group: the count
    travels with the family to the new place, and the rest of the group stays.
    """
    place = get_live(session, GroupPlace, place_id, what="place in the group")
    if place.status is not PlaceStatus.BOOKED:
        status = place.status.value.replace("_", " ")
        raise RuleRefused(f"This family's place is already marked {status}, so it cannot move")
    if to_group_session_id == place.group_session_id:
        raise ValidationError("Choose another session to move the family to")
    if by_family and place.reschedule_count >= FAMILY_RESCHEDULES_ALLOWED:
        raise RuleRefused(
            "This family has already rescheduled twice. The service allows two changes: keep "
            "this session, or cancel the place and discuss next steps with the family."
        )
    old = get_live(session, GroupSession, place.group_session_id, what="group session")
    new = _open_group(session, to_group_session_id)
    if new.team_id != old.team_id:
        raise ValidationError("That group session belongs to another team")
    if _taken(_live_places(session, new.id)) >= new.capacity:
        raise RuleRefused(f"The other session is full ({new.capacity} places)")
    child = get_live(session, Child, place.child_id, what="child")
    moved = _new_place(session, new, child, place.reschedule_count + (1 if by_family else 0))
    moved.entry = ""
    place.status = PlaceStatus.MOVED
    place.moved_to_session_id = new.id
    who = "family" if by_family else "service"
    record_change(session, actor_id=actor_id, record=place, detail=f"moved by {who} to {new.id}")
    record_change(session, actor_id=actor_id, record=moved, created=True)
    return moved.id


def move_group_session(
    session: Session,
    *,
    group_session_id: str,
    new_starts_at: datetime,
    actor_id: str | None = None,
) -> None:
    """The service moves the whole group: no family's reschedule count changes."""
    group = _open_group(session, group_session_id)
    check_moment(new_starts_at, what="the new session time")
    if new_starts_at == group.starts_at:
        raise ValidationError("The new time is the same as the current one")
    old = group.starts_at
    group.starts_at = new_starts_at
    record_change(
        session,
        actor_id=actor_id,
        record=group,
        detail=f"moved by service from {old.isoformat()} to {new_starts_at.isoformat()}",
    )


def cancel_group_session(
    session: Session, *, group_session_id: str, reason: str = "", actor_id: str | None = None
) -> int:
    """The service cancels the whole session; returns how many families' places it cancelled.

    Families already marked keep their mark; a cancellation by the service never
    counts against a family's two reschedules.
    """
    group = _open_group(session, group_session_id)
    why = optional_text(reason, what="the reason", max_length=200)
    group.cancelled = True
    record_change(session, actor_id=actor_id, record=group, detail=f"cancelled {why}".strip())
    cancelled = 0
    for place in _live_places(session, group.id):
        if place.status is PlaceStatus.BOOKED:
            place.status = PlaceStatus.CANCELLED
            place.marked_by_id = actor_id
            record_change(session, actor_id=actor_id, record=place, detail="session cancelled")
            cancelled += 1
    return cancelled

"""Group sessions and parent coaching: booking, the register, one note, per-family reschedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Child, Team
from otvisit.models.groups import GroupPlace, GroupSession, PlaceStatus, place_id
from otvisit.models.store import Store
from otvisit.models.vocabulary import Place
from otvisit.services import coaching, copm, group_views, groups
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import NOW, TODAY, make_child, make_episode, make_team, outbox_ops
from tests.services.conftest import Refusal

SOON = NOW + timedelta(days=7)


def _families(session: Session, team: Team, count: int, **overrides: object) -> list[Child]:
    made = []
    for number in range(count):
        child = make_child(session, team=team, given_name=f"Child{number}", **overrides)
        make_episode(session, child=child)
        made.append(child)
    return made


def _values(team: Team, children: list[Child], **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "team_id": team.id,
        "title": "Parent coaching: getting dressed",
        "starts_at": SOON,
        "place": Place.CLINIC,
        "location": "Riverside Health Centre, Room 3",
        "child_ids": tuple(c.id for c in children),
    }
    return {**values, **overrides}


def _booking(team: Team, children: list[Child], **overrides: object) -> groups.GroupBooking:
    return groups.check_booking(_values(team, children, **overrides))


def test_one_booking_holds_eight_families_each_with_their_own_place(session: Session) -> None:
    team = make_team(session)
    children = _families(session, team, 8)
    group_id = groups.book_group_session(session, booking=_booking(team, children))
    register = group_views.group_register(session, group_session_id=group_id)
    assert len(register.lines) == 8
    assert {line.child_id for line in register.lines} == {c.id for c in children}
    assert all(line.status is PlaceStatus.BOOKED for line in register.lines)
    # One place per (group, child) with the same id on every laptop.
    assert {line.place_id for line in register.lines} == {
        place_id(group_id, c.id) for c in children
    }


def test_interpreter_needs_are_listed_by_language_when_booking(session: Session) -> None:
    team = make_team(session)
    plain = _families(session, team, 2)
    bengali = _families(session, team, 2, interpreter_needed=True, interpreter_language="Bengali")
    urdu = _families(session, team, 1, interpreter_needed=True, interpreter_language="Urdu")
    needs = group_views.interpreter_needs(session, child_ids=[c.id for c in plain + bengali + urdu])
    assert [(n.language, len(n.families)) for n in needs] == [("Bengali", 2), ("Urdu", 1)]
    group_id = groups.book_group_session(session, booking=_booking(team, plain + bengali + urdu))
    register = group_views.group_register(session, group_session_id=group_id)
    assert register.interpreter_needs == tuple(needs)
    assert sorted(line.interpreter_language for line in register.lines) == [
        "", "", "Bengali", "Bengali", "Urdu"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"place": Place.VIRTUAL, "location": "Teams"}, "video link"),
        ({"location": "  "}, "where the group meets"),
        ({"capacity": 2}, "2 places"),
        ({"title": "  "}, "title"),
        ({"duration_minutes": 5}, "duration minutes"),
        ({"starts_at": SOON.replace(tzinfo=None)}, "time zone"),
        ({"place": "moon"}, "place"),
    ],
)
def test_a_bad_booking_is_refused_with_a_clear_message_and_writes_nothing(
    store: Store, refused: Refusal, overrides: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        team = make_team(session)
        children = _families(session, team, 3)
    values = _values(team, children, **overrides)
    refused(
        lambda s: groups.book_group_session(s, booking=groups.check_booking(values)),
        match=message,
    )


def test_a_child_without_an_accepted_referral_cannot_be_booked(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        team = make_team(session)
        children = _families(session, team, 2)
        waiting = make_child(session, team=team, given_name="Waiting")
        make_episode(session, child=waiting, accepted=False)
    refused(
        lambda s: groups.book_group_session(s, booking=_booking(team, [*children, waiting])),
        RuleRefused,
        "no accepted referral",
    )


def test_register_marks_each_family_and_refuses_marks_before_the_start(
    session: Session,
) -> None:
    team = make_team(session)
    children = _families(session, team, 3)
    group_id = groups.book_group_session(session, booking=_booking(team, children))
    first, second, third = (place_id(group_id, c.id) for c in children)
    with pytest.raises(RuleRefused, match="once the session has started"):
        groups.mark_register(session, place_id=first, mark=PlaceStatus.ATTENDED, now=NOW)
    later = SOON + timedelta(hours=1)
    groups.mark_register(session, place_id=first, mark=PlaceStatus.ATTENDED, now=later)
    groups.mark_register(session, place_id=second, mark=PlaceStatus.NOT_BROUGHT, now=later)
    groups.mark_register(session, place_id=third, mark=PlaceStatus.CANCELLED)
    with pytest.raises(ValidationError, match="attended, cancelled or not brought"):
        groups.mark_register(session, place_id=first, mark=PlaceStatus.MOVED, now=later)
    marks = {
        line.child_id: line.status
        for line in group_views.group_register(session, group_session_id=group_id).lines
    }
    assert list(marks.values()).count(PlaceStatus.ATTENDED) == 1
    assert marks[children[1].id] is PlaceStatus.NOT_BROUGHT
    assert marks[children[2].id] is PlaceStatus.CANCELLED
    # Each mark is its own synced change of that family's place only.
    place = session.get(GroupPlace, second)
    assert place is not None
    assert outbox_ops(session, place)[-1].changes["status"] == "not_brought"


def test_one_group_note_shows_in_each_childs_record_with_their_own_entry(
    session: Session,
) -> None:
    team = make_team(session)
    children = _families(session, team, 3)
    group_id = groups.book_group_session(session, booking=_booking(team, children))
    groups.write_group_note(
        session, group_session_id=group_id, text="Backward chaining for socks and coats."
    )
    groups.write_child_entry(
        session, place_id=place_id(group_id, children[0].id), text="Mum will try at bedtime."
    )
    for number, child in enumerate(children):
        entries = group_views.child_group_entries(session, child_id=child.id)
        assert [e.group_note for e in entries] == ["Backward chaining for socks and coats."]
        assert entries[0].entry == ("Mum will try at bedtime." if number == 0 else "")
    # Written once: one record holds the note, not a copy per child.
    group = session.get(GroupSession, group_id)
    assert group is not None and group.note.startswith("Backward")
    with pytest.raises(ValidationError, match="group note"):
        groups.write_group_note(session, group_session_id=group_id, text="   ")


def test_rescheduling_counts_per_family_and_the_third_is_refused(
    session: Session,
) -> None:
    team = make_team(session)
    children = _families(session, team, 2)
    week = [
        groups.book_group_session(
            session,
            booking=_booking(team, children if n == 0 else [], starts_at=SOON + timedelta(weeks=n)),
        )
        for n in range(4)
    ]
    moving, staying = children
    place = place_id(week[0], moving.id)
    place = groups.reschedule_place(session, place_id=place, to_group_session_id=week[1])
    place = groups.reschedule_place(session, place_id=place, to_group_session_id=week[2])
    with pytest.raises(RuleRefused, match="already rescheduled twice"):
        groups.reschedule_place(session, place_id=place, to_group_session_id=week[3])
    # A move by the service (a strike day) does not count against the family.
    groups.reschedule_place(session, place_id=place, to_group_session_id=week[3], by_family=False)
    # The other family kept their place and their own count.
    register = group_views.group_register(session, group_session_id=week[0])
    lines = {line.child_id: line for line in register.lines}
    assert (
        lines[staying.id].status is PlaceStatus.BOOKED and lines[staying.id].reschedule_count == 0
    )
    assert lines[moving.id].status is PlaceStatus.MOVED
    final = group_views.group_register(session, group_session_id=week[3]).lines
    assert [(line.child_id, line.reschedule_count) for line in final] == [(moving.id, 2)]
    # The whole group moved by the service: nobody's count changes.
    groups.move_group_session(
        session, group_session_id=week[0], new_starts_at=SOON + timedelta(days=1)
    )
    assert session.get(GroupPlace, place_id(week[0], staying.id)).reschedule_count == 0  # type: ignore[union-attr]


def test_a_full_group_refuses_another_family(session: Session) -> None:
    team = make_team(session)
    children = _families(session, team, 3)
    group_id = groups.book_group_session(session, booking=_booking(team, children[:2], capacity=2))
    with pytest.raises(RuleRefused, match="full"):
        groups.add_family(session, group_session_id=group_id, child_id=children[2].id)
    roomy = groups.book_group_session(session, booking=_booking(team, children[:2]))
    with pytest.raises(RuleRefused, match="already has a place"):
        groups.add_family(session, group_session_id=roomy, child_id=children[0].id)
    groups.add_family(session, group_session_id=roomy, child_id=children[2].id)
    assert len(group_views.group_register(session, group_session_id=roomy).lines) == 3


def test_a_programme_records_copm_per_family_before_and_after(session: Session) -> None:
    team = make_team(session)
    children = _families(session, team, 2)
    programme_id = groups.create_programme(
        session, team_id=team.id, title="Getting dressed", starts_on=TODAY
    )
    first = coaching.add_programme_copm(
        session, programme_id=programme_id, child_id=children[0].id,
        occupation="Putting on socks", baseline_on=TODAY, performance=3, satisfaction=2,
    )  # fmt: skip
    coaching.add_programme_copm(
        session, programme_id=programme_id, child_id=children[1].id,
        occupation="Using a fork", baseline_on=TODAY, performance=5, satisfaction=5,
    )  # fmt: skip
    copm.reassess_copm_problem(
        session, problem_id=first, reassessed_on=TODAY + timedelta(weeks=6),
        performance=6, satisfaction=5,
    )  # fmt: skip
    outcomes = {o.child_id: o.summary for o in coaching.programme_outcomes(
        session, programme_id=programme_id
    )}  # fmt: skip
    assert outcomes[children[0].id].mean_change.performance_change == 3
    assert outcomes[children[0].id].mean_change.clinically_important
    assert outcomes[children[1].id].reassessed_performance is None
    # The problem is the child's own COPM too (the Goals screen shows it).
    assert copm.child_copm_summary(session, child_id=children[0].id).baseline_performance == 3


def test_the_service_cancels_a_whole_session_without_counting_against_families(
    session: Session,
) -> None:
    team = make_team(session)
    children = _families(session, team, 3)
    group_id = groups.book_group_session(session, booking=_booking(team, children))
    later = SOON + timedelta(minutes=5)
    groups.mark_register(
        session, place_id=place_id(group_id, children[0].id), mark=PlaceStatus.ATTENDED, now=later
    )
    assert groups.cancel_group_session(session, group_session_id=group_id, reason="Strike") == 2
    lines = group_views.group_register(session, group_session_id=group_id).lines
    assert sorted(line.status for line in lines) == [
        PlaceStatus.ATTENDED, PlaceStatus.CANCELLED, PlaceStatus.CANCELLED
    ]  # fmt: skip
    assert all(line.reschedule_count == 0 for line in lines)
    assert group_views.list_group_sessions(session)[0].cancelled
    with pytest.raises(RuleRefused, match="cancelled"):
        groups.add_family(session, group_session_id=group_id, child_id=children[0].id)
    with pytest.raises(RuleRefused, match="cancelled"):
        groups.cancel_group_session(session, group_session_id=group_id)

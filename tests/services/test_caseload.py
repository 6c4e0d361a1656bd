"""The caseload queries: the list, search as you type, today's appointments, a child's summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from otvisit.models import Appointment, Episode
from otvisit.models.store import Store
from otvisit.models.vocabulary import AppointmentType, EpisodeStatus, Place
from otvisit.services import caseload
from otvisit.services import today as today_views
from otvisit.services.caseload import CaseloadFilter
from otvisit.services.errors import NotFound, ValidationError
from tests.ui.factories import Seeded, seed_team


@pytest.fixture
def seeded(store: Store) -> Seeded:
    with store.transaction() as session:
        return seed_team(session)


def _names(rows: list[caseload.CaseloadRow]) -> list[str]:
    return [row.name for row in rows]


def test_list_caseload_shows_every_child_with_interpreter_and_next_appointment(
    store: Store, seeded: Seeded
) -> None:
    with store.read_session() as session:
        rows = caseload.list_caseload(session)
    by_name = {row.name: row for row in rows}
    assert _names(rows) == ["Amira Haddad", "Olek Nowak", "Sam Okafor"]
    assert by_name["Amira Haddad"].interpreter_needed
    assert by_name["Amira Haddad"].interpreter_language == "Arabic"
    assert by_name["Sam Okafor"].therapist_name == "Jo Adebayo"
    assert by_name["Sam Okafor"].next_appointment is not None
    assert by_name["Olek Nowak"].next_appointment is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sam", ["Sam Okafor"]),
        ("SAMUEL oka", ["Sam Okafor"]),
        ("goose green", ["Sam Okafor"]),
        ("primary", ["Olek Nowak", "Sam Okafor"]),
        ("nursery", ["Amira Haddad"]),
        ("zz", []),
        ("", ["Amira Haddad", "Olek Nowak", "Sam Okafor"]),
    ],
)
def test_search_matches_name_and_school(
    store: Store, seeded: Seeded, text: str, expected: list[str]
) -> None:
    with store.read_session() as session:
        rows = caseload.list_caseload(session)
    assert _names(caseload.filter_caseload(rows, CaseloadFilter(text=text))) == expected


def test_search_matches_nhs_number_with_or_without_spaces(store: Store, seeded: Seeded) -> None:
    with store.read_session() as session:
        rows = caseload.list_caseload(session)
    amira = next(row for row in rows if row.name == "Amira Haddad")
    spaced = amira.nhs_display
    assert " " in spaced
    digits = amira.nhs_number
    dashed = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    others = (dashed, dashed.replace("-", "."), dashed.replace("-", " / "), f" {dashed}\t")
    for typed in (amira.nhs_number, spaced, spaced[:7], *others, dashed.replace("-", "–")):
        assert _names(caseload.filter_caseload(rows, CaseloadFilter(text=typed))) == [
            "Amira Haddad"
        ]


def test_filters_my_children_interpreter_and_discharged(store: Store, seeded: Seeded) -> None:
    with store.transaction() as session:
        episode = session.get(Episode, seeded.sam_episode)
        assert episode is not None
        episode.status = EpisodeStatus.DISCHARGED
    with store.read_session() as session:
        rows = caseload.list_caseload(session)
    mine = caseload.filter_caseload(rows, CaseloadFilter(therapist_id=seeded.me))
    assert _names(mine) == ["Amira Haddad"]
    with_discharged = CaseloadFilter(therapist_id=seeded.me, include_discharged=True)
    assert _names(caseload.filter_caseload(rows, with_discharged)) == ["Amira Haddad", "Sam Okafor"]
    interpreter = CaseloadFilter(interpreter_only=True)
    assert _names(caseload.filter_caseload(rows, interpreter)) == ["Amira Haddad"]


def test_todays_appointments_lists_only_that_local_day(store: Store, seeded: Seeded) -> None:
    today = date(2026, 11, 24)
    start, _ = today_views.local_day_bounds(today)
    with store.transaction() as session:
        for offset_hours in (9, 30):
            session.add(
                Appointment(
                    child_id=seeded.amira,
                    therapist_id=seeded.me,
                    kind=AppointmentType.REVIEW,
                    place=Place.NURSERY,
                    starts_at=start + timedelta(hours=offset_hours),
                    interpreter_booked=True,
                )
            )
    with store.read_session() as session:
        day = today_views.todays_appointments(session, day=today)
        other = today_views.todays_appointments(session, day=today, therapist_id=seeded.colleague)
    assert [(a.child_name, a.interpreter_language) for a in day] == [("Amira Haddad", "Arabic")]
    assert day[0].starts_at == start + timedelta(hours=9)
    assert other == []


def test_child_summary_and_missing_child(store: Store, seeded: Seeded) -> None:
    with store.read_session() as session:
        summary = caseload.child_summary(session, child_id=seeded.sam)
        with pytest.raises(NotFound):
            caseload.child_summary(session, child_id="nope")
    assert summary.name == "Sam Okafor"
    assert summary.setting_contact == "Ms Rivers, SENCo"
    assert summary.episode_status == "open"
    assert [c.name for c in summary.carers] == ["Grace Okafor"]


def test_signed_in_therapist_and_empty_store(store: Store) -> None:
    with store.read_session() as session:
        assert caseload.is_empty(session)
        assert caseload.signed_in_therapist(session) is None
    with store.transaction() as session:
        seeded = seed_team(session, now=datetime(2026, 11, 24, tzinfo=UTC))
    with store.read_session() as session:
        assert not caseload.is_empty(session)
        me = caseload.signed_in_therapist(session)
        assert me is not None and me.therapist_id == seeded.me
        assert [t.name for t in caseload.list_therapists(session)] == ["Jo Adebayo", "Kim Patel"]


def test_lock_after_minutes_defaults_to_five_and_keeps_a_choice(store: Store) -> None:
    with store.read_session() as session:
        assert caseload.lock_after_minutes(session) == caseload.DEFAULT_LOCK_MINUTES == 5
    with store.transaction() as session:
        caseload.set_lock_after_minutes(session, minutes=2)
    with store.transaction() as session:
        assert caseload.lock_after_minutes(session) == 2
        caseload.set_lock_after_minutes(session, minutes=15)
    with store.read_session() as session:
        assert caseload.lock_after_minutes(session) == 15


@pytest.mark.parametrize("minutes", [0, 61, -1, True, 2.5, "5"])
def test_lock_after_minutes_refuses_odd_values_and_keeps_the_old_one(
    store: Store, minutes: object
) -> None:
    with store.transaction() as session:
        caseload.set_lock_after_minutes(session, minutes=3)
    with (
        pytest.raises(ValidationError, match="minutes before the laptop locks"),
        store.transaction() as session,
    ):
        caseload.set_lock_after_minutes(session, minutes=minutes)  # type: ignore[arg-type]
    with store.read_session() as session:
        assert caseload.lock_after_minutes(session) == 3

"""Test data for the caseload and the app: a small team with children, episodes and appointments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from otvisit.models import Appointment, Carer, Child, Episode, SyncSetting, Team, Therapist
from otvisit.models.vocabulary import (
    AppointmentType,
    EpisodeStatus,
    Place,
    SettingType,
)
from otvisit.reports.strategy_library import bundled_library
from otvisit.services.nhs_number import check_digit
from otvisit.services.strategy_library import seed_strategy_library


def nhs_number(seed: int) -> str:
    """A valid NHS number made from a seed (skips the nine-digit prefixes with no check digit)."""
    while True:
        first_nine = f"{400000000 + seed * 7919:09d}"[-9:]
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        seed += 1


@dataclass(frozen=True)
class Seeded:
    team_id: str
    me: str
    colleague: str
    sam: str
    amira: str
    olek: str
    sam_episode: str
    sam_appointment: str
    sam_missed: str


def seed_team(session: Session, *, now: datetime | None = None) -> Seeded:
    """Three children: two on my caseload (one needs an Arabic interpreter), one a colleague's."""
    now = now or datetime.now(UTC)
    team = Team(name="Southwark Children's OT", phone="020 3049 8000")
    session.add(team)
    session.flush()
    me = Therapist(team_id=team.id, username="jo", full_name="Jo Adebayo")
    colleague = Therapist(team_id=team.id, username="kim", full_name="Kim Patel")
    session.add_all([me, colleague])
    session.flush()
    session.add(SyncSetting(key="therapist_id", value=me.id))
    sam = Child(
        team_id=team.id,
        therapist_id=me.id,
        given_name="Samuel",
        preferred_name="Sam",
        family_name="Okafor",
        date_of_birth=date(2019, 3, 14),
        nhs_number=nhs_number(1),
        setting_type=SettingType.SCHOOL,
        setting_name="Goose Green Primary",
        setting_contact_name="Ms Rivers",
        setting_contact_role="SENCo",
        gp_name="Dr Shah",
    )
    amira = Child(
        team_id=team.id,
        therapist_id=me.id,
        given_name="Amira",
        family_name="Haddad",
        date_of_birth=date(2020, 6, 2),
        nhs_number=nhs_number(2),
        spoken_language="ar",
        written_language="ar",
        interpreter_needed=True,
        interpreter_language="Arabic",
        setting_type=SettingType.NURSERY,
        setting_name="Rye Lane Nursery",
    )
    olek = Child(
        team_id=team.id,
        therapist_id=colleague.id,
        given_name="Olek",
        family_name="Nowak",
        date_of_birth=date(2018, 11, 20),
        nhs_number=nhs_number(3),
        setting_type=SettingType.SCHOOL,
        setting_name="Bellenden Primary",
    )
    session.add_all([sam, amira, olek])
    session.flush()
    session.add(
        Carer(
            child_id=sam.id,
            full_name="Grace Okafor",
            relationship="Mother",
            phone="07700 900123",
            main_contact=True,
        )
    )
    episodes = {}
    for child in (sam, amira, olek):
        episode = Episode(
            child_id=child.id,
            referred_on=date(2026, 9, 1),
            accepted_on=date(2026, 9, 8),
            status=EpisodeStatus.OPEN,
        )
        session.add(episode)
        episodes[child.id] = episode
    session.flush()
    appointment = Appointment(
        child_id=sam.id,
        episode_id=episodes[sam.id].id,
        therapist_id=me.id,
        kind=AppointmentType.INTERVENTION,
        place=Place.SCHOOL,
        starts_at=now + timedelta(days=2),
    )
    session.add(appointment)
    session.add(
        Appointment(
            child_id=amira.id,
            episode_id=episodes[amira.id].id,
            therapist_id=me.id,
            kind=AppointmentType.INITIAL,
            place=Place.HOME,
            starts_at=now + timedelta(days=5),
            interpreter_booked=True,
            interpreter_language="Arabic",
        )
    )
    missed = Appointment(
        child_id=sam.id,
        episode_id=episodes[sam.id].id,
        therapist_id=me.id,
        kind=AppointmentType.INTERVENTION,
        place=Place.HOME,
        starts_at=now - timedelta(days=1),
    )
    session.add(missed)
    session.flush()
    seed_strategy_library(
        session, team_id=team.id, strategies=bundled_library().strategies.values()
    )
    return Seeded(
        team_id=team.id,
        me=me.id,
        colleague=colleague.id,
        sam=sam.id,
        amira=amira.id,
        olek=olek.id,
        sam_episode=episodes[sam.id].id,
        sam_appointment=appointment.id,
        sam_missed=missed.id,
    )

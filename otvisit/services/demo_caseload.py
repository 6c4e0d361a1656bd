"""A synthetic, reproducible demo caseload, bulk-inserted as local seed data (no outbox)."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from otvisit.models import (
    Appointment,
    Assessment,
    Carer,
    Child,
    CopmProblem,
    Episode,
    EquipmentRecommendation,
    FeedbackSurvey,
    GasRating,
    Goal,
    HomeProgramme,
    LibraryStrategy,
    NoteAddendum,
    ProgrammeStrategy,
    SessionNote,
    SyncedRecord,
    Team,
    Therapist,
)
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.services import demo_groups, demo_pathway
from otvisit.services import demo_people as people
from otvisit.services.nhs_number import check_digit
from otvisit.services.strategy_library import StrategySource, strategy_fields

TEAM_NAME = "Riverside Children's OT"
_PLACES = ("home", "home", "school", "nursery", "clinic", "virtual")
_KINDS = ("intervention", "intervention", "parent_coaching", "school_advice", "review")


@dataclass(frozen=True)
class DemoSummary:
    """What was made: rows per table, the total, and the team's id."""

    team_id: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def demo_nhs_numbers(start: int = 1) -> Any:
    """NHS numbers 999 xxx xxxx from the test range that pass the check digit."""
    serial = start
    while True:
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield f"{first_nine}{digit}"
        serial += 1


class _Builder:
    """Collects rows per model; ids come from the seeded random source so runs repeat exactly."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.combine(today, time(12, 0), tzinfo=UTC)
        self.rows: dict[type[SyncedRecord], list[dict[str, Any]]] = {}

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, model: type[SyncedRecord], **values: Any) -> str:
        values.setdefault("id", self.new_id())
        self.rows.setdefault(model, []).append(values)
        return str(values["id"])

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=SERVICE_TIMEZONE).astimezone(UTC)


def _team(
    b: _Builder, strategies: Sequence[StrategySource], children: int
) -> tuple[str, list[str]]:
    team_id = b.add(
        Team,
        name=TEAM_NAME,
        phone="020 3049 8181",
        email="riverside.ot@nhs.example",
        address="Riverside Health Centre, 1 Example Way, London SE1 7EH",
    )
    therapists: list[str] = []
    for name, title, role in people.THERAPISTS:
        user = name.lower().replace(" ", ".")
        therapists.append(
            b.add(
                Therapist,
                team_id=team_id,
                full_name=name,
                job_title=title,
                role=role,
                username=user,
                email=f"{user}@nhs.example",
                phone="020 7946 0" + f"{len(therapists):03d}",
            )
        )
    for strategy in strategies:
        b.add(LibraryStrategy, team_id=team_id, **strategy_fields(strategy))
    for n in range(max(1, children // 10)):
        b.add(
            FeedbackSurvey,
            team_id=team_id,
            received_on=b.today - timedelta(days=7 * n + 3),
            ratings={
                q: b.rng.randint(3, 5)
                for q in (
                    "felt_listened_to",
                    "goals_mattered",
                    "explained_clearly",
                    "would_recommend",
                )
            },
            comments=b.pick(("Very helpful.", "The strategies worked at home.", "", "Thank you.")),
        )
    return team_id, therapists


def _child(b: _Builder, team_id: str, therapist: str, nhs: str) -> tuple[str, str, bool, str]:
    given, family = b.pick(people.CHILD_NAMES), b.pick(people.FAMILY_NAMES)
    interpreted = b.rng.random() < 0.3
    code, language = b.pick(people.INTERPRETED_LANGUAGES) if interpreted else ("en", "")
    setting_type, setting = b.pick(people.SCHOOLS)
    contact, role = b.pick(people.SCHOOL_CONTACTS)
    gp, practice = b.pick(people.GP_PRACTICES)
    age_days = b.rng.randint(2 * 365, 11 * 365)
    address = f"{b.rng.randint(1, 180)} {b.pick(people.STREETS)}, London"
    child_id = b.add(
        Child,
        team_id=team_id,
        therapist_id=therapist,
        given_name=given,
        family_name=family,
        date_of_birth=b.today - timedelta(days=age_days),
        nhs_number=nhs,
        address=address,
        postcode=f"{b.pick(people.POSTCODES)}{b.pick('ABDEFGHJLNPQRSTUWXYZ')}{b.pick('ABDEFGHJLNPQRSTUWXYZ')}",
        spoken_language=code,
        written_language=code,
        interpreter_needed=interpreted,
        interpreter_language=language,
        access_needs=["large_print"] if b.rng.random() < 0.05 else [],
        setting_type=setting_type,
        setting_name=setting,
        setting_contact_name=contact,
        setting_contact_role=role,
        setting_contact_phone=f"020 7946 1{b.rng.randint(0, 999):03d}",
        setting_contact_email=f"office@{setting.lower().split()[0]}.example.sch.uk",
        gp_name=gp,
        gp_practice=practice,
        gp_phone=f"020 7946 2{b.rng.randint(0, 999):03d}",
    )
    for n in range(b.rng.choice((1, 2, 2))):
        b.add(
            Carer,
            child_id=child_id,
            full_name=f"{b.pick(people.ADULT_NAMES)} {family}",
            relationship=("Mother", "Father", "Grandmother", "Foster carer")[n if n < 2 else 3],
            phone=f"07700 900{b.rng.randint(0, 999):03d}",
            address=address,
            main_contact=n == 0,
        )
    return child_id, given, interpreted, language


def _goals(
    b: _Builder, child_id: str, episode_id: str, given: str, set_on: date
) -> list[tuple[str, int]]:
    goals = []
    for area, text in b.rng.sample(people.GOALS, b.rng.randint(2, 4)):
        wording = text.format(name=given, their="their", self="themselves")
        baseline = b.pick((-2, -1, -1))
        goal_id = b.add(
            Goal,
            child_id=child_id,
            episode_id=episode_id,
            wording=wording,
            area=area,
            set_on=set_on,
            gas_minus2=f"{given} needs full help",
            gas_minus1=f"{given} manages with some help",
            gas_zero=wording,
            gas_plus1=f"{given} does it most days without reminders",
            gas_plus2=f"{given} does it every day and helps others",
            gas_baseline=baseline,
            gas_weight=float(b.pick((1, 1, 1, 2))),
        )
        goals.append((goal_id, baseline))
    for occupation in b.rng.sample(
        ("Getting dressed", "Eating with cutlery", "Writing", "Bath time", "Play at nursery"), 2
    ):
        before = b.rng.randint(2, 5)
        done = b.rng.random() < 0.6
        b.add(
            CopmProblem,
            child_id=child_id,
            occupation=occupation,
            importance=b.rng.randint(6, 10),
            baseline_on=set_on,
            baseline_performance=before,
            baseline_satisfaction=b.rng.randint(1, 5),
            reassessed_on=b.today - timedelta(days=5) if done else None,
            reassessed_performance=min(10, before + b.rng.randint(0, 4)) if done else None,
            reassessed_satisfaction=b.rng.randint(4, 9) if done else None,
        )
    return goals


def _plans(
    b: _Builder,
    child_id: str,
    goals: list[tuple[str, int]],
    slugs: list[str],
    on: date,
    therapist: str,
) -> None:
    item, measures = b.pick(people.EQUIPMENT)
    b.add(
        EquipmentRecommendation,
        child_id=child_id,
        therapist_id=therapist,
        goal_id=goals[0][0],
        item=item,
        setting=b.pick(("school", "nursery", "home")),
        measurements=measures,
        functional_need="Sits with feet supported and hips at 90 degrees to use both hands",
        alternatives_tried="Footstool from the classroom (slid away)",
        funder=b.pick(("school", "nhs_equipment_service", "local_authority")),
        recommended_on=on,
        review_on=on + timedelta(days=120),
        status=b.pick(("recommended", "ordered", "delivered", "reviewed")),
    )
    programme = b.add(
        HomeProgramme,
        child_id=child_id,
        started_on=on,
        review_on=on + timedelta(days=42),
        this_week="Practise one strategy each day after school.",
    )
    # A strategy serves the goal of its own area (a coat strategy for the coat goal),
    # never a goal picked at random: the handout says which goal each one helps.
    ids = {goal_id for goal_id, _ in goals}
    area_goal = {row["area"]: row["id"] for row in b.rows[Goal] if row["id"] in ids}
    matching = [s for s in slugs if any(s.startswith(a + "-") for a in area_goal)]
    chosen = b.rng.sample(matching or slugs, min(len(matching or slugs), b.rng.randint(2, 4)))
    for position, slug in enumerate(chosen):
        area = next((a for a in area_goal if slug.startswith(a + "-")), None)
        b.add(
            ProgrammeStrategy,
            child_id=child_id,
            programme_id=programme,
            strategy_slug=slug,
            goal_id=area_goal[area] if area else None,
            position=position,
            how_often="Every day",
        )
    name, kind, part = b.pick(people.ASSESSMENTS)
    b.add(
        Assessment,
        child_id=child_id,
        name=name,
        kind=kind,
        assessed_on=on,
        scores={part: {"standard_score": b.rng.randint(3, 9), "percentile": b.rng.randint(1, 40)}},
        summary="Difficulties with fine motor control affecting self-care and classroom tasks.",
    )


def _visits(
    b: _Builder,
    child: tuple[str, str, bool, str],
    episode: str,
    therapist: str,
    goals: list[tuple[str, int]],
    start: date,
    budget: int,
    discharged: bool,
    language: str,
) -> None:
    child_id, given, interpreted, _ = child
    plan: list[int] = []  # 0: attended, 1: did not attend, 2: cancelled, 3: booked ahead
    future = 0 if discharged else b.rng.randint(1, 3)
    used = b.count() + future
    while used < budget or not plan:
        outcome = 0 if b.rng.random() < 0.88 else b.pick((1, 2))
        plan.append(outcome)
        used += 1 + (outcome == 0) + (len(goals) if outcome == 0 and len(plan) % 3 == 0 else 0)
    plan += [3] * future
    span = max(1, (b.today - start).days - 1)
    past = len(plan) - future
    today_visit = not discharged and b.rng.random() < 0.08
    for index, outcome in enumerate(plan):
        if index < past:
            day = start + timedelta(days=1 + span * index // max(1, past))
            status = ("attended", "did_not_attend", "cancelled")[outcome]
        else:
            day = b.today + timedelta(
                days=0 if today_visit and index == past else 7 * (index - past + 1)
            )
            status = "booked"
        starts = b.moment(day, b.rng.randint(9, 15), b.pick((0, 30)))
        appointment = b.add(
            Appointment,
            child_id=child_id,
            episode_id=episode,
            therapist_id=therapist,
            kind="initial" if index == 0 else b.pick(_KINDS),
            place=b.pick(_PLACES),
            starts_at=starts,
            duration_minutes=b.pick((30, 45, 60)),
            interpreter_booked=interpreted,
            interpreter_language=language,
            status=status,
            reschedule_count=b.pick((0, 0, 0, 1, 2)) if status == "booked" else 0,
        )
        if status != "attended":
            continue
        signed = index < past - 1 or b.rng.random() < 0.7
        note = b.add(
            SessionNote,
            child_id=child_id,
            episode_id=episode,
            appointment_id=appointment,
            author_id=therapist,
            seen_on=day,
            place=b.pick(_PLACES),
            attendees=[{"role": "child", "name": given}, {"role": "parent", "name": "Parent"}]
            + (
                [{"role": "interpreter", "name": "Interpreter", "language": language}]
                if interpreted
                else []
            ),
            interpreter_language=language,
            goals_addressed=[g for g, _ in goals[:2]],
            body=f"Worked on {given}'s goals through play; {given} tried each step with prompts.",
            plan="Continue the home programme; review in two weeks.",
            signed_at=starts + timedelta(hours=2) if signed else None,
            signed_by_id=therapist if signed else None,
        )
        if signed and b.rng.random() < 0.03:
            b.add(
                NoteAddendum,
                child_id=child_id,
                note_id=note,
                author_id=therapist,
                written_at=starts + timedelta(days=1),
                text="Parent phoned: practising daily at home.",
            )
        if index % 3 == 2:
            progress = min(1.0, index / max(1, past))
            for goal_id, baseline in goals:
                level = max(-2, min(2, baseline + round(progress * b.rng.uniform(1, 3))))
                b.add(GasRating, child_id=child_id, goal_id=goal_id, rated_on=day, level=level)


def demo_rows(
    *,
    children: int,
    records: int,
    seed: int = 1,
    strategies: Sequence[StrategySource] = (),
    today: date | None = None,
) -> tuple[str, dict[type[SyncedRecord], list[dict[str, Any]]]]:
    """The team's id and about ``records`` rows per model for ``children`` children."""
    if children < 1:
        raise ValueError("the demo needs at least one child")
    b = _Builder(seed, today or date.today())
    team_id, therapists = _team(b, strategies, children)
    slugs = [s.strategy_id for s in strategies] or ["dressing-coat-flip"]
    numbers = demo_nhs_numbers()
    regular = children - demo_pathway.pathway_children(children)
    # The pathway, the coaching group and the surveys are added after the visits: keep room.
    reserved = demo_pathway.rows_reserved(children) + demo_groups.rows_wanted(children)
    for n in range(regular):
        budget = b.count() + max(1, (records - reserved - b.count()) // (regular - n))
        therapist = therapists[1 + n % (len(therapists) - 1)]
        child = _child(b, team_id, therapist, next(numbers))
        discharged = b.rng.random() < 0.12
        start = b.today - timedelta(days=b.rng.randint(60, 400))
        episode = _episode(b, child[0], therapist, start, discharged)
        goals = _goals(b, child[0], episode, child[1], start)
        _plans(b, child[0], goals, slugs, start + timedelta(days=14), therapist)
        _visits(b, child, episode, therapist, goals, start, budget, discharged, child[3])
    demo_pathway.add_pathway(
        b,
        count=children - regular,
        therapists=therapists,
        new_child=lambda therapist: _child(b, team_id, therapist, next(numbers)),
        today=b.today,
    )
    demo_pathway.add_strike_day(b, team_id=team_id, today=b.today)
    demo_groups.add_demo_groups(b, team_id=team_id, therapist_id=therapists[1])
    while b.count() < records:  # the visit plans estimate; surveys make up the last few rows
        b.add(FeedbackSurvey, team_id=team_id, received_on=b.today, ratings={"goals_mattered": 5})
    return team_id, b.rows


def _episode(b: _Builder, child_id: str, therapist: str, start: date, discharged: bool) -> str:
    return b.add(
        Episode,
        child_id=child_id,
        referred_on=start - timedelta(days=30),
        referral_reason="Referred by school: fine motor and self-care",
        accepted_on=start,
        status="discharged" if discharged else "open",
        discharged_on=b.today - timedelta(days=b.rng.randint(1, 30)) if discharged else None,
        discharge_reason=b.pick(("goals_met", "goals_met", "family_request", "moved_away"))
        if discharged
        else None,
        discharge_summary="Goals reviewed with the family; strategies in place at school."
        if discharged
        else "",
        discharged_by_id=therapist if discharged else None,
    )


def build_demo_caseload(
    session: Session,
    *,
    children: int,
    records: int,
    seed: int = 1,
    strategies: Sequence[StrategySource] = (),
    today: date | None = None,
) -> DemoSummary:
    """Make about ``records`` rows for ``children`` children and insert them in the session.

    Seed data, not local edits: rows are inserted in bulk without outbox
    operations (the demo profile never syncs), which is what keeps 50,000 rows fast.
    """
    team_id, rows = demo_rows(
        children=children, records=records, seed=seed, strategies=strategies, today=today
    )
    for model, model_rows in rows.items():
        session.execute(insert(model), model_rows)
    return DemoSummary(team_id, {model.__tablename__: len(r) for model, r in rows.items()})


def describe(summary: DemoSummary) -> str:
    """A few lines for the terminal."""
    counts = Counter(summary.counts)
    lines = [f"{name:<26}{n:>8,}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    return "\n".join([*lines, f"{'total':<26}{summary.total:>8,}"])

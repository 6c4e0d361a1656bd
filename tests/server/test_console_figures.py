"""The console's figures against the demo caseload, computed a second way, independently.

The demo caseload is built in a real laptop store, pushed to a real server process (SQLite
and PostgreSQL) as a laptop would send it, and the team lead's API answers are compared with
figures computed here in plain Python straight from the laptop's models, without any of the
server's code (the GAS formula is written out again on purpose).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from otvisit.models import (
    Appointment,
    Child,
    CopmProblem,
    Episode,
    FeedbackSurvey,
    GasRating,
    Goal,
    Referral,
    Therapist,
)
from otvisit.models.registry import FIELDS
from otvisit.models.store import Store
from otvisit.models.wire import to_wire
from otvisit.services.demo_caseload import build_demo_caseload
from otvisit.services.survey_results import survey_results
from otvisit.services.waiting_list import waiting_list
from otvisit.sync.server.team_views import routes
from tests.support.api import ApiClient
from tests.support.server_process import SeededTeam, ServerProcess, seed_team

LONDON = ZoneInfo("Europe/London")
PUSHED = (Child, Episode, Referral, Appointment, Goal, GasRating, CopmProblem, FeedbackSurvey)
THERAPIST_FIELDS = ("therapist_id", "decided_by_id", "discharged_by_id")
MISSED_DNA = {"did_not_attend"}
MISSED_WNB = {"was_not_brought", "no_access"}
COUNTED = {"attended"} | MISSED_DNA | MISSED_WNB


@dataclass
class Demo:
    store: Store
    team: SeededTeam
    #: demo therapist id -> server account (id, full name)
    staff: dict[str, tuple[str, str]]
    answers: dict[str, Any]
    today: date
    start: date


def _push_demo(
    store: Store, server: ServerProcess, team: SeededTeam, lead: ApiClient
) -> dict[str, tuple[str, str]]:
    with store.read_session() as session:
        demo_staff = [
            t.id for t in session.scalars(select(Therapist).order_by(Therapist.full_name))
        ]
        accounts = [*team.therapists, *team.leads]
        staff = {
            demo: (accounts[n % len(accounts)].user_id, accounts[n % len(accounts)].full_name)
            for n, demo in enumerate(demo_staff)
        }
        operations = []
        for model in PUSHED:
            specs = FIELDS[model.__entity__]
            for record in session.scalars(select(model).order_by(model.id)):
                changes = {
                    name: to_wire(spec, getattr(record, name)) for name, spec in specs.items()
                }
                for name in THERAPIST_FIELDS:
                    if changes.get(name) in staff:
                        changes[name] = staff[changes[name]][0]
                if "team_id" in changes:
                    changes["team_id"] = team.team_id
                operations.append((model.__entity__, record.id, changes))
    for begin in range(0, len(operations), 500):
        batch = [lead.op(entity, changes, record_id=rid)
                 for entity, rid, changes in operations[begin : begin + 500]]  # fmt: skip
        results = lead.push(batch)["results"]
        assert {r["status"] for r in results} == {"applied"}, results[:3]
    return staff


@pytest.fixture(scope="module")
def demo(live_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    import keyring

    from tests.fakes import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    today = routes.service_today()
    start = today - timedelta(days=300)
    store = Store.open(tmp_path_factory.mktemp("laptop") / "demo.db")
    try:
        with store.transaction() as session:
            build_demo_caseload(session, children=60, records=4000, seed=15, today=today)
        team = seed_team(live_server.database_url, therapists=4, leads=1)
        lead = ApiClient(live_server.base_url).login(team.leads[0].username, team.leads[0].password)
        try:
            staff = _push_demo(store, live_server, team, lead)
            period = {"from": start.isoformat(), "to": today.isoformat()}
            answers = {
                "outcomes": lead.get(routes.OUTCOMES_PATH, params=period).json(),
                "waiting": lead.get(routes.WAITING_LIST_PATH).json(),
                "csv": lead.get(routes.WAITING_LIST_CSV_PATH).text,
                "experience": lead.get(routes.EXPERIENCE_PATH).json(),
                "caseload": lead.get(routes.CASELOAD_PATH).json(),
            }
        finally:
            lead.close()
        yield Demo(store, team, staff, answers, today, start)
    finally:
        store.close()
        keyring.set_keyring(previous)


# ---- the second way: plain Python over the laptop's models ---------------------------------


def _t_score(pairs: list[tuple[int, float]]) -> float:
    top = sum(w * x for x, w in pairs)
    bottom = math.sqrt(0.7 * sum(w * w for _, w in pairs) + 0.3 * sum(w for _, w in pairs) ** 2)
    return 50 + 10 * top / bottom


def _band(t: float) -> str:
    t = round(t, 1)
    for low, label in ((70, "70 and over"), (60, "60 to 69"), (50, "50 to 59"), (40, "40 to 49"),
                       (30, "30 to 39")):  # fmt: skip
        if t >= low:
            return label
    return "under 30"


def _expected(store: Store, start: date, end: date) -> dict[str, Any]:
    """Per child: what it adds to each figure (the groups are then plain sums)."""
    with store.read_session() as s:
        children = {c.id: c for c in s.scalars(select(Child).where(Child.deleted.is_(False)))}
        goals = {g.id: g for g in s.scalars(select(Goal).where(Goal.deleted.is_(False)))}
        ratings = [r for r in s.scalars(select(GasRating).where(GasRating.deleted.is_(False)))]
        episodes = list(s.scalars(select(Episode).where(Episode.deleted.is_(False))))
        referrals = list(s.scalars(select(Referral).where(Referral.deleted.is_(False))))
        problems = list(s.scalars(select(CopmProblem).where(CopmProblem.deleted.is_(False))))
        visits = list(s.scalars(select(Appointment).where(Appointment.deleted.is_(False))))

    def score(goal_ids: list[str], on: date) -> float | None:
        pairs = []
        for goal_id in goal_ids:
            rated = [(r.rated_on, r.id, r.level) for r in ratings
                     if r.goal_id == goal_id and r.rated_on <= on]  # fmt: skip
            if rated:
                pairs.append((max(rated)[2], goals[goal_id].gas_weight))
        return _t_score(pairs) if pairs else None

    latest: dict[str, float] = {}
    for child_id in children:
        own = [g.id for g in goals.values() if g.child_id == child_id]
        days = [r.rated_on for r in ratings if r.goal_id in own and r.rated_on <= end]
        if days and max(days) >= start and (t := score(own, max(days))) is not None:
            latest[child_id] = t
    discharge: list[tuple[str, float]] = []
    for e in episodes:
        if e.status == "discharged" and e.discharged_on and start <= e.discharged_on <= end:
            own = [g.id for g in goals.values()
                   if g.child_id == e.child_id and g.episode_id in (e.id, None)]  # fmt: skip
            if (t := score(own, e.discharged_on)) is not None:
                discharge.append((e.child_id, t))
    copm = [(p.child_id, p.reassessed_performance - p.baseline_performance,
             None if p.reassessed_satisfaction is None
             else p.reassessed_satisfaction - p.baseline_satisfaction)
            for p in problems
            if p.reassessed_on and start <= p.reassessed_on <= end
            and p.reassessed_performance is not None]  # fmt: skip
    day = lambda a: a.starts_at.astimezone(LONDON).date()  # noqa: E731
    seen = [(a.child_id, a.status.value) for a in visits
            if a.status.value in COUNTED and start <= day(a) <= end]  # fmt: skip
    first: dict[str, Appointment] = {}
    for a in visits:
        if a.status.value != "attended" or not a.episode_id:
            continue
        if a.episode_id not in first or a.starts_at < first[a.episode_id].starts_at:
            first[a.episode_id] = a
    received = {r.episode_id: r.received_on for r in referrals
                if r.status.value == "accepted" and r.episode_id}  # fmt: skip
    referred = {e.id: e.referred_on for e in episodes}
    waits = []
    for episode_id, a in first.items():
        began = received.get(episode_id) or referred.get(episode_id)
        if began and start <= day(a) <= end:
            waits.append((a.child_id, max(0, (day(a) - began).days)))
    return {"children": children, "latest": latest, "discharge": discharge, "copm": copm,
            "seen": seen, "waits": waits}  # fmt: skip


def _figures(found: dict[str, Any], members: set[str]) -> dict[str, Any]:
    latest = [t for c, t in found["latest"].items() if c in members]
    discharge = [t for c, t in found["discharge"] if c in members]
    copm = [(p, s) for c, p, s in found["copm"] if c in members]
    sat = [s for _, s in copm if s is not None]
    seen = [status for c, status in found["seen"] if c in members]
    waits = [d for c, d in found["waits"] if c in members]
    median = lambda v: statistics.median(v) if v else None  # noqa: E731
    return {
        "children": len(members),
        "gas_latest": (len(latest), median(latest), sorted(_band(t) for t in latest)),
        "gas_discharge": (len(discharge), median(discharge), sorted(_band(t) for t in discharge)),
        "copm": (len(copm), sum(p >= 2 for p, _ in copm), len(sat), sum(s >= 2 for s in sat)),
        "seen": (
            len(seen),
            seen.count("attended"),
            sum(s in MISSED_DNA for s in seen),
            sum(s in MISSED_WNB for s in seen),
        ),
        "waits": (len(waits), median(waits)),
    }


def _answered(figures: dict[str, Any]) -> dict[str, Any]:
    """The API's figures in the same shape."""

    def spread(gas: dict[str, Any]) -> list[str]:
        return sorted(label for c in gas["distribution"] for label in [c["label"]] * c["n"])

    a, c = figures["attendance"], figures["copm"]
    return {
        "children": figures["children"],
        "gas_latest": (
            figures["gas_latest"]["children"],
            figures["gas_latest"]["median"],
            spread(figures["gas_latest"]),
        ),
        "gas_discharge": (
            figures["gas_discharge"]["children"],
            figures["gas_discharge"]["median"],
            spread(figures["gas_discharge"]),
        ),
        "copm": (
            c["problems"],
            c["performance_improved"],
            c["satisfaction_problems"],
            c["satisfaction_improved"],
        ),
        "seen": (a["appointments"], a["attended"], a["did_not_attend"], a["was_not_brought"]),
        "waits": (figures["waits"]["children"], figures["waits"]["median_days"]),
    }


def _close(answer: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        got = answer[key]
        if isinstance(want, tuple):
            assert len(got) == len(want), key
            for g, w in zip(got, want, strict=True):
                if isinstance(w, float):
                    assert g == pytest.approx(w, abs=1e-9), key
                else:
                    assert g == w, key
        else:
            assert got == want, key


def test_team_figures_equal_the_independent_count(demo: Demo) -> None:
    found = _expected(demo.store, demo.start, demo.today)
    expected = _figures(found, set(found["children"]))
    answer = demo.answers["outcomes"]
    assert answer["period_from"] == demo.start.isoformat()
    _close(_answered(answer["team"]), expected)
    # The demo has something in every figure, so the comparison compares something.
    assert expected["gas_latest"][0] > 10 and expected["gas_discharge"][0] > 0
    assert expected["copm"][0] > 10 and expected["seen"][2] > 0 and expected["seen"][3] > 0
    assert expected["waits"][0] > 10


@pytest.mark.parametrize(
    ("group", "key"),
    [
        ("by_therapist", lambda c, staff: staff[c.therapist_id][0] if c.therapist_id else ""),
        ("by_setting", lambda c, staff: c.setting_type.value),
        ("by_written_language", lambda c, staff: c.written_language),
        ("by_interpreter_need", lambda c, staff: "yes" if c.interpreter_needed else "no"),
    ],
)
def test_every_group_equals_the_independent_count_with_its_n(demo: Demo, group, key) -> None:
    found = _expected(demo.store, demo.start, demo.today)
    members: dict[str, set[str]] = {}
    for child in found["children"].values():
        members.setdefault(key(child, demo.staff), set()).add(child.id)
    answered = {g["key"]: g for g in demo.answers["outcomes"][group]}
    assert set(answered) == set(members)
    for name, ids in members.items():
        _close(_answered(answered[name]["figures"]), _figures(found, ids))
    assert sum(g["figures"]["children"] for g in answered.values()) == len(found["children"])
    if group == "by_written_language":  # small groups are shown, never folded away
        assert min(len(ids) for ids in members.values()) < 5


def test_waiting_list_and_its_return_equal_the_laptops_list(demo: Demo) -> None:
    with demo.store.read_session() as session:
        laptop = waiting_list(session, today=demo.today)
    answer = demo.answers["waiting"]
    assert [(r["referral_id"], r["days_waited"], r["band"]) for r in answer["children"]] == [
        (w.referral_id, w.days_waited, w.band) for w in laptop
    ]
    assert answer["breaches"] == sum(w.days_waited > 126 for w in laptop) > 0
    bands = {b["band"]: b["children"] for b in answer["bands"]}
    assert all(n > 0 for n in bands.values()), bands  # the demo waits in every band
    header, line = demo.answers["csv"].strip().split("\r\n")
    cells = line.split(",")
    assert header.split(",")[3:] == ["Total waiting", "Waiting 0-1 weeks", "Waiting 1-2 weeks",
        "Waiting 2-4 weeks", "Waiting 4-12 weeks", "Waiting 12-18 weeks", "Waiting 18-52 weeks",
        "Waiting over 52 weeks", "Waiting over 18 weeks"]  # fmt: skip
    assert [int(n) for n in cells[3:]] == [len(laptop), *bands.values(), answer["breaches"]]


def test_family_experience_equals_the_laptops_results(demo: Demo) -> None:
    with demo.store.read_session() as session:
        laptop = survey_results(session)
    answer = demo.answers["experience"]
    assert answer["surveys"] == laptop.surveys > 0
    assert [(q["key"], q["answered"], tuple(q["counts"])) for q in answer["questions"]] == [
        (q.key, q.answered, q.counts) for q in laptop.questions
    ]
    assert sorted((c["received_on"], c["text"]) for c in answer["comments"]) == sorted(
        (c.received_on.isoformat(), c.text) for c in laptop.comments
    )
    days = [c["received_on"] for c in answer["comments"]]
    assert days == sorted(days, reverse=True)  # newest first


def test_caseload_lists_every_child_with_the_therapist_the_laptop_shows(demo: Demo) -> None:
    with demo.store.read_session() as session:
        children = list(session.scalars(select(Child)))
    listed = {c["child_id"]: c for c in demo.answers["caseload"]["children"]}
    assert set(listed) == {c.id for c in children}
    for child in children:
        assert listed[child.id]["therapist_name"] == demo.staff[child.therapist_id][1]
        assert listed[child.id]["setting_type"] == child.setting_type.value

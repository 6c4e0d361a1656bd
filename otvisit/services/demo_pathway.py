"""Demo data for the children's pathway: a waiting list in every band, decisions, missed visits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from otvisit.models import (
    Appointment,
    Carer,
    Child,
    DisruptionContact,
    Episode,
    Referral,
    SafeguardingCheck,
)
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.services.disruption import contact_id_for, family_key
from otvisit.services.waiting_list import BANDS

#: (given name, set-up) of the child as the demo's child maker returns it.
NewChild = Callable[[str], tuple[str, str, bool, str]]

_SOURCES = ("gp", "health_visitor", "school_senco", "parent", "other")
_REASONS = (
    "Not yet using a spoon or fork at nursery; parents would like help with mealtimes",
    "Handwriting very slow and tiring; not finishing written work in class",
    "Finds dressing for PE very hard and is upset before PE days",
    "Difficulty sitting on the carpet and at the table; falls off the chair",
    "Toddler not yet playing with both hands together; health visitor concerned",
)
_DECLINES = (
    "Needs are about behaviour at home; referred on to the family support team",
    "Already seen by the school's own therapist; no new need for community OT",
    "Lives outside our area; referral forwarded to the local children's OT service",
)


def pathway_children(children: int) -> int:
    """How many of the demo's children come through the referral pathway (about a fifth)."""
    return children // 5


def rows_reserved(children: int) -> int:
    """About how many rows the pathway and the strike day add, kept out of the visits' budget."""
    return pathway_children(children) * 7 + children // 2 + 2


def _days_in_band(b: Any, index: int) -> int:
    first = 0
    for n, (_label, last_day) in enumerate(BANDS):
        if n == index % len(BANDS):
            top = last_day if last_day is not None else 540
            return int(b.rng.randint(first, top))
        first = (last_day or 0) + 1
    raise AssertionError("unreachable")  # pragma: no cover


def add_pathway(
    b: Any, *, count: int, therapists: Sequence[str], new_child: NewChild, today: date
) -> None:
    """Make ``count`` children on the pathway: waiting (every band), declined, undecided, WNB."""
    for n in range(count):
        therapist = therapists[1 + n % (len(therapists) - 1)]
        child_id, _given, interpreted, language = new_child(therapist)
        role = n % 10
        source = _SOURCES[n % len(_SOURCES)]
        reason = _REASONS[n % len(_REASONS)]
        if role == 7:
            b.add(
                Referral, child_id=child_id, received_on=today - timedelta(days=n % 9 + 2),
                source=source, reason=reason, referrer_name="Dr A. Okoye",
                priority="routine", decline_reason=_DECLINES[n % len(_DECLINES)],
                status="declined", decided_on=today - timedelta(days=1), decided_by_id=therapist,
            )  # fmt: skip
            continue
        if role == 8:
            b.add(
                Referral, child_id=child_id, received_on=today - timedelta(days=n % 5),
                source=source, reason=reason, referrer_name="Ms R. Begum (SENCO)",
                priority="soon", status="received",
            )  # fmt: skip
            continue
        received_on = today - timedelta(days=_days_in_band(b, n))
        accepted_on = min(today, received_on + timedelta(days=3))
        priority = ("urgent", "soon", "routine", "routine")[n % 4]
        episode_id = b.add(
            Episode, child_id=child_id, referred_on=received_on, referral_reason=reason,
            accepted_on=accepted_on, status="accepted",
        )  # fmt: skip
        b.add(
            Referral, child_id=child_id, received_on=received_on, source=source, reason=reason,
            referrer_name="Dr A. Okoye", priority=priority, status="accepted",
            decided_on=accepted_on, decided_by_id=therapist, episode_id=episode_id,
        )  # fmt: skip
        if role == 9:  # was not brought to the initial appointment: discharge proposed
            missed = b.moment(today - timedelta(days=2), 10)
            appointment_id = b.add(
                Appointment, child_id=child_id, episode_id=episode_id, therapist_id=therapist,
                kind="initial", place="clinic", starts_at=missed, duration_minutes=60,
                interpreter_booked=interpreted, interpreter_language=language,
                status="was_not_brought", notes="Was not brought; no notice.",
            )  # fmt: skip
            b.rows[Episode][-1]["discharge_proposed_reason"] = "did_not_attend"
            b.add(
                SafeguardingCheck, child_id=child_id, episode_id=episode_id,
                appointment_id=appointment_id, known_to_social_care=False, concern=False,
                told_gp=True, told_health_visitor_or_school_nurse=False, told_referrer=False,
            )  # fmt: skip
            continue
        if n % 3 == 0:  # an initial appointment booked; some moved by the family
            b.add(
                Appointment, child_id=child_id, episode_id=episode_id, therapist_id=therapist,
                kind="initial", place=b.pick(("home", "clinic", "nursery")),
                starts_at=b.moment(today + timedelta(days=7 + n % 20), 9 + n % 6),
                duration_minutes=60, interpreter_booked=interpreted,
                interpreter_language=language, reschedule_count=b.pick((0, 1, 2)),
            )  # fmt: skip


def add_strike_day(b: Any, *, team_id: str, today: date) -> None:
    """Flag the busiest coming day as a strike day and make its contact list, half phoned."""
    booked = [
        row
        for row in b.rows.get(Appointment, [])
        if row.get("status", "booked") == "booked"
        and today < row["starts_at"].astimezone(SERVICE_TIMEZONE).date() <= today + timedelta(21)
    ]
    if not booked:
        return
    days: dict[date, list[dict[str, Any]]] = {}
    for row in booked:
        days.setdefault(row["starts_at"].astimezone(SERVICE_TIMEZONE).date(), []).append(row)
    day, rows = max(days.items(), key=lambda item: (len(item[1]), item[0]))
    children = {row["id"]: row for row in b.rows[Child]}
    phones: dict[str, tuple[str, str]] = {}
    for carer in b.rows.get(Carer, []):
        if carer.get("main_contact") and carer["child_id"] not in phones:
            phones[carer["child_id"]] = (carer["full_name"], carer["phone"])
    families: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["disrupted"] = True
        row["disruption_reason"] = "Strike action"
        child = children[row["child_id"]]
        key = family_key(
            phone=phones.get(child["id"], ("", ""))[1], address=child.get("address", ""),
            postcode=child.get("postcode", ""), child_id=child["id"],
        )  # fmt: skip
        families.setdefault(key, []).append(row)
    for n, (key, family_rows) in enumerate(sorted(families.items())):
        child_ids = sorted({row["child_id"] for row in family_rows})
        child = children[child_ids[0]]
        name, phone = phones.get(child["id"], (f"Family of {child['given_name']}", ""))
        outcome = ("rebooked", "call_back", "no_answer", None, None)[n % 5]
        reached = outcome in ("rebooked", "call_back")
        b.add(
            DisruptionContact, id=contact_id_for(team_id=team_id, day=day, key=key),
            child_id=child_ids[0], child_ids=child_ids, day=day, family_key=key,
            family_name=name, phone=phone, language=child["spoken_language"],
            interpreter_language=child["interpreter_language"] if child["interpreter_needed"]
            else "", appointment_count=len(family_rows), contacted=reached, outcome=outcome,
            contacted_on=today if reached else None,
        )  # fmt: skip
        if reached:
            for row in family_rows:
                row["family_contacted"] = True

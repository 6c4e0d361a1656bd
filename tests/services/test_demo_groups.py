"""`otvisit demo` makes a coaching group with marked registers, COPM before/after, and surveys."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from otvisit.models.groups import GroupSession, PlaceStatus
from otvisit.models.store import Store
from otvisit.services import coaching, group_views
from otvisit.services.demo_caseload import build_demo_caseload
from otvisit.services.survey_results import survey_results

TODAY = date(2026, 11, 24)


def test_the_demo_coaching_group_has_every_screen_something_to_show(store: Store) -> None:
    with store.transaction() as session:
        summary = build_demo_caseload(session, children=40, records=3000, seed=3, today=TODAY)
    assert 3000 <= summary.total <= 3010
    with store.read_session() as session:
        rows = group_views.list_group_sessions(session)
        assert len(rows) == 7 and {row.programme for row in rows} == {
            "Parent coaching: everyday routines"
        }
        past = [row for row in rows if row.has_note]
        assert len(past) == 6 and all(row.attended > 0 for row in past)
        first = min(past, key=lambda row: row.starts_at)
        register = group_views.group_register(session, group_session_id=first.group_session_id)
        assert len(register.lines) == 8
        assert all(line.status is not PlaceStatus.BOOKED for line in register.lines)
        moved = [
            line
            for row in rows
            for line in group_views.group_register(
                session, group_session_id=row.group_session_id
            ).lines
            if line.reschedule_count
        ]
        assert moved, "one family moved a week, counted against their two reschedules"
        group = session.get(GroupSession, first.group_session_id)
        assert group is not None and group.programme_id is not None
        outcomes = coaching.programme_outcomes(session, programme_id=group.programme_id)
        assert len(outcomes) == 8
        assert all(o.summary.reassessed_performance is not None for o in outcomes)
        entries = group_views.child_group_entries(session, child_id=register.lines[0].child_id)
        assert len(entries) == 7 and entries[-1].group_note
        results = survey_results(session)
        assert results.surveys >= 24 and results.comments
        assert len(results.languages) > 3
        assert all(n for way, n in results.arrivals if way != "Not recorded")  # every way shows


@pytest.mark.parametrize("children", [1, 5])
def test_a_small_demo_still_makes_a_group_of_the_children_it_has(
    store: Store, children: int
) -> None:
    with store.transaction() as session:
        summary = build_demo_caseload(session, children=children, records=300, seed=1, today=TODAY)
    assert 300 <= summary.total <= 310
    with store.read_session() as session:
        groups = session.scalars(select(GroupSession)).all()
        families = {
            line.child_id
            for g in groups
            for line in group_views.group_register(session, group_session_id=g.id).lines
        }
    assert len(families) <= children

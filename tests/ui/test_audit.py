"""Opening a child's record is audited once per opening; switching sections is not an opening."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from otvisit.models import AuditEvent
from otvisit.models.vocabulary import AuditAction
from tests.ui.driver import Visit, find_and_open, open_section

pytestmark = pytest.mark.gui


def _views(visit: Visit) -> list[AuditEvent]:
    with visit.window.context.runner.store.read_session() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.VIEW))
        )


def test_each_opening_of_a_record_is_audited_once(visit: Visit) -> None:
    assert _views(visit) == []  # the caseload list is not a view of anyone's record
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    for section in (record.goals, record.notes, record.documents, record.overview):
        open_section(visit, section)
    views = _views(visit)
    assert len(views) == 1
    (view,) = views
    assert (view.entity, view.record_id, view.child_id) == ("child", visit.seeded.sam,
                                                             visit.seeded.sam)  # fmt: skip
    assert view.actor_id == visit.seeded.me
    visit.window.show_caseload()
    find_and_open(visit, "amira")
    find_and_open(visit, "sam")
    assert [v.child_id for v in _views(visit)].count(visit.seeded.sam) == 2
    assert len(_views(visit)) == 3

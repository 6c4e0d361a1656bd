"""Changing a home programme's "this week" text and review date."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from otvisit.models import AuditEvent, HomeProgramme, OutboxOp
from otvisit.models.store import Store
from otvisit.models.vocabulary import AuditAction
from otvisit.services import programmes
from otvisit.services.errors import NotFound, ValidationError
from tests.factories import TODAY, make_programme
from tests.services.conftest import Refusal


def test_this_week_and_review_date_change_and_are_audited(store: Store) -> None:
    with store.transaction() as session:
        programme = make_programme(session, this_week="Coat flip before school")
        programme_id = programme.id
    with store.transaction() as session:
        changed = programmes.update_programme(
            session,
            programme_id=programme_id,
            this_week="  Coat flip before school\nZip with the big puller  ",
            review_on=TODAY + timedelta(weeks=6),
            actor_id=None,
        )
    assert changed == ["review_on", "this_week"]
    with store.transaction() as session:
        saved = session.get(HomeProgramme, programme_id)
        assert saved is not None
        assert saved.this_week == "Coat flip before school\nZip with the big puller"
        assert saved.review_on == TODAY + timedelta(weeks=6)
        audit = session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_id == programme_id, AuditEvent.action == AuditAction.CHANGE
            )
        ).one()
        assert audit.detail == "review_on, this_week"
        assert session.scalars(
            select(OutboxOp).where(OutboxOp.record_id == programme_id)
        ).all()  # the change goes to the server with the next sync
        # Only what is given changes; None clears the review date; the same text changes nothing.
        assert programmes.update_programme(session, programme_id=programme_id, review_on=None) == [
            "review_on"
        ]
        assert (
            programmes.update_programme(
                session, programme_id=programme_id, this_week=saved.this_week
            )
            == []
        )
        assert saved.this_week.startswith("Coat flip") and saved.review_on is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [  # a good "this week" goes with each bad change: neither may be written
        ({"this_week": 42}, "must be text"),
        ({"review_on": TODAY - timedelta(days=1)}, "before the programme starts"),
        ({"review_on": datetime(2026, 12, 1, 9, 0)}, "must be a date"),
        ({"review_on": "2026-12-01"}, "must be a date"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(
    store: Store, refused: Refusal, changes: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        programme = make_programme(session, this_week="Coat flip")
        programme_id = programme.id
    refused(
        lambda s: programmes.update_programme(
            s, programme_id=programme_id, **{"this_week": "New text", **changes}
        ),
        ValidationError,
        message,
    )
    with store.read_session() as session:
        kept = session.get(HomeProgramme, programme_id)
        assert kept is not None and kept.this_week == "Coat flip" and kept.review_on is None


def test_a_missing_programme_is_not_found(refused: Refusal) -> None:
    refused(
        lambda s: programmes.update_programme(s, programme_id="nope", this_week="x"),
        NotFound,
        "home programme could not be found",
    )

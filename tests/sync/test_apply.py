"""Applying pulled batches to a real SQLite store: one transaction each, local edits kept on top."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from otvisit.models import Child, OutboxOp, SessionNote, UnreadableRecord, new_id, utcnow
from otvisit.models.store import Store
from otvisit.models.wire import record_fields
from otvisit.sync.client import settings, sync_status
from otvisit.sync.client.engine import SyncReport, _apply_batch
from otvisit.sync.protocol import PullResponse
from tests.sync.factories import child_fields, note_fields, pulled

TEAM = new_id()


def _apply(
    store: Store, *records: object, cursor: int, removed: list[str] | None = None
) -> SyncReport:
    report = SyncReport()
    response = PullResponse(
        records=list(records),  # type: ignore[arg-type]
        removed_children=removed or [],
        next_cursor=cursor,
        has_more=False,
    )
    _apply_batch(store, response, report, now=utcnow(), status={})
    return report


def _outbox_count(store: Store) -> int:
    with store.read_session() as session:
        return session.scalar(select(func.count()).select_from(OutboxOp)) or 0


def test_new_records_are_inserted_with_their_server_seq_and_not_queued(store: Store) -> None:
    child = pulled("child", child_fields(TEAM), seq=7)
    note = pulled("session_note", note_fields(child.record_id, new_id()), seq=8)
    report = _apply(store, child, note, cursor=8)
    assert report.pulled == 2
    with store.read_session() as session:
        stored = session.get(Child, child.record_id)
        assert stored is not None and stored.server_seq == 7
        assert stored.date_of_birth == date(2019, 3, 1)
        assert stored.access_needs == []  # column default filled for a field not sent
        assert session.get(SessionNote, note.record_id).body.startswith("Practised")  # type: ignore[union-attr]
        assert settings.pull_cursor(session) == 8
    assert _outbox_count(store) == 0


def test_an_update_keeps_a_field_changed_locally_and_not_pushed_yet(store: Store) -> None:
    child = pulled("child", child_fields(TEAM), seq=1)
    _apply(store, child, cursor=1)
    with store.transaction() as session:
        session.get(Child, child.record_id).postcode = "N1 9GU"  # type: ignore[union-attr]
    newer = pulled(
        "child",
        child_fields(TEAM, postcode="E2 8AA", family_name="Okafor-Jones"),
        record_id=child.record_id,
        seq=5,
    )
    _apply(store, newer, cursor=5)
    with store.read_session() as session:
        stored = session.get(Child, child.record_id)
        assert stored is not None
        assert stored.family_name == "Okafor-Jones"  # their change arrived
        assert stored.postcode == "N1 9GU"  # mine is still on top, waiting to be pushed
        assert stored.server_seq == 5
    assert _outbox_count(store) == 1


def test_a_bad_value_is_set_aside_and_the_rest_of_the_batch_lands(store: Store) -> None:
    good = pulled("child", child_fields(TEAM), seq=1)
    bad = pulled("child", child_fields(TEAM, date_of_birth="yesterday"), seq=2)
    report = _apply(store, good, bad, cursor=2)
    assert report.unreadable == 1
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1
        assert session.get(Child, good.record_id) is not None
        assert settings.pull_cursor(session) == 2  # the pull went on past it
        aside = session.scalars(select(UnreadableRecord)).one()
        assert aside.record_id == bad.record_id and aside.seq == 2
        assert "date_of_birth" in aside.reason
        assert sync_status(session).unreadable_records == 1
    # A newer version that stores cleanly takes its place: nothing is set aside any more.
    fixed = pulled("child", child_fields(TEAM), record_id=bad.record_id, seq=3)
    _apply(store, fixed, cursor=3)
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(UnreadableRecord)) == 0


def test_tombstones_update_known_records_and_skip_unknown_ones(store: Store) -> None:
    child = pulled("child", child_fields(TEAM), seq=1)
    _apply(store, child, cursor=1)
    gone = pulled("child", {}, record_id=child.record_id, seq=3, deleted=True)
    never_held = pulled("goal", {}, child_id=child.record_id, seq=4, deleted=True)
    _apply(store, gone, never_held, cursor=4)
    with store.read_session() as session:
        stored = session.get(Child, child.record_id)
        assert stored is not None and stored.deleted and stored.server_seq == 3


def test_an_unknown_entity_is_set_aside(store: Store) -> None:
    report = _apply(store, pulled("spaceship", {"name": "x"}, child_id=None), cursor=1)
    assert report.unreadable == 1
    with store.read_session() as session:
        assert "does not know: spaceship" in session.scalars(select(UnreadableRecord.reason)).one()
        assert settings.pull_cursor(session) == 1


def test_bulk_inserted_rows_read_back_exactly_as_sent(store: Store) -> None:
    child = pulled(
        "child",
        child_fields(
            TEAM, interpreter_needed=True, access_needs=["large_print"], setting_type="school"
        ),
        seq=1,
    )
    note = pulled(
        "session_note",
        note_fields(
            child.record_id,
            new_id(),
            attendees=[{"role": "parent", "name": "Mum", "language": "so"}],
            signed_at="2026-11-23T14:05:09.123456+00:00",
            place="home",
        ),
        seq=2,
    )
    _apply(store, child, note, cursor=2)
    with store.read_session() as session:
        stored_child = session.get(Child, child.record_id)
        stored_note = session.get(SessionNote, note.record_id)
        assert stored_child is not None and stored_note is not None
        for record, sent in ((stored_child, child), (stored_note, note)):
            fields = record_fields(record)
            assert {name: fields[name] for name in sent.fields} == sent.fields
        assert stored_note.goals_addressed == []  # a default, stored like the ORM would
        assert stored_note.signed_at is not None and stored_note.signed_at.tzinfo is not None

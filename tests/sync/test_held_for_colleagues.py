"""Edits of a colleague's note held after a server restore, on a real store (no server).

The drills in test_restore.py show the whole path through a server; these pin the rules of the
hold itself: what waits, on which version it goes, and what the therapist is told.
"""

from __future__ import annotations

from sqlalchemy import select

from otvisit.models import OutboxOp, SessionNote, new_id
from otvisit.models.store import Store
from otvisit.sync.client import sync_status
from otvisit.sync.client.push import next_batch, pending_count
from otvisit.sync.client.recovery import AWAITING, release_awaiting, resend_missing
from tests.sync.factories import child_fields, note_fields, pulled
from tests.sync.test_apply import TEAM, _apply

ME, COLLEAGUE = new_id(), new_id()


def _colleagues_note(store: Store, *, seq: int) -> str:
    """A child and a colleague's draft, pulled from the server at version ``seq``."""
    child = pulled("child", child_fields(TEAM), seq=1)
    note = pulled("session_note", note_fields(child.record_id, COLLEAGUE), seq=seq)
    _apply(store, child, note, cursor=seq)
    return note.record_id


def _type(store: Store, note_id: str, body: str) -> None:
    with store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        note.body = body


def _restored(store: Store, *, above: int) -> None:
    with store.transaction() as session:
        resend_missing(session, above=above, user_id=ME)


def _outbox(store: Store) -> list[OutboxOp]:
    with store.read_session() as session:
        ops = list(session.scalars(select(OutboxOp).order_by(OutboxOp.seq)))
        session.expunge_all()
    return ops


def test_an_edit_of_a_colleagues_note_only_read_waits_for_it_and_goes_on_the_restored_version(
    store: Store,
) -> None:
    note = _colleagues_note(store, seq=40)
    _restored(store, above=30)  # the backup may lack the note: only her laptop sends it
    [placeholder] = _outbox(store)
    assert placeholder.state == AWAITING and placeholder.changes == {}
    with store.read_session() as session:
        assert sync_status(session).awaiting_ops == 0  # nothing of mine waits yet

    _type(store, note, "Practised buttons. Mine: then zips.")
    with store.read_session() as session:
        assert next_batch(session, device_id="laptop") is None  # held behind the placeholder
        status = sync_status(session)
        assert (status.pending_ops, status.awaiting_ops) == (0, 1)
        assert pending_count(session) == 1  # the team lead sees the laptop holds words

    with store.transaction() as session:
        assert release_awaiting(session, [note]) == 1  # her laptop sent it: a pull brought it
    [edit] = _outbox(store)
    assert (edit.state, edit.base_seq) == ("pending", 30)  # differing words: a conflict
    assert edit.changes == {"body": "Practised buttons. Mine: then zips."}
    with store.read_session() as session:
        request = next_batch(session, device_id="laptop")
    assert request is not None and [op.record_id for op in request.operations] == [note]


def test_a_second_restore_to_an_older_backup_puts_held_edits_on_its_own_version(
    store: Store,
) -> None:
    note = _colleagues_note(store, seq=40)
    _restored(store, above=30)
    _type(store, note, "Practised buttons. Mine: then zips.")
    _restored(store, above=20)  # restored again, from an older backup, before she synced
    held = _outbox(store)
    assert held and all(op.state == AWAITING for op in held)
    assert {op.base_seq for op in held} == {20}  # 30 is a number this generation gives again
    with store.transaction() as session:
        release_awaiting(session, [note])
    [edit] = _outbox(store)
    assert (edit.state, edit.base_seq) == ("pending", 20)


def test_my_own_note_is_sent_again_whole_and_never_held(store: Store) -> None:
    child = pulled("child", child_fields(TEAM), seq=1)
    mine = pulled("session_note", note_fields(child.record_id, ME), seq=40)
    _apply(store, child, mine, cursor=40)
    _restored(store, above=30)
    ops = [op for op in _outbox(store) if op.record_id == mine.record_id]
    assert [op.state for op in ops] == ["pending"]
    assert ops[0].changes["body"] == "Practised buttons with the teaching assistant."
    with store.read_session() as session:
        assert sync_status(session).awaiting_ops == 0

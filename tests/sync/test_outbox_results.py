"""What a push answer does to the local store: ops leave, conflicts kept, rejections shown."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from otvisit.models import Child, OutboxOp, SessionNote, SyncConflict, new_id
from otvisit.models.outbox import APPLYING_REMOTE
from otvisit.models.store import Store
from otvisit.models.vocabulary import Place
from otvisit.sync.client.conflicts import list_conflicts, resolve_conflict
from otvisit.sync.client.push import HeldVersions, next_batch, record_results
from otvisit.sync.protocol import FieldConflict, OperationResult, PushResponse


def _note(store: Store, *, body: str = "First visit.", server_seq: int | None = 3) -> str:
    with store.transaction() as session:
        session.info[APPLYING_REMOTE] = True  # as if pulled from the server
        note = SessionNote(
            child_id=new_id(),
            author_id=new_id(),
            seen_on=date(2026, 11, 20),
            place=Place.HOME,
            body=body,
            server_seq=server_seq,
        )
        session.add(note)
    return note.id


def _ops(store: Store) -> list[OutboxOp]:
    with store.read_session() as session:
        return list(session.scalars(select(OutboxOp).order_by(OutboxOp.seq)))


def test_batches_carry_pending_ops_in_order_with_their_base_seq(store: Store) -> None:
    note_id = _note(store)
    with store.transaction() as session:
        session.get(SessionNote, note_id).body = "Edited offline."  # type: ignore[union-attr]
    with store.transaction() as session:
        session.get(SessionNote, note_id).plan = "Review in 6 weeks."  # type: ignore[union-attr]
    with store.transaction() as session:
        request = next_batch(session, device_id="d1")
    assert request is not None
    assert [op.changes for op in request.operations] == [
        {"body": "Edited offline."},
        {"plan": "Review in 6 weeks."},
    ]
    assert [op.base_seq for op in request.operations] == [3, 3]
    seqs = [op.op_seq for op in request.operations]
    assert seqs == sorted(seqs)


def test_an_op_the_server_would_refuse_outright_is_rejected_locally(store: Store) -> None:
    with store.transaction() as session:
        session.add(
            OutboxOp(
                entity="session_note", record_id=new_id(), kind="upsert", changes={"place": "moon"}
            )
        )
        session.add(
            OutboxOp(
                entity="carer", record_id=new_id(), kind="upsert", changes={"full_name": "Ada"}
            )
        )
    with store.transaction() as session:
        request = next_batch(session, device_id="d1")
    assert request is not None and [op.entity for op in request.operations] == ["carer"]
    rejected = [op for op in _ops(store) if op.state == "rejected"]
    assert len(rejected) == 1 and "place" in rejected[0].error


def test_results_remove_done_ops_keep_rejected_and_store_conflicts(store: Store) -> None:
    note_id = _note(store)
    with store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        note.body = "Mine: Sam used the button hook."
        note.interpreter_language = "so"
    with store.transaction() as session:
        session.add(
            Child(
                team_id=new_id(),
                given_name="Ana",
                family_name="Lee",
                date_of_birth=date(2020, 1, 2),
                nhs_number="9434765919",
            )
        )
    with store.transaction() as session:
        request = next_batch(session, device_id="d1")
    assert request is not None
    first, second = request.operations
    conflict_id = new_id()
    response = PushResponse(
        results=[
            OperationResult(
                op_seq=first.op_seq,
                status="conflict",
                record_seq=9,
                conflicts=[
                    FieldConflict(
                        kind="edit",
                        field="body",
                        mine=first.changes["body"],
                        theirs="Theirs: Sam zipped his coat.",
                        theirs_by="Priya Shah",
                        conflict_id=conflict_id,
                    )
                ],
            ),
            OperationResult(op_seq=second.op_seq, status="rejected", reason="Not on your team."),
        ],
        last_op_seq=second.op_seq,
    )
    with store.transaction() as session:
        outcome = record_results(session, request, response)
        # A retried answer (response lost, push sent again) stores nothing twice.
        record_results(session, request, response)
    assert outcome.conflicts == 1 and outcome.rejected == ["Not on your team."]
    assert [(op.seq, op.state, op.error) for op in _ops(store)] == [
        (second.op_seq, "rejected", "Not on your team.")
    ]
    with store.read_session() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None and note.body == "Theirs: Sam zipped his coat."
        assert note.interpreter_language == "so"
        [view] = list_conflicts(session)
    assert (view.mine, view.theirs, view.theirs_by) == (
        "Mine: Sam used the button hook.",
        "Theirs: Sam zipped his coat.",
        "Priya Shah",
    )
    assert view.can_merge


def test_resolving_with_a_merged_text_is_an_ordinary_edit_that_syncs(store: Store) -> None:
    note_id = _note(store, body="Theirs.", server_seq=9)
    with store.transaction() as session:
        session.add(
            SyncConflict(
                id="c1",
                entity="session_note",
                record_id=note_id,
                field="body",
                kind="edit",
                mine="Mine.",
                theirs="Theirs.",
            )
        )
    with store.transaction() as session:
        view = resolve_conflict(
            session, conflict_id="c1", choice="merged", merged_text="Mine. Theirs."
        )
    assert view.resolution == "merged" and view.resolved_at is not None
    [op] = _ops(store)
    assert (op.kind, op.changes, op.base_seq) == ("upsert", {"body": "Mine. Theirs."}, 9)
    with store.read_session() as session:
        assert list_conflicts(session) == []
        assert len(list_conflicts(session, include_resolved=True)) == 1


def test_keeping_my_edit_against_a_delete_restores_then_edits(store: Store) -> None:
    note_id = _note(store, server_seq=12)
    with store.transaction() as session:
        session.info[APPLYING_REMOTE] = True
        session.get(SessionNote, note_id).deleted = True  # type: ignore[union-attr]
        session.add(
            SyncConflict(
                id="c2",
                entity="session_note",
                record_id=note_id,
                kind="edit_vs_delete",
                mine={"plan": "Kept plan."},
                theirs=None,
            )
        )
    with store.transaction() as session:
        resolve_conflict(session, conflict_id="c2", choice="mine")
    assert [(op.kind, op.changes) for op in _ops(store)] == [
        ("restore", {}),
        ("upsert", {"plan": "Kept plan."}),
    ]
    with store.read_session() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None and not note.deleted and note.plan == "Kept plan."


def test_a_push_answer_marks_a_record_held_only_when_it_applied_onto_the_laptops_version(
    store: Store,
) -> None:
    """Held: the server's new version is exactly the laptop's copy (no pull write needed)."""
    notes = {name: _note(store, body=name, server_seq=3) for name in ("a", "b", "c", "d", "e")}
    unseen = _note(store, body="f", server_seq=12)  # a version a push told of, never pulled
    with store.transaction() as session:
        for note_id in [*notes.values(), unseen]:
            note = session.get(SessionNote, note_id)
            assert note is not None
            note.plan = "Review in May."
    with store.transaction() as session:
        twice = session.get(SessionNote, notes["a"])
        assert twice is not None
        twice.plan = "Review in June."  # a second operation of the same record
    with store.transaction() as session:
        request = next_batch(session, device_id="d1")
    assert request is not None
    ops = {op.op_seq: op for op in request.operations}
    seq_of: dict[str, list[int]] = {}
    for op in request.operations:
        seq_of.setdefault(op.record_id, []).append(op.op_seq)
    a1, a2 = seq_of[notes["a"]]

    def applied(op_seq: int, prior: int, made: int, status: str = "applied") -> OperationResult:
        return OperationResult.model_validate(
            {"op_seq": op_seq, "status": status, "record_seq": made, "prior_seq": prior}
        )

    response = PushResponse(
        results=[
            applied(a1, 3, 20),  # onto the laptop's version 3 ...
            applied(a2, 20, 21),  # ... then onto the version the first one made
            applied(seq_of[notes["b"]][0], 3, 22),
            applied(seq_of[notes["c"]][0], 15, 23),  # a colleague's version 15 in between
            applied(seq_of[notes["d"]][0], 3, 24, status="merged"),
            OperationResult(op_seq=seq_of[notes["e"]][0], status="rejected", reason="No."),
            applied(seq_of[unseen][0], 12, 25),  # built on a version above the cursor
        ],
        last_op_seq=max(ops),
    )
    held = HeldVersions(cursor=10)
    with store.transaction() as session:
        record_results(session, request, response, held)
    assert held.seqs == {
        notes["a"]: 21, notes["b"]: 22, notes["c"]: None, notes["d"]: None, notes["e"]: None,
        unseen: None,
    }  # fmt: skip
    assert held.holds(notes["a"], 21) and not held.holds(notes["a"], 20)
    assert not held.holds(notes["c"], 23) and not held.holds(new_id(), 0)

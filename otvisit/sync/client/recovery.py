"""Getting sync going again on its own: records it cannot store, a restored server or laptop.

- A pulled record this laptop cannot store is set aside (``UnreadableRecord``), reported to the
  server, and the pull goes on: one bad record never stops a team's sync.
- A server restored from a backup (new generation, or a cursor above its high-water mark) is
  sent again what it lacks from this laptop's own store, then pulled from again.
  Its conflicts (both versions, resolved or not) go back too: the server's history keeps them.
- A laptop restored from a copy renumbers its unsent operations above the last one the server
  holds for this device, instead of being refused with ``op_seq_reused`` forever.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, PushedOp, SyncConflict, UnreadableRecord
from otvisit.models.registry import FIELDS, READ_ONLY_ENTITIES, SYNCED_MODELS
from otvisit.models.wire import to_wire
from otvisit.sync.protocol import (
    MAX_RESENT_CONFLICTS,
    PulledRecord,
    ResentConflict,
    ResentConflicts,
    UnreadableReport,
)
from otvisit.sync.protocol import UnreadableRecord as WireUnreadable

#: Reasons are shown and logged, never whole records: keep them short.
_REASON_CHARS = 500


def set_aside(session: Session, found: Sequence[tuple[PulledRecord, str]]) -> int:
    """Keep pulled records that could not be stored, with why; the pull goes on without them."""
    for record, reason in found:
        try:
            raw = json.dumps(record.model_dump(mode="json"))
        except (ValueError, TypeError, RecursionError):
            raw = ""
        session.add(
            UnreadableRecord(
                entity=record.entity[:40],
                record_id=record.record_id[:36],
                seq=record.seq,
                raw=raw.encode("utf-8", "backslashreplace").decode("utf-8"),
                reason=reason[:_REASON_CHARS],
            )
        )
    return len(found)


def forget_stored(session: Session, stored: Sequence[PulledRecord]) -> None:
    """A newer version of a set-aside record was stored after all: it is no longer unreadable."""
    by_id = {r.record_id: r.seq for r in stored}
    if not by_id or session.scalar(select(func.count()).select_from(UnreadableRecord)) == 0:
        return
    for row in session.scalars(
        select(UnreadableRecord).where(UnreadableRecord.record_id.in_(list(by_id)))
    ):
        if by_id[row.record_id] >= row.seq:
            session.delete(row)


def has_unreported(session: Session) -> bool:
    found = session.scalar(
        select(UnreadableRecord.id).where(UnreadableRecord.reported_at.is_(None)).limit(1)
    )
    return found is not None


def unreported(session: Session, *, device_id: str) -> UnreadableReport | None:
    rows = session.scalars(
        select(UnreadableRecord).where(UnreadableRecord.reported_at.is_(None)).limit(1000)
    ).all()
    if not rows:
        return None
    return UnreadableReport(
        device_id=device_id,
        records=[
            WireUnreadable(
                entity=r.entity, record_id=r.record_id, seq=r.seq, reason=r.reason[:2000]
            )
            for r in rows
        ],
    )


def mark_reported(session: Session, report: UnreadableReport, now: datetime) -> None:
    ids = [r.record_id for r in report.records]
    session.execute(
        update(UnreadableRecord)
        .where(UnreadableRecord.record_id.in_(ids), UnreadableRecord.reported_at.is_(None))
        .values(reported_at=now)
    )


#: Records only their author may write: a laptop re-sends them only when they are its user's.
_AUTHORED = frozenset({"session_note", "note_addendum"})
#: A replayed edit of a colleague's note, held until her laptop has sent the note back.
AWAITING = "awaiting"


def resend_missing(session: Session, *, above: int, user_id: str | None) -> int:
    """Queue again what a server restored to ``above`` lacks and this laptop holds.

    First every operation this laptop pushed that the server took after ``above``, in order
    (each version of the text comes back, and counter steps are added again); then every
    other record held in a newer version (a colleague's, pulled here) sent whole, without
    counters (their steps come back from the laptop that made them). All on version
    ``above``, so two laptops sending the same record make a conflict or a merge, never a
    silent loss.

    Authorship holds after a restore too: a note or addendum written in a colleague's name is
    sent back only by her own laptop (the server takes it from no one else). This laptop's own
    edits of such a note wait (``AWAITING``) until a pull shows the note is back, then go as
    usual: on version ``above``, so where they differ from hers the server keeps both as a
    conflict. A colleague's note this laptop only read gets an empty awaiting placeholder: an
    edit typed on it before her laptop has sent it back waits too.
    """
    queued = 0
    waits: dict[str, bool] = {}  # record id -> its replays wait for the author's laptop
    last_kind: dict[str, str] = {}  # record id -> the kind of its last replayed operation
    # Edits still held from an earlier restore were put on that restore's version: a number
    # this older generation gives out again. They go on this one's instead.
    session.execute(
        update(OutboxOp)
        .where(OutboxOp.state == AWAITING, OutboxOp.base_seq > above)
        .values(base_seq=above)
    )
    whole = _records_above(session, above=above)
    # Unsent edits of records the server may have lost go after those records are sent again
    # (else a partial edit reaches the server first and is refused as a record without fields).
    unsent = session.scalars(
        select(OutboxOp)
        .where(OutboxOp.state == "pending", OutboxOp.record_id.in_(list(whole)))
        .order_by(OutboxOp.seq)
    ).all() if whole else []  # fmt: skip
    held_back: list[dict[str, Any]] = [
        {"entity": op.entity, "record_id": op.record_id, "child_id": op.child_id,
         "kind": op.kind, "changes": op.changes, "increments": op.increments,
         "resent_from": op.resent_from}
        for op in unsent
    ]  # fmt: skip
    for op in unsent:
        session.delete(op)
    session.flush()
    for pushed in session.scalars(
        select(PushedOp).where(PushedOp.server_seq > above).order_by(PushedOp.id)
    ):
        record = whole.get(pushed.record_id)
        changes = dict(pushed.changes)
        first = pushed.record_id not in waits
        if first:
            # A colleague's note edited here on a version the backup lacks: the server may not
            # hold the note until her laptop sends it back, so the edit waits for that.
            waits[pushed.record_id] = (
                record is not None
                and _written_by_colleague(record, user_id)
                and (pushed.base_seq is None or pushed.base_seq > above)
            )
        theirs = record is not None and _written_by_colleague(record, user_id)
        if first and not theirs and record is not None and pushed.kind == "upsert":
            # The first replay of a record the server may have lost carries all of it: a
            # record this laptop only edited is then created again, not refused.
            changes = {**_wire_fields(record), **changes}
        session.add(
            OutboxOp(
                entity=pushed.entity, record_id=pushed.record_id, child_id=pushed.child_id,
                kind=pushed.kind, changes=changes, increments=pushed.increments,
                base_seq=above, state=AWAITING if waits[pushed.record_id] else "pending",
                resent_from=pushed.server_seq,
            )
        )  # fmt: skip
        last_kind[pushed.record_id] = pushed.kind
        queued += 1
    # Their numbers belong to the forgotten generation; sent again, they are kept anew.
    session.execute(delete(PushedOp).where(PushedOp.server_seq > above))
    session.flush()
    for record in whole.values():
        if _written_by_colleague(record, user_id):
            continue  # her laptop sends it back; the server refuses it from anyone else
        if record.deleted and last_kind.get(record.id) == "delete":
            # Its replays end with this laptop's delete: sent whole after it, the record would
            # be an edit of a record this device deleted, and refused.
            continue
        for kind, values in (("upsert", _wire_fields(record)), ("delete", {})):
            if kind == "delete" and not record.deleted:
                continue
            session.add(
                OutboxOp(
                    entity=record.__entity__, record_id=record.id, child_id=_child_of(record),
                    kind=kind, changes=values, increments={}, base_seq=above,
                    resent_from=record.server_seq,
                )
            )  # fmt: skip
        queued += record.id not in waits
    for values in held_back:
        record = whole[values["record_id"]]
        # A colleague's note waits for her laptop, unless this laptop's own replays of it go at
        # once (made on a version the backup holds): then its later edits go after them.
        waiting = _written_by_colleague(record, user_id) and waits.get(record.id, True)
        session.add(OutboxOp(**values, base_seq=above, state=AWAITING if waiting else "pending"))
    held = {values["record_id"] for values in held_back}
    for record in whole.values():
        if _written_by_colleague(record, user_id) and record.id not in waits.keys() | held:
            # A colleague's note only read here: the server may lack it until her laptop sends
            # it back. Edits typed on it from now on wait behind this empty placeholder.
            session.add(_placeholder(record, above))
    session.flush()
    return queued


def _placeholder(record: Any, above: int) -> OutboxOp:
    """An awaiting operation that carries nothing: it holds later edits, and is never sent."""
    return OutboxOp(
        entity=record.__entity__, record_id=record.id, child_id=_child_of(record),
        kind="upsert", changes={}, increments={}, base_seq=above, state=AWAITING,
    )  # fmt: skip


def held_for_colleagues(session: Session) -> tuple[int, int]:
    """After a server restore: (held edits of colleagues' notes, edits typed behind them).

    Placeholders carry no words and are not counted; the edits behind are still ``pending``.
    """
    held = session.scalars(select(OutboxOp).where(OutboxOp.state == AWAITING)).all()
    if not held:
        return 0, 0
    behind = session.scalar(
        select(func.count())
        .select_from(OutboxOp)
        .where(OutboxOp.state == "pending", OutboxOp.record_id.in_({op.record_id for op in held}))
    )  # fmt: skip
    return sum(not carries_nothing(op) for op in held), behind or 0


def carries_nothing(op: OutboxOp) -> bool:
    """An awaiting placeholder (see ``resend_missing``): no words of the therapist's in it."""
    return op.kind == "upsert" and not op.changes and not op.increments


def _records_above(session: Session, *, above: int) -> dict[str, Any]:
    """Every record this laptop holds in a version newer than ``above``, by id."""
    found: dict[str, Any] = {}
    for model in SYNCED_MODELS:
        if model.__entity__ in READ_ONLY_ENTITIES:
            continue  # the server's own (team details, staff): never sent by a laptop
        for record in session.scalars(select(model).where(model.server_seq > above)):
            found[record.id] = record
    return found


def _wire_fields(record: Any) -> dict[str, Any]:
    """The record's fields as sent, counters left out (their steps travel on their own)."""
    specs = FIELDS[record.__entity__]
    return {
        name: to_wire(spec, getattr(record, name))
        for name, spec in specs.items()
        if not spec.counter
    }


def _written_by_colleague(record: Any, user_id: str | None) -> bool:
    return record.__entity__ in _AUTHORED and getattr(record, "author_id", None) != user_id


def release_awaiting(session: Session, record_ids: Sequence[str]) -> int:
    """Edits held for a colleague's note go out once a pull brought the note back.

    They are queued anew (a new operation number: the server takes numbers only upwards),
    with the edits typed on the note while they waited after them, in the order typed.
    """
    if (
        not record_ids
        or session.scalar(select(OutboxOp.seq).where(OutboxOp.state == AWAITING).limit(1)) is None
    ):
        return 0
    released = list(
        session.scalars(
            select(OutboxOp.record_id)
            .where(OutboxOp.state == AWAITING, OutboxOp.record_id.in_(list(record_ids)))
            .distinct()
        )
    )
    held = session.scalars(
        select(OutboxOp)
        .where(OutboxOp.state.in_([AWAITING, "pending"]), OutboxOp.record_id.in_(released))
        .order_by(OutboxOp.seq)
    ).all()
    # Edits typed while the note was away were built on its version before the restore, a
    # number the restored server gives out again: they go on the held edits' version too.
    base = {op.record_id: op.base_seq for op in reversed(held) if op.state == AWAITING}
    sent = 0
    for op in held:
        session.delete(op)
        if op.state == AWAITING and carries_nothing(op):
            continue  # a placeholder: it only held the edits after it
        session.add(
            OutboxOp(
                entity=op.entity, record_id=op.record_id, child_id=op.child_id, kind=op.kind,
                changes=op.changes, increments=op.increments, base_seq=base[op.record_id],
                resent_from=op.resent_from,
            )
        )  # fmt: skip
        sent += 1
    session.flush()
    return sent


def _child_of(record: Any) -> str | None:
    if record.__team_level__:
        return None
    return record.id if record.__entity__ == "child" else getattr(record, "child_id", None)


def renumber_outbox(session: Session, *, above: int) -> int:
    """Move unsent operations above ``above`` (the server's last op_seq of this device).

    The store was restored from a copy: its operation numbers were given out again to other
    changes. Numbers only grow (AUTOINCREMENT), so the sequence is raised too.
    """
    pending = session.scalars(
        select(OutboxOp.seq).where(OutboxOp.state == "pending").order_by(OutboxOp.seq.desc())
    ).all()
    if not pending:
        return 0
    highest = session.scalar(select(func.max(OutboxOp.seq))) or 0
    shift = max(above, highest) - min(pending) + 1
    for seq in pending:  # highest first: a moved number never meets one not yet moved
        session.execute(update(OutboxOp).where(OutboxOp.seq == seq).values(seq=seq + shift))
    top = max(pending) + shift
    session.execute(
        text("UPDATE sqlite_sequence SET seq = :top WHERE name = 'outbox_op' AND seq < :top"),
        {"top": top},
    )
    return len(pending)


def drop_unreadable(session: Session) -> None:
    """Forget set-aside records (when the laptop's synced data is wiped)."""
    session.execute(delete(UnreadableRecord))


def conflicts_to_resend(session: Session, *, device_id: str) -> list[ResentConflicts]:
    """Every conflict this laptop holds, resolved or not, in requests for a restored server.

    The server kept both versions of each in its history, and lost those found after its
    backup: the therapist may have kept one version and let the other go on the laptop's word
    that the team's history holds it.
    """
    rows = session.scalars(select(SyncConflict).order_by(SyncConflict.found_at, SyncConflict.id))
    fields = ("entity", "record_id", "child_id", "field", "kind", "mine", "theirs", "theirs_by")
    items = [
        ResentConflict.model_validate(
            {"conflict_id": c.id, "found_at": c.found_at, **{f: getattr(c, f) for f in fields}}
        )
        for c in rows
    ]
    return [
        ResentConflicts(device_id=device_id, conflicts=items[n : n + MAX_RESENT_CONFLICTS])
        for n in range(0, len(items), MAX_RESENT_CONFLICTS)
    ]

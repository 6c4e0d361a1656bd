"""Conflicts for the therapist: list them with both versions, resolve by choosing or merging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, SyncConflict
from otvisit.models.base import utcnow
from otvisit.models.registry import ENTITIES, FIELDS, FieldKind
from otvisit.models.wire import WireError, fields_from_wire
from otvisit.services import referrals
from otvisit.services.errors import NotFound, RuleRefused, ValidationError

Choice = Literal["mine", "theirs", "merged"]


@dataclass(frozen=True)
class ConflictView:
    """One conflict as the therapist sees it: both versions and who wrote theirs."""

    id: str
    entity: str
    record_id: str
    child_id: str | None
    field: str
    kind: str
    mine: Any
    theirs: Any
    theirs_by: str
    found_at: datetime
    resolved_at: datetime | None
    resolution: str
    #: Free text, so a merged version can be written.
    can_merge: bool


def _view(conflict: SyncConflict) -> ConflictView:
    spec = FIELDS.get(conflict.entity, {}).get(conflict.field)
    return ConflictView(
        id=conflict.id,
        entity=conflict.entity,
        record_id=conflict.record_id,
        child_id=conflict.child_id,
        field=conflict.field,
        kind=conflict.kind,
        mine=conflict.mine,
        theirs=conflict.theirs,
        theirs_by=conflict.theirs_by,
        found_at=conflict.found_at,
        resolved_at=conflict.resolved_at,
        resolution=conflict.resolution,
        can_merge=spec is not None and spec.kind is FieldKind.TEXT and conflict.kind == "edit",
    )


def list_conflicts(
    session: Session, *, child_id: str | None = None, include_resolved: bool = False
) -> list[ConflictView]:
    """Conflicts oldest first, only the open ones unless asked."""
    query = select(SyncConflict).order_by(SyncConflict.found_at, SyncConflict.id)
    if child_id is not None:
        query = query.where(SyncConflict.child_id == child_id)
    if not include_resolved:
        query = query.where(SyncConflict.resolved_at.is_(None))
    return [_view(conflict) for conflict in session.scalars(query)]


def resolve_conflict(
    session: Session, *, conflict_id: str, choice: Choice, merged_text: str | None = None
) -> ConflictView:
    """Write the chosen version to the record as an ordinary edit (so it syncs); mark resolved.

    Both versions stay in the conflict row after resolution, so nothing is lost.
    """
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("That conflict is not on this laptop any more.")
    if conflict.resolved_at is not None:
        raise RuleRefused("That conflict has already been resolved.")
    model = ENTITIES.get(conflict.entity)
    record = session.get(model, conflict.record_id) if model is not None else None
    if record is None:
        raise NotFound("The record this conflict is about is not on this laptop any more.")
    if choice not in ("mine", "theirs", "merged"):
        raise ValidationError("Choose my version, their version, or a merged text.")
    if choice != "theirs" and _signed(record):
        raise RuleRefused(
            "This note has been signed since, so it cannot change: keep their version "
            "and add your words as an addendum."
        )
    session.flush()
    before = session.scalar(select(func.max(OutboxOp.seq))) or 0
    if conflict.kind == "edit":
        value = _chosen_value(conflict, choice, merged_text)
        if choice != "theirs" or not _moved_on(conflict, record):
            _set_fields(record, {conflict.field: value})
    elif choice == "theirs" and _moved_on(conflict, record):
        # Their side is a version this laptop has since moved past (a later delete, restore or
        # edit, its own or pulled): that later version stands. Taken from the old snapshot, the
        # record would come back or vanish here while the server holds the other.
        pass
    elif conflict.kind == "edit_vs_delete":
        _resolve_edit_vs_delete(session, conflict, record, choice)
    else:
        _resolve_delete_vs_edit(conflict, record, choice)
    conflict.resolved_at = utcnow()
    conflict.resolution = choice
    session.flush()
    _based_on_theirs(session, conflict, after_seq=before)
    if conflict.entity == "referral":
        _settle_referral(session, conflict)
    return _view(conflict)


def _moved_on(conflict: SyncConflict, record: Any) -> bool:
    """The laptop already holds a newer server version than the one "theirs" was taken from.

    Taking theirs then keeps that newer version: the old snapshot would overwrite it.
    """
    return (
        conflict.theirs_seq is not None
        and record.server_seq is not None
        and record.server_seq > conflict.theirs_seq
    )


def _based_on_theirs(session: Session, conflict: SyncConflict, *, after_seq: int) -> None:
    """The resolution's operations say which version they were decided on: the one of "theirs".

    The laptop may have pulled a colleague's newer edit since the conflict arose; sent on that
    newer version, the resolution would silently overwrite it. Sent on "theirs", the server
    sees the colleague's later change as concurrent and raises the conflict again.
    """
    if conflict.theirs_seq is None:
        return
    session.execute(
        update(OutboxOp)
        .where(
            OutboxOp.seq > after_seq,
            OutboxOp.record_id == conflict.record_id,
            OutboxOp.state == "pending",
        )
        .values(base_seq=conflict.theirs_seq)
    )


def _settle_referral(session: Session, conflict: SyncConflict) -> None:
    """A referral decided as declined closes any episode an accept opened (on either laptop).

    Written as ordinary edits, so the other laptops receive the closed episode too.
    """
    opened = session.scalars(
        select(SyncConflict).where(
            SyncConflict.entity == "referral",
            SyncConflict.record_id == conflict.record_id,
            SyncConflict.field == "episode_id",
        )
    ).all()
    episode_ids = tuple(
        value for row in opened for value in (row.mine, row.theirs) if isinstance(value, str)
    )
    referrals.close_declined_episodes(
        session, referral_id=conflict.record_id, episode_ids=episode_ids
    )


def _signed(record: Any) -> bool:
    """A signed note or an addendum: clinical records that never change once written."""
    if record.__entity__ == "note_addendum":
        return True
    return record.__entity__ == "session_note" and record.signed_at is not None


def _chosen_value(conflict: SyncConflict, choice: Choice, merged_text: str | None) -> Any:
    if choice == "mine":
        return conflict.mine
    if choice == "theirs":
        return conflict.theirs
    spec = FIELDS[conflict.entity].get(conflict.field)
    if spec is None or spec.kind is not FieldKind.TEXT:
        raise ValidationError("Only written text can be merged; choose one of the two versions.")
    if merged_text is None or not merged_text.strip():
        raise ValidationError("Write the merged text, or choose one of the two versions.")
    return merged_text


def _set_fields(record: Any, wire_values: dict[str, Any]) -> None:
    try:
        values = fields_from_wire(record.__entity__, wire_values)
    except WireError as error:
        raise ValidationError(f"That version cannot be saved: {error}.") from error
    for name, value in values.items():
        setattr(record, name, value)


def _check_choice(conflict: SyncConflict, choice: Choice) -> None:
    if choice != "merged":
        return
    if conflict.kind == "edit_vs_delete":
        raise ValidationError("Choose to keep your changes or to accept the delete.")
    raise ValidationError("Choose to delete the record or to keep the other version.")


def _resolve_edit_vs_delete(
    session: Session, conflict: SyncConflict, record: Any, choice: Choice
) -> None:
    """My edit against their delete: keep my edit (restore, then edit) or accept the delete."""
    _check_choice(conflict, choice)
    if choice == "theirs":
        record.deleted = True  # already a tombstone on the server: nothing to send
        return
    # A restore is not a field change, so the outbox capture would not see it: queue it here,
    # and flush it before the edit so it gets the lower operation sequence.
    session.add(
        OutboxOp(
            entity=conflict.entity,
            record_id=conflict.record_id,
            child_id=conflict.child_id,
            kind="restore",
            changes={},
            base_seq=record.server_seq,
        )
    )
    record.deleted = False
    session.flush()
    if isinstance(conflict.mine, dict):
        changes = {k: v for k, v in conflict.mine.items() if k in FIELDS[conflict.entity]}
        _set_fields(record, changes)


def _resolve_delete_vs_edit(conflict: SyncConflict, record: Any, choice: Choice) -> None:
    """My delete against their edit: delete it after all, or keep their edited record."""
    _check_choice(conflict, choice)
    record.deleted = choice == "mine"

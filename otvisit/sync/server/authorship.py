"""Who may be named as a note's author or signer: the device's own user, never a colleague.

The laptop's services already refuse these; the server holds to them too, because a laptop can
be wrong (an old version, a copied store, a hand-made request). A refusal is the operation's
``rejected`` result with a reason for the therapist; later operations still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from otvisit.sync.protocol import PushOperation
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.merge import RecordState

AUTHOR_REASON = "A note or addendum can only be written in your own name."
AUTHOR_CHANGE_REASON = "The author of a note can't be changed."
SIGNER_REASON = (
    "A note can only be signed by the therapist who wrote it, in her own name. "
    "Ask the author to sign it."
)
ADDENDUM_REASON = "Only the therapist who wrote and signed a note can add an addendum to it."


def _signs(changes: dict[str, Any]) -> bool:
    return changes.get("signed_at") is not None or changes.get("signed_by_id") is not None


def note_refusal(
    caller: Caller, op: PushOperation, changes: dict[str, Any], state: RecordState | None
) -> str | None:
    """Why a session note operation puts words or a signature in someone else's name, or None."""
    if op.kind == "delete":
        return None
    author: Any
    if state is None:
        if changes.get("author_id", caller.user_id) != caller.user_id:
            return AUTHOR_REASON
        author = caller.user_id
    else:
        author = state.fields.get("author_id")
        if "author_id" in changes and changes["author_id"] != author:
            return AUTHOR_CHANGE_REASON
    if _signs(changes) and not (
        changes.get("signed_by_id") == caller.user_id and author == caller.user_id
    ):
        return SIGNER_REASON
    return None


def addendum_refusal(
    caller: Caller,
    op: PushOperation,
    changes: dict[str, Any],
    state: RecordState | None,
    note: RecordState | None,
) -> str | None:
    """Why a new addendum is not by the device's user and the note's author, or None.

    (A note the server does not hold is checked by its own operation; changes to an
    addendum are refused as append-only elsewhere.)
    """
    if op.kind == "delete" or state is not None:
        return None
    if changes.get("author_id", caller.user_id) != caller.user_id:
        return AUTHOR_REASON
    if note is not None and note.fields.get("author_id") != caller.user_id:
        return ADDENDUM_REASON
    return None


def notes_named(ops: list[PushOperation], changes: dict[int, dict[str, Any]]) -> set[str]:
    """The notes new addenda of this push belong to (their authors are checked)."""
    return {
        note
        for op in ops
        if op.entity == "note_addendum"
        and isinstance(note := changes[op.op_seq].get("note_id"), str)
    }


def refusal(
    caller: Caller,
    op: PushOperation,
    changes: dict[str, Any],
    state: RecordState | None,
    find: Callable[[str], RecordState | None],
) -> str | None:
    """Why this operation writes in someone else's name (``find`` looks a record up), or None."""
    if op.entity == "session_note":
        return note_refusal(caller, op, changes, state)
    if op.entity == "note_addendum":
        note_id = changes.get("note_id")
        note = find(note_id) if isinstance(note_id, str) else None
        return addendum_refusal(caller, op, changes, state, note)
    return None

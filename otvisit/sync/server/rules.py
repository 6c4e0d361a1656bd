"""Which entities a device may write, and which fields a new record must carry."""

from __future__ import annotations

from otvisit.models.base import SYNC_COLUMNS
from otvisit.models.registry import ENTITIES

#: Clinical records that are append-only: written once, never changed or deleted.
APPEND_ONLY_ENTITIES = frozenset({"note_addendum"})
SIGNED_NOTE_ENTITY = "session_note"
#: Fields that place a record in a team or under a child: fixed once the record exists.
SCOPE_FIELDS = frozenset({"team_id", "child_id"})


def _required(entity: str) -> frozenset[str]:
    columns = ENTITIES[entity].__table__.columns
    return frozenset(
        column.name
        for column in columns
        if column.name not in SYNC_COLUMNS and not column.nullable and column.default is None
    )


#: Fields without a default that a new record must carry.
REQUIRED_FIELDS: dict[str, frozenset[str]] = {entity: _required(entity) for entity in ENTITIES}


def is_child_level(entity: str) -> bool:
    """Records under one child (the child itself included) scope by child_id."""
    return not ENTITIES[entity].__team_level__


def has_team_field(entity: str) -> bool:
    return "team_id" in ENTITIES[entity].__table__.columns


SIGNED_NOTE_REASON = (
    "This note was signed, so it can't be changed or deleted. "
    "Add an addendum to correct it or add to it."
)
ADDENDUM_REASON = "An addendum can't be changed or deleted once written. Add another addendum."
READ_ONLY_REASON = "Team details and staff accounts are managed on the server by the team lead."
MOVED_REASON = (
    "This child is no longer on your team's caseload, so the change could not be saved here."
)
UNKNOWN_CHILD_REASON = "The child this record belongs to is not on the server."
SCOPE_REASON = "A record can't be moved to another child or team."

#: A note signed on a laptop that had not seen a colleague's later change to its text.
SIGNED_UNSEEN_REASON = (
    "A colleague changed this note's text before it was signed on this laptop, so it was not "
    "signed. Check both versions (see the conflict), then sign it again."
)

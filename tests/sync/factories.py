"""Test data for sync tests: wire fields of records as the server would send them."""

from __future__ import annotations

import itertools
from typing import Any

from otvisit.models import new_id
from otvisit.sync.protocol import PulledRecord

_seq = itertools.count(1)


def child_fields(team_id: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "team_id": team_id,
        "therapist_id": None,
        "given_name": "Sam",
        "family_name": "Okafor",
        "preferred_name": "",
        "date_of_birth": "2019-03-01",
        "nhs_number": "9434765919",
        "postcode": "SE1 7EH",
    }
    fields.update(changes)
    return fields


def note_fields(child_id: str, author_id: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "child_id": child_id,
        "author_id": author_id,
        "seen_on": "2026-11-20",
        "place": "school",
        "body": "Practised buttons with the teaching assistant.",
    }
    fields.update(changes)
    return fields


def pulled(
    entity: str,
    fields: dict[str, Any],
    *,
    record_id: str | None = None,
    child_id: str | None = None,
    seq: int | None = None,
    deleted: bool = False,
) -> PulledRecord:
    rid = record_id or new_id()
    if entity == "child":
        child_id = rid
    return PulledRecord(
        entity=entity,
        record_id=rid,
        child_id=child_id if child_id is not None else fields.get("child_id"),
        seq=seq if seq is not None else next(_seq),
        deleted=deleted,
        fields=fields,
        updated_by="Priya Shah",
    )

"""A child's record as a FHIR Bundle, and a referral sent as FHIR, from the team console.

One piece of logic for each rule. The laptop's own exporter and referral importer
(``otvisit.fhir``) run on a throwaway local store: the local schema in an in-memory SQLite
database (never a file: nothing of a child reaches the disk), loaded with the team's server
records through the laptop's own apply code (``otvisit.sync.client.apply``), exactly as a
laptop of the team holds them. What the import changed there (its outbox) is written to the
server through the push's own checks and merge (``push.write_operations``), so the referral and
a new child become server records that every laptop of the team pulls. A refusal anywhere
raises before the server's transaction commits: nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from otvisit.fhir.export import bundle_json, export_child
from otvisit.fhir.reading import FhirError, read_bundle
from otvisit.fhir.referral_import import import_referral
from otvisit.models import Child, OutboxOp
from otvisit.models.base import Base, utcnow
from otvisit.models.outbox import install_outbox_capture
from otvisit.services.errors import DomainError
from otvisit.services.nhs_number import format_nhs_number
from otvisit.sync.client.apply import plan_for, write_records
from otvisit.sync.client.push import next_batch
from otvisit.sync.protocol import PulledRecord, PushOperation
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.scope import audit, not_found, require_lead
from otvisit.sync.server.database import Database, SequenceLock
from otvisit.sync.server.errors import ApiError, invalid
from otvisit.sync.server.push import write_operations
from otvisit.sync.server.schema import Record

#: FHIR's JSON media type (R4).
FHIR_JSON = "application/fhir+json"
#: The error code of a referral file the import refused (422).
FHIR_REFUSED = "fhir_refused"
#: Team-level records an export reads (the team's Organization, the staff's Practitioners).
_EXPORT_TEAM_LEVEL = ("team", "therapist")
#: What the referral import reads: the team, its children (matched by NHS number) and their
#: referrals (one still waiting for a decision stops a second).
_IMPORT_ENTITIES = ("team", "child", "referral")


class ScratchSession(Session):
    """A session of the throwaway local store: its changes land in an outbox, as on a laptop."""


install_outbox_capture(ScratchSession)


@cache
def _local_schema() -> str:
    """The local store's tables and indexes as one SQL script (made once per process)."""
    engine = create_engine("sqlite://")
    try:
        Base.metadata.create_all(engine)
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            ).all()
    finally:
        engine.dispose()
    return ";\n".join(str(row[0]) for row in rows) + ";"


def _memory_connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.executescript(_local_schema())
    return connection


@cache
def _scratch_engine() -> Engine:
    """Each connection is a new, empty local store in memory (never pooled, never a file).

    One engine for the process, so that SQLAlchemy compiles each statement of the exporter,
    the importer and the apply code once, not once per export (its cache is the engine's).
    """
    return create_engine("sqlite://", creator=_memory_connection, poolclass=NullPool)


@contextmanager
def scratch_store() -> Iterator[sessionmaker[ScratchSession]]:
    """An empty local store in memory, gone when the block ends (its one connection closes)."""
    with _scratch_engine().connect() as connection:
        yield sessionmaker(bind=connection, class_=ScratchSession, expire_on_commit=False)


def _load(local: Session, rows: Sequence[Any]) -> None:
    """Server records into the local store, as a laptop's pull writes them.

    Each keeps the time the server first received it as its creation time (a printed
    document's date in the export), not the moment of this load.
    """
    pulled = [
        PulledRecord.model_construct(
            entity=entity, record_id=rid, child_id=child, seq=seq, deleted=deleted,
            fields=json.loads(fields), updated_by="",
        )
        for rid, entity, child, fields, seq, deleted, _created in rows
    ]  # fmt: skip
    write_records(local, pulled, utcnow())
    created: dict[str, list[dict[str, Any]]] = {}
    for rid, entity, _child, _fields, _seq, _deleted, made in rows:
        created.setdefault(entity, []).append({"_id": rid, "made": made})
    for entity, values in created.items():
        table = plan_for(entity).table
        statement = update(table).where(table.c.id == bindparam("_id"))
        local.execute(statement.values(created_at=bindparam("made")), values)


_COLUMNS = (Record.id, Record.entity, Record.child_id, Record.fields, Record.seq, Record.deleted,
            Record.created_at)  # fmt: skip


def _team_child(session: Session, caller: Caller, child_id: str) -> None:
    """The child must be the caller's team's: another team's id is answered as a missing one."""
    found = session.execute(
        select(Record.id).where(
            Record.id == child_id, Record.entity == "child", Record.team_id == caller.team_id,
            Record.deleted.is_(False),
        )
    ).first()  # fmt: skip
    if found is None:
        raise not_found("child")


@dataclass(frozen=True, slots=True)
class ChildBundle:
    """One child's FHIR Bundle as JSON text, and the name to save it under."""

    text: str
    file_name: str
    resources: int


def export_bundle(
    db: Database, *, caller: Caller, child_id: str, at: datetime | None = None
) -> ChildBundle:
    """The child's record as the laptop exports it (team lead or admin; audited as an export).

    The records are read in one read transaction and the Bundle built outside any (it takes a
    tenth of a second or more: no push waits on it); the audit line is written before the
    Bundle is handed out.
    """
    require_lead(caller)
    with db.read() as session:
        _team_child(session, caller, child_id)
        rows = session.execute(
            select(*_COLUMNS).where(
                Record.team_id == caller.team_id,
                (Record.child_id == child_id)
                | (Record.child_id.is_(None) & Record.entity.in_(_EXPORT_TEAM_LEVEL)),
            )
        ).all()
    found = bundle_from_records(rows, child_id=child_id, actor_id=caller.user_id, at=at)
    with db.write() as session:
        audit(session, caller, "export", f"FHIR bundle of {found.resources} resources "
              "(team console)", entity="child", record_id=child_id, child_id=child_id)  # fmt: skip
    return found


def bundle_from_records(
    rows: Sequence[Any], *, child_id: str, actor_id: str | None, at: datetime | None = None
) -> ChildBundle:
    """The laptop's export of the child, run on a scratch store holding ``rows``.

    ``rows`` are server records as (id, entity, child_id, fields as JSON text, seq, deleted,
    created_at). Nothing of the scratch store is kept, not even the export's audit line in it.
    """
    with scratch_store() as local_sessions, local_sessions() as local:
        _load(local, rows)
        bundle = export_child(local, child_id=child_id, actor_id=actor_id, at=at)
        nhs_number = local.get(Child, child_id).nhs_number  # type: ignore[union-attr]
        text = bundle_json(bundle)
    count = len(bundle.entry or [])
    return ChildBundle(text, f"fhir-{nhs_number or child_id}.json", count)


@dataclass(frozen=True, slots=True)
class ImportedReferral:
    """A referral put on the team's waiting list from a FHIR file."""

    referral_id: str
    child_id: str
    child_created: bool
    child_name: str
    nhs_number: str


def refused(reason: str) -> ApiError:
    return invalid(FHIR_REFUSED, f"The referral was not imported, nothing was written: {reason}.")


def _reason(why: object) -> str:
    """A refusal's reason as one clause of the message (an exception or a text)."""
    return str(why).rstrip(".")


def _local_changes(local: Session) -> list[PushOperation]:
    """What the import changed in the scratch store, as a laptop's push would send it."""
    request = next_batch(local, device_id="team-console")
    operations = request.operations if request is not None else []
    left = local.scalars(select(OutboxOp).where(OutboxOp.state != "pending")).all()
    if left:  # a change the push would refuse outright: refuse the whole file
        raise refused(_reason(left[0].error or "a change could not be sent"))
    return operations


def import_referral_bundle(
    session: Session, *, caller: Caller, data: bytes, today: date
) -> ImportedReferral:
    """Match or create the child, open the referral: all written, or nothing (422, why)."""
    require_lead(caller)
    try:
        read = read_bundle(data)
    except FhirError as error:
        raise refused(_reason(error)) from None
    # Pushes wait from here to the commit: no laptop adds the same child meanwhile.
    SequenceLock(session)
    rows = session.execute(
        select(*_COLUMNS).where(
            Record.team_id == caller.team_id, Record.entity.in_(_IMPORT_ENTITIES)
        )
    ).all()
    with scratch_store() as local_sessions, local_sessions() as local:
        with local.begin():
            _load(local, rows)
        try:
            with local.begin():
                done = import_referral(
                    local, read, team_id=caller.team_id, actor_id=caller.user_id, today=today
                )
        except (FhirError, DomainError) as error:
            raise refused(_reason(error)) from None
        with local.begin():
            child = local.get(Child, done.child_id)
            assert child is not None
            name, nhs_number = child.display_name, child.nhs_number
            operations = _local_changes(local)
    results = write_operations(session, caller=caller, operations=operations)
    for result in results:
        if result.status != "applied":
            raise refused(_reason(result.reason or f"the server {result.status} it"))
    made = "a new child" if done.child_created else "a child already on the caseload"
    audit(session, caller, "import", f"FHIR referral for {made} (team console)",
          entity="referral", record_id=done.referral_id, child_id=done.child_id)  # fmt: skip
    return ImportedReferral(
        done.referral_id, done.child_id, done.child_created, name, format_nhs_number(nhs_number)
    )

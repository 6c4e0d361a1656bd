"""Routes of the record history, a laptop's report of records it could not store, and the
conflicts it sends again after a restore."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path

from otvisit.sync import protocol
from otvisit.sync.protocol import (
    RecordHistory,
    ResentConflicts,
    ResentReceipt,
    UnreadableReceipt,
    UnreadableReport,
)
from otvisit.sync.server.audit_routes import ERRORS
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep
from otvisit.sync.server.history import keep_resent_conflicts, record_history, record_unreadable

RecordId = Annotated[str, Path(pattern=protocol.UUID_PATTERN, description="The record's id.")]


def add_history_routes(app: FastAPI, *, db: Database) -> None:
    @app.get(protocol.HISTORY_PATH, response_model=RecordHistory, responses=ERRORS)
    def history(record_id: RecordId, who: CallerDep) -> RecordHistory:
        """Every version of a record's clinical text and every conflict on it (audited)."""
        with db.write() as session:  # the read is audited in the same transaction
            return record_history(session, caller=who, record_id=record_id)

    @app.post(protocol.UNREADABLE_PATH, response_model=UnreadableReceipt, responses=ERRORS)
    def unreadable(body: UnreadableReport, who: CallerDep) -> UnreadableReceipt:
        """Pulled records this laptop could not store (set aside there): logged for the team."""
        with db.write() as session:
            logged = record_unreadable(session, caller=who, report=body)
        return UnreadableReceipt(logged=logged)

    @app.post(protocol.RESENT_CONFLICTS_PATH, response_model=ResentReceipt, responses=ERRORS)
    def resent_conflicts(body: ResentConflicts, who: CallerDep) -> ResentReceipt:
        """Conflicts a restored server lost, sent again by a laptop that holds them."""
        with db.write() as session:
            return ResentReceipt(kept=keep_resent_conflicts(session, caller=who, request=body))

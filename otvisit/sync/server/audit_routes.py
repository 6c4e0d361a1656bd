"""Audit routes: a device uploads its audit events; a team lead exports one child's trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.protocol import AuditReceipt, AuditTrail, AuditUpload, ErrorBody
from otvisit.sync.server.audit import AuditQueue
from otvisit.sync.server.audit_trail import (
    check_may_export,
    child_trail,
    record_export,
    trail_csv,
    upload_events,
)
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 409, 413, 422, 426, 429)
}
_TRAIL_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "The trail as JSON (an AuditTrail), or CSV with format=csv.",
    },
}
ChildId = Annotated[str, Path(pattern=protocol.UUID_PATTERN, description="The child's id.")]


def export_trail(db: Database, reads: AuditQueue, *, caller: Caller | None, child_id: str,
                 file_format: str) -> AuditTrail:  # fmt: skip
    """Check, audit the export, then read the trail (the export line included)."""
    if caller is not None:
        with db.read() as session:
            check_may_export(session, caller=caller, child_id=child_id)
    reads.flush()  # the newest pulls of this child belong in the trail too
    with db.write() as session:
        record_export(session, caller=caller, child_id=child_id, file_format=file_format)
    with db.read() as session:
        events = child_trail(session, child_id=child_id)
    return AuditTrail(child_id=child_id, exported_at=utcnow(), events=events)


def add_audit_routes(app: FastAPI, *, db: Database, reads: AuditQueue) -> None:
    @app.post(protocol.AUDIT_PATH, response_model=AuditReceipt, responses=ERRORS)
    def upload_audit(body: AuditUpload, who: CallerDep) -> AuditReceipt:
        """Append this device's audit events to the server's log; a resent event is a no-op."""
        with db.write() as session:
            return upload_events(session, caller=who, upload=body)

    @app.get(protocol.AUDIT_CHILD_PATH, response_model=AuditTrail, responses=_TRAIL_RESPONSES)
    async def export_audit(
        child_id: ChildId,
        who: CallerDep,
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> Response:
        """One child's audit trail, oldest first (team lead or admin of the child's team only)."""
        trail = await run_in_threadpool(
            export_trail, db, reads, caller=who, child_id=child_id, file_format=format
        )
        if format == "csv":
            return Response(
                trail_csv(trail.events),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="audit-{child_id}.csv"'},
            )
        return Response(trail.model_dump_json(), media_type="application/json")

"""The console's JSON API: caseload, allocations, waiting list (and its CSV), outcomes, experience.

Team lead and admin only (a therapist gets 403 ``not_team_lead``), always the caller's own
team, every call audited. The handlers only check, call a service and answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import Response

from otvisit.models.base import SERVICE_TIMEZONE, utcnow
from otvisit.services.errors import ValidationError
from otvisit.sync.protocol import NOT_TEAM_LEAD
from otvisit.sync.server.audit import AuditQueue
from otvisit.sync.server.audit_routes import ERRORS
from otvisit.sync.server.audit_trail import EXPORT_ROLES
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep
from otvisit.sync.server.errors import ApiError, invalid
from otvisit.sync.server.team_views.allocation import allocate
from otvisit.sync.server.team_views.caseload import team_caseload
from otvisit.sync.server.team_views.experience import team_experience
from otvisit.sync.server.team_views.models import (
    AllocationRequest,
    AllocationResult,
    Caseload,
    Experience,
    Outcomes,
    WaitingList,
)
from otvisit.sync.server.team_views.outcomes import team_outcomes
from otvisit.sync.server.team_views.waiting_list import team_waiting_list, waiting_list_return

CASELOAD_PATH = "/api/v1/team/caseload"
ALLOCATIONS_PATH = "/api/v1/team/allocations"
WAITING_LIST_PATH = "/api/v1/team/waiting-list"
WAITING_LIST_CSV_PATH = "/api/v1/team/waiting-list.csv"
OUTCOMES_PATH = "/api/v1/team/outcomes"
EXPERIENCE_PATH = "/api/v1/team/experience"
PATHS = (CASELOAD_PATH, ALLOCATIONS_PATH, WAITING_LIST_PATH, WAITING_LIST_CSV_PATH, OUTCOMES_PATH,
         EXPERIENCE_PATH)  # fmt: skip

#: The period the outcomes cover when none is asked for: the last year, today included.
DEFAULT_PERIOD = timedelta(days=364)
_CSV: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "One line of NHS England's community waiting-list return (CHS SitRep).",
    },
}
Day = Annotated[date | None, Query(description="A date like 2026-11-30 (inclusive).")]


def service_today() -> date:
    return utcnow().astimezone(SERVICE_TIMEZONE).date()


def _lead(caller: Caller) -> Caller:
    if caller.role not in EXPORT_ROLES:
        raise ApiError(403, NOT_TEAM_LEAD, "Only a team lead or an admin can use the team console.")
    return caller


def team_period(start: date | None, end: date | None) -> tuple[date, date]:
    end = end or service_today()
    if start is None:
        start = end - DEFAULT_PERIOD if end - date.min > DEFAULT_PERIOD else date.min
    if end < start:
        raise invalid("invalid_request", "The end of the period is before its start.")
    return start, end


def add_team_routes(app: FastAPI, *, db: Database, reads: AuditQueue) -> None:
    def viewed(caller: Caller, what: str, children: list[str] | None = None) -> None:
        if children is None:
            reads.add([caller.audit("view", entity="team", detail=what)])
        else:  # names shown: each child's trail says who saw them
            reads.add(
                [caller.audit("view", entity="child", child_id=c, detail=what) for c in children]
            )

    @app.get(CASELOAD_PATH, response_model=Caseload, responses=ERRORS)
    def caseload(who: CallerDep) -> Caseload:
        """Every child of the team with their therapist, setting and episode status."""
        _lead(who)
        with db.read() as session:
            found = team_caseload(session, team_id=who.team_id)
        viewed(who, "console caseload", [c.child_id for c in found.children])
        return found

    @app.post(ALLOCATIONS_PATH, response_model=AllocationResult, responses=ERRORS)
    def allocations(body: AllocationRequest, who: CallerDep) -> AllocationResult:
        """Give one or several children to a therapist of the team (all or none); they sync."""
        _lead(who)
        with db.write() as session:
            return allocate(session, caller=who, request=body)

    def _waiting(who: Caller) -> WaitingList:
        _lead(who)
        with db.read() as session:
            return team_waiting_list(session, team_id=who.team_id, today=service_today())

    @app.get(WAITING_LIST_PATH, response_model=WaitingList, responses=ERRORS)
    def waiting_list(who: CallerDep) -> WaitingList:
        """Accepted children not yet seen: weeks waited, priority, band, 18-week breaches."""
        found = _waiting(who)
        viewed(who, "console waiting list", [c.child_id for c in found.children])
        return found

    @app.get(WAITING_LIST_CSV_PATH, response_class=Response, responses=_CSV)
    def waiting_list_csv(who: CallerDep) -> Response:
        """The waiting list's counts by band, as NHS England's community waiting-list return."""
        found = _waiting(who)
        viewed(who, "console waiting list return (CSV)")
        return Response(
            waiting_list_return(found, team_name=who.team_name),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="waiting-list-return.csv"'},
        )

    @app.get(OUTCOMES_PATH, response_model=Outcomes, responses=ERRORS)
    def outcomes(
        who: CallerDep,
        start: Annotated[
            date | None, Query(alias="from", description="First day (inclusive).")
        ] = None,
        end: Annotated[date | None, Query(alias="to", description="Last day (inclusive).")] = None,
    ) -> Outcomes:
        """GAS, COPM, missed appointments and waits over a period: the team, by therapist,
        by setting, by written language and by interpreter need, with counts."""
        _lead(who)
        first, last = team_period(start, end)
        with db.read() as session:
            found = team_outcomes(session, team_id=who.team_id, start=first, end=last)
        viewed(who, f"console outcomes {first}..{last}")
        return found

    @app.get(EXPERIENCE_PATH, response_model=Experience, responses=ERRORS)
    def experience(
        who: CallerDep,
        start: Annotated[
            date | None, Query(alias="from", description="First day (inclusive).")
        ] = None,
        end: Annotated[date | None, Query(alias="to", description="Last day (inclusive).")] = None,
    ) -> Experience:
        """Family-experience survey results per question, and the comments, newest first."""
        _lead(who)
        try:
            with db.read() as session:
                found = team_experience(session, team_id=who.team_id, start=start, end=end)
        except ValidationError as error:
            raise invalid("invalid_request", str(error)) from None
        viewed(who, "console family experience")
        return found

"""The FastAPI application: login, me, push and pull, with errors as ``{"error": {...}}``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from otvisit import __version__
from otvisit.services.errors import DomainError, NotFound
from otvisit.sync import protocol
from otvisit.sync.protocol import (
    DeviceStatus,
    DuplicateChildren,
    LoginRequest,
    LoginResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from otvisit.sync.server.audit import AuditEvent, AuditQueue, write_audit
from otvisit.sync.server.audit_routes import ERRORS, add_audit_routes
from otvisit.sync.server.audit_trail import EXPORT_ROLES
from otvisit.sync.server.auth import (
    Account,
    LoginLimits,
    account_matches,
    authenticate,
    find_account,
    record_failure,
    register_device,
    reserve_attempt,
    touch_device,
)
from otvisit.sync.server.blob_routes import add_blob_routes
from otvisit.sync.server.blobs import BlobStore, open_blob_store
from otvisit.sync.server.config import ServerSettings
from otvisit.sync.server.console.api import add_team_api
from otvisit.sync.server.console.routes import add_console, console_error
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep, Credentials, client_address, token_of
from otvisit.sync.server.duplicates import duplicate_children
from otvisit.sync.server.errors import ApiError
from otvisit.sync.server.guard import ApiGuard, error_response
from otvisit.sync.server.headers import SecurityHeaders
from otvisit.sync.server.history_routes import add_history_routes
from otvisit.sync.server.pull import pull_changes
from otvisit.sync.server.push import push_operations
from otvisit.sync.server.team_views.routes import add_team_routes

_ERRORS = ERRORS
#: Pulls served at once per process (within the database pool of 10 connections).
PULL_THREADS = 8

DESCRIPTION = f"""Sync API of otvisit's team server.

Every call sends `{protocol.SCHEMA_HEADER}: {protocol.SCHEMA_VERSION}`; an outdated client gets
426 `update_required`. Every call but login sends `Authorization: Bearer <device token>`.
Errors are `{{"error": {{"code": "...", "message": "..."}}}}`.
"""


def _describe_validation(error: RequestValidationError) -> tuple[str, str]:
    problems = list(error.errors())
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return "malformed_json", "The request body is not valid JSON."
    parts = []
    for problem in problems[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query"))
        parts.append(f"{where or 'request'}: {problem.get('msg', 'is not valid')}")
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return "invalid_request", "; ".join(parts) + more + "."


def _unsent(request: Request) -> int | None:
    """The laptop's unsent-changes count (first pull of each sync), or None when not said."""
    given = request.headers.get(protocol.UNSENT_HEADER, "")
    return int(given) if given.isdigit() and len(given) <= 9 else None


def create_app(
    settings: ServerSettings, *, database: Database | None = None, blobs: BlobStore | None = None
) -> FastAPI:
    """The app on a database (migrated by the caller: ``otvisit-server serve`` does it on start)."""
    db = database or Database(settings.database_url)

    def _write_reads(events: list[AuditEvent]) -> None:
        with db.write() as session:
            write_audit(session, events=events)

    reads = AuditQueue(_write_reads)
    # Pulls run in a few threads of their own (set at start-up: a limiter needs the event loop).
    # More threads would only queue on the GIL, and on PostgreSQL open and close connections
    # beyond the pool in every burst of pulls.
    pull_slots: list[anyio.CapacityLimiter | None] = [None]
    hash_slots: list[anyio.CapacityLimiter | None] = [None]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pull_slots[0] = anyio.CapacityLimiter(PULL_THREADS)
        hash_slots[0] = anyio.CapacityLimiter(settings.login_hashes_at_once)
        reads.start()
        yield
        reads.stop()

    app = FastAPI(
        title="otvisit team server",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # No interactive console on a server of children's records; /openapi.json stays.
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.add_middleware(ApiGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: guard refusals get the headers too

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> Response:
        return console_error(request, error) or error_response(
            error.status, error.code, error.message, **error.extra
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> Response:
        if isinstance(error, NotFound):
            return console_error(request, error) or error_response(404, "not_found", str(error))
        return error_response(422, "invalid_request", str(error))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        code, message = _describe_validation(error)
        return error_response(422, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        page = console_error(request, error)
        if page is not None:
            return page
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return error_response(error.status_code, code, str(error.detail))

    @app.post(protocol.LOGIN_PATH, response_model=LoginResponse, responses=_ERRORS)
    async def login(body: LoginRequest, request: Request) -> LoginResponse:
        """Sign a user in on a new device; the answer carries its token (keep it secret)."""
        address = client_address(request)
        limits = LoginLimits(
            per_account=settings.login_failures_allowed,
            per_address=settings.login_failures_per_address,
            window=timedelta(seconds=settings.login_window_seconds),
        )

        def before_check() -> Account | None:
            # Short transactions only: the slow password check runs between them, outside both.
            with db.write() as session:
                refusal = reserve_attempt(
                    session, username=body.username, address=address, limits=limits
                )
            if refusal is not None:
                raise refusal
            with db.read() as session:
                return find_account(session, username=body.username)

        def after_check(account: Account | None, matches: bool) -> LoginResponse | ApiError:
            with db.write() as session:
                if account is None or not matches:
                    return record_failure(session, username=body.username, address=address)
                lifetime = timedelta(days=settings.token_lifetime_days) or None
                return register_device(
                    session,
                    account=account,
                    device_name=body.device_name,
                    address=address,
                    token_lifetime=lifetime,
                )

        account = await anyio.to_thread.run_sync(before_check)
        # Waiting for a hashing slot holds no thread: a flood of sign-ins can't starve pushes.
        matches = await anyio.to_thread.run_sync(
            account_matches, account, body.password, limiter=hash_slots[0]
        )
        answer = await anyio.to_thread.run_sync(after_check, account, matches)
        if isinstance(answer, ApiError):
            raise answer
        return answer

    @app.get(protocol.ME_PATH, response_model=DeviceStatus, responses=_ERRORS)
    def me(who: CallerDep) -> DeviceStatus:
        """Who this device's token belongs to."""
        return DeviceStatus(user=who.signed_in_user(), device_id=who.device_id)

    @app.post(protocol.PUSH_PATH, response_model=PushResponse, responses=_ERRORS)
    def push(body: PushRequest, who: CallerDep) -> PushResponse:
        """Apply a batch of operations in one transaction; a retried batch is answered again."""
        with db.write() as session:
            return push_operations(session, caller=who, request=body)

    def _pull(
        token: str, address: str, cursor: int, limit: int, unsent: int | None, known: int | None
    ) -> bytes:
        # Token check and pull share one read transaction: the hot path of a busy server.
        with db.read_connection() as connection:
            who, stale = authenticate(connection, token=token, address=address, unsent=unsent)
            page = pull_changes(
                connection, caller=who, cursor=cursor, limit=limit, known_generation=known
            )
        if stale:  # the device row is written at most once a minute unless the count changed
            with db.write() as session:
                touch_device(session, device_id=who.device_id, unsent=unsent)
        reads.add(page.audit)
        return page.body

    @app.get(protocol.PULL_PATH, response_model=PullResponse, responses=_ERRORS)
    async def pull(
        request: Request,
        credentials: Credentials,
        cursor: Annotated[int, Query(ge=0, le=protocol.MAX_SEQUENCE)] = 0,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_PULL_LIMIT)] = (
            protocol.DEFAULT_PULL_LIMIT
        ),
        generation: Annotated[int | None, Query(ge=0, le=protocol.MAX_SEQUENCE)] = None,
    ) -> Response:
        """The team's records changed after ``cursor``, oldest change first, tombstones included.

        ``generation``: the server generation the laptop last saw (see ``PullResponse``)."""
        token = token_of(credentials)
        body = await anyio.to_thread.run_sync(
            _pull, token, client_address(request), cursor, limit, _unsent(request), generation,
            limiter=pull_slots[0],
        )  # fmt: skip
        return Response(content=body, media_type="application/json")

    @app.get(protocol.DUPLICATES_PATH, response_model=DuplicateChildren, responses=_ERRORS)
    def duplicates(who: CallerDep) -> DuplicateChildren:
        """Children of the caller's team registered twice (same NHS number), for a team lead."""
        if who.role not in EXPORT_ROLES:
            raise ApiError(
                403, protocol.NOT_TEAM_LEAD, "Only a team lead can see children registered twice."
            )
        with db.read() as session:
            return DuplicateChildren(groups=duplicate_children(session, team_id=who.team_id))

    add_audit_routes(app, db=db, reads=reads)
    store = blobs or open_blob_store(settings, db)
    app.state.blobs = store
    add_blob_routes(app, db=db, reads=reads, store=store, settings=settings)
    add_history_routes(app, db=db)
    add_team_api(app, db=db)
    add_console(app, settings=settings, reads=reads)
    add_team_routes(app, db=db, reads=reads)
    return app


def app_from_environment() -> FastAPI:
    """The app for each ``--workers`` process: settings from ``OTVISIT_SERVER_*`` variables."""
    return create_app(ServerSettings())


def route_paths(app: FastAPI) -> Sequence[str]:
    """The API paths the app serves (for tests that check every endpoint)."""
    return [getattr(route, "path", "") for route in app.routes]

"""The console's web plumbing: templates, the signed-in lead, CSRF, and error pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.sync.server.console.navigation import PAGES
from otvisit.sync.server.console.sessions import COOKIE, SignedIn, current_session, tokens_match
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import client_address

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
OWN_STATIC = HERE / "own_static"
templates = Jinja2Templates(directory=HERE / "templates")
T = TypeVar("T")


def team_time(value: datetime) -> datetime:
    """A stored time (UTC; naive ones are UTC) as the team lead's wall clock shows it."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(SERVICE_TIMEZONE)


templates.env.filters["team_time"] = team_time


class SignInNeeded(Exception):
    """No live session: the browser is sent to the sign-in page."""


class CsrfRefused(Exception):
    """A POST without this session's form token: refused (403), nothing changed."""


class UploadTooLarge(Exception):
    """A form upload over its limit: read to the end (up to a cap) and dropped, never parsed."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


#: An upload far over its limit is not even read to the end (the connection is closed).
_DRAIN_CAP = 64 * 1024 * 1024
#: Room in a multipart body for the form token, the part headers and boundaries.
_FORM_ROOM = 16 * 1024


def database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def signed_in(request: Request) -> SignedIn:
    """The lead behind the session cookie (a FastAPI dependency; restarts the idle clock)."""
    session_id = request.cookies.get(COOKIE, "")
    idle: timedelta = request.app.state.console_idle
    with database(request).write() as session:
        found = current_session(
            session, session_id=session_id, address=client_address(request), idle=idle
        )
    if found is None:
        raise SignInNeeded
    return found


async def checked_form(request: Request, lead: SignedIn) -> dict[str, str]:
    """The posted form, once its CSRF token is this session's (else CsrfRefused)."""
    form = await request.form()
    token = form.get("csrf_token")
    if not tokens_match(lead.csrf_token, token if isinstance(token, str) else None):
        raise CsrfRefused
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def checked_upload(
    request: Request, lead: SignedIn, *, name: str, max_bytes: int
) -> tuple[dict[str, str], bytes | None]:
    """A multipart form's text fields and the bytes of its file ``name`` (None: no file chosen),
    once its CSRF token is this session's (else CsrfRefused).

    The body is read in pieces and never kept past ``max_bytes`` (plus room for the form):
    a larger upload raises UploadTooLarge, with nothing parsed or written anywhere.
    """
    declared = request.headers.get("content-length", "")
    limit = max_bytes + _FORM_ROOM
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > _DRAIN_CAP or (declared.isdigit() and int(declared) > _DRAIN_CAP):
            break  # not worth reading: the browser sees the connection end
    if size > limit:
        chunks.clear()
        raise UploadTooLarge(size)
    body = b"".join(chunks)

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(request.scope, replay).form(max_files=1, max_fields=10)
    token = form.get("csrf_token")
    if not tokens_match(lead.csrf_token, token if isinstance(token, str) else None):
        raise CsrfRefused
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    upload = form.get(name)
    if upload is None or isinstance(upload, str) or not upload.filename:
        return fields, None
    data = await upload.read(max_bytes + 1)
    await upload.close()
    return fields, data


async def in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run a service call in one write transaction, off the event loop."""

    def run() -> T:
        with database(request).write() as session:
            return work(session)

    return await run_in_threadpool(run)


def in_transaction_now(request: Request, work: Callable[[Session], T]) -> T:
    with database(request).write() as session:
        return work(session)


def page(
    request: Request, template: str, *, lead: SignedIn | None, status: int = 200,
    **context: Any,
) -> HTMLResponse:  # fmt: skip
    values = {"lead": lead, "pages": PAGES, "csrf_token": lead.csrf_token if lead else "",
              "path": request.url.path, **context}  # fmt: skip
    return templates.TemplateResponse(request, template, values, status_code=status)


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/console", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def new_token() -> str:
    return secrets.token_urlsafe(32)

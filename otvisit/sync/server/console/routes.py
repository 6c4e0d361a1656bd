"""The console's pages under /console/: every one reads and writes through the console services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError as PydanticError
from starlette.exceptions import HTTPException as StarletteHTTPException

from otvisit.services.errors import NotFound
from otvisit.services.errors import ValidationError as RuleBroken
from otvisit.services.team_logo import MAX_UPLOAD_BYTES, accepted_names, clean_logo
from otvisit.sync.server.audit import AuditEvent, AuditQueue, write_audit
from otvisit.sync.server.audit_routes import export_trail
from otvisit.sync.server.audit_trail import trail_csv
from otvisit.sync.server.auth import (
    LoginLimits,
    account_matches,
    find_account,
    record_failure,
    reserve_attempt,
)
from otvisit.sync.server.config import ServerSettings
from otvisit.sync.server.console import (
    children,
    conflicts,
    devices,
    fhir_exchange,
    figures,
    people,
    team,
)
from otvisit.sync.server.console.models import NewPassword, NewPerson, RoleChange, TeamContact
from otvisit.sync.server.console.scope import CONSOLE_ROLES
from otvisit.sync.server.console.sessions import (
    COOKIE,
    SIGN_IN_COOKIE,
    SignedIn,
    check_console_role,
    end_session,
    start_session,
    tokens_match,
)
from otvisit.sync.server.console.web import (
    OWN_STATIC,
    STATIC,
    CsrfRefused,
    SignInNeeded,
    UploadTooLarge,
    checked_form,
    checked_upload,
    database,
    in_transaction,
    in_transaction_now,
    new_token,
    page,
    see_other,
    set_cookie,
    signed_in,
)
from otvisit.sync.server.deps import client_address
from otvisit.sync.server.errors import ApiError
from otvisit.sync.server.team_views import charts
from otvisit.sync.server.team_views.models import AllocationRequest
from otvisit.sync.server.team_views.routes import service_today, team_period
from otvisit.sync.server.team_views.waiting_list import waiting_list_return

Lead = Annotated[SignedIn, Depends(signed_in)]
router = APIRouter(prefix="/console", include_in_schema=False)


def _problems(error: PydanticError | RuleBroken, labels: dict[str, str]) -> list[tuple[str, str]]:
    """(field id, message) pairs for the NHS error summary."""
    if isinstance(error, RuleBroken):
        return [("", str(error))]
    found = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem.get("loc") else ""
        label = labels.get(name, name.replace("_", " ").capitalize())
        found.append((name, f"{label}: {problem['msg'].rstrip('.')}."))
    return found


# --- Sign-in --------------------------------------------------------------------------


def _sign_in_page(request: Request, *, errors: list[tuple[str, str]], username: str = "",
                  status: int = 200) -> HTMLResponse:  # fmt: skip
    token = new_token()
    response = page(request, "sign_in.html", lead=None, errors=errors, username=username,
                    sign_in_token=token, status=status)  # fmt: skip
    set_cookie(request, response, SIGN_IN_COOKIE, token, max_age=3600)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, timed_out: bool = False) -> HTMLResponse:
    errors = (
        [("", "You were signed out after a time without activity. Sign in again.")]
        if timed_out
        else []
    )
    return _sign_in_page(request, errors=errors)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    token = form.get("csrf_token")
    if not tokens_match(
        request.cookies.get(SIGN_IN_COOKIE, ""), token if isinstance(token, str) else None
    ):
        raise CsrfRefused
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    errors = []
    if not username:
        errors.append(("username", "Enter your username."))
    if not password:
        errors.append(("password", "Enter your password."))
    if errors:
        return _sign_in_page(request, errors=errors, username=username, status=422)
    settings: ServerSettings = request.app.state.settings
    limits = LoginLimits(per_account=settings.login_failures_allowed,
                         per_address=settings.login_failures_per_address,
                         window=timedelta(seconds=settings.login_window_seconds))  # fmt: skip
    address = client_address(request)
    db = database(request)

    def before_check():  # type: ignore[no-untyped-def]
        with db.write() as session:
            refusal = reserve_attempt(session, username=username, address=address, limits=limits)
        if refusal is not None:
            raise refusal
        with db.read() as session:
            return find_account(session, username=username)

    try:
        account = await run_in_threadpool(before_check)
        matches = await run_in_threadpool(account_matches, account, password)

        def after_check() -> tuple[str, SignedIn]:
            if account is None or not matches:
                with db.write() as session:
                    failure = record_failure(session, username=username, address=address)
                raise failure
            with db.write() as session:
                if account.role in CONSOLE_ROLES:
                    return start_session(session, account=account, address=address)
                refusal = AuditEvent(
                    action="console_refused",
                    user_id=account.user_id,
                    username=username,
                    address=address,
                    detail=f"team console refused to a {account.role}",
                )
                write_audit(session, events=[refusal])
            check_console_role(account)  # raises the 403 the lead-to-be reads
            raise AssertionError("a therapist was let in")

        session_id, _lead = await run_in_threadpool(after_check)
    except ApiError as refusal:
        return _sign_in_page(request, errors=[("", refusal.message)], username=username,
                             status=refusal.status)  # fmt: skip
    response = see_other("/console/")
    set_cookie(request, response, COOKIE, session_id)
    response.delete_cookie(SIGN_IN_COOKIE, path="/console")
    return response


@router.post("/sign-out")
async def sign_out(request: Request, lead: Lead) -> Response:
    await checked_form(request, lead)
    session_id = request.cookies.get(COOKIE, "")
    await in_transaction(request, lambda s: end_session(s, session_id=session_id, signed_in=lead))
    response = see_other("/console/sign-in")
    response.delete_cookie(COOKIE, path="/console")
    return response


# --- Home -------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lead: Lead) -> HTMLResponse:
    details = in_transaction_now(request, lambda s: team.team_details(s, caller=lead.caller))
    return page(request, "home.html", lead=lead, team=details)


# --- Team and people --------------------------------------------------------------------

PERSON_LABELS = {"username": "Username", "full_name": "Full name", "role": "Role",
                 "password": "Password"}  # fmt: skip


@router.get("/people", response_class=HTMLResponse)
def people_list(request: Request, lead: Lead, done: str = "") -> HTMLResponse:
    found = in_transaction_now(request, lambda s: people.list_people(s, caller=lead.caller))
    return page(request, "people.html", lead=lead, people=found, done=done[:200])


@router.get("/people/new", response_class=HTMLResponse)
def person_form(request: Request, lead: Lead) -> HTMLResponse:
    return page(request, "person_new.html", lead=lead, errors=[], values={})


@router.post("/people/new", response_class=HTMLResponse)
async def person_create(request: Request, lead: Lead) -> Response:
    form = await checked_form(request, lead)
    try:
        wanted = NewPerson.model_validate({k: form.get(k, "") for k in PERSON_LABELS})
        made = await in_transaction(
            request, lambda s: people.create_person(s, caller=lead.caller, person=wanted)
        )
    except (PydanticError, RuleBroken) as error:
        values = {k: form.get(k, "") for k in ("username", "full_name", "role")}
        return page(request, "person_new.html", lead=lead, errors=_problems(error, PERSON_LABELS),
                    values=values, status=422)  # fmt: skip
    return see_other(f"/console/people?done=Account {made.username} created.")


@router.get("/people/{user_id}", response_class=HTMLResponse)
def person_page(request: Request, lead: Lead, user_id: str) -> HTMLResponse:
    person = in_transaction_now(
        request, lambda s: people.find_person(s, caller=lead.caller, user_id=user_id)
    )
    return page(request, "person.html", lead=lead, person=person, errors=[])


@router.post("/people/{user_id}/{action}", response_class=HTMLResponse)
async def person_change(request: Request, lead: Lead, user_id: str, action: str) -> Response:
    form = await checked_form(request, lead)
    caller = lead.caller
    try:
        if action == "password":
            new = NewPassword.model_validate({"password": form.get("password", "")})
            work = lambda s: people.reset_password(s, caller=caller, user_id=user_id, new=new)  # noqa: E731
            done = "Password reset. Tell them the new one in person or by phone."
        elif action == "role":
            change = RoleChange.model_validate({"role": form.get("role", "")})
            work = lambda s: people.set_role(s, caller=caller, user_id=user_id, change=change)  # noqa: E731
            done = "Role changed."
        elif action in ("deactivate", "reactivate"):
            active = action == "reactivate"
            work = lambda s: people.set_active(s, caller=caller, user_id=user_id, active=active)  # noqa: E731
            done = f"Account {action}d."
        else:
            raise NotFound("There is no such page.")
        await in_transaction(request, work)
    except (PydanticError, RuleBroken) as error:
        person = await in_transaction(
            request, lambda s: people.find_person(s, caller=caller, user_id=user_id)
        )
        return page(request, "person.html", lead=lead, person=person,
                    errors=_problems(error, PERSON_LABELS), status=422)  # fmt: skip
    return see_other(f"/console/people?done={done}")


# --- Team details -----------------------------------------------------------------------

TEAM_LABELS = {"phone": "Phone", "email": "Email", "address": "Address"}


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, lead: Lead, done: str = "") -> HTMLResponse:
    details = in_transaction_now(request, lambda s: team.team_details(s, caller=lead.caller))
    return page(request, "team.html", lead=lead, team=details, errors=[], done=done[:200],
                logo_formats=accepted_names())  # fmt: skip


@router.post("/team", response_class=HTMLResponse)
async def team_update(request: Request, lead: Lead) -> Response:
    form = await checked_form(request, lead)
    try:
        contact = TeamContact.model_validate({k: form.get(k, "") for k in TEAM_LABELS})
        await in_transaction(
            request, lambda s: team.update_contact(s, caller=lead.caller, contact=contact)
        )
    except (PydanticError, RuleBroken) as error:
        details = await in_transaction(request, lambda s: team.team_details(s, caller=lead.caller))
        return page(request, "team.html", lead=lead, team=details, done="",
                    errors=_problems(error, TEAM_LABELS), status=422,
                    logo_formats=accepted_names())  # fmt: skip
    return see_other(
        "/console/team?done=Saved. Laptops print the new details after their next sync."
    )


def _logo_refused(request: Request, lead: SignedIn, message: str, status: int) -> HTMLResponse:
    details = in_transaction_now(
        request, lambda s: team.team_details(s, caller=lead.caller, audited=False)
    )
    return page(request, "team.html", lead=lead, team=details, done="", status=status,
                errors=[("logo", message)], logo_formats=accepted_names())  # fmt: skip


@router.post("/team/logo", response_class=HTMLResponse)
async def team_logo_upload(request: Request, lead: Lead) -> Response:
    try:
        _fields, data = await checked_upload(request, lead, name="logo", max_bytes=MAX_UPLOAD_BYTES)
    except UploadTooLarge as too_large:
        return _logo_refused(request, lead, (
            f"The file is {too_large.size / 1024 / 1024:.1f} MB; a logo can be at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Save it smaller and upload it again."
        ), 413)  # fmt: skip
    if data is None:
        return _logo_refused(request, lead, f"Choose the logo's image file ({accepted_names()}).",
                             422)  # fmt: skip
    try:
        logo = await run_in_threadpool(clean_logo, data)  # off the loop, outside the transaction
        await in_transaction(request, lambda s: team.set_logo(s, caller=lead.caller, logo=logo))
    except RuleBroken as error:
        return _logo_refused(request, lead, str(error), 422)
    return see_other(
        "/console/team?done=Logo saved. Laptops print it on letterheads after their next sync."
    )


@router.post("/team/logo/remove", response_class=HTMLResponse)
async def team_logo_remove(request: Request, lead: Lead) -> Response:
    await checked_form(request, lead)
    await in_transaction(request, lambda s: team.remove_logo(s, caller=lead.caller))
    return see_other(
        "/console/team?done=Logo removed. Laptops print without it after their next sync."
    )


# --- Devices ----------------------------------------------------------------------------


@router.get("/devices", response_class=HTMLResponse)
def devices_page(request: Request, lead: Lead, done: str = "") -> HTMLResponse:
    found = in_transaction_now(request, lambda s: devices.list_devices(s, caller=lead.caller))
    return page(request, "devices.html", lead=lead, devices=found, done=done[:200])


@router.get("/devices/{device_id}/revoke", response_class=HTMLResponse)
def revoke_confirm(request: Request, lead: Lead, device_id: str) -> HTMLResponse:
    warning = in_transaction_now(
        request, lambda s: devices.revoke_warning(s, caller=lead.caller, device_id=device_id)
    )
    return page(request, "revoke.html", lead=lead, warning=warning)


@router.post("/devices/{device_id}/revoke", response_class=HTMLResponse)
async def revoke_device(request: Request, lead: Lead, device_id: str) -> Response:
    await checked_form(request, lead)
    gone = await in_transaction(
        request, lambda s: devices.revoke(s, caller=lead.caller, device_id=device_id)
    )
    return see_other(f"/console/devices?done={gone.name} of {gone.owner} was withdrawn.")


# --- Sync conflicts ---------------------------------------------------------------------


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request, lead: Lead) -> HTMLResponse:
    found = in_transaction_now(request, lambda s: conflicts.list_conflicts(s, caller=lead.caller))
    return page(request, "conflicts.html", lead=lead, conflicts=found)


# --- Audit ------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_search(request: Request, lead: Lead, name: str = "") -> HTMLResponse:
    name = name[:100]
    found = (
        in_transaction_now(
            request, lambda s: children.find_children(s, caller=lead.caller, name=name)
        )
        if name.strip() else None
    )  # fmt: skip
    return page(request, "audit_search.html", lead=lead, name=name, children=found)


@router.get("/audit/{child_id}", response_class=HTMLResponse)
def audit_trail(request: Request, lead: Lead, child_id: str) -> HTMLResponse:
    child, events = in_transaction_now(
        request, lambda s: children.trail_on_screen(s, caller=lead.caller, child_id=child_id)
    )
    return page(request, "audit_trail.html", lead=lead, child=child, events=events)


@router.get("/audit/{child_id}/csv")
def audit_csv(request: Request, lead: Lead, child_id: str) -> Response:
    in_transaction_now(
        request, lambda s: children.child_of_team(s, caller=lead.caller, child_id=child_id)
    )
    reads: AuditQueue = request.app.state.audit_reads
    trail = export_trail(
        database(request), reads, caller=lead.caller, child_id=child_id, file_format="csv"
    )
    return Response(
        trail_csv(trail.events), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{child_id}.csv"'},
    )  # fmt: skip


# --- Wiring -----------------------------------------------------------------------------


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return page(request, "error.html", lead=None, status=status, title=title, message=message)


def add_console(app: FastAPI, *, settings: ServerSettings, reads: AuditQueue) -> None:
    """Mount the console under /console/ (its pages, sign-in and the NHS assets)."""
    app.state.settings = settings
    app.state.console_idle = timedelta(seconds=settings.console_idle_seconds)
    app.state.audit_reads = reads
    app.include_router(router)
    app.mount(
        "/console/static", StaticFiles(directory=STATIC, check_dir=False), name="console-static"
    )
    app.mount("/console/static-own", StaticFiles(directory=OWN_STATIC), name="console-own-static")

    @app.exception_handler(SignInNeeded)
    async def _sign_in_needed(request: Request, _error: SignInNeeded) -> Response:
        timed_out = COOKIE in request.cookies
        response = see_other("/console/sign-in" + ("?timed_out=true" if timed_out else ""))
        response.delete_cookie(COOKIE, path="/console")
        return response

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _error: CsrfRefused) -> Response:
        message = "Nothing was changed. Go back, reload the page and try again."
        return _error_page(request, 403, "This form has expired", message)


def console_error(request: Request, error: Exception) -> Response | None:
    """The HTML answer for an error on a console page (None: not a console page)."""
    if not request.url.path.startswith("/console"):
        return None
    if isinstance(error, NotFound) or (
        isinstance(error, StarletteHTTPException) and error.status_code == 404
    ):
        return _error_page(request, 404, "Page not found",
                           "There is nothing at this address in your team.")  # fmt: skip
    if isinstance(error, ApiError):
        return _error_page(request, error.status, "Not allowed", error.message)
    if isinstance(error, StarletteHTTPException):
        return _error_page(request, error.status_code, "Something went wrong", str(error.detail))
    return None


# --- Caseload and allocation, waiting list, outcomes, family experience -------------------


@router.get("/caseload", response_class=HTMLResponse)
def caseload_page(request: Request, lead: Lead, done: str = "") -> HTMLResponse:
    found = in_transaction_now(request, lambda s: figures.caseload(s, caller=lead.caller))
    return page(request, "caseload.html", lead=lead, caseload=found, errors=[], done=done[:200],
                chosen=set())  # fmt: skip


@router.post("/caseload", response_class=HTMLResponse)
async def caseload_move(request: Request, lead: Lead) -> Response:
    form = await checked_form(request, lead)
    chosen = [str(v) for v in (await request.form()).getlist("child_ids")]
    try:
        wanted = AllocationRequest.model_validate(
            {"child_ids": chosen, "therapist_id": form.get("therapist_id", "")}
        )
        moved = await in_transaction(
            request, lambda s: figures.move_children(s, caller=lead.caller, request=wanted)
        )
    except (PydanticError, ApiError) as error:
        problems = (
            [("", error.message)]
            if isinstance(error, ApiError)
            else _problems(error, {"child_ids": "Children", "therapist_id": "Therapist"})
        )
        if not chosen:
            problems = [("child_ids", "Choose at least one child to move.")]
        found = await in_transaction(request, lambda s: figures.caseload(s, caller=lead.caller))
        return page(request, "caseload.html", lead=lead, caseload=found, errors=problems, done="",
                    chosen=set(chosen), status=422)  # fmt: skip
    count = len(moved.moved)
    return see_other(
        f"/console/caseload?done={count} child{'ren' if count != 1 else ''} moved to "
        f"{moved.therapist_name}. Their laptops receive the change at their next sync."
    )


@router.get("/waiting-list", response_class=HTMLResponse)
def waiting_list_page(request: Request, lead: Lead) -> HTMLResponse:
    today = service_today()
    found = in_transaction_now(
        request, lambda s: figures.waiting_list(s, caller=lead.caller, today=today)
    )
    deciding = in_transaction_now(request, lambda s: figures.to_decide(s, caller=lead.caller))
    return page(request, "waiting_list.html", lead=lead, listing=found, to_decide=deciding,
                chart=charts.waits_chart(found))  # fmt: skip


@router.get("/waiting-list.csv")
def waiting_list_csv(request: Request, lead: Lead) -> Response:
    today = service_today()
    found = in_transaction_now(
        request, lambda s: figures.waiting_list_for_return(s, caller=lead.caller, today=today)
    )
    return Response(
        waiting_list_return(found, team_name=lead.caller.team_name),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="waiting-list-return.csv"'},
    )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise RuleBroken(f"{value[:20]!r} is not a date: write it like 2026-11-30.") from None


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, lead: Lead, start: str = "", end: str = "") -> HTMLResponse:
    start, end = start[:20], end[:20]
    try:
        first, last = team_period(_day(start), _day(end))
    except (RuleBroken, ApiError) as error:
        message = error.message if isinstance(error, ApiError) else str(error)
        return page(request, "outcomes.html", lead=lead, errors=[("start", message)],
                    start=start, end=end, outcomes=None, charts=[], status=422)  # fmt: skip
    found = in_transaction_now(
        request, lambda s: figures.outcomes(s, caller=lead.caller, start=first, end=last)
    )
    return page(request, "outcomes.html", lead=lead, errors=[], start=first.isoformat(),
                end=last.isoformat(), outcomes=found,
                charts=charts.outcome_charts(found))  # fmt: skip


@router.get("/experience", response_class=HTMLResponse)
def experience_page(request: Request, lead: Lead) -> HTMLResponse:
    found = in_transaction_now(request, lambda s: figures.experience(s, caller=lead.caller))
    return page(request, "experience.html", lead=lead, experience=found,
                chart=charts.survey_chart(found))  # fmt: skip


# --- FHIR: a child's record out, a referral in ------------------------------------------------

#: A referral bundle is a few kilobytes; the console takes at most this much in one upload, so
#: the upload is held in memory whole (never spooled to a temporary file: a child's details).
BUNDLE_UPLOAD_BYTES = 1024 * 1024


@router.get("/children/{child_id}/fhir")
def child_fhir(request: Request, lead: Lead, child_id: str) -> Response:
    found = fhir_exchange.export_bundle(database(request), caller=lead.caller, child_id=child_id)
    return Response(
        found.text, media_type=fhir_exchange.FHIR_JSON,
        headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
    )  # fmt: skip


def _import_page(request: Request, lead: SignedIn, *, errors: list[tuple[str, str]],
                 done: str = "", status: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, "fhir_import.html", lead=lead, errors=errors, done=done[:300],
                limit_mb=BUNDLE_UPLOAD_BYTES // (1024 * 1024), status=status)  # fmt: skip


@router.get("/referrals/fhir", response_class=HTMLResponse)
def referral_form(request: Request, lead: Lead, done: str = "") -> HTMLResponse:
    return _import_page(request, lead, errors=[], done=done)


@router.post("/referrals/fhir", response_class=HTMLResponse)
async def referral_import(request: Request, lead: Lead) -> Response:
    try:
        _fields, data = await checked_upload(
            request, lead, name="bundle", max_bytes=BUNDLE_UPLOAD_BYTES
        )
    except UploadTooLarge:
        limit = BUNDLE_UPLOAD_BYTES // (1024 * 1024)
        message = (
            f"The file is larger than {limit} MB: a referral is a few kilobytes. "
            "Nothing was written."
        )
        return _import_page(request, lead, errors=[("bundle", message)], status=413)
    if not data:
        return _import_page(request, lead, errors=[("bundle", "Choose the referral's FHIR file.")],
                            status=422)  # fmt: skip
    today = service_today()
    try:
        done = await in_transaction(
            request,
            lambda s: fhir_exchange.import_referral_bundle(
                s, caller=lead.caller, data=data, today=today
            ),
        )
    except ApiError as refusal:
        if refusal.code != fhir_exchange.FHIR_REFUSED:
            raise
        return _import_page(request, lead, errors=[("bundle", refusal.message)], status=422)
    child = f"{done.child_name} (NHS number {done.nhs_number})"
    made = "added to the caseload" if done.child_created else "already on the caseload"
    return see_other(
        f"/console/referrals/fhir?done=Referral imported for {child}, {made}. It waits to be "
        "accepted or declined; laptops receive it at their next sync."
    )

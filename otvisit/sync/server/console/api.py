"""The console's JSON API under /api/v1/team/: the services the pages use, for a lead's token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from otvisit.services.team_logo import clean_logo
from otvisit.sync import protocol
from otvisit.sync.server.audit_routes import ERRORS
from otvisit.sync.server.console import conflicts, devices, fhir_exchange, people, team
from otvisit.sync.server.console.models import (
    ConflictView,
    DeviceView,
    FhirReferral,
    LogoUpload,
    NewPassword,
    NewPerson,
    Person,
    RevokeWarning,
    RoleChange,
    TeamContact,
    TeamDetails,
)
from otvisit.sync.server.console.scope import require_lead
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep
from otvisit.sync.server.team_views.routes import service_today

TEAM_PATH = "/api/v1/team"
_RESPONSES: dict[int | str, dict[str, Any]] = {**ERRORS, 404: ERRORS[403]}
Id = Annotated[str, Path(pattern=protocol.UUID_PATTERN)]
CHILD_FHIR_PATH = f"{TEAM_PATH}/children/{{child_id}}/fhir"
REFERRAL_FHIR_PATH = f"{TEAM_PATH}/referrals/fhir"
_BUNDLE_SCHEMA = {"type": "object", "description": "A FHIR R4 Bundle (JSON)."}
_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_RESPONSES,
    200: {
        "content": {fhir_exchange.FHIR_JSON: {"schema": _BUNDLE_SCHEMA}},
        "description": "The child's record as a FHIR R4 collection Bundle (UK Core), a file.",
    },
}
_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A FHIR R4 Bundle with one ServiceRequest and the Patient it names.",
        "content": {"application/json": {"schema": _BUNDLE_SCHEMA}},
    }
}


def add_team_api(app: FastAPI, *, db: Database) -> None:
    def write(work: Any) -> Any:
        with db.write() as session:
            return work(session)

    @app.get(TEAM_PATH, response_model=TeamDetails, responses=_RESPONSES)
    def get_team(who: CallerDep) -> TeamDetails:
        """The caller's team: name, address, phone, email, logo (as printed on every document)."""
        return write(lambda s: team.team_details(s, caller=who))  # type: ignore[no-any-return]

    @app.put(TEAM_PATH, response_model=TeamDetails, responses=_RESPONSES)
    def put_team(body: TeamContact, who: CallerDep) -> TeamDetails:
        """Change the team's contact details (team lead); laptops get them at their next sync."""
        return write(lambda s: team.update_contact(s, caller=who, contact=body))  # type: ignore[no-any-return]

    @app.put(f"{TEAM_PATH}/logo", response_model=TeamDetails, responses=_RESPONSES)
    def put_logo(body: LogoUpload, who: CallerDep) -> TeamDetails:
        """A new letterhead logo (team lead): PNG, JPEG or WebP up to 2 MB, kept as a small PNG."""
        require_lead(who)  # before the image is decoded: a therapist's upload costs nothing
        logo = clean_logo(body.image())  # outside the transaction: no lock held while decoding
        return write(lambda s: team.set_logo(s, caller=who, logo=logo))  # type: ignore[no-any-return]

    @app.delete(f"{TEAM_PATH}/logo", response_model=TeamDetails, responses=_RESPONSES)
    def delete_logo(who: CallerDep) -> TeamDetails:
        """Take the logo off the letterhead (team lead); laptops drop it at their next sync."""
        return write(lambda s: team.remove_logo(s, caller=who))  # type: ignore[no-any-return]

    @app.get(f"{TEAM_PATH}/people", response_model=list[Person], responses=_RESPONSES)
    def get_people(who: CallerDep) -> list[Person]:
        """The team's accounts (team lead)."""
        return write(lambda s: people.list_people(s, caller=who))  # type: ignore[no-any-return]

    @app.post(f"{TEAM_PATH}/people", response_model=Person, status_code=201, responses=_RESPONSES)
    def post_person(body: NewPerson, who: CallerDep) -> Person:
        """A new account in the caller's team (team lead)."""
        return write(lambda s: people.create_person(s, caller=who, person=body))  # type: ignore[no-any-return]

    @app.put(f"{TEAM_PATH}/people/{{user_id}}/password", status_code=204, responses=_RESPONSES)
    def put_password(user_id: Id, body: NewPassword, who: CallerDep) -> None:
        """Set a new password for an account of the team (team lead)."""
        write(lambda s: people.reset_password(s, caller=who, user_id=user_id, new=body))

    @app.put(f"{TEAM_PATH}/people/{{user_id}}/role", status_code=204, responses=_RESPONSES)
    def put_role(user_id: Id, body: RoleChange, who: CallerDep) -> None:
        """Change an account's role (team lead; only an admin gives the admin role)."""
        write(lambda s: people.set_role(s, caller=who, user_id=user_id, change=body))

    @app.post(f"{TEAM_PATH}/people/{{user_id}}/deactivate", status_code=204, responses=_RESPONSES)
    def deactivate(user_id: Id, who: CallerDep) -> None:
        """Deactivate an account: its laptops are refused at their next call (team lead)."""
        write(lambda s: people.set_active(s, caller=who, user_id=user_id, active=False))

    @app.post(f"{TEAM_PATH}/people/{{user_id}}/reactivate", status_code=204, responses=_RESPONSES)
    def reactivate(user_id: Id, who: CallerDep) -> None:
        """Let a deactivated account sign in again (team lead)."""
        write(lambda s: people.set_active(s, caller=who, user_id=user_id, active=True))

    @app.get(f"{TEAM_PATH}/devices", response_model=list[DeviceView], responses=_RESPONSES)
    def get_devices(who: CallerDep) -> list[DeviceView]:
        """The team's laptops: owner, last sync, unsent changes they reported (team lead)."""
        return write(lambda s: devices.list_devices(s, caller=who))  # type: ignore[no-any-return]

    @app.get(f"{TEAM_PATH}/devices/{{device_id}}/revoke", response_model=RevokeWarning,
             responses=_RESPONSES)  # fmt: skip
    def get_revoke_warning(device_id: Id, who: CallerDep) -> RevokeWarning:
        """What revoking this laptop would wipe (team lead)."""
        return write(lambda s: devices.revoke_warning(s, caller=who, device_id=device_id))  # type: ignore[no-any-return]

    @app.post(f"{TEAM_PATH}/devices/{{device_id}}/revoke", response_model=DeviceView,
              responses=_RESPONSES)  # fmt: skip
    def post_revoke(device_id: Id, who: CallerDep) -> DeviceView:
        """Withdraw a laptop: its next call is told to remove every record it holds (team lead)."""
        return write(lambda s: devices.revoke(s, caller=who, device_id=device_id))  # type: ignore[no-any-return]

    @app.get(f"{TEAM_PATH}/conflicts", response_model=list[ConflictView], responses=_RESPONSES)
    def get_conflicts(who: CallerDep) -> list[ConflictView]:
        """The sync conflicts the server stored for the team, open ones first (team lead)."""
        return write(lambda s: conflicts.list_conflicts(s, caller=who))  # type: ignore[no-any-return]

    @app.get(CHILD_FHIR_PATH, response_class=Response, responses=_EXPORT_RESPONSES)
    def get_child_fhir(child_id: Id, who: CallerDep) -> Response:
        """One child's record as a FHIR R4 Bundle, as the laptop exports it (team lead; audited)."""
        found = fhir_exchange.export_bundle(db, caller=who, child_id=child_id)
        return Response(
            found.text, media_type=fhir_exchange.FHIR_JSON,
            headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
        )  # fmt: skip

    @app.post(REFERRAL_FHIR_PATH, response_model=FhirReferral, status_code=201,
              responses=_RESPONSES, openapi_extra=_IMPORT_BODY)  # fmt: skip
    async def post_referral_fhir(request: Request, who: CallerDep) -> FhirReferral:
        """A GP system's referral (FHIR Bundle: ServiceRequest + Patient) onto the waiting list.

        The child is matched by NHS number in the team, or added. Anything wrong refuses the
        whole file (422 ``fhir_refused``, saying why) and nothing is written.
        """
        data = await request.body()
        today = service_today()
        done = await run_in_threadpool(
            write,
            lambda s: fhir_exchange.import_referral_bundle(s, caller=who, data=data, today=today),
        )
        return FhirReferral(
            referral_id=done.referral_id, child_id=done.child_id,
            child_created=done.child_created, child_name=done.child_name,
            nhs_number=done.nhs_number,
        )  # fmt: skip

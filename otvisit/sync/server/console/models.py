"""What the console's services take and give: pydantic models, the JSON API's bodies too."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from otvisit.models.vocabulary import StaffRole
from otvisit.services.team_logo import MAX_UPLOAD_BYTES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Person(BaseModel):
    """An account of the team, as the team lead sees it (never its password hash)."""

    user_id: str
    username: str
    full_name: str
    role: StaffRole
    active: bool
    devices: int


class NewPerson(_Strict):
    username: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")
    full_name: str = Field(min_length=1, max_length=200)
    role: StaffRole = StaffRole.THERAPIST
    password: str = Field(min_length=10, max_length=200)


class NewPassword(_Strict):
    password: str = Field(min_length=10, max_length=200)


class RoleChange(_Strict):
    role: StaffRole


class TeamDetails(BaseModel):
    """What families and schools see on every document, synced to every laptop."""

    team_id: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    #: The letterhead logo: a PNG of at most 600 × 240 px as base64 ("" when the team has none).
    logo_png: str = ""

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_png)


class TeamContact(_Strict):
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=400)


class LogoUpload(_Strict):
    """A new logo through the JSON API: the image file (PNG, JPEG or WebP) as base64."""

    image_base64: str = Field(min_length=1)

    @field_validator("image_base64")
    @classmethod
    def _is_base64(cls, value: str) -> str:
        if len(value) > (MAX_UPLOAD_BYTES + 2) // 3 * 4:  # checked again once decoded
            most = MAX_UPLOAD_BYTES // 1024 // 1024
            raise ValueError(f"the image is over {most} MB; a logo can be at most {most} MB")
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not base64 text (A-Z, a-z, 0-9, + and /)") from None
        return value

    def image(self) -> bytes:
        return base64.b64decode(self.image_base64, validate=True)


class DeviceView(BaseModel):
    device_id: str
    name: str
    owner: str
    owner_username: str
    signed_in_at: datetime
    last_sync_at: datetime | None
    revoked_at: datetime | None
    #: Changes the laptop said it had not sent yet, at its last sync (None: it never said).
    unsent_changes: int | None
    unsent_reported_at: datetime | None


class RevokeWarning(BaseModel):
    """What revoking a laptop wipes: shown before the lead confirms."""

    device: DeviceView
    children_on_laptop: int
    message: str


class ConflictView(BaseModel):
    conflict_id: str
    entity: str
    record_id: str
    child_id: str | None
    field: str
    kind: str
    kept: str
    kept_by: str
    set_aside: str
    set_aside_by: str
    created_at: datetime
    #: None while no one has resolved it (the server does not yet store resolutions).
    resolved_by: str | None = None


class ChildSummary(BaseModel):
    child_id: str
    name: str
    date_of_birth: str


class FhirReferral(BaseModel):
    """A referral imported from a FHIR Bundle: on the waiting list, to be accepted or declined."""

    referral_id: str
    child_id: str
    #: False when the NHS number matched a child already on the team's caseload.
    child_created: bool
    child_name: str
    #: Shown as 943 476 5919.
    nhs_number: str

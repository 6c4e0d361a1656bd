"""Devices: each laptop's owner, last sync and unsent changes; revoking one (its records wiped)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.sync.server import admin
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.models import DeviceView, RevokeWarning
from otvisit.sync.server.console.scope import audit, not_found, require_lead
from otvisit.sync.server.schema import Device, Record, User


def _query(caller: Caller):  # type: ignore[no-untyped-def]
    return (
        select(Device, User.full_name, User.username)
        .join(User, User.id == Device.user_id)
        .where(User.team_id == caller.team_id)
    )


def _view(device: Device, owner: str, username: str) -> DeviceView:
    return DeviceView(
        device_id=device.id, name=device.name, owner=owner, owner_username=username,
        signed_in_at=device.created_at, last_sync_at=device.last_seen_at,
        revoked_at=device.revoked_at, unsent_changes=device.pending_changes,
        unsent_reported_at=device.pending_reported_at,
    )  # fmt: skip


def list_devices(session: Session, *, caller: Caller) -> list[DeviceView]:
    """Active laptops first, most recently synced first."""
    require_lead(caller)
    rows = session.execute(_query(caller)).all()
    views = [_view(*row) for row in rows]
    views.sort(
        key=lambda v: (v.revoked_at is not None, -(v.last_sync_at or v.signed_in_at).timestamp())
    )
    audit(session, caller, "console_view", "devices")
    return views


def revoke_warning(session: Session, *, caller: Caller, device_id: str) -> RevokeWarning:
    require_lead(caller)
    row = session.execute(_query(caller).where(Device.id == device_id)).first()
    if row is None:
        raise not_found("device")
    view = _view(*row)
    children = int(session.execute(
        select(func.count()).where(Record.entity == "child", Record.team_id == caller.team_id,
                                   Record.deleted.is_(False))
    ).scalar_one())  # fmt: skip
    unsent = view.unsent_changes
    lost = (
        "It did not say at its last sync whether it had unsent changes."
        if unsent is None
        else f"At its last sync it had {unsent} change(s) not yet sent: they will be lost."
    )
    message = (
        f"{view.name} ({view.owner}) will be signed out at its next connection and every "
        f"record it holds will be removed from it: up to {children} child(ren) of the team's "
        f"caseload. {lost}"
    )
    audit(session, caller, "console_view", f"revoke warning for device {device_id}")
    return RevokeWarning(device=view, children_on_laptop=children, message=message)


def revoke(session: Session, *, caller: Caller, device_id: str) -> DeviceView:
    require_lead(caller)
    row = session.execute(_query(caller).where(Device.id == device_id)).first()
    if row is None:
        raise not_found("device")
    admin.revoke_device(session, device_id=device_id)
    audit(session, caller, "console_change", f"revoked device {row[0].name!r} of {row[2]!r}")
    session.expire_all()
    return _view(*session.execute(_query(caller).where(Device.id == device_id)).one())

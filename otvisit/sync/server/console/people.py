"""Team and people: the team's accounts (create, reset password, deactivate, role)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import StaffRole
from otvisit.services.errors import ValidationError
from otvisit.sync.server import admin
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.models import NewPassword, NewPerson, Person, RoleChange
from otvisit.sync.server.console.records import update_fields
from otvisit.sync.server.console.scope import audit, not_found, require_lead
from otvisit.sync.server.schema import Device, User


def list_people(session: Session, *, caller: Caller) -> list[Person]:
    require_lead(caller)
    devices = (
        select(Device.user_id, func.count().label("n"))
        .where(Device.revoked_at.is_(None))
        .group_by(Device.user_id)
        .subquery()
    )
    rows = session.execute(
        select(User, func.coalesce(devices.c.n, 0))
        .outerjoin(devices, devices.c.user_id == User.id)
        .where(User.team_id == caller.team_id)
        .order_by(User.disabled, User.full_name)
    ).all()
    audit(session, caller, "console_view", "people")
    return [
        Person(user_id=u.id, username=u.username, full_name=u.full_name, role=StaffRole(u.role),
               active=not u.disabled, devices=int(n))
        for u, n in rows
    ]  # fmt: skip


def find_person(session: Session, *, caller: Caller, user_id: str) -> Person:
    require_lead(caller)
    for person in list_people(session, caller=caller):
        if person.user_id == user_id:
            return person
    raise not_found("account")


def _check_may_grant(caller: Caller, role: StaffRole) -> None:
    if role is StaffRole.ADMIN and caller.role != StaffRole.ADMIN:
        raise ValidationError("Only an admin can give the admin role.")


def create_person(session: Session, *, caller: Caller, person: NewPerson) -> Person:
    require_lead(caller)
    _check_may_grant(caller, person.role)
    user_id = admin.create_user(
        session, team_id=caller.team_id, username=person.username, full_name=person.full_name,
        password=person.password, role=person.role.value,
    )  # fmt: skip
    audit(session, caller, "console_change", f"created account {person.username!r} ({person.role})")
    return Person(user_id=user_id, username=person.username, full_name=person.full_name,
                  role=person.role, active=True, devices=0)  # fmt: skip


def _own_user(session: Session, caller: Caller, user_id: str) -> User:
    user = session.execute(
        select(User).where(User.id == user_id, User.team_id == caller.team_id)
    ).scalar_one_or_none()
    if user is None:
        raise not_found("account")
    return user


def reset_password(session: Session, *, caller: Caller, user_id: str, new: NewPassword) -> None:
    require_lead(caller)
    user = _own_user(session, caller, user_id)
    admin.reset_password(session, username=user.username, password=new.password)
    audit(session, caller, "console_change", f"reset the password of {user.username!r}")


def set_active(session: Session, *, caller: Caller, user_id: str, active: bool) -> None:
    """Deactivate (the account's laptops are refused at their next sync) or reactivate."""
    require_lead(caller)
    user = _own_user(session, caller, user_id)
    if user.id == caller.user_id and not active:
        raise ValidationError("You can't deactivate your own account.")
    session.execute(update(User).where(User.id == user.id).values(disabled=not active))
    what = "reactivated" if active else "deactivated"
    audit(session, caller, "console_change", f"{what} account {user.username!r}")


def set_role(session: Session, *, caller: Caller, user_id: str, change: RoleChange) -> None:
    require_lead(caller)
    user = _own_user(session, caller, user_id)
    if user.id == caller.user_id:
        raise ValidationError("You can't change your own role; ask another team lead or an admin.")
    _check_may_grant(caller, change.role)
    if user.role == StaffRole.ADMIN and caller.role != StaffRole.ADMIN:
        raise ValidationError("Only an admin can change an admin's role.")
    session.execute(update(User).where(User.id == user.id).values(role=change.role.value))
    update_fields(session, entity="therapist", record_id=user.id, team_id=caller.team_id,
                  given={"role": change.role.value})  # fmt: skip
    audit(
        session, caller, "console_change", f"role of {user.username!r}: {user.role} → {change.role}"
    )

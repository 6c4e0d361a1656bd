"""Team lead and operator actions: teams, accounts, moving a child between teams, devices."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.models.registry import ENTITIES, FIELDS
from otvisit.models.vocabulary import StaffRole
from otvisit.models.wire import to_wire
from otvisit.services.errors import NotFound, ValidationError
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.auth import hash_password
from otvisit.sync.server.database import SequenceLock
from otvisit.sync.server.schema import Device, Record, ServerTeam, TeamDeparture, User
from otvisit.sync.server.team_views.projection import reproject_child

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


def _defaults(entity: str, given: dict[str, Any]) -> dict[str, Any]:
    """Every field of a server-made record: the given values, else the column default."""
    values: dict[str, Any] = {}
    columns = ENTITIES[entity].__table__.columns
    for name, spec in FIELDS[entity].items():
        default = columns[name].default
        if name in given:
            values[name] = given[name]
        elif default is not None and default.is_scalar:
            values[name] = to_wire(spec, default.arg)
        elif default is not None and default.is_callable:
            values[name] = to_wire(spec, default.arg(None))
    return values


def _write_record(
    session: Session, lock: SequenceLock, *, entity: str, record_id: str, team_id: str,
    fields: dict[str, Any],
) -> None:  # fmt: skip
    seq, now = lock.next(), utcnow()
    session.execute(
        insert(Record).values(
            id=record_id,
            entity=entity,
            team_id=team_id,
            child_id=None,
            fields=json.dumps(fields),
            field_seq=json.dumps({name: [seq, None] for name in fields}),
            seq=seq,
            deleted=False,
            created_at=now,
            updated_at=now,
            updated_by="server",
        )
    )


def _admin_event(detail: str, **values: Any) -> AuditEvent:
    return AuditEvent(action="admin", username="(admin)", detail=detail, **values)


#: What families and schools see on every document: the team's ways to be reached.
TEAM_CONTACT_FIELDS = ("phone", "email", "address")


def _contact(values: dict[str, str | None]) -> dict[str, Any]:
    given = {name: value.strip() for name, value in values.items() if value is not None}
    for name, value in given.items():
        spec = FIELDS["team"][name]
        if spec.max_length is not None and len(value) > spec.max_length:
            raise ValidationError(f"The team's {name} is longer than {spec.max_length} characters.")
    return given


def create_team(
    session: Session,
    *,
    name: str,
    team_id: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> str:
    """A new team, and the ``team`` record its devices receive. Returns the team id."""
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.")
    contact = _contact({"phone": phone, "email": email, "address": address})
    if session.execute(select(ServerTeam.id).where(ServerTeam.name == name)).first():
        raise ValidationError(f"There is already a team called {name!r}.")
    team_id = team_id or str(uuid.uuid4())
    lock = SequenceLock(session)
    session.execute(insert(ServerTeam).values(id=team_id, name=name, created_at=utcnow()))
    fields = _defaults("team", {"name": name, **contact})
    _write_record(session, lock, entity="team", record_id=team_id, team_id=team_id, fields=fields)
    lock.save()
    write_audit(session, events=[_admin_event(f"create team {name!r}", entity="team")])
    return team_id


def update_team_contact(
    session: Session,
    *,
    team_id: str,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> None:
    """Change how families reach the team; every device receives the new version."""
    given = _contact({"phone": phone, "email": email, "address": address})
    if not given:
        raise ValidationError("Give at least one of --phone, --email or --address.")
    lock = SequenceLock(session)
    row = session.execute(
        select(Record.fields, Record.field_seq).where(Record.id == team_id, Record.entity == "team")
    ).first()
    if row is None:
        raise NotFound(f"There is no team with id {team_id}.")
    seq = lock.next()
    fields = {**json.loads(row.fields), **given}
    field_seq = {**json.loads(row.field_seq), **{name: [seq, None] for name in given}}
    session.execute(
        update(Record)
        .where(Record.id == team_id)
        .values(
            fields=json.dumps(fields),
            field_seq=json.dumps(field_seq),
            seq=seq,
            updated_at=utcnow(),
            updated_by="server",
        )
    )
    lock.save()
    changed = ", ".join(sorted(given))
    write_audit(session, events=[_admin_event(f"update team contact: {changed}", entity="team")])


def create_user(
    session: Session,
    *,
    team_id: str,
    username: str,
    full_name: str,
    password: str,
    role: str = StaffRole.THERAPIST.value,
    job_title: str | None = None,
) -> str:
    """An account in a team, with its ``therapist`` record. Returns the user (therapist) id."""
    if not session.execute(select(ServerTeam.id).where(ServerTeam.id == team_id)).first():
        raise NotFound(f"There is no team with id {team_id}.")
    if role not in {r.value for r in StaffRole}:
        raise ValidationError(f"The role must be one of {', '.join(r.value for r in StaffRole)}.")
    username = username.strip()
    if not username or not full_name.strip():
        raise ValidationError("An account needs a username and a full name.")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise ValidationError(f"The username {username!r} is taken.")
    _check_password(password)
    user_id = str(uuid.uuid4())
    lock = SequenceLock(session)
    session.execute(
        insert(User).values(
            id=user_id,
            team_id=team_id,
            username=username,
            full_name=full_name.strip(),
            role=role,
            password_hash=hash_password(password),
            disabled=False,
            created_at=utcnow(),
        )
    )
    given: dict[str, Any] = {"team_id": team_id, "username": username, "full_name": full_name}
    given["role"] = role
    if job_title:
        given["job_title"] = job_title
    fields = _defaults("therapist", given)
    _write_record(
        session, lock, entity="therapist", record_id=user_id, team_id=team_id, fields=fields
    )
    lock.save()
    write_audit(session, events=[_admin_event(f"create user {username!r} ({role})")])
    return user_id


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")


def reset_password(session: Session, *, username: str, password: str) -> None:
    _check_password(password)
    done = session.execute(
        update(User).where(User.username == username).values(password_hash=hash_password(password))
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"There is no account {username!r}.")
    write_audit(session, events=[_admin_event(f"reset password of {username!r}")])


def assign_child(session: Session, *, child_id: str, team_id: str) -> None:
    """Move a child (and every record under it) to another team's caseload.

    The old team gets a departure so its devices remove the child; every
    record is given a new sequence so the new team's devices receive it.
    """
    if not session.execute(select(ServerTeam.id).where(ServerTeam.id == team_id)).first():
        raise NotFound(f"There is no team with id {team_id}.")
    lock = SequenceLock(session)
    child = session.execute(
        select(Record.team_id, Record.fields, Record.field_seq).where(
            Record.id == child_id, Record.entity == "child"
        )
    ).first()
    if child is None:
        raise NotFound(f"There is no child with id {child_id} on the server.")
    old_team, fields_text, stamps_text = child
    if old_team == team_id:
        return
    now = utcnow()
    session.execute(
        insert(TeamDeparture).values(team_id=old_team, child_id=child_id, seq=lock.next(), at=now)
    )
    fields, stamps = json.loads(fields_text), json.loads(stamps_text)
    fields.update(team_id=team_id, therapist_id=None)
    record_ids = session.execute(
        select(Record.id).where(Record.child_id == child_id).order_by(Record.seq)
    ).scalars()
    for record_id in list(record_ids):
        seq = lock.next()
        values: dict[str, Any] = {"team_id": team_id, "seq": seq, "updated_at": now}
        if record_id == child_id:
            stamps.update(team_id=[seq, None], therapist_id=[seq, None])
            values.update(fields=json.dumps(fields), field_seq=json.dumps(stamps))
        session.execute(update(Record).where(Record.id == record_id).values(**values))
    reproject_child(session, child_id=child_id)  # the console's figures follow the child
    lock.save()
    detail = f"move child from team {old_team} to team {team_id}"
    write_audit(session, events=[_admin_event(detail, entity="child", child_id=child_id)])


def list_devices(session: Session, *, username: str) -> list[DeviceInfo]:
    user_id = session.execute(select(User.id).where(User.username == username)).scalar()
    if user_id is None:
        raise NotFound(f"There is no account {username!r}.")
    rows = session.execute(
        select(
            Device.id,
            Device.name,
            Device.created_at,
            Device.last_seen_at,
            Device.expires_at,
            Device.revoked_at,
        )
        .where(Device.user_id == user_id)
        .order_by(Device.created_at)
    ).all()
    return [DeviceInfo(*row) for row in rows]


def revoke_device(session: Session, *, device_id: str) -> None:
    """Withdraw a device's access at once; its next call is told to remove its records."""
    done = session.execute(
        update(Device)
        .where(Device.id == device_id, Device.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        exists = session.execute(select(Device.id).where(Device.id == device_id)).first()
        if exists is None:
            raise NotFound(f"There is no device {device_id}.")
    write_audit(
        session, events=[_admin_event("revoke device", record_id=None, device_id=device_id)]
    )

"""Accounts and devices: argon2 passwords, hashed device tokens, login rate limit, token checks."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.protocol import LoginResponse, SignedInUser
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.errors import ApiError, unauthorized
from otvisit.sync.server.schema import AuditEntry, Device, ServerTeam, User

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not a real password")
#: last_seen_at is refreshed at most this often, to keep reads from writing on every call.
_LAST_SEEN_EVERY = timedelta(minutes=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain sha256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the device's user and team scope every query made for them."""

    user_id: str
    username: str
    full_name: str
    role: str
    team_id: str
    team_name: str
    device_id: str
    address: str = ""

    def signed_in_user(self) -> SignedInUser:
        return SignedInUser(
            therapist_id=self.user_id,
            username=self.username,
            full_name=self.full_name,
            role=self.role,
            team_id=self.team_id,
            team_name=self.team_name,
        )

    def audit(self, action: str, **values: str | datetime | None) -> AuditEvent:
        return AuditEvent(
            action=action,
            user_id=self.user_id,
            username=self.username,
            device_id=self.device_id or None,  # "" is the team console: no device
            address=self.address,
            **values,  # type: ignore[arg-type]
        )


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Failed sign-ins allowed within ``window``: per username and address, and per address."""

    per_account: int
    per_address: int
    window: timedelta


@dataclass(frozen=True, slots=True)
class Account:
    """A user row read for sign-in, as plain data (no session needed to use it)."""

    user_id: str
    username: str
    full_name: str
    role: str
    team_id: str
    team_name: str
    password_hash: str
    disabled: bool


def _attempts(session: Session, *, since: datetime, address: str, username: str | None) -> int:
    """Sign-in attempts not followed by a success (each attempt is logged before its check)."""

    def count(action: str) -> int:
        query = select(func.count()).where(
            AuditEntry.action == action, AuditEntry.address == address, AuditEntry.at > since
        )
        if username is not None:
            query = query.where(AuditEntry.username == username)
        return int(session.execute(query).scalar_one())

    return count("login_attempt") - count("login")


def _too_many() -> ApiError:
    return ApiError(
        429, "too_many_attempts", "Too many failed sign-ins. Wait a few minutes and try again."
    )


def reserve_attempt(
    session: Session, *, username: str, address: str, limits: LoginLimits
) -> ApiError | None:
    """Log a sign-in attempt before its password is checked, or refuse it (429).

    Logging first makes the limit exact however many attempts arrive at once: each one is
    counted, in order, before any is checked. The caller commits at once (a short write: the
    password is hashed afterwards, outside any transaction).
    """
    address = address[:64]
    if session.get_bind().dialect.name == "postgresql":
        # Attempts from one address are counted one at a time (SQLite writers always are).
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"login {address}"))))
    since = utcnow() - limits.window
    if (
        _attempts(session, since=since, address=address, username=username) >= (limits.per_account)
        or _attempts(session, since=since, address=address, username=None) >= limits.per_address
    ):
        return _too_many()
    write_audit(
        session, events=[AuditEvent(action="login_attempt", username=username, address=address)]
    )
    return None


def find_account(session: Session, *, username: str) -> Account | None:
    row = session.execute(
        select(User, ServerTeam.name)
        .join(ServerTeam, ServerTeam.id == User.team_id)
        .where(User.username == username)
    ).first()
    if row is None:
        return None
    user, team_name = row[0], row[1]
    return Account(
        user.id, user.username, user.full_name, user.role, user.team_id, team_name,
        user.password_hash, user.disabled,
    )  # fmt: skip


def account_matches(account: Account | None, password: str) -> bool:
    """The argon2 check (slow on purpose): call it outside any transaction, bounded."""
    matches = password_matches(account.password_hash if account else _DUMMY_HASH, password)
    return matches and account is not None and not account.disabled


def record_failure(session: Session, *, username: str, address: str) -> ApiError:
    write_audit(
        session, events=[AuditEvent(action="login_failed", username=username, address=address)]
    )
    return unauthorized("invalid_login", "The username or password is not right.")


def register_device(
    session: Session,
    *,
    account: Account,
    device_name: str,
    address: str,
    token_lifetime: timedelta | None,
) -> LoginResponse:
    """A new device of a user whose password matched; the answer carries its token."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    device_id = str(uuid.uuid4())
    expires_at = now + token_lifetime if token_lifetime else None
    session.execute(
        insert(Device).values(
            id=device_id,
            user_id=account.user_id,
            name=device_name,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    caller = Caller(
        account.user_id,
        account.username,
        account.full_name,
        account.role,
        account.team_id,
        account.team_name,
        device_id,
        address,
    )
    write_audit(session, events=[caller.audit("login", detail=f"device {device_name!r}")])
    return LoginResponse(
        device_id=device_id, token=token, expires_at=expires_at, user=caller.signed_in_user()
    )


_DEVICE, _USER, _TEAM = Device.__table__.c, User.__table__.c, ServerTeam.__table__.c
#: Built once: every authenticated call runs it.
_BY_TOKEN = (
    select(
        _DEVICE.id,
        _DEVICE.expires_at,
        _DEVICE.revoked_at,
        _DEVICE.last_seen_at,
        _DEVICE.pending_changes,
        _DEVICE.pending_reported_at,
        _USER.id,
        _USER.username,
        _USER.full_name,
        _USER.role,
        _USER.team_id,
        _USER.disabled,
        _TEAM.name,
    )
    .join_from(Device.__table__, User.__table__, _USER.id == _DEVICE.user_id)
    .join(ServerTeam.__table__, _TEAM.id == _USER.team_id)
    .where(_DEVICE.token_hash == bindparam("token_hash"))
)


def authenticate(
    session: Session | Connection, *, token: str, address: str, unsent: int | None = None
) -> tuple[Caller, bool]:
    """The caller a bearer token belongs to, and whether its device row is due a refresh:
    its last-seen time, or the unsent count the device reports (``unsent``) when that count
    changed or was last written over a minute ago. (A no-change sync then writes nothing.)

    Raises 401 for an unknown, expired or revoked token (revoked: ``device_revoked``,
    which tells the client to remove the records it holds).
    """
    row = session.execute(_BY_TOKEN, {"token_hash": hash_token(token)}).first()
    if row is None:
        raise unauthorized("invalid_token", "This device is not signed in. Please sign in again.")
    (device_id, expires_at, revoked_at, last_seen_at, pending, reported_at,
     *user, disabled, team_name) = row  # fmt: skip
    if revoked_at is not None:
        raise unauthorized(
            "device_revoked",
            "This device's access was withdrawn by the team. Its synced records must be removed.",
        )
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise unauthorized("token_expired", "Your sign-in has expired. Please sign in again.")
    if disabled:
        raise unauthorized("account_disabled", "This account is disabled. Ask your team lead.")
    stale = last_seen_at is None or now - last_seen_at > _LAST_SEEN_EVERY
    if unsent is not None and not stale:
        stale = unsent != pending or reported_at is None or now - reported_at > _LAST_SEEN_EVERY
    user_id, username, full_name, role, team_id = user
    caller = Caller(user_id, username, full_name, role, team_id, team_name, device_id, address)
    return caller, stale


def touch_device(session: Session, *, device_id: str, unsent: int | None = None) -> None:
    """Remember when a device was last seen (shown by ``admin list-devices``), and the changes
    it said it has not sent yet (shown on the console's Devices page)."""
    now = utcnow()
    values: dict[str, object] = {"last_seen_at": now}
    if unsent is not None:
        values.update(pending_changes=unsent, pending_reported_at=now)
    session.execute(update(Device).where(Device.id == device_id).values(**values))

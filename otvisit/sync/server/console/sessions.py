"""Console sign-in and server-side sessions: only a random id in the cookie, idle timeout, CSRF.

Sign-in reuses the API's argon2 check and its login limits (every attempt is logged before its
password is checked; too many failures from an address or for a username give 429).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.server.auth import Account, Caller
from otvisit.sync.server.console.scope import CONSOLE_ROLES, NOT_TEAM_LEAD, audit
from otvisit.sync.server.errors import forbidden
from otvisit.sync.server.schema import ConsoleSession, ServerTeam, User

COOKIE = "otvisit_console"
#: The sign-in form's own CSRF token (a cookie and a hidden field that must match).
SIGN_IN_COOKIE = "otvisit_console_signin"
THERAPIST_REFUSED = (
    "The team console is for team leads and admins. Therapists and assistants keep using "
    "the otvisit app on their laptop."
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live console session: who (as a Caller scoped to their team) and the form token."""

    caller: Caller
    csrf_token: str


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def check_console_role(account: Account) -> None:
    if account.role not in CONSOLE_ROLES:
        raise forbidden(NOT_TEAM_LEAD, THERAPIST_REFUSED)


def _caller(account_row: tuple[str, str, str, str, str, str], address: str) -> Caller:
    user_id, username, full_name, role, team_id, team_name = account_row
    return Caller(user_id, username, full_name, role, team_id, team_name, "", address)


def start_session(session: Session, *, account: Account, address: str) -> tuple[str, SignedIn]:
    """A new session for a lead whose password matched: (cookie value, the session)."""
    check_console_role(account)
    session_id, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), utcnow()
    session.execute(
        insert(ConsoleSession).values(
            id=_key(session_id), user_id=account.user_id, csrf_token=csrf, address=address[:64],
            created_at=now, last_seen_at=now,
        )
    )  # fmt: skip
    caller = _caller(
        (account.user_id, account.username, account.full_name, account.role, account.team_id,
         account.team_name), address,
    )  # fmt: skip
    # "login" balances the attempt logged before the check (the login limit counts the rest).
    audit(session, caller, "login", "team console")
    return session_id, SignedIn(caller, csrf)


def current_session(
    session: Session, *, session_id: str, address: str, idle: timedelta
) -> SignedIn | None:
    """The live session behind a cookie (its idle clock restarted), or None.

    None for an unknown id, a session signed out or idle too long (then ended here), and an
    account since disabled or no longer a team lead or admin.
    """
    if not session_id or len(session_id) > 100:
        return None
    row = session.execute(
        select(ConsoleSession, User.id, User.username, User.full_name, User.role, User.team_id,
               ServerTeam.name, User.disabled)
        .join(User, User.id == ConsoleSession.user_id)
        .join(ServerTeam, ServerTeam.id == User.team_id)
        .where(ConsoleSession.id == _key(session_id), ConsoleSession.ended_at.is_(None))
    ).first()  # fmt: skip
    if row is None:
        return None
    stored, *account, disabled = row
    now = utcnow()
    if now - stored.last_seen_at > idle or disabled or account[3] not in CONSOLE_ROLES:
        session.execute(
            update(ConsoleSession).where(ConsoleSession.id == stored.id).values(ended_at=now)
        )
        caller = _caller(tuple(account), address)  # type: ignore[arg-type]
        audit(session, caller, "logout", "team console: idle timeout or access withdrawn")
        return None
    session.execute(
        update(ConsoleSession).where(ConsoleSession.id == stored.id).values(last_seen_at=now)
    )
    return SignedIn(_caller(tuple(account), address), stored.csrf_token)  # type: ignore[arg-type]


def end_session(session: Session, *, session_id: str, signed_in: SignedIn) -> None:
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id == _key(session_id), ConsoleSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    audit(session, signed_in.caller, "logout", "team console: signed out")


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(expected) and given is not None and secrets.compare_digest(expected, given)

"""Teams for the sync tests on a real server process (tests/support/server_process.py)."""

from __future__ import annotations

from dataclasses import dataclass

from otvisit.sync.server.database import Database
from tests.support.server_process import ServerProcess, seed_team


@dataclass(frozen=True)
class TeamAccounts:
    """A fresh team on the server with therapists' usernames and their passwords."""

    team_id: str
    usernames: tuple[str, ...]
    passwords: dict[str, str]


def create_team(server: ServerProcess, *, therapists: int = 2) -> TeamAccounts:
    team = seed_team(server.database_url, therapists=therapists)
    return TeamAccounts(
        team_id=team.team_id,
        usernames=tuple(a.username for a in team.therapists),
        passwords={a.username: a.password for a in team.therapists},
    )


def server_database(server: ServerProcess) -> Database:
    """A connection of the test's own to the server's database, for admin actions and checks."""
    return Database(server.database_url)

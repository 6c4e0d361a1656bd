"""Sign-in limits hold under a flood of parallel attempts, and a flood never stops syncing.

Threads of real HTTP clients against a real server process, on SQLite and PostgreSQL: the
per-account limit is exact however many wrong passwords arrive at once, one address can't try
many usernames, and pushes are answered while the flood goes on.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from otvisit.sync import protocol
from tests.server.dbcheck import AuditEntry, rows
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import ServerProcess, seed_team

PER_ADDRESS = 12


@pytest.fixture(scope="module")
def limited_server(server_database_url: str) -> Iterator[ServerProcess]:
    env = {"OTVISIT_SERVER_LOGIN_FAILURES_PER_ADDRESS": str(PER_ADDRESS)}
    with ServerProcess(server_database_url, env=env) as server:
        yield server


def _attempt(base_url: str, username: str, password: str) -> int:
    client = ApiClient(base_url)
    try:
        return client.login_response(username, password, "laptop").status_code
    finally:
        client.close()


def _parallel(base_url: str, logins: list[tuple[str, str]]) -> Counter[int]:
    start = threading.Barrier(len(logins))

    def one(login: tuple[str, str]) -> int:
        start.wait()
        return _attempt(base_url, *login)

    with ThreadPoolExecutor(max_workers=len(logins)) as pool:
        return Counter(pool.map(one, logins))


def test_40_parallel_wrong_passwords_get_exactly_the_limit_of_attempts(limited_server) -> None:
    team = seed_team(limited_server.database_url, therapists=2)
    account = team.therapists[0]
    answers = _parallel(limited_server.base_url, [(account.username, "wrong")] * 40)
    assert answers == {401: 5, 429: 35}
    failed = rows(limited_server.database_url, AuditEntry, AuditEntry.username == account.username)
    assert sum(1 for f in failed if f.action == "login_failed") == 5  # type: ignore[attr-defined]
    # The right password is refused too now (the account is locked for the window) ...
    assert _attempt(limited_server.base_url, account.username, account.password) == 429
    # ... but a colleague signing in from the same office still can.
    colleague = team.therapists[1]
    assert _attempt(limited_server.base_url, colleague.username, colleague.password) == 200


def test_one_address_cannot_try_many_usernames_and_pushes_go_on(limited_server) -> None:
    team = seed_team(limited_server.database_url, therapists=1)
    device = ApiClient(limited_server.base_url).login(
        team.therapists[0].username, team.therapists[0].password
    )
    pushes: list[int] = []
    flooding = threading.Event()

    def push_meanwhile() -> None:
        while not flooding.is_set():
            op = device.op("child", child_fields(team.team_id), record_id=str(uuid.uuid4()))
            pushes.append(device.push_response([op]).status_code)

    pusher = threading.Thread(target=push_meanwhile)
    pusher.start()
    try:
        names = [(f"nobody-{uuid.uuid4().hex[:8]}", "guess") for _ in range(40)]
        answers = _parallel(limited_server.base_url, names)
    finally:
        flooding.set()
        pusher.join()
        device.close()
    # 5 failures were left from the test above (same address): the rest of the budget, no more.
    assert answers[401] <= PER_ADDRESS and answers[429] >= 40 - PER_ADDRESS
    assert set(answers) <= {401, 429}
    assert pushes and set(pushes) == {200}
    later = _attempt(limited_server.base_url, f"nobody-{uuid.uuid4().hex[:8]}", "guess")
    assert later == 429
    body = ApiClient(limited_server.base_url)
    try:
        refused = body.login_response("yet-another", "guess", "laptop").json()
    finally:
        body.close()
    assert refused["error"]["code"] == protocol.TOO_MANY_ATTEMPTS

"""The audit log records reads and writes; admin commands work from the command line."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

from otvisit.sync import blob_protocol as wire
from otvisit.sync import protocol
from otvisit.sync.server.console.api import TEAM_PATH
from otvisit.sync.server.team_views import routes as team_views
from tests.server.dbcheck import AuditEntry, rows
from tests.support.api import child_fields

BLOB_PATHS = (wire.BLOB_PATH, wire.BLOB_UPLOAD_PATH, wire.BLOB_FETCH_PATH, wire.BLOB_COMMIT_PATH)


def test_reads_and_writes_are_audited_and_no_route_edits_the_log(
    live_server, team, devices
) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team.team_id), record_id=child)])
    device.pull_all()
    deadline = time.monotonic() + 10  # reads are written by the server's audit thread
    while True:
        entries = rows(
            live_server.database_url, AuditEntry, AuditEntry.device_id == device.device_id
        )
        actions = {(e.action, e.child_id) for e in entries}  # type: ignore[attr-defined]
        if ("read", child) in actions or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert ("login", None) in actions
    assert ("write", child) in actions and ("read", child) in actions
    write = next(e for e in entries if e.action == "write")  # type: ignore[attr-defined]
    assert write.username == team.therapists[0].username and write.record_id == child  # type: ignore[attr-defined]
    paths = __import__("httpx").get(f"{live_server.base_url}/openapi.json").json()["paths"]
    # The console's team API (accounts, devices, team details) is the only other surface.
    team_paths = {path for path in paths if path.startswith(TEAM_PATH)}
    assert f"{TEAM_PATH}/people" in team_paths and set(team_views.PATHS) <= team_paths
    assert set(paths) - team_paths == {
        protocol.LOGIN_PATH,
        protocol.ME_PATH,
        protocol.PUSH_PATH,
        protocol.PULL_PATH,
        protocol.AUDIT_PATH,
        protocol.AUDIT_CHILD_PATH,
        protocol.DUPLICATES_PATH,
        protocol.HISTORY_PATH,
        protocol.UNREADABLE_PATH,
        protocol.RESENT_CONFLICTS_PATH,
        *BLOB_PATHS,
    }
    # Nothing but reads and appends: no route could change or remove an audit line. The team
    # API's PUTs change accounts and team details only (its services append to the log).
    # A blob upload's PATCH appends a piece of a photo's bytes (never an audit line); the one
    # DELETE takes the team's logo off the letterhead (a new version of the team record).
    methods = {method for path in paths.values() for method in path}
    assert methods == {"get", "post", "put", "patch", "delete"}
    assert {path for path, ops in paths.items() if "delete" in ops} == {f"{TEAM_PATH}/logo"}
    assert {path for path, ops in paths.items() if "patch" in ops} == {wire.BLOB_UPLOAD_PATH}
    assert all(
        set(ops) <= {"get", "post", "patch" if path == wire.BLOB_UPLOAD_PATH else "get"}
        for path, ops in paths.items()
        if path not in team_paths
    )


def _admin(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "otvisit.sync.server", "--database-url", url, "admin", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)


def test_admin_commands(running_server, devices) -> None:
    url = running_server.database_url
    made = _admin(url, "create-team", "--name", "North OT team")
    assert made.returncode == 0, made.stderr
    team_id = made.stdout.strip()
    user = _admin(
        url, "create-user", "--team", team_id, "--username", "lead-north",
        "--full-name", "Alex Lead", "--role", "team_lead", "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    assert user.returncode == 0, user.stderr
    device = devices(running_server.base_url)
    device.login("lead-north", "a long enough password", "office pc")
    assert device.get(protocol.ME_PATH).json()["user"]["role"] == "team_lead"
    listed = _admin(url, "list-devices", "--username", "lead-north")
    assert device.device_id in listed.stdout and "active" in listed.stdout
    assert _admin(url, "revoke-device", "--device", device.device_id).returncode == 0
    assert device.get(protocol.ME_PATH).json()["error"]["code"] == "device_revoked"
    reset = _admin(
        url,
        "reset-password",
        "--username",
        "lead-north",
        "--password-stdin",
        stdin="another long password\n",
    )
    assert reset.returncode == 0
    assert device.login_response("lead-north", "another long password", "new pc").status_code == 200
    refused = _admin(
        url,
        "create-user",
        "--team",
        team_id,
        "--username",
        "x",
        "--full-name",
        "X",
        "--password-stdin",
        stdin="short\n",
    )
    assert refused.returncode == 1 and "at least" in refused.stderr


def test_team_contact_reaches_every_device_and_can_change(running_server, devices) -> None:
    url = running_server.database_url
    made = _admin(
        url, "create-team", "--name", "South OT team", "--phone", "020 3049 8181",
        "--email", "south.ot@nhs.example",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    team_id = made.stdout.strip()
    user = _admin(
        url, "create-user", "--team", team_id, "--username", "ot-south",
        "--full-name", "Sam Therapist", "--password-stdin", stdin="a long enough password\n",
    )  # fmt: skip
    assert user.returncode == 0, user.stderr
    device = devices(running_server.base_url)
    device.login("ot-south", "a long enough password", "laptop")

    def team_record(cursor: int) -> tuple[dict[str, object], int]:
        page = device.get(protocol.PULL_PATH, params={"cursor": cursor}).json()
        (team,) = [r for r in page["records"] if r["entity"] == "team"]
        return team["fields"], page["next_cursor"]

    fields, cursor = team_record(0)
    assert (fields["phone"], fields["email"]) == ("020 3049 8181", "south.ot@nhs.example")
    changed = _admin(url, "update-team", "--team", team_id, "--phone", "020 3049 0000")
    assert changed.returncode == 0, changed.stderr
    fields, _ = team_record(cursor)  # only the new version arrives after the cursor
    assert (fields["phone"], fields["email"]) == ("020 3049 0000", "south.ot@nhs.example")
    nothing = _admin(url, "update-team", "--team", team_id)
    assert nothing.returncode == 1 and "at least one" in nothing.stderr

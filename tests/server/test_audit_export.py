"""A team lead exports one child's audit trail (API and admin command); the export is audited."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid
from datetime import timedelta

from otvisit.models.base import utcnow
from otvisit.sync import protocol
from otvisit.sync.protocol import AuditTrail
from tests.support.api import ApiClient, audit_event, child_fields
from tests.support.server_process import seed_team


def _trail_path(child: str) -> str:
    return protocol.AUDIT_CHILD_PATH.format(child_id=child)


def _visit(device: ApiClient, team_id: str) -> str:
    """A child pushed, pulled, then viewed and printed on the laptop (events uploaded)."""
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team_id), record_id=child)])
    device.pull_all()
    early = (utcnow() - timedelta(hours=2)).isoformat()
    late = utcnow().isoformat()
    events = [
        audit_event("print", child_id=child, at=late, entity="document", detail="=HYPERLINK(1)"),
        audit_event("view", child_id=child, at=early),
    ]
    assert device.upload_audit_response(events).status_code == 200
    return child


def test_team_lead_exports_the_whole_trail_in_time_order(live_server, devices) -> None:
    team = seed_team(live_server.database_url, leads=1)
    therapist = devices(live_server.base_url, team.therapists[0])
    lead = devices(live_server.base_url, team.leads[0])
    child = _visit(therapist, team.team_id)

    answer = lead.get(_trail_path(child), params={"format": "json"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    trail = AuditTrail.model_validate_json(answer.text)
    lines = [(e.origin, e.action, e.username) for e in trail.events]
    me, lead_name = team.therapists[0].username, team.leads[0].username
    assert lines == [
        ("device", "view", me),
        ("server", "write", me),
        ("server", "read", me),
        ("device", "print", me),
        ("server", "export", lead_name),
    ]
    assert [e.at for e in trail.events] == sorted(e.at for e in trail.events)
    assert all(e.child_id == child for e in trail.events)

    exported = lead.get(_trail_path(child), params={"format": "csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["action"] for row in table] == [
        "view",
        "write",
        "read",
        "print",
        "export",
        "export",
    ]
    # A formula typed on a laptop stays text in the team lead's spreadsheet.
    assert table[3]["detail"] == "'=HYPERLINK(1)"


def test_only_a_team_lead_of_the_childs_team_may_export(live_server, devices) -> None:
    team = seed_team(live_server.database_url, leads=1)
    other = seed_team(live_server.database_url, leads=1)
    therapist = devices(live_server.base_url, team.therapists[0])
    child = _visit(therapist, team.team_id)
    other_lead = devices(live_server.base_url, other.leads[0])

    refused = therapist.get(_trail_path(child))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == protocol.NOT_TEAM_LEAD
    elsewhere = other_lead.get(_trail_path(child))
    missing = other_lead.get(_trail_path(str(uuid.uuid4())))
    assert elsewhere.status_code == missing.status_code == 403
    # Another team's child and a child nobody has look the same: no hint it exists.
    assert elsewhere.json() == missing.json()
    assert elsewhere.json()["error"]["code"] == protocol.OTHER_TEAM
    lead = devices(live_server.base_url, team.leads[0])
    trail = AuditTrail.model_validate_json(lead.get(_trail_path(child)).text)
    assert [e.action for e in trail.events].count("export") == 1  # refusals exported nothing


def _admin(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "otvisit.sync.server", "--database-url", url, "admin", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_admin_command_exports_a_childs_trail(running_server, devices, tmp_path) -> None:
    device = devices(running_server.base_url, running_server.therapists[0])
    child = _visit(device, running_server.team.team_id)
    out = tmp_path / "trail.csv"
    done = _admin(running_server.database_url, "export-audit", "--child", child, "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text(), newline="")))
    assert [row["action"] for row in table][-1] == "export"
    assert table[-1]["username"] == "(admin)"
    assert {"view", "print", "write"} <= {row["action"] for row in table}

    as_json = tmp_path / "trail.json"
    again = _admin(
        running_server.database_url, "export-audit", "--child", child, "--out", str(as_json)
    )
    assert again.returncode == 0
    assert [e["action"] for e in json.loads(as_json.read_text())["events"]].count("export") == 2

    unknown = _admin(
        running_server.database_url, "export-audit", "--child", str(uuid.uuid4()),
        "--out", str(tmp_path / "none.csv"),
    )  # fmt: skip
    assert unknown.returncode == 1 and "no child" in unknown.stderr
    assert not (tmp_path / "none.csv").exists()

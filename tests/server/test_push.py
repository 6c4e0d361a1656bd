"""Push against a real server: per-operation results, idempotent retries, merges and conflicts."""

from __future__ import annotations

import uuid
from typing import Any

from otvisit.sync.server.database import Database
from otvisit.sync.server.history import new_generation
from tests.server.dbcheck import Conflict, counts, rows
from tests.support.api import ApiClient, child_fields, note_fields
from tests.support.server_fixtures import DeviceFactory
from tests.support.server_process import SeededTeam, ServerProcess


def _two_devices(
    live_server: ServerProcess, team: SeededTeam, devices: DeviceFactory
) -> tuple[ApiClient, ApiClient]:
    return devices(live_server.base_url, team.therapists[0]), devices(
        live_server.base_url, team.therapists[1]
    )


def _child(device: ApiClient, team: SeededTeam) -> str:
    child = str(uuid.uuid4())
    result = device.push([device.op("child", child_fields(team.team_id), record_id=child)])
    assert result["results"][0]["status"] == "applied"
    return child


def test_each_operation_gets_its_own_result(live_server, team, devices) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    child = str(uuid.uuid4())
    ops = [
        a.op("child", child_fields(team.team_id), record_id=child),
        a.op(
            "goal",
            {"child_id": child, "wording": "Sam will put his coat on", "set_on": "2026-11-24"},
        ),
        a.op("team", {"name": "Renamed"}, record_id=team.team_id),
        a.op("carer", {"child_id": child}),  # full_name missing
    ]
    answer = a.push(ops)
    statuses = [(r["op_seq"], r["status"]) for r in answer["results"]]
    assert statuses == [(1, "applied"), (2, "applied"), (3, "rejected"), (4, "rejected")]
    assert "team lead" in answer["results"][2]["reason"]
    assert "full_name" in answer["results"][3]["reason"]
    assert answer["last_op_seq"] == 4
    seqs = [r["record_seq"] for r in answer["results"][:2]]
    assert seqs[0] < seqs[1]
    pulled = a.pull_all()["records"]
    assert pulled[child]["fields"]["given_name"] == "Sam"
    assert (
        pulled[team.team_id]["fields"]["name"] == team.name
    )  # the rejected rename changed nothing


def test_a_retried_push_is_answered_again_without_applying_twice(
    live_server, team, devices
) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    ops = [
        a.op("goal", {"child_id": child, "wording": f"Goal {n}", "set_on": "2026-11-24"})
        for n in range(3)
    ]
    first = a.push(ops)
    before = counts(live_server.database_url)
    again = a.push(ops)
    assert again == first
    assert counts(live_server.database_url) == before
    # A batch that replays part and adds more applies only the new operation.
    extra = a.op("goal", {"child_id": child, "wording": "Goal 3", "set_on": "2026-11-24"})
    mixed = a.push([*ops[1:], extra])
    assert mixed["results"][:2] == first["results"][1:]
    assert mixed["results"][2]["status"] == "applied" and mixed["last_op_seq"] == extra["op_seq"]
    goals = [r for r in a.pull_all()["records"].values() if r["entity"] == "goal"]
    assert sorted(g["fields"]["wording"] for g in goals) == ["Goal 0", "Goal 1", "Goal 2", "Goal 3"]


def test_sequence_problems_are_refused_whole(live_server, team, devices) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    first = a.op("goal", {"child_id": child, "wording": "One", "set_on": "2026-11-24"})
    a.push([first])
    before = counts(live_server.database_url)
    changed = {**first, "changes": {**first["changes"], "wording": "Something else"}}
    reused = a.push_response([changed])
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "op_seq_reused"
    backwards = [
        a.op("goal", {"child_id": child, "wording": "x", "set_on": "2026-11-24"}) for _ in range(2)
    ]
    backwards.reverse()
    refused = a.push_response(backwards)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "op_seq_out_of_order"
    assert counts(live_server.database_url) == before
    # Forward gaps are fine (edits set aside on the device leave holes) ...
    a.next_op_seq += 5
    late = a.op("goal", {"child_id": child, "wording": "After a gap", "set_on": "2026-11-24"})
    assert a.push([late])["results"][0]["status"] == "applied"
    # ... but an operation from inside the gap arriving afterwards is out of order.
    skipped = {**late, "op_seq": late["op_seq"] - 2}
    answer = a.push_response([skipped])
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "op_seq_out_of_order"


def test_structured_fields_merge_and_clinical_text_conflicts_are_kept(
    live_server, team, devices
) -> None:
    a, b = _two_devices(live_server, team, devices)
    child = _child(a, team)
    note = str(uuid.uuid4())
    created = a.push(
        [a.op("session_note", note_fields(child, team.therapists[0].user_id), record_id=note)]
    )
    base = created["results"][0]["record_seq"]
    mine = a.push(
        [
            a.op(
                "session_note",
                {"body": "Version A", "place": "school"},
                record_id=note,
                base_seq=base,
            )
        ]
    )
    assert mine["results"][0]["status"] == "applied"
    theirs = b.push([
        b.op("session_note", {"body": "Version B", "place": "clinic", "plan": "Review in 6 weeks"},
             record_id=note, base_seq=base)
    ])  # fmt: skip
    result = theirs["results"][0]
    assert result["status"] == "conflict"
    [conflict] = result["conflicts"]
    assert (conflict["kind"], conflict["field"]) == ("edit", "body")
    assert (conflict["mine"], conflict["theirs"]) == ("Version B", "Version A")
    assert conflict["theirs_by"] == team.therapists[0].full_name
    fields = b.pull_all()["records"][note]["fields"]
    assert fields["body"] == "Version A"  # never silently overwritten
    assert fields["place"] == "clinic" and fields["plan"] == "Review in 6 weeks"  # merged
    [kept] = rows(live_server.database_url, Conflict, Conflict.id == conflict["conflict_id"])
    assert (kept.mine, kept.theirs) == ('"Version B"', '"Version A"')  # type: ignore[attr-defined]
    # Structured only: the later push wins and says it merged.
    seq = result["record_seq"]
    a.push([a.op("session_note", {"place": "home"}, record_id=note, base_seq=seq)])
    merged = b.push([b.op("session_note", {"place": "nursery"}, record_id=note, base_seq=seq)])
    assert merged["results"][0]["status"] == "merged"
    assert b.pull_all()["records"][note]["fields"]["place"] == "nursery"


def test_same_device_edits_in_a_row_are_not_conflicts(live_server, team, devices) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    note = str(uuid.uuid4())
    answer = a.push([
        a.op("session_note", note_fields(child, team.therapists[0].user_id), record_id=note),
        a.op("session_note", {"body": "Second draft"}, record_id=note),
        a.op("session_note", {"body": "Third draft"}, record_id=note),
    ])  # fmt: skip
    assert [r["status"] for r in answer["results"]] == ["applied"] * 3
    assert a.pull_all()["records"][note]["fields"]["body"] == "Third draft"


def test_an_edit_built_on_its_own_delete_is_a_conflict_not_refused(
    live_server, team, devices
) -> None:
    """A laptop that edits a note it deleted, on a version at or after its delete, holds the note
    live in a version the server lost (a colleague's restore, then the server restored from a
    backup): its words are kept as a conflict. An edit from before its delete is still refused."""
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    note = str(uuid.uuid4())
    author = team.therapists[0].user_id
    made = a.push([a.op("session_note", note_fields(child, author), record_id=note)])
    base = made["results"][0]["record_seq"]
    deleted = a.push([a.op("session_note", {}, record_id=note, kind="delete", base_seq=base)])
    gone = deleted["results"][0]["record_seq"]
    stale = a.push([a.op("session_note", {"body": "Older words"}, record_id=note, base_seq=base)])
    assert stale["results"][0]["status"] == "rejected"
    assert "deleted on this device" in stale["results"][0]["reason"]
    later = a.push(
        [a.op("session_note", {"body": "Words typed after"}, record_id=note, base_seq=gone)]
    )
    [conflict] = later["results"][0]["conflicts"]
    assert later["results"][0]["status"] == "conflict"
    assert conflict["kind"] == "edit_vs_delete"
    assert conflict["mine"] == {"body": "Words typed after"}
    assert a.pull_all()["records"][note]["deleted"] is True  # nothing applied until resolved


def test_edit_versus_delete_is_a_conflict_both_ways(live_server, team, devices) -> None:
    a, b = _two_devices(live_server, team, devices)
    child = _child(a, team)
    goal = str(uuid.uuid4())
    made = a.push(
        [
            a.op(
                "goal",
                {"child_id": child, "wording": "Coat on", "set_on": "2026-11-24"},
                record_id=goal,
            )
        ]
    )
    base = made["results"][0]["record_seq"]
    a.push([a.op("goal", {}, record_id=goal, kind="delete", base_seq=base)])
    edit = b.push([b.op("goal", {"wording": "Coat and shoes on"}, record_id=goal, base_seq=base)])
    [conflict] = edit["results"][0]["conflicts"]
    assert conflict["kind"] == "edit_vs_delete" and conflict["mine"] == {
        "wording": "Coat and shoes on"
    }
    assert a.pull_all()["records"][goal]["deleted"] is True
    # Keeping the edit: restore with the change.
    restored = b.push(
        [b.op("goal", {"wording": "Coat and shoes on"}, record_id=goal, kind="restore")]
    )
    assert restored["results"][0]["status"] == "applied"
    record = a.pull_all()["records"][goal]
    assert record["deleted"] is False and record["fields"]["wording"] == "Coat and shoes on"
    # Delete against a newer edit by someone else: the edit stays.
    stale = b.push([b.op("goal", {}, record_id=goal, kind="delete", base_seq=base)])
    # b made the newest change itself, so b's delete applies; a's stale delete must not.
    assert stale["results"][0]["status"] == "applied"
    b.push([b.op("goal", {"wording": "Back"}, record_id=goal, kind="restore")])
    refused = a.push([a.op("goal", {}, record_id=goal, kind="delete", base_seq=base)])
    assert refused["results"][0]["status"] == "conflict"
    assert refused["results"][0]["conflicts"][0]["kind"] == "delete_vs_edit"
    assert a.pull_all()["records"][goal]["deleted"] is False


def test_signed_notes_and_addenda_cannot_change_but_later_ops_apply(
    live_server, team, devices
) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    note, addendum = str(uuid.uuid4()), str(uuid.uuid4())
    author = team.therapists[0].user_id
    signed = note_fields(child, author, signed_at="2026-11-24T10:00:00+00:00", signed_by_id=author)
    answer = a.push([
        a.op("session_note", signed, record_id=note),
        a.op("session_note", {"body": "Changed after signing"}, record_id=note),
        a.op("session_note", {}, record_id=note, kind="delete"),
        a.op("note_addendum", {"child_id": child, "note_id": note, "author_id": author,
                               "written_at": "2026-11-24T11:00:00+00:00",
                               "text": "Also tried zips."},
             record_id=addendum),
        a.op("note_addendum", {"text": "Edited"}, record_id=addendum),
        a.op("goal", {"child_id": child, "wording": "Still applied", "set_on": "2026-11-24"}),
    ])  # fmt: skip
    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["applied", "rejected", "rejected", "applied", "rejected", "applied"]
    assert "addendum" in answer["results"][1]["reason"]
    assert answer["last_op_seq"] == answer["results"][-1]["op_seq"]
    records = a.pull_all()["records"]
    assert records[note]["fields"]["body"] == "Practised buttons on the coat with mum."
    assert records[note]["deleted"] is False
    assert records[addendum]["fields"]["text"] == "Also tried zips."


def test_records_cannot_move_between_children(live_server, team, devices) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    first, second = _child(a, team), _child(a, team)
    goal = str(uuid.uuid4())
    a.push(
        [
            a.op(
                "goal",
                {"child_id": first, "wording": "Coat", "set_on": "2026-11-24"},
                record_id=goal,
            )
        ]
    )
    moved = a.push([a.op("goal", {"child_id": second}, record_id=goal)])
    assert moved["results"][0]["status"] == "rejected"
    assert a.pull_all()["records"][goal]["child_id"] == first


def test_a_push_built_on_what_a_restored_server_lost_is_refused_whole(
    live_server, team, devices
) -> None:
    """The laptop says which server it last pulled from; a restored one refuses its push (409
    ``server_restored``, nothing saved), so the laptop pulls, re-sends what was lost, and then
    pushes: never edits built on versions the server no longer has."""
    a = devices(live_server.base_url, team.therapists[0])
    child = _child(a, team)
    page = a.pull(0)
    high, generation = page["high"], page["generation"]

    def goal() -> dict[str, Any]:
        return a.op("goal", {"child_id": child, "wording": "Zip", "set_on": "2026-11-24"})

    before = counts(live_server.database_url)
    ahead = a.push_response([goal()], cursor=high + 50, generation=generation)
    assert ahead.status_code == 409 and ahead.json()["error"]["code"] == "server_restored"
    assert "restored from a backup" in ahead.json()["error"]["message"]
    assert counts(live_server.database_url) == before
    database = Database(live_server.database_url)
    try:
        with database.write() as session:
            restored = new_generation(session)  # what ``admin after-restore`` does
    finally:
        database.dispose()
    stale = a.push_response([goal()], cursor=high, generation=generation or restored + 1)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "server_restored"
    assert counts(live_server.database_url) == before
    fresh = a.push_response([goal()], cursor=high, generation=restored)
    assert fresh.status_code == 200 and fresh.json()["results"][0]["status"] == "applied"
    # A laptop that sends neither (an older one) is answered as before.
    assert a.push_response([goal()]).status_code == 200

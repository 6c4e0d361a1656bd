"""A pull page is bounded in bytes as well as in records: long notes in Bengali come in several
pages of a few megabytes, none is lost or repeated (real server, SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

from otvisit.sync import protocol
from tests.support.api import child_fields, note_fields

#: Bengali text at the longest a note's body may be: ~600 kB each as stored (escaped) JSON.
BODY = ("শিশুটি বোতাম লাগানো অনুশীলন করেছে। " * 3000)[:100_000]


def test_long_notes_come_in_pages_of_bounded_size(live_server, team, devices) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    author = team.therapists[0].user_id
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team.team_id), record_id=child)])
    notes = [str(uuid.uuid4()) for _ in range(16)]
    for start in range(0, len(notes), 4):
        device.push([device.op("session_note", note_fields(child, author, body=BODY),
                               record_id=note) for note in notes[start : start + 4]])  # fmt: skip
    cursor, pages, seen = 0, [], []
    while True:
        answer = device.get(protocol.PULL_PATH, params={"cursor": cursor, "limit": 1000})
        assert answer.status_code == 200
        page = answer.json()
        pages.append(len(answer.content))
        seen += [r["record_id"] for r in page["records"] if r["entity"] == "session_note"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert sorted(seen) == sorted(notes)  # every note once
    assert len(pages) >= 2
    # One record over the bound at most (a record is never split).
    assert max(pages) <= protocol.MAX_PULL_BYTES + 2 * len(BODY.encode()) + 10_000

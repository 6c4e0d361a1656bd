"""Attachment bytes on the team's server, on both stores (filesystem and database, SQLite and
PostgreSQL): resumable, idempotent, stored once per team, refused clearly, audited."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from sqlalchemy import select

from otvisit.sync import blob_protocol as wire
from otvisit.sync.client.blob_http import BlobClient, NotOnServer
from otvisit.sync.client.errors import RequestRefused
from otvisit.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION
from otvisit.sync.server import cli
from otvisit.sync.server.blob_routes import READ_AHEAD_BYTES, WHOLE_FILE_BYTES
from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import AuditEntry
from tests.support.blob_servers import MAX_FILE, TEAM_QUOTA, BlobServer, photo


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _send(client: BlobClient, data: bytes, *, piece: int = 100_000) -> None:
    sha = _sha(data)
    state = client.start(sha, len(data))
    while not state.stored and state.received < len(data):
        state = client.send_piece(
            sha, state.received, data[state.received : state.received + piece]
        )
    client.commit(sha)


def _fetch(client: BlobClient, sha: str, start: int = 0) -> bytes:
    return b"".join(client.fetch(sha, start=start))


def test_an_attachment_goes_up_in_pieces_and_comes_back_whole(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = photo(1, 1_234_567)
    _send(laptop, data)
    assert _fetch(laptop, _sha(data)) == data
    assert blob_server.held(team.team_id) == {_sha(data): len(data)}
    assert blob_server.unfinished(team.team_id) == []
    laptop.close()


def test_a_cut_download_resumes_with_a_range(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = photo(2, 500_000)
    _send(laptop, data)
    assert _fetch(laptop, _sha(data), start=123_456) == data[123_456:]
    answer = laptop.client.get(
        wire.BLOB_PATH.format(sha256=_sha(data)), headers={"Range": "bytes=10-19"}
    )
    assert answer.status_code == 206
    assert answer.content == data[10:20]
    assert answer.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    outside = laptop.client.get(
        wire.BLOB_PATH.format(sha256=_sha(data)), headers={"Range": f"bytes={len(data)}-"}
    )
    assert outside.status_code == 416
    assert outside.json()["error"]["code"] == "bad_range"
    laptop.close()


def test_a_piece_sent_twice_is_kept_once_and_a_gap_is_told_where_to_resume(
    blob_server: BlobServer,
) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = photo(3, 300_000)
    sha = _sha(data)
    laptop.start(sha, len(data))
    assert laptop.send_piece(sha, 0, data[:100_000]).received == 100_000
    # The answer was lost: the laptop sends the same piece again, then one overlapping.
    assert laptop.send_piece(sha, 0, data[:100_000]).received == 100_000
    assert laptop.send_piece(sha, 50_000, data[50_000:150_000]).received == 150_000
    gap = laptop.client.patch(
        wire.BLOB_UPLOAD_PATH.format(sha256=sha),
        content=data[200_000:],
        headers={wire.UPLOAD_OFFSET_HEADER: "200000", "Content-Type": wire.CHUNK_MEDIA_TYPE},
    )
    assert gap.status_code == 409
    assert gap.json()["error"]["code"] == wire.OFFSET_MISMATCH
    assert gap.headers[wire.UPLOAD_OFFSET_HEADER] == "150000"
    status = laptop.client.get(wire.BLOB_UPLOAD_PATH.format(sha256=sha)).json()
    assert status == {"sha256": sha, "byte_size": len(data), "received": 150_000, "stored": False}
    laptop.send_piece(sha, 150_000, data[150_000:])
    assert laptop.commit(sha).stored
    assert laptop.commit(sha).stored  # a retried commit is answered again
    assert blob_server.held(team.team_id) == {sha: len(data)}
    laptop.close()


def test_two_laptops_sending_the_same_photo_store_it_once(blob_server: BlobServer) -> None:
    team = blob_server.team()
    first, second = blob_server.device(team, 0), blob_server.device(team, 1)
    data = photo(4, 700_000)
    sha = _sha(data)
    # Both start before either finishes, and send interleaved pieces.
    first.start(sha, len(data))
    second.start(sha, len(data))
    first.send_piece(sha, 0, data[:300_000])
    second.send_piece(sha, 0, data[:300_000])
    second.send_piece(sha, 300_000, data[300_000:])
    first.send_piece(sha, 300_000, data[300_000:])
    assert first.commit(sha).stored
    assert second.commit(sha).stored
    # A third time, later: the server says it holds it, nothing to send.
    assert second.start(sha, len(data)).stored
    assert blob_server.held(team.team_id) == {sha: len(data)}
    first.close()
    second.close()


def test_an_oversized_file_is_refused_before_any_byte(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    with pytest.raises(RequestRefused) as refused:
        laptop.start("a" * 64, MAX_FILE + 1)
    assert refused.value.status == 413
    assert refused.value.code == wire.ATTACHMENT_TOO_LARGE
    assert "larger than the team's server accepts (3.0 MiB)" in str(refused.value)
    assert blob_server.unfinished(team.team_id) == []
    assert blob_server.held(team.team_id) == {}
    laptop.close()


def test_a_full_team_is_refused_clearly_and_keeps_nothing_partial(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    kept = [photo(10 + n, MAX_FILE - 1000) for n in range(2)]
    for data in kept:
        _send(laptop, data, piece=1024 * 1024)
    extra = photo(20, TEAM_QUOTA - 2 * (MAX_FILE - 1000) + 1)
    answer = laptop.client.post(
        wire.BLOB_UPLOAD_PATH.format(sha256=_sha(extra)), json={"byte_size": len(extra)}
    )
    assert answer.status_code == 507
    assert answer.json()["error"]["code"] == wire.TEAM_QUOTA_FULL
    assert "attachment space is full" in answer.json()["error"]["message"]
    assert blob_server.unfinished(team.team_id) == []
    assert blob_server.held(team.team_id) == {_sha(d): len(d) for d in kept}
    # Another team is not held back by this one's quota.
    other = blob_server.team()
    elsewhere = blob_server.device(other)
    _send(elsewhere, extra)
    assert blob_server.held(other.team_id) == {_sha(extra): len(extra)}
    laptop.close()
    elsewhere.close()


def test_bytes_that_do_not_match_the_hash_are_refused_and_thrown_away(
    blob_server: BlobServer,
) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = photo(5, 200_000)
    claimed = _sha(b"another photo")
    laptop.start(claimed, len(data))
    laptop.send_piece(claimed, 0, data)
    with pytest.raises(RequestRefused) as refused:
        laptop.commit(claimed)
    assert refused.value.status == 422
    assert refused.value.code == wire.HASH_MISMATCH
    assert blob_server.unfinished(team.team_id) == []
    assert blob_server.held(team.team_id) == {}
    with pytest.raises(NotOnServer):
        _fetch(laptop, claimed)
    laptop.close()


def test_another_teams_attachment_is_not_there_for_this_team(blob_server: BlobServer) -> None:
    ours, theirs = blob_server.team(), blob_server.team()
    owner, stranger = blob_server.device(theirs), blob_server.device(ours)
    data = photo(6, 100_000)
    sha = _sha(data)
    _send(owner, data)
    path = wire.BLOB_UPLOAD_PATH.format(sha256=sha)
    answers = [
        stranger.client.get(wire.BLOB_PATH.format(sha256=sha)),
        stranger.client.get(wire.BLOB_PATH.format(sha256=sha), headers={"Range": "bytes=0-"}),
        stranger.client.get(path),
        stranger.client.patch(
            path, content=data, headers={wire.UPLOAD_OFFSET_HEADER: "0",
                                         "Content-Type": wire.CHUNK_MEDIA_TYPE},
        ),
        stranger.client.post(wire.BLOB_COMMIT_PATH.format(sha256=sha)),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [404] * 5
    assert {a.json()["error"]["code"] for a in answers} == {
        wire.ATTACHMENT_NOT_FOUND, wire.UPLOAD_NOT_STARTED,
    }  # fmt: skip
    # Sending it themselves gives this team its own copy: the other team's is never lent.
    assert not stranger.start(sha, len(data)).stored
    assert blob_server.held(ours.team_id) == {}
    owner.close()
    stranger.close()


def test_uploads_and_downloads_are_audited(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = photo(7, 50_000)
    _send(laptop, data)
    _fetch(laptop, _sha(data))
    database = Database(blob_server.process.database_url)
    try:
        for _ in range(50):  # downloads are audited by the batch writer (every 0.2 s)
            with database.read() as session:
                lines = session.execute(
                    select(AuditEntry.action, AuditEntry.detail, AuditEntry.username).where(
                        AuditEntry.detail.startswith(_sha(data))
                    )
                ).all()
            if len(lines) == 2:
                break
            time.sleep(0.1)
    finally:
        database.dispose()
    actions = sorted(line.action for line in lines)
    assert actions == ["attachment_download", "attachment_upload"]
    assert {line.username for line in lines} == {team.therapists[0].username}
    laptop.close()


def test_binary_pieces_holding_a_json_nul_escape_are_just_bytes(blob_server: BlobServer) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    data = b'{"x": "\\u0000"}' + photo(8, 1000) + bytes(range(256))
    _send(laptop, data)
    assert _fetch(laptop, _sha(data)) == data
    laptop.close()


def test_without_a_token_nothing_moves(blob_server: BlobServer) -> None:
    sha = _sha(b"x")
    anonymous = httpx.Client(base_url=blob_server.url, headers={SCHEMA_HEADER: str(SCHEMA_VERSION)})
    answer = anonymous.post(wire.BLOB_UPLOAD_PATH.format(sha256=sha), json={"byte_size": 1})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_signed_in"
    anonymous.close()


def test_many_files_come_in_one_answer_and_another_teams_are_left_out(
    blob_server: BlobServer,
) -> None:
    ours, theirs = blob_server.team(), blob_server.team()
    laptop, stranger = blob_server.device(ours), blob_server.device(theirs)
    mine = [photo(30 + n, 1000 * (n + 1)) for n in range(3)]
    for data in mine:
        _send(laptop, data)
    foreign = photo(40, 5000)
    _send(stranger, foreign)
    asked = [_sha(mine[2]), _sha(foreign), "f" * 64, _sha(mine[0]), _sha(mine[2])]
    assert list(laptop.fetch_many(asked)) == [(_sha(mine[2]), mine[2]), (_sha(mine[0]), mine[0])]
    answer = laptop.client.post(wire.BLOB_FETCH_PATH, json={"sha256s": [_sha(foreign)]})
    assert answer.status_code == 200 and answer.content == b""
    too_many = laptop.client.post(wire.BLOB_FETCH_PATH, json={"sha256s": ["a" * 64] * 257})
    assert too_many.status_code == 422


def test_small_and_large_files_mixed_in_one_answer_each_arrive_whole_in_order(
    blob_server: BlobServer,
) -> None:
    """Small files are read whole and sent several to a piece; a file over WHOLE_FILE_BYTES is
    streamed between them: the frames still cut them apart exactly."""
    team = blob_server.team()
    laptop = blob_server.device(team)
    files = [photo(50, 300_000), photo(51, WHOLE_FILE_BYTES + 12_345), photo(52, 77),
             photo(53, 700_000), photo(54, WHOLE_FILE_BYTES)]  # fmt: skip
    for data in files:
        _send(laptop, data)
    asked = [_sha(data) for data in reversed(files)]
    assert list(laptop.fetch_many(asked)) == [(_sha(data), data) for data in reversed(files)]
    answer = laptop.client.post(wire.BLOB_FETCH_PATH, json={"sha256s": asked})
    assert (
        int(answer.headers["Content-Length"])
        == len(answer.content)
        == sum(wire.FRAME_HEAD_BYTES + len(data) for data in files)
    ), "a known length: no chunked encoding"


def test_a_fetch_larger_than_the_servers_read_ahead_arrives_whole_in_order(
    blob_server: BlobServer,
) -> None:
    """The small files of one answer are read a run at a time (READ_AHEAD_BYTES), never all at
    once: the runs join up exactly, a large file between them too."""
    team = blob_server.team()
    laptop = blob_server.device(team)
    size = 600_000
    count = READ_AHEAD_BYTES // size + 3
    files = [photo(60 + n, size) for n in range(count)]
    files.insert(count // 2, photo(99, WHOLE_FILE_BYTES + 1))
    for data in files:
        _send(laptop, data)
    asked = [_sha(data) for data in files]
    assert list(laptop.fetch_many(asked)) == [(_sha(data), data) for data in files]


def test_uploads_left_unfinished_past_the_set_age_are_removed_and_the_rest_kept(
    blob_server: BlobServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team = blob_server.team()
    laptop = blob_server.device(team)
    old, recent, done = photo(60, 200_000), photo(61, 200_000), photo(62, 50_000)
    for data in (old, recent):
        laptop.start(_sha(data), len(data))
        laptop.send_piece(_sha(data), 0, data[:100_000])
    _send(laptop, done)
    blob_server.age_upload(team.team_id, _sha(old), days=8)
    blob_server.age_upload(team.team_id, _sha(recent), days=6)
    monkeypatch.setenv("OTVISIT_SERVER_BLOB_STORE", blob_server.store)
    monkeypatch.setenv("OTVISIT_SERVER_BLOB_DIR", str(blob_server.blob_dir))
    command = ["--database-url", blob_server.process.database_url, "admin",
               "drop-unfinished-uploads", "--older-than-days", "7"]  # fmt: skip
    assert cli.main(command) == 0
    assert "Removed 1 unfinished upload started before" in capsys.readouterr().out
    assert {name.split(".")[0] for name in blob_server.unfinished(team.team_id)} == {_sha(recent)}
    assert blob_server.held(team.team_id) == {_sha(done): len(done)}
    assert laptop.start(_sha(recent), len(recent)).received == 100_000
    # The laptop that comes back starts the removed one again, and it arrives whole.
    assert laptop.start(_sha(old), len(old)).received == 0
    _send(laptop, old)
    assert _fetch(laptop, _sha(old)) == old
    assert cli.main([*command[:-1], "-1"]) == 1
    assert "0 or more" in capsys.readouterr().err

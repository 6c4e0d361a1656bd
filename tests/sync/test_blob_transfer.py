"""Attachments' bytes between laptops and the team's server, after the records: cut connections
resume, every attachment arrives once with the right hash, failures never stop the notes."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from otvisit.models import Attachment
from otvisit.models.encryption import new_database_key
from otvisit.models.store import Store
from otvisit.services import attachment_blobs
from otvisit.sync.client import blobs as blobs_module
from otvisit.sync.client.attachments import LaptopBlobs
from otvisit.sync.client.blob_http import BlobClient
from otvisit.sync.client.blobs import BlobProgress, Patience, transfer_blobs
from tests.support.blob_servers import TEAM_QUOTA, BlobServer, photo
from tests.support.blob_table import BlobTable
from tests.sync.proxy import CuttingProxy

QUICK = Patience(attempts=60, base_delay=0.001, max_delay=0.01)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_OPEN: list[BlobTable] = []


@pytest.fixture(autouse=True)
def _close_tables() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _laptop(tmp_path: Path, name: str) -> BlobTable:
    table = BlobTable(tmp_path / f"{name}.db")
    _OPEN.append(table)
    return table


def _learn_of(table: BlobTable, shas: list[str]) -> None:
    """The attachment records arrive with the pull (oldest first): their bytes are wanted."""
    with table.transaction() as session:
        for sha in shas:
            table.want(session, sha)


def _held_bytes(table: BlobTable) -> dict[str, bytes]:
    with table.transaction() as session:
        return {sha: table.blob_bytes(session, sha) or b"" for sha in table_shas(table, session)}


def table_shas(table: BlobTable, session: object) -> list[str]:
    from sqlalchemy import select

    from tests.support.blob_table import TestBlob

    return list(session.execute(select(TestBlob.sha256)).scalars())  # type: ignore[attr-defined]


def test_a_photo_goes_up_from_one_laptop_and_down_to_another(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    a, b = _laptop(tmp_path, "a"), _laptop(tmp_path, "b")
    photos = [photo(100 + n, 200_000 + n) for n in range(3)]
    shas = [a.attach(data) for data in photos]
    seen: list[BlobProgress] = []
    report = transfer_blobs(a.transaction, a, blob_server.device(team, 0), progress=seen.append)
    assert sorted(report.uploaded) == sorted(shas) and report.error == ""
    assert seen[-1] == BlobProgress("upload", 3, 3, sum(len(p) for p in photos))
    with a.transaction() as session:
        assert a.unsent_blobs(session) == []
    _learn_of(b, shas)
    seen.clear()
    client = blob_server.device(team, 1)
    report = transfer_blobs(b.transaction, b, client, progress=seen.append, workers=1)
    # Newest first: the last photo attached is the first fetched.
    assert report.downloaded == list(reversed(shas))
    assert seen[-1] == BlobProgress("download", 3, 3, sum(len(p) for p in photos))
    assert _held_bytes(b) == dict(zip(shas, photos, strict=True))
    with b.transaction() as session:
        assert b.wanted_blobs(session) == [] and b.unsent_blobs(session) == []


def test_two_laptops_attach_the_same_photo_offline_and_it_is_stored_once(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    a, b = _laptop(tmp_path, "a"), _laptop(tmp_path, "b")
    same = photo(200, 400_000)
    assert a.attach(same) == b.attach(same)
    first = transfer_blobs(a.transaction, a, blob_server.device(team, 0))
    second = transfer_blobs(b.transaction, b, blob_server.device(team, 1))
    assert first.uploaded == [_sha(same)]
    assert second.uploaded == [] and second.already_held == [_sha(same)]
    assert blob_server.held(team.team_id) == {_sha(same): len(same)}


def test_cut_two_hundred_times_every_attachment_arrives_once_with_its_hash(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    """Connections cut at random bytes of requests and answers, uploads and downloads alike."""
    proxy = CuttingProxy(blob_server.process.port, seed=16, chance=0.8, reach=250_000).start()
    shapes = random.Random(7)
    rounds = 0
    try:
        while proxy.cuts < 200:
            rounds += 1
            # A team per round: each round's photos fit the test server's small team quota.
            team = blob_server.team()
            a, b = _laptop(tmp_path, f"a{rounds}"), _laptop(tmp_path, f"b{rounds}")
            photos = [
                photo(1000 * rounds + n, shapes.randrange(20_000, 700_000)) for n in range(12)
            ]
            shas = [a.attach(data) for data in photos]
            sender = blob_server.device(team, 0, url=proxy.url)
            sender.chunk_bytes = 64 * 1024
            for _ in range(30):
                transfer_blobs(a.transaction, a, sender, patience=QUICK)
                with a.transaction() as session:
                    if not a.unsent_blobs(session):
                        break
            assert blob_server.held(team.team_id) == {_sha(p): len(p) for p in photos}
            assert blob_server.unfinished(team.team_id) == []
            _learn_of(b, shas)
            fetcher = blob_server.device(team, 1, url=proxy.url)
            for _ in range(30):
                transfer_blobs(b.transaction, b, fetcher, patience=QUICK, workers=3)
                with b.transaction() as session:
                    if not b.wanted_blobs(session):
                        break
            held = _held_bytes(b)
            assert held == dict(zip(shas, photos, strict=True))
            assert all(_sha(data) == sha for sha, data in held.items())
    finally:
        proxy.stop()
    assert proxy.cuts >= 200


def test_a_full_team_stops_the_uploads_with_a_clear_reason_but_not_the_downloads(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    a, b = _laptop(tmp_path, "a"), _laptop(tmp_path, "b")
    early = photo(300, 100_000)
    sha_early = a.attach(early)
    transfer_blobs(a.transaction, a, blob_server.device(team, 0))
    too_much = [photo(301 + n, 2_900_000) for n in range(3)]
    for data in too_much:
        b.attach(data)
    _learn_of(b, [sha_early])
    report = transfer_blobs(b.transaction, b, blob_server.device(team, 1))
    assert sum(len(d) for d in too_much) + len(early) > TEAM_QUOTA
    assert "attachment space is full" in report.error
    assert len(report.uploaded) == 2 and len(report.failed) == 1
    # The upload that did not fit left nothing on the server; the download still came.
    assert blob_server.unfinished(team.team_id) == []
    assert report.downloaded == [sha_early]
    with b.transaction() as session:
        assert len(b.unsent_blobs(session)) == 1


def test_a_server_out_of_reach_is_a_report_not_an_exception(tmp_path: Path) -> None:
    a = _laptop(tmp_path, "a")
    a.attach(photo(400, 1000))
    _learn_of(a, ["b" * 64])
    gone = BlobClient("http://127.0.0.1:9", "token")
    report = transfer_blobs(a.transaction, a, gone, patience=Patience(attempts=2, base_delay=0))
    gone.close()
    assert "could not be reached" in report.error
    with a.transaction() as session:
        assert len(a.unsent_blobs(session)) == 1


def test_an_attachment_not_sent_yet_by_its_laptop_stays_wanted(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    a = _laptop(tmp_path, "a")
    data = photo(500, 50_000)
    sha = a.attach(data)
    transfer_blobs(a.transaction, a, blob_server.device(team, 0))
    b = _laptop(tmp_path, "b")
    wrong = "0" * 64  # a record whose bytes its laptop has not sent yet
    _learn_of(b, [sha, wrong])
    report = transfer_blobs(b.transaction, b, blob_server.device(team, 1))
    assert report.downloaded == [sha]
    assert "does not hold this attachment yet" in report.failed[wrong]
    with b.transaction() as session:
        assert b.wanted_blobs(session) == [wrong]


def _encrypted_laptop(path: Path, shas: list[str]) -> Store:
    """A laptop's encrypted store that learnt of these attachments (oldest first) by a pull."""
    store = Store.open(path, key=new_database_key())
    child = str(uuid.uuid4())
    with store.transaction() as session:
        for day, sha in enumerate(shas, start=1):
            session.add(Attachment(child_id=child, subject_id=child, sha256=sha,
                                   media_type="image/jpeg", byte_size=1, kind="photo",
                                   taken_on=date(2026, 1, day), server_seq=day))  # fmt: skip
    return store


def test_photos_land_in_the_encrypted_store_whole_confirmed_and_once(
    blob_server: BlobServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into the laptop's real store (SQLCipher) in several batches: every file whole, marked as
    held by the server (nothing to send back), bytes already here not fetched again, and
    nothing of them readable in the file without the key."""
    monkeypatch.setattr(blobs_module, "BATCH_BYTES", 500_000)  # a few files per transaction
    team = blob_server.team()
    sender = _laptop(tmp_path, "sender")
    photos = [photo(700 + n, 150_000 + n) for n in range(8)]
    shas = [sender.attach(data) for data in photos]
    assert not transfer_blobs(sender.transaction, sender, blob_server.device(team, 0)).failed
    store = _encrypted_laptop(tmp_path / "laptop.db", shas)
    try:
        with store.transaction() as session:  # one was attached on this laptop already
            assert attachment_blobs.store_blob(session, photos[3]) == shas[3]
        report = transfer_blobs(store.transaction, LaptopBlobs(), blob_server.device(team, 1))
        assert report.error == "" and not report.failed
        assert report.already_held == [shas[3]]  # offered up first: the server had it
        assert report.downloaded == [sha for sha in reversed(shas) if sha != shas[3]]
        with store.read_session() as session:
            for sha, data in zip(shas, photos, strict=True):
                assert attachment_blobs.blob_bytes(session, sha) == data
            assert attachment_blobs.wanted_blobs(session) == []
            assert attachment_blobs.unsent_blobs(session) == []
    finally:
        store.close()
    on_disk = b"".join(path.read_bytes() for path in tmp_path.glob("laptop.db*"))
    assert photos[0][:64] not in on_disk and photos[5][1000:1064] not in on_disk


class _BrokenDisk(BlobTable):
    def keep_fetched(self, session: object, blobs: list[tuple[str, bytes]]) -> None:
        raise OSError("No space left on device")


def test_a_store_that_cannot_write_stops_the_download_loudly(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    sender = _laptop(tmp_path, "sender")
    shas = [sender.attach(photo(800 + n, 50_000)) for n in range(3)]
    transfer_blobs(sender.transaction, sender, blob_server.device(team, 0))
    broken = _BrokenDisk(tmp_path / "broken.db")
    _OPEN.append(broken)
    _learn_of(broken, shas)
    with pytest.raises(OSError, match="No space left"):
        transfer_blobs(broken.transaction, broken, blob_server.device(team, 1))
    with broken.transaction() as session:
        assert broken.wanted_blobs(session) == list(reversed(shas))


def test_bytes_damaged_on_the_server_are_not_kept_and_stay_wanted(
    blob_server: BlobServer, tmp_path: Path
) -> None:
    team = blob_server.team()
    sender = _laptop(tmp_path, "sender")
    photos = [photo(900 + n, 120_000) for n in range(4)]
    shas = [sender.attach(data) for data in photos]
    transfer_blobs(sender.transaction, sender, blob_server.device(team, 0))
    blob_server.damage(team.team_id, shas[1])
    receiver = _laptop(tmp_path, "receiver")
    _learn_of(receiver, shas)
    report = transfer_blobs(receiver.transaction, receiver, blob_server.device(team, 1))
    assert list(report.failed) == [shas[1]] and "SHA-256" in report.failed[shas[1]]
    assert sorted(report.downloaded) == sorted(sha for sha in shas if sha != shas[1])
    assert _held_bytes(receiver) == {sha: data for sha, data in zip(shas, photos, strict=True)
                                     if sha != shas[1]}  # fmt: skip
    with receiver.transaction() as session:
        assert receiver.wanted_blobs(session) == [shas[1]]

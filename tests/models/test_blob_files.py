"""The bytes of photos and scans in sealed files beside the store: written before their row
commits, gone only after their row's removal commits, unreadable when damaged or swapped, and
moved out of a store an older otvisit kept them in."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from otvisit.models import AttachmentBlob, blob_files
from otvisit.models.blob_files import SWEEP_AFTER_SECONDS, AttachmentFiles
from otvisit.models.encryption import encrypt_in_place, new_database_key
from otvisit.models.store import SCHEMA_REVISION, Store, alembic_config, create_sqlite_engine
from otvisit.services import attachment_blobs as blobs

PHOTO = b"\xff\xd8\xff\xe0 the nursery chair, feet flat on the block " * 2000
SCAN = b"%PDF-1.7 the school's report on handwriting " * 500


@pytest.fixture
def sealed(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "otvisit.db", key=new_database_key())
    yield store
    store.close()


def _files(store: Store) -> list[Path]:
    folder = store.attachment_files.folder
    return [f for f in folder.rglob("*") if f.is_file()] if folder.exists() else []


def test_bytes_are_sealed_and_read_back_and_the_same_bytes_twice_keep_one_file(
    sealed: Store,
) -> None:
    with sealed.transaction() as session:
        first = blobs.store_blob(session, PHOTO)
        assert blobs.store_blob(session, PHOTO) == first
    [kept] = _files(sealed)
    on_disk = kept.read_bytes()
    assert PHOTO[:64] not in on_disk and first not in kept.name
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    with sealed.read_session() as session:
        assert blobs.blob_bytes(session, first) == PHOTO


def test_a_damaged_or_swapped_file_is_never_read_as_the_photo(sealed: Store) -> None:
    with sealed.transaction() as session:
        photo = blobs.store_blob(session, PHOTO)
        scan = blobs.store_blob(session, SCAN)
    files = sealed.attachment_files
    os.replace(files.path_of(scan), files.path_of(photo))  # the scan's file under the photo's name
    with sealed.read_session() as session:
        assert blobs.blob_bytes(session, photo) is None
    files.write([(scan, SCAN)])
    damaged = bytearray(files.path_of(scan).read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    files.path_of(scan).write_bytes(bytes(damaged))
    with sealed.read_session() as session:
        assert blobs.blob_bytes(session, scan) is None


def test_a_file_goes_only_once_its_rows_removal_is_committed(sealed: Store) -> None:
    with sealed.transaction() as session:
        photo = blobs.store_blob(session, PHOTO)  # no attachment refers to it
    with pytest.raises(RuntimeError), sealed.transaction() as session:
        assert blobs.forget_unused_blobs(session) == 1
        raise RuntimeError("the laptop's lid closed")
    assert sealed.attachment_files.read(photo) == PHOTO, "rolled back: the row and file stay"
    with sealed.transaction() as session:
        assert blobs.forget_unused_blobs(session) == 1
        assert sealed.attachment_files.read(photo) == PHOTO, "not before the commit"
    assert _files(sealed) == []


def test_a_removal_rolled_back_in_a_savepoint_keeps_the_file(sealed: Store) -> None:
    with sealed.transaction() as session:
        photo = blobs.store_blob(session, PHOTO)
    with sealed.transaction() as session, pytest.raises(RuntimeError), session.begin_nested():
        blobs.forget_unused_blobs(session)
        raise RuntimeError("changed her mind")
    with sealed.read_session() as session:
        assert blobs.blob_bytes(session, photo) == PHOTO


def test_a_file_whose_row_never_committed_is_swept_once_old(sealed: Store) -> None:
    with pytest.raises(RuntimeError), sealed.transaction() as session:
        photo = blobs.store_blob(session, PHOTO)
        raise RuntimeError("crashed before the commit")
    with sealed.transaction() as session:
        kept = blobs.store_blob(session, SCAN)
    files = sealed.attachment_files
    held = {kept: len(SCAN)}
    assert files.sweep(held).removed == 0, "young: another process may be about to commit its row"
    assert files.sweep(held, now=time.time() + SWEEP_AFTER_SECONDS + 1).removed == 1
    assert files.read(photo) is None and files.read(kept) == SCAN


def test_bytes_an_older_otvisit_kept_inside_the_store_move_out_when_it_opens(
    tmp_path: Path,
) -> None:
    from alembic import command

    key = new_database_key()
    path = tmp_path / "otvisit.db"
    engine = create_sqlite_engine(path, key)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        connection.execute(
            text(
                "INSERT INTO attachment_blob (sha256, byte_size, data, stored_at, sent) "
                "VALUES (:sha, :size, :data, '2026-11-01 09:00:00', 0)"
            ),
            {"sha": blobs.sha256_of(PHOTO), "size": len(PHOTO), "data": PHOTO},
        )
    engine.dispose()

    store = Store.open(path, key=key)
    try:
        assert store.current_revision() == SCHEMA_REVISION
        with store.read_session() as session:
            assert session.scalar(select(AttachmentBlob.data)) is None
            assert session.scalar(select(AttachmentBlob.sent)) is False, "still to be sent"
            assert blobs.blob_bytes(session, blobs.sha256_of(PHOTO)) == PHOTO
        [kept] = _files(store)
        assert PHOTO[:64] not in kept.read_bytes()
    finally:
        store.close()


def test_files_of_a_store_opened_without_a_key_are_sealed_once_it_has_one(tmp_path: Path) -> None:
    folder = tmp_path / "otvisit-attachments"
    plain = AttachmentFiles(folder, None)
    photo, stray = blobs.sha256_of(PHOTO), blobs.sha256_of(SCAN)
    plain.write([(photo, PHOTO), (stray, SCAN)])
    assert PHOTO in plain.path_of(photo).read_bytes()

    sealed = AttachmentFiles(folder, new_database_key())
    assert sealed.sweep({photo: len(PHOTO)}).lost == []

    assert sealed.read(photo) == PHOTO
    assert not plain.path_of(photo).exists()
    assert PHOTO[:64] not in sealed.path_of(photo).read_bytes()
    assert plain.path_of(stray).exists(), "a file without a row waits its hour like any other"
    sealed.sweep({photo: len(PHOTO)}, now=time.time() + SWEEP_AFTER_SECONDS + 1)
    assert [f for f in folder.rglob("*") if f.is_file()] == [sealed.path_of(photo)]


def test_fetched_bytes_a_power_cut_lost_are_fetched_again_and_unsent_ones_are_kept(
    tmp_path: Path,
) -> None:
    key = new_database_key()
    path = tmp_path / "otvisit.db"
    store = Store.open(path, key=key)
    fetched, typed_here = blobs.sha256_of(PHOTO), blobs.sha256_of(SCAN)
    with store.transaction() as session:
        blobs.store_checked_blobs(session, [(fetched, PHOTO)], sent=True)
        blobs.store_blob(session, SCAN)
    files = store.attachment_files
    files.path_of(fetched).write_bytes(b"")  # a fetched file not yet on the disk at the cut
    files.path_of(typed_here).unlink()  # cannot happen to an unsent file (forced to the disk)
    store.close()

    reopened = Store.open(path, key=key)
    try:
        with reopened.read_session() as session:
            assert blob_files.held_blobs(session) == {typed_here: len(SCAN)}
            assert fetched not in blobs.unsent_blobs(session)
    finally:
        reopened.close()


def test_a_plain_store_encrypted_in_place_seals_its_photos_on_the_next_opening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "otvisit.db"
    plain = Store.open(path)
    with plain.transaction() as session:
        photo = blobs.store_blob(session, PHOTO)
    plain.close()
    key = new_database_key()
    encrypt_in_place(path, key)

    store = Store.open(path, key=key)
    try:
        with store.read_session() as session:
            assert blobs.blob_bytes(session, photo) == PHOTO
            assert blobs.unsent_blobs(session) == [photo]
    finally:
        store.close()
    on_disk = b"".join(f.read_bytes() for f in tmp_path.rglob("*") if f.is_file())
    assert PHOTO[:64] not in on_disk


def test_writing_goes_on_after_another_store_wiped_the_folder(tmp_path: Path) -> None:
    key = new_database_key()
    folder = tmp_path / "otvisit-attachments"
    mine, other = AttachmentFiles(folder, key), AttachmentFiles(folder, key)
    photo, scan = blobs.sha256_of(PHOTO), blobs.sha256_of(SCAN)
    mine.write([(photo, PHOTO)], durable=False)
    other.wipe()
    mine.write([(scan, SCAN)], durable=False)
    mine.write([(photo, PHOTO)])
    assert (mine.read(photo), mine.read(scan)) == (PHOTO, SCAN)
    assert not [f for f in folder.rglob("*.part")], "no part file is left behind"

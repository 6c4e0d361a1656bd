"""A revoked laptop's attachments go with its records: the bytes of photos and scans are wiped."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from otvisit.models.store import Store
from otvisit.services.attachment_blobs import sha256_of, store_blob
from otvisit.sync.client import settings
from otvisit.sync.client.access import wipe_synced_data
from otvisit.sync.server import admin
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database

PHOTO = b"\xff\xd8\xff\xe0 a photo of the nursery chair" * 100


def _keep_photo(store: Store) -> None:
    with store.transaction() as session:
        store_blob(session, PHOTO)


def _photos(store: Store) -> int:
    """The photos this laptop holds: rows, and the files on the disk (which must agree)."""
    with store.read_session() as session:
        rows = int(session.execute(text("SELECT count(*) FROM attachment_blob")).scalar_one())
    folder = store.attachment_files.folder
    files = sum(1 for f in folder.rglob("*") if f.is_file()) if folder.exists() else 0
    assert files == rows
    return rows


def test_a_revoked_laptop_loses_its_photos_with_its_records(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    laptop = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    laptop.sync()
    _keep_photo(laptop.store)
    assert _photos(laptop.store) == 1
    with laptop.store.read_session() as session:
        device_id = settings.get_setting(session, settings.DEVICE_ID)
    db = server_database(server)
    with db.write() as session:
        admin.revoke_device(session, device_id=device_id)
    db.dispose()
    assert laptop.sync().failure == "revoked"
    assert _photos(laptop.store) == 0


def test_the_wipe_removes_the_bytes_in_the_same_transaction(store: Store) -> None:
    _keep_photo(store)
    with store.transaction() as session:
        wipe_synced_data(session, reason="This laptop was revoked.")
        assert session.execute(text("SELECT count(*) FROM attachment_blob")).scalar_one() == 0
        assert store.attachment_files.read(sha256_of(PHOTO)) == PHOTO, "kept until the commit"
    assert _photos(store) == 0
    assert not store.attachment_files.folder.exists()

"""Profiles: where data lives, and the store key kept in the credential store."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from otvisit.keys import KEYRING_SERVICE, CredentialStoreUnavailable, key_is_in_file
from otvisit.models import Team
from otvisit.models.encryption import is_plain_sqlite
from otvisit.models.store import Store
from otvisit.profile import DATA_DIR_ENV, Profile
from tests.fakes import MemoryKeyring


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_data_dir_option_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert Profile.locate("main").root == tmp_path / "from-env" / "main"
    assert Profile.locate("demo", tmp_path / "opt").root == tmp_path / "opt" / "demo"
    with pytest.raises(ValueError, match="profile name"):
        Profile.locate("../elsewhere", tmp_path)


def test_store_key_lives_in_the_credential_store(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = Profile.locate("main", tmp_path)
    store = profile.open_store()
    with store.transaction() as session:
        session.add(Team(name="Riverside"))
    store.close()
    assert not is_plain_sqlite(profile.database_path)
    assert not key_is_in_file(profile.root)
    ((service, _name),) = memory_keyring.secrets
    assert service == KEYRING_SERVICE
    again = profile.open_store()
    with again.read_session() as session:
        assert session.scalar(select(Team.name)) == "Riverside"
    again.close()


def test_existing_plain_store_is_encrypted_when_opened(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = Profile.locate("main", tmp_path).ensure()
    plain = Store.open(profile.database_path)
    with plain.transaction() as session:
        session.add(Team(name="Northside"))
    plain.close()
    store = profile.open_store()
    with store.read_session() as session:
        assert session.scalar(select(Team.name)) == "Northside"
    store.close()
    assert not is_plain_sqlite(profile.database_path)


def test_real_caseload_refuses_to_open_without_a_credential_store(
    tmp_path: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OTVISIT_INSECURE_KEY_FILE", raising=False)
    profile = Profile.locate("main", tmp_path)
    with pytest.raises(CredentialStoreUnavailable, match="credential store"):
        profile.open_store()
    assert not profile.database_path.exists()


def test_demo_profile_keeps_its_key_in_a_private_file(tmp_path: Path) -> None:
    profile = Profile.locate("demo", tmp_path)
    profile.open_store().close()
    key_file = profile.root / ".database-key"
    assert key_is_in_file(profile.root)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    profile.open_store().close()  # the same key opens it again


def test_plain_pdfs_from_before_move_into_the_store_and_leave_the_disk(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    from otvisit.models import DocumentFile, PrintedDocument
    from otvisit.services.document_files import read_pdf
    from tests import factories
    from tests.reports import pdfcheck

    profile = Profile.locate("main", tmp_path)
    store = profile.open_store()
    listed_name = "2026-11-01-progress-abcd1234.pdf"
    with store.transaction() as session:
        child = factories.make_child(session)
        session.add(PrintedDocument(child_id=child.id, kind="progress", title="Goal progress",
                                    file_name=listed_name))  # fmt: skip
        child_id, family = child.id, child.family_name
    store.close()
    # What an earlier version left beside the store: a listed PDF, one whose record never
    # committed, and an interrupted write's temporary file.
    from reportlab.pdfgen.canvas import Canvas

    folder = tmp_path / "main" / "documents"
    folder.mkdir()
    for name in (listed_name, "2026-11-02-handout-deadbeef.pdf"):
        canvas = Canvas(str(folder / name))
        canvas.drawString(72, 720, f"Goal progress report for {family}")
        canvas.save()
    plain = {path.name: path.read_bytes() for path in folder.iterdir()}
    (folder / f".{listed_name}.x1.tmp").write_bytes(b"%PDF-1.4 cut short")
    assert family in pdfcheck.flat(plain[listed_name])

    store = profile.open_store()
    assert not folder.exists()  # every plain file deleted, then the folder
    with store.read_session() as session:
        for name, content in plain.items():
            assert read_pdf(session, name) == content  # nothing lost
        owners = dict(session.execute(select(DocumentFile.file_name, DocumentFile.child_id)).all())
    assert owners == {listed_name: child_id, "2026-11-02-handout-deadbeef.pdf": None}
    store.close()
    on_disk = b"".join(
        path.read_bytes() for path in (tmp_path / "main").rglob("*") if path.is_file()
    )
    assert family.encode() not in on_disk and b"%PDF" not in on_disk
    again = profile.open_store()  # opening again finds nothing to move and changes nothing
    with again.read_session() as session:
        assert len(session.scalars(select(DocumentFile)).all()) == 2
    again.close()

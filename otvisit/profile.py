"""Where a profile's data lives: the store, printed documents and settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:  # the store (SQLAlchemy, SQLCipher) loads only when a profile is opened
    from otvisit.models.store import Store

DATA_DIR_ENV = "OTVISIT_DATA_DIR"
#: The everyday profile, and the demo caseload kept apart from real records.
MAIN_PROFILE = "main"
DEMO_PROFILE = "demo"


def data_root(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding every profile: the option, else $OTVISIT_DATA_DIR, else platformdirs."""
    if override:
        return Path(override).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("otvisit", appauthor=False))


@dataclass(frozen=True)
class Profile:
    """One set of data on this device (the real caseload or the demo)."""

    name: str
    root: Path

    @classmethod
    def locate(
        cls, name: str = MAIN_PROFILE, data_dir: str | os.PathLike[str] | None = None
    ) -> Profile:
        if not name.isidentifier():
            raise ValueError(f"a profile name is letters, digits and _ only, not {name!r}")
        return cls(name=name, root=data_root(data_dir) / name)

    @property
    def database_path(self) -> Path:
        return self.root / "otvisit.db"

    @property
    def plain_documents_dir(self) -> Path:
        """Where versions before 0.2 kept PDFs as plain files; moved into the store on open."""
        return self.root / "documents"

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO_PROFILE

    def ensure(self) -> Profile:
        """Create the profile's folder, readable by this user only."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self

    def open_store(self, *, check_in_background: bool = False) -> Store:
        """Open this profile's store, encrypted with its key; a plain one is encrypted first.

        ``check_in_background``: see Store.open (the desktop app's start uses it).

        PDFs an earlier version kept beside it as plain files are moved into the store
        (encrypted like every record) and the plain files deleted.
        """
        from otvisit.keys import database_key
        from otvisit.models.encryption import encrypt_in_place, is_plain_sqlite
        from otvisit.models.store import Store

        self.ensure()
        key = database_key(self.root, synthetic=self.is_demo)
        if is_plain_sqlite(self.database_path):
            encrypt_in_place(self.database_path, key)
        store = Store.open(self.database_path, key=key, check_in_background=check_in_background)
        if self.plain_documents_dir.is_dir():
            self._move_plain_documents_in(store)
        return store

    def _move_plain_documents_in(self, store: Store) -> None:
        from otvisit.services.document_files import import_plain_documents, remove_plain_files

        folder = self.plain_documents_dir
        with store.transaction() as session:
            moved = import_plain_documents(session, folder)
        remove_plain_files(moved, folder)  # only once their bytes are committed

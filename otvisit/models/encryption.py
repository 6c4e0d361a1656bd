"""SQLCipher at rest: telling an encrypted store from a plain one, and encrypting in place."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import sqlcipher3

SQLITE_HEADER = b"SQLite format 3\x00"
_KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class StoreKeyError(RuntimeError):
    """The store could not be opened with the key given (wrong key, or not a database)."""


def new_database_key() -> str:
    """A random 256-bit raw key as 64 hex digits."""
    return secrets.token_hex(32)


def check_key(key: str) -> str:
    if not _KEY_PATTERN.match(key):
        raise ValueError("a database key is 64 lowercase hex digits")
    return key


def key_pragma_value(key: str) -> str:
    """The SQLCipher raw-key literal for ``PRAGMA key`` (no passphrase derivation needed)."""
    return f"x'{check_key(key)}'"


def is_plain_sqlite(path: Path) -> bool:
    """True when path is an unencrypted SQLite file (its first bytes are SQLite's header)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def _remove_with_sidecars(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            # Overwrite before unlinking so the plain text is not left in the freed blocks
            # of simple file systems (SSDs and journals may still keep copies: see README).
            size = candidate.stat().st_size
            with candidate.open("r+b") as handle:
                handle.write(b"\x00" * size)
                handle.flush()
                os.fsync(handle.fileno())
            candidate.unlink()


def encrypt_in_place(path: Path, key: str) -> None:
    """Turn a plain SQLite store into an encrypted one at the same path, keeping every row.

    The encrypted copy is written beside the file and swapped in with an atomic
    rename only once it is complete, so a crash leaves either the old file or
    the new one, never half of each.
    """
    target = path.with_name(path.name + ".encrypting")
    if target.exists():
        target.unlink()
    plain = sqlcipher3.connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        key_literal = key_pragma_value(key)
        plain.execute(f'ATTACH DATABASE ? AS encrypted KEY "{key_literal}"', (str(target),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA main.user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    _verify(target, key)
    with target.open("rb") as handle:
        os.fsync(handle.fileno())
    backup = path.with_name(path.name + ".plain")
    os.replace(path, backup)
    os.replace(target, path)
    for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if sidecar.exists():
            sidecar.unlink()
    _remove_with_sidecars(backup)


def _verify(path: Path, key: str) -> None:
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(f'PRAGMA key = "{key_pragma_value(key)}"')
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlcipher3.DatabaseError as error:
        raise StoreKeyError(f"the encrypted copy of {path.name} cannot be read: {error}") from None
    finally:
        connection.close()
    if result != "ok":
        raise StoreKeyError(f"the encrypted copy of {path.name} failed its check: {result}")

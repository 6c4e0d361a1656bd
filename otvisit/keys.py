"""The device's secrets in the OS credential store (keyring): the key of each local store."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from otvisit.models.encryption import check_key, new_database_key

log = logging.getLogger(__name__)

KEYRING_SERVICE = "otvisit"
#: Developers' machines without a credential store may keep the key in a file by setting this.
INSECURE_KEY_FILE_ENV = "OTVISIT_INSECURE_KEY_FILE"
KEY_FILE_NAME = ".database-key"


class CredentialStoreUnavailable(RuntimeError):
    """No OS credential store to keep the database key in, and no permission to do without."""


def _keyring_name(profile_root: Path) -> str:
    return f"database-key:{profile_root}"


def _key_from_file(path: Path) -> str:
    if path.exists():
        return check_key(path.read_text(encoding="ascii").strip())
    key = new_database_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def database_key(profile_root: Path, *, synthetic: bool = False) -> str:
    """The store key of a profile, created on first use and kept in the OS credential store.

    A synthetic profile (the made-up demo caseload) keeps its key in a file
    readable only by this user, so it opens the same from any process. So may a
    developer's machine without a credential store, once they set
    OTVISIT_INSECURE_KEY_FILE=1. A real caseload is otherwise never protected by
    a key lying beside it.
    """
    key_file = profile_root / KEY_FILE_NAME
    if key_file.exists() or synthetic:
        return _key_from_file(key_file)
    # keyring loads its backends (and half the standard library) when first imported:
    # only a real caseload's key needs it, so the demo starts without it.
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    name = _keyring_name(profile_root)
    try:
        stored = keyring.get_password(KEYRING_SERVICE, name)
        if stored:
            return check_key(stored)
        key = new_database_key()
        keyring.set_password(KEYRING_SERVICE, name, key)
        return key
    except (NoKeyringError, KeyringError) as error:
        if os.environ.get(INSECURE_KEY_FILE_ENV) == "1":
            log.warning("no credential store (%s): the database key is kept in %s", error, key_file)
            return _key_from_file(key_file)
        raise CredentialStoreUnavailable(
            "This computer has no secure credential store (such as Windows Credential "
            "Manager, macOS Keychain or GNOME Keyring), so otvisit cannot protect "
            "children's records here. Ask IT to enable one, or open the demo caseload."
        ) from error


def key_is_in_file(profile_root: Path) -> bool:
    """True when this profile's key sits in a file rather than the credential store."""
    return (profile_root / KEY_FILE_NAME).exists()

"""The bytes of photos and scans on this laptop: one file per SHA-256 in a folder beside the
store, each encrypted with AES-256-GCM under a key derived from the store's own key (the same
keyring entry), so nothing of a child is on disk in the clear.

Why files and not rows: SQLCipher encrypts, authenticates and writes every 4 KiB page twice
(the WAL, then the file), which kept a team's photos at about 50 MB/s; a sealed file is one
pass of AES-GCM and one write. The store also stays small, so its page check at start and its
copies before an upgrade stay quick.

- A file's name is a keyed hash of the SHA-256: the folder does not tell which photos it holds.
- The SHA-256 is sealed in as associated data: a file swapped for another one fails to open.
- Bytes only this laptop holds (a photo taken here) are written under a temporary name, forced
  to the disk and renamed into place: a crash leaves no half file under a real name. Bytes the
  team's server holds are written straight to their name, unforced; one a power cut leaves
  short is found when the store opens and fetched again.
- The rows of ``attachment_blob`` say which bytes this laptop holds. A file is written before
  its row is committed and removed only after its row's removal is committed, so a committed
  row never points at nothing; a file without a row (a write whose transaction rolled back) is
  swept when the store opens.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, delete, event, exists, select, update
from sqlalchemy.orm import Session

from otvisit.models.attachments import AttachmentBlob

log = logging.getLogger(__name__)

_SEALED = b"OTVA\x01"  # AES-256-GCM: magic, 12-byte nonce, ciphertext and tag
_PLAIN = b"OTVA\x00"  # a store opened without a key (tests and the demo only): the bytes as is
_NONCE_BYTES = 12
_TAG_BYTES = 16
_PART = ".part"
#: A file without a row is swept only once it is this old: another process may be between
#: writing a file and committing its row.
SWEEP_AFTER_SECONDS = 3600.0
#: The session's ``info`` keys: this store's files, and the hashes whose rows this transaction
#: removed (their files go once it commits).
FILES_KEY = "attachment_files"
_DOOMED_KEY = "attachment_files_doomed"


@dataclass
class Sweep:
    """What a sweep found: files without a row removed, and held files missing or cut short."""

    removed: int = 0
    lost: list[str] = field(default_factory=list)


class AttachmentFiles:
    """The folder of one store's attachment files."""

    def __init__(self, folder: Path, key: str | None) -> None:
        self.folder = folder
        #: Sub-folders known to exist (a wipe forgets them).
        self._folders: set[Path] = set()
        self.encrypted = key is not None
        if key is None:
            self._cipher: AESGCM | None = None
            self._name_key = b""
        else:
            material = bytes.fromhex(key)
            self._cipher = AESGCM(_derive(material, b"otvisit attachment bytes v1"))
            self._name_key = _derive(material, b"otvisit attachment names v1")

    @classmethod
    def beside(cls, store_path: Path, key: str | None) -> AttachmentFiles:
        """The folder of the store at ``store_path`` (``otvisit.db`` → ``otvisit-attachments``)."""
        return cls(store_path.with_name(f"{store_path.stem}-attachments"), key)

    def path_of(self, sha256: str) -> Path:
        if self._cipher is None:
            name = sha256
        else:
            name = hmac.digest(self._name_key, sha256.encode("ascii"), "sha256").hex()
        return self.folder / name[:2] / name

    # writing --------------------------------------------------------------------------------
    def write(self, items: Iterable[tuple[str, bytes]], *, durable: bool = True) -> None:
        """Keep these bytes, each under the SHA-256 its caller computed from them; bytes held
        already are left as they are.

        ``durable`` (bytes only this laptop holds): each file is written under a temporary
        name, all are forced to the disk (one wait, not one per file), then renamed into place.
        Bytes the team's server holds are written straight to their name, unforced: a file a
        power cut leaves short is found when the store next opens and fetched again (``sweep``).
        Their rows are committed after this returns, so no reader meets a file half written."""
        written: list[tuple[Path, Path]] = []
        try:
            for sha256, data in items:
                target = self.path_of(sha256)
                if target.exists():
                    continue
                self._folder_for(target)
                path = target.with_name(f"{target.name}.{secrets.token_hex(4)}{_PART}")
                if not durable:
                    path = target
                try:
                    descriptor = self._create(path)
                except FileExistsError:  # being written by another thread: the same bytes
                    continue
                written.append((path, target))
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(self._seal(sha256, data))
            if durable:
                for part, _target in written:
                    _fsync(part)
                for part, target in written:
                    os.replace(part, target)
                for folder in {target.parent for _part, target in written} | (
                    {self.folder} if written else set()
                ):
                    _fsync(folder)
        except BaseException:
            for path, _target in written:
                path.unlink(missing_ok=True)
            raise

    def _create(self, path: Path) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            return os.open(path, flags, 0o600)
        except FileNotFoundError:  # its folder went since (a wipe through another store)
            self._folders.discard(path.parent)
            self._folder_for(path)
            return os.open(path, flags, 0o600)

    def _folder_for(self, target: Path) -> None:
        if target.parent not in self._folders:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._folders.add(target.parent)

    def _seal(self, sha256: str, data: bytes) -> bytes:
        if self._cipher is None:
            return _PLAIN + data
        nonce = os.urandom(_NONCE_BYTES)
        return _SEALED + nonce + self._cipher.encrypt(nonce, data, sha256.encode("ascii"))

    # reading --------------------------------------------------------------------------------
    def read(self, sha256: str) -> bytes | None:
        """The bytes with this SHA-256, or None when the file is missing or fails its check."""
        try:
            sealed = self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            return None
        data = self._open(sha256, sealed)
        if data is None:
            log.error("attachment file %s failed its check; it is treated as missing", sha256[:12])
        return data

    def _open(self, sha256: str, sealed: bytes) -> bytes | None:
        head = sealed[: len(_SEALED)]
        if head == _SEALED and self._cipher is not None:
            nonce = sealed[len(_SEALED) : len(_SEALED) + _NONCE_BYTES]
            try:
                return self._cipher.decrypt(
                    nonce, sealed[len(_SEALED) + _NONCE_BYTES :], sha256.encode("ascii")
                )
            except InvalidTag:
                return None
        if head == _PLAIN:
            data = sealed[len(_PLAIN) :]
            return data if hashlib.sha256(data).hexdigest() == sha256 else None
        return None

    # removing -------------------------------------------------------------------------------
    def remove(self, sha256s: Iterable[str]) -> None:
        for sha256 in sha256s:
            self.path_of(sha256).unlink(missing_ok=True)

    def wipe(self) -> None:
        """Remove every file (a revoked laptop)."""
        self._folders.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def sweep(self, held: Mapping[str, int], *, now: float | None = None) -> Sweep:
        """Tidy the folder against the bytes the store's rows say it holds (SHA-256 → size): a
        file left plain by a store opened before it had a key is sealed; a file (or a part of
        one) without a row, older than ``SWEEP_AFTER_SECONDS``, is removed; a held file that is
        missing or of the wrong length (cut short by a power cut) is told."""
        found = Sweep()
        if not self.folder.is_dir():
            found.lost = sorted(held)
            return found
        wanted = {self.path_of(sha256): sha256 for sha256 in held}
        cutoff = (time.time() if now is None else now) - SWEEP_AFTER_SECONDS
        present: set[str] = set()
        for path in self.folder.glob("*/*"):
            with contextlib.suppress(FileNotFoundError):
                sha256 = wanted.get(path)
                if sha256 is not None:
                    if path.stat().st_size == self._sealed_size(held[sha256]):
                        present.add(sha256)
                elif self._sealed_from_plain(path, held):
                    present.add(path.name)
                elif path.stat().st_mtime < cutoff:
                    path.unlink()
                    found.removed += 1
        found.lost = sorted(set(held) - present)
        return found

    def _sealed_size(self, size: int) -> int:
        if self._cipher is None:
            return len(_PLAIN) + size
        return len(_SEALED) + _NONCE_BYTES + size + _TAG_BYTES

    def _sealed_from_plain(self, path: Path, held: Mapping[str, int]) -> bool:
        """A held file a store without a key wrote (named by its SHA-256): sealed under its
        name now, the plain one removed; False for any other file."""
        if self._cipher is None or path.name not in held:
            return False
        with path.open("rb") as handle:
            if handle.read(len(_PLAIN)) != _PLAIN:
                return False
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != path.name:
            return False
        self.write([(path.name, data)])
        path.unlink()
        return True


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# the store's sessions --------------------------------------------------------------------------
def files_of(session: Session) -> AttachmentFiles:
    """The attachment files of the store this session belongs to."""
    try:
        return session.info[FILES_KEY]  # type: ignore[no-any-return]
    except KeyError:
        raise RuntimeError("this session does not belong to an otvisit store") from None


def remove_once_committed(session: Session, sha256s: Iterable[str]) -> None:
    """Remove these files once the transaction that removed their rows has committed."""
    session.info.setdefault(_DOOMED_KEY, set()).update(sha256s)


def wipe_once_committed(session: Session) -> None:
    """Remove every file once the transaction that removed every row has committed."""
    session.info[_DOOMED_KEY] = {"*"}


def _after_commit(session: Session) -> None:
    doomed = session.info.pop(_DOOMED_KEY, None)
    if not doomed:
        return
    files: AttachmentFiles = session.info[FILES_KEY]
    # Only files whose rows are gone now (a savepoint rolled back may have kept some, and
    # another process may have added the same bytes again since).
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.connect() as connection:
        table = AttachmentBlob.__table__
        if "*" in doomed:
            if connection.execute(select(table.c.sha256).limit(1)).first() is None:
                files.wipe()
            return
        kept = set(
            connection.execute(select(table.c.sha256).where(table.c.sha256.in_(doomed))).scalars()
        )
    files.remove(doomed - kept)


def _after_rollback(session: Session) -> None:
    session.info.pop(_DOOMED_KEY, None)


def install_file_removal(session_class: type[Session]) -> None:
    """Hook the removal of files after commit onto a Session class (idempotent)."""
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)


# the rows of attachment_blob -----------------------------------------------------------------
def held_blobs(session: Session) -> dict[str, int]:
    """SHA-256 → size of every file this laptop holds (rows whose bytes were moved out)."""
    return dict(
        session.execute(
            select(AttachmentBlob.sha256, AttachmentBlob.byte_size).where(
                AttachmentBlob.data.is_(None)
            )
        ).all()
    )


def forget_lost_blobs(session: Session, sha256s: Sequence[str]) -> None:
    """Rows whose file is missing or cut short: the team's server holds what was fetched, so
    its row goes and the bytes are fetched again at the next sync. Bytes never sent are
    beyond repair; they are reported in the log and kept as they are."""
    found = session.execute(
        select(AttachmentBlob.sha256, AttachmentBlob.sent).where(AttachmentBlob.sha256.in_(sha256s))
    ).all()
    for sha256, sent in found:
        if not sent:
            log.error("the bytes of attachment %s, never sent, are missing on this laptop",
                      sha256[:12])  # fmt: skip
    fetch_again = [sha256 for sha256, sent in found if sent]
    if fetch_again:
        session.execute(delete(AttachmentBlob).where(AttachmentBlob.sha256.in_(fetch_again)))
        remove_once_committed(session, fetch_again)


def bytes_inside_the_store(session: Session) -> bool:
    """Whether an older otvisit left attachment bytes inside the store."""
    return session.scalar(select(exists().where(AttachmentBlob.data.is_not(None)))) is True


def move_bytes_out_of_the_store(session: Session) -> int:
    """Write the bytes an older otvisit kept inside the store into their files, then let go of
    them (one file at a time: a large store is never read into memory at once); a count.
    Bytes that do not match their hash are left where they are."""
    moved = 0
    files = files_of(session)
    for sha256 in list(
        session.scalars(select(AttachmentBlob.sha256).where(AttachmentBlob.data.is_not(None)))
    ):
        data = session.scalar(select(AttachmentBlob.data).where(AttachmentBlob.sha256 == sha256))
        if data is None or hashlib.sha256(data).hexdigest() != sha256:
            continue
        files.write([(sha256, data)])
        session.execute(
            update(AttachmentBlob).where(AttachmentBlob.sha256 == sha256).values(data=None)
        )
        moved += 1
    return moved

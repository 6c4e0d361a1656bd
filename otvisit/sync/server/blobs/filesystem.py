"""Blob store in a folder: ``<team>/<sha[:2]>/<sha>``, uploads in a part file renamed on commit.

A committed blob appears by an atomic rename after its bytes were fsynced, so
the folder never holds a half-written blob under its final name. Each team's
uploads take that team's lock file (``flock``), which also holds across
``--workers`` processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from otvisit.sync.server.blobs.store import (
    READ_SIZE,
    UploadState,
    appended,
    check_quota,
    fresh_bytes,
    not_started,
    refuse_incomplete,
    refuse_mismatch,
    size_differs,
)

try:
    import fcntl
except ImportError:  # Windows: one process only, the thread lock below is enough
    fcntl = None  # type: ignore[assignment]

_UPLOADS = "uploads"


class FilesystemBlobStore:
    """Content-addressed files under ``root``, one folder per team."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._threads = threading.Lock()

    # paths -----------------------------------------------------------------------------------
    def _team(self, team_id: str) -> Path:
        return self.root / team_id

    def path_of(self, team_id: str, sha256: str) -> Path:
        return self._team(team_id) / sha256[:2] / sha256

    def _part(self, team_id: str, sha256: str) -> Path:
        return self._team(team_id) / _UPLOADS / f"{sha256}.part"

    def _size_file(self, team_id: str, sha256: str) -> Path:
        return self._team(team_id) / _UPLOADS / f"{sha256}.size"

    @contextmanager
    def _locked(self, team_id: str) -> Iterator[None]:
        uploads = self._team(team_id) / _UPLOADS
        uploads.mkdir(parents=True, exist_ok=True)
        with self._threads, open(uploads / ".lock", "a+b") as lock:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    # reading ---------------------------------------------------------------------------------
    def _stored_size(self, team_id: str, sha256: str) -> int | None:
        try:
            return self.path_of(team_id, sha256).stat().st_size
        except FileNotFoundError:
            return None

    def _upload(self, team_id: str, sha256: str) -> UploadState | None:
        try:
            declared = int(self._size_file(team_id, sha256).read_text())
            received = self._part(team_id, sha256).stat().st_size
        except (FileNotFoundError, ValueError):
            return None
        return UploadState(byte_size=declared, received=received, stored=False)

    def state(self, team_id: str, sha256: str) -> UploadState | None:
        size = self._stored_size(team_id, sha256)
        if size is not None:
            return UploadState(byte_size=size, received=size, stored=True)
        return self._upload(team_id, sha256)

    def exists(self, team_id: str, sha256: str) -> bool:
        return self._stored_size(team_id, sha256) is not None

    def open(
        self, team_id: str, sha256: str, *, start: int = 0, end: int | None = None
    ) -> Iterator[bytes] | None:
        try:
            handle = open(self.path_of(team_id, sha256), "rb")  # noqa: SIM115 (closed by the reader)
        except FileNotFoundError:
            return None
        return _read(handle, start, end)

    def sizes(self, team_id: str, sha256s: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for sha256 in sha256s:
            with contextlib.suppress(FileNotFoundError):
                found[sha256] = os.stat(self.path_of(team_id, sha256)).st_size
        return found

    def read_many(self, team_id: str, sha256s: list[str]) -> Iterator[tuple[str, bytes]]:
        for sha256 in sha256s:
            try:
                handle = open(self.path_of(team_id, sha256), "rb")  # noqa: SIM115
            except FileNotFoundError:
                continue
            with handle:
                yield sha256, handle.read()

    def usage(self, team_id: str) -> int:
        team = self._team(team_id)
        if not team.is_dir():
            return 0
        total = 0
        for folder in os.scandir(team):
            if not folder.is_dir() or folder.name == _UPLOADS:
                continue
            total += sum(entry.stat().st_size for entry in os.scandir(folder.path))
        for entry in os.scandir(team / _UPLOADS) if (team / _UPLOADS).is_dir() else ():
            if entry.name.endswith(".size"):
                try:
                    total += int(Path(entry.path).read_text())
                except (FileNotFoundError, ValueError):
                    continue
        return total

    # writing ---------------------------------------------------------------------------------
    def begin(self, team_id: str, sha256: str, *, byte_size: int, quota: int) -> UploadState:
        with self._locked(team_id):
            found = self.state(team_id, sha256)
            if found is not None:
                if not found.stored and found.byte_size != byte_size:
                    raise size_differs(found.byte_size)
                return found
            check_quota(used=self.usage(team_id), byte_size=byte_size, quota=quota)
            self._part(team_id, sha256).write_bytes(b"")
            _write_durably(self._size_file(team_id, sha256), str(byte_size).encode())
            return UploadState(byte_size=byte_size, received=0, stored=False)

    def put_chunk(self, team_id: str, sha256: str, *, offset: int, data: bytes) -> UploadState:
        with self._locked(team_id):
            found, fresh = fresh_bytes(self.state(team_id, sha256), offset=offset, data=data)
            if not fresh:
                return found
            with open(self._part(team_id, sha256), "r+b") as part:
                part.seek(found.received)
                part.write(fresh)
                part.flush()
                os.fsync(part.fileno())
            return appended(found, len(fresh))

    def commit(self, team_id: str, sha256: str) -> UploadState:
        with self._locked(team_id):
            found = self.state(team_id, sha256)
            if found is None:
                raise not_started()
            if found.stored:
                return found
            if found.received != found.byte_size:
                raise refuse_incomplete(found)
            part = self._part(team_id, sha256)
            digest = hashlib.sha256()
            with open(part, "rb") as handle:
                while piece := handle.read(1024 * 1024):
                    digest.update(piece)
            if digest.hexdigest() != sha256:
                self._drop_upload(team_id, sha256)
                raise refuse_mismatch()
            final = self.path_of(team_id, sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, final)
            _fsync_folder(final.parent)
            self._size_file(team_id, sha256).unlink(missing_ok=True)
            return UploadState(byte_size=found.byte_size, received=found.byte_size, stored=True)

    def delete(self, team_id: str, sha256: str) -> bool:
        with self._locked(team_id):
            had_upload = self._upload(team_id, sha256) is not None
            self._drop_upload(team_id, sha256)
            try:
                self.path_of(team_id, sha256).unlink()
            except FileNotFoundError:
                return had_upload
            return True

    def drop_unfinished(self, *, started_before: datetime) -> int:
        # The size file is written once, when the upload starts: its time is the start's.
        cutoff = started_before.timestamp()
        dropped = 0
        for team in os.scandir(self.root) if self.root.is_dir() else ():
            uploads = Path(team.path) / _UPLOADS
            if not team.is_dir() or not uploads.is_dir():
                continue
            for entry in os.scandir(uploads):
                if not entry.name.endswith(".size") or entry.stat().st_mtime >= cutoff:
                    continue
                sha256 = entry.name.removesuffix(".size")
                with self._locked(team.name):
                    try:
                        if entry.stat().st_mtime >= cutoff:  # started again meanwhile
                            continue
                    except FileNotFoundError:  # finished or dropped meanwhile
                        continue
                    self._drop_upload(team.name, sha256)
                    dropped += 1
        return dropped

    def _drop_upload(self, team_id: str, sha256: str) -> None:
        self._size_file(team_id, sha256).unlink(missing_ok=True)
        self._part(team_id, sha256).unlink(missing_ok=True)


def _read(handle: BinaryIO, start: int, end: int | None) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            piece = handle.read(READ_SIZE if left is None else min(READ_SIZE, left))
            if not piece:
                return
            if left is not None:
                left -= len(piece)
            yield piece


def _write_durably(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

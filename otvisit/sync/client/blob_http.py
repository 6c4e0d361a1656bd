"""The attachment-bytes calls to the team's server: start, pieces, commit, ranged download."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

from otvisit.sync import blob_protocol as wire
from otvisit.sync.blob_protocol import BlobFetch, BlobStart, BlobState
from otvisit.sync.client.errors import OfflineError, RequestRefused, SyncError
from otvisit.sync.client.transport import (
    DEFAULT_TIMEOUT,
    _describe,
    _error_detail,
    _parse,
    _tls_context,
)
from otvisit.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION

#: Bytes per upload piece: small enough to resend cheaply after a cut, large enough to be fast.
CHUNK_BYTES = 1024 * 1024


class NotOnServer(SyncError):
    """The team's server holds no such attachment (yet): another laptop has not sent it."""


class CutFetch(OfflineError):
    """A fetch of many files was cut; ``partial`` is the file it was in the middle of."""

    def __init__(self, message: str, *, partial: tuple[str, bytes] | None) -> None:
        super().__init__(message)
        self.partial = partial


@dataclass
class BlobClient:
    """One device's attachment calls; one connection pool, shared by the download threads."""

    base_url: str
    token: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    http_transport: httpx.BaseTransport | None = None
    #: Bytes per upload piece (at most ``blob_protocol.MAX_CHUNK_BYTES``).
    chunk_bytes: int = CHUNK_BYTES
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url.rstrip("/"),
                timeout=self.timeout,
                headers={
                    SCHEMA_HEADER: str(SCHEMA_VERSION),
                    "Authorization": f"Bearer {self.token}",
                },
                transport=self.http_transport,
                verify=_tls_context(),
                limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        try:
            return self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as error:
            raise OfflineError(
                f"The team's server could not be reached ({_describe(error)})."
            ) from error

    def start(self, sha256: str, byte_size: int) -> BlobState:
        body = BlobStart(byte_size=byte_size).model_dump(mode="json")
        answer = self._request("POST", wire.BLOB_UPLOAD_PATH.format(sha256=sha256), json=body)
        if answer.status_code == 507:  # the team's space is full: no retry will help
            code, message, _last = _error_detail(answer)
            raise RequestRefused(message, code=code, status=507)
        return _parse(answer, BlobState)

    def send_piece(self, sha256: str, offset: int, data: bytes) -> BlobState:
        headers = {
            wire.UPLOAD_OFFSET_HEADER: str(offset),
            "Content-Type": wire.CHUNK_MEDIA_TYPE,
        }
        answer = self._request(
            "PATCH", wire.BLOB_UPLOAD_PATH.format(sha256=sha256), content=data, headers=headers
        )
        return _parse(answer, BlobState)

    def commit(self, sha256: str) -> BlobState:
        return _parse(self._request("POST", wire.BLOB_COMMIT_PATH.format(sha256=sha256)), BlobState)

    def fetch(self, sha256: str, *, start: int = 0) -> Iterator[bytes]:
        """The attachment's bytes from ``start`` on (a cut connection raises OfflineError)."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        request = self.client.build_request(
            "GET", wire.BLOB_PATH.format(sha256=sha256), headers=headers
        )
        try:
            answer = self.client.send(request, stream=True)
        except httpx.TransportError as error:
            raise OfflineError(
                f"The team's server could not be reached ({_describe(error)})."
            ) from error
        try:
            if answer.status_code == 404:
                raise NotOnServer("The team's server does not hold this attachment yet.")
            if answer.status_code >= 400:
                answer.read()
                _parse(answer, BlobState)  # raises the error the status stands for
            yield from answer.iter_bytes()
        except httpx.TransportError as error:
            raise OfflineError(f"The download was cut ({_describe(error)}).") from error
        finally:
            answer.close()

    def fetch_many(self, sha256s: list[str]) -> Iterator[tuple[str, bytes]]:
        """(sha256, bytes) of each file the team holds, as they arrive; a cut raises CutFetch."""
        body = BlobFetch(sha256s=sha256s).model_dump(mode="json")
        request = self.client.build_request("POST", wire.BLOB_FETCH_PATH, json=body)
        try:
            answer = self.client.send(request, stream=True)
        except httpx.TransportError as error:
            raise OfflineError(
                f"The team's server could not be reached ({_describe(error)})."
            ) from error
        frames = _Frames()
        try:
            if answer.status_code >= 400:
                answer.read()
                _parse(answer, BlobState)
            for piece in answer.iter_raw():
                yield from frames.feed(piece)
            if frames.current is not None or frames.held:
                raise httpx.RemoteProtocolError("the answer ended inside a file")
        except httpx.TransportError as error:
            partial = frames.partial()
            raise CutFetch(
                f"The download was cut ({_describe(error)}).", partial=partial
            ) from error
        except ValueError as error:
            raise CutFetch("The download arrived garbled.", partial=None) from error
        finally:
            answer.close()


class _Frames:
    """Cuts a fetch answer into files, copying each byte once: a file's pieces are joined when
    it is whole, and only the piece it ends in is cut (a view, not a copy)."""

    def __init__(self) -> None:
        self.parts: list[bytes | memoryview] = []
        self.held = 0
        self.current: tuple[str, int] | None = None

    def _take(self, size: int) -> bytes:
        """The first ``size`` bytes held (``size <= held``), the rest kept."""
        taken: list[bytes | memoryview] = []
        need = size
        while need:
            part = self.parts[0]
            if len(part) <= need:
                taken.append(self.parts.pop(0))
                need -= len(part)
            else:
                view = memoryview(part)
                taken.append(view[:need])
                self.parts[0] = view[need:]
                need = 0
        self.held -= size
        if len(taken) == 1 and isinstance(taken[0], bytes):
            return taken[0]
        return b"".join(taken)

    def feed(self, piece: bytes) -> Iterator[tuple[str, bytes]]:
        self.parts.append(piece)
        self.held += len(piece)
        while True:
            if self.current is None:
                if self.held < wire.FRAME_HEAD_BYTES:
                    return
                self.current = wire.read_frame_head(self._take(wire.FRAME_HEAD_BYTES))
            sha256, size = self.current
            if self.held < size:
                return
            self.current = None
            yield sha256, self._take(size)

    def partial(self) -> tuple[str, bytes] | None:
        if self.current is None:
            return None
        return self.current[0], b"".join(self.parts)

"""Attachment bytes over HTTP: start, send pieces, commit (SHA-256 checked), download with Range.

Every call is scoped to the caller's team: another team's blob is 404 like one
that does not exist. Uploads and downloads are audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import FastAPI, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from otvisit.sync import blob_protocol as wire
from otvisit.sync.blob_protocol import BlobFetch, BlobStart, BlobState
from otvisit.sync.protocol import ErrorBody
from otvisit.sync.server.audit import AuditQueue, write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.blobs.store import BlobProblem, BlobStore, UploadState
from otvisit.sync.server.config import ServerSettings
from otvisit.sync.server.database import Database
from otvisit.sync.server.deps import CallerDep
from otvisit.sync.server.errors import ApiError
from otvisit.sync.server.guard import error_response

Sha256 = Annotated[
    str, Path(pattern=wire.SHA256_PATTERN, description="The attachment's SHA-256, lowercase hex.")
]
#: A fetch answer reads files up to this size whole, and sends them gathered into pieces of
#: about ``SEND_BYTES``; a larger file is streamed in the store's pieces.
WHOLE_FILE_BYTES = 1024 * 1024
SEND_BYTES = 1024 * 1024
#: Small files of a fetch read in one go: at most this many bytes held per answer.
READ_AHEAD_BYTES = 4 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d{1,18})-(\d{0,18})$")
_STATUS = {
    wire.UPLOAD_NOT_STARTED: 404,
    wire.OFFSET_MISMATCH: 409,
    "upload_incomplete": 409,
    "upload_size_differs": 409,
    wire.HASH_MISMATCH: 422,
    "chunk_beyond_size": 422,
    wire.TEAM_QUOTA_FULL: 507,
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody} for code in (400, 401, 403, 422, 426, 429, *codes)}


def _refusal(problem: BlobProblem) -> JSONResponse:
    answer = error_response(_STATUS.get(problem.code, 409), problem.code, problem.message)
    if problem.offset is not None:
        answer.headers[wire.UPLOAD_OFFSET_HEADER] = str(problem.offset)
    return answer


def _state(sha256: str, state: UploadState) -> BlobState:
    return BlobState(
        sha256=sha256, byte_size=state.byte_size, received=state.received, stored=state.stored
    )


def _not_found() -> ApiError:
    return ApiError(404, wire.ATTACHMENT_NOT_FOUND, "The team's server holds no such attachment.")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end exclusive) asked by a ``Range`` header; None for the whole file."""
    if header is None:
        return None
    found = _RANGE.match(header.strip())
    if found is None:
        raise ApiError(
            416, "bad_range", "Ask for one range of bytes: 'bytes=START-' or 'bytes=START-END'."
        )
    start = int(found.group(1))
    end = int(found.group(2)) + 1 if found.group(2) else size
    if start >= size or end <= start:
        raise ApiError(416, "bad_range", f"The attachment has {size} bytes; that range is outside.")
    return start, min(end, size)


def add_blob_routes(
    app: FastAPI, *, db: Database, reads: AuditQueue, store: BlobStore, settings: ServerSettings
) -> None:
    def audit_upload(who: Caller, sha256: str, state: UploadState, how: str) -> None:
        with db.write() as session:
            write_audit(
                session,
                events=[
                    who.audit(
                        "attachment_upload",
                        entity="attachment",
                        detail=f"{sha256} {state.byte_size} bytes {how}",
                    )
                ],
            )

    @app.get(
        wire.BLOB_PATH,
        responses={
            **_errors(404, 416),
            200: {
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
                "description": "The attachment's bytes.",
            },
            206: {
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
                "description": "The bytes of the range asked.",
            },
        },
        response_class=Response,
    )
    def download_blob(
        sha256: Sha256,
        who: CallerDep,
        byte_range: Annotated[str | None, Header(alias="Range")] = None,
    ) -> Response:
        """An attachment's bytes; send ``Range: bytes=N-`` to resume a cut download."""
        state = store.state(who.team_id, sha256)
        if state is None or not state.stored:
            raise _not_found()
        asked = _byte_range(byte_range, state.byte_size)
        start, end = asked or (0, state.byte_size)
        body = store.open(who.team_id, sha256, start=start, end=end)
        if body is None:  # deleted meanwhile
            raise _not_found()
        reads.add(
            [
                who.audit(
                    "attachment_download",
                    entity="attachment",
                    detail=f"{sha256} bytes {start}-{end}",
                )
            ]
        )
        headers = {"Content-Length": str(end - start), "Accept-Ranges": "bytes"}
        if asked is not None:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{state.byte_size}"
        return StreamingResponse(
            body,
            status_code=206 if asked else 200,
            headers=headers,
            media_type="application/octet-stream",
        )

    def in_order(team_id: str, sizes: dict[str, int]) -> Iterator[tuple[str, int, bytes | None]]:
        """(sha256, size, bytes) of each file in the order asked; the small ones read whole, a
        run of them at a time up to READ_AHEAD_BYTES (one look-up each run); None for a large
        one (streamed) or one deleted since."""
        run: list[str] = []
        run_bytes = 0

        def read_run(run: list[str]) -> Iterator[tuple[str, int, bytes | None]]:
            found = dict(store.read_many(team_id, run))
            for sha256 in run:
                yield sha256, sizes[sha256], found.get(sha256)

        for sha256, size in sizes.items():
            if size <= WHOLE_FILE_BYTES:
                run.append(sha256)
                run_bytes += size
                if run_bytes < READ_AHEAD_BYTES:
                    continue
            yield from read_run(run) if run else ()
            run, run_bytes = [], 0
            if size > WHOLE_FILE_BYTES:
                yield sha256, size, None
        yield from read_run(run) if run else ()

    def frames(who: Caller, sizes: dict[str, int]) -> Iterator[bytes]:
        # Small files are read whole, a group at a time, and sent several to a piece of about
        # SEND_BYTES: each piece the answer yields costs a hop to a thread and a write to the
        # socket. A file deleted since its size was told ends the answer short: the laptop
        # takes it as a cut and asks again for the rest.
        held: list[bytes] = []
        held_bytes = 0
        for sha256, size, data in in_order(who.team_id, sizes):
            body = store.open(who.team_id, sha256) if size > WHOLE_FILE_BYTES else None
            if data is None and body is None:  # deleted meanwhile
                break
            reads.add([who.audit("attachment_download", entity="attachment",
                                 detail=f"{sha256} (in a fetch)")])  # fmt: skip
            held.append(wire.frame_head(sha256, size))
            held_bytes += wire.FRAME_HEAD_BYTES
            if body is not None:  # a large file: streamed piece by piece
                yield b"".join(held)
                held, held_bytes = [], 0
                yield from body
                continue
            assert data is not None
            held.append(data)
            held_bytes += len(data)
            if held_bytes >= SEND_BYTES:
                yield b"".join(held)
                held, held_bytes = [], 0
        if held:
            yield b"".join(held)

    @app.post(
        wire.BLOB_FETCH_PATH,
        responses={
            **_errors(),
            200: {
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
                "description": "For each file held: a 78-byte head (sha256, space, 12-digit "
                "size, newline), then its bytes. Files the team does not hold are left out.",
            },
        },
        response_class=Response,
    )
    def fetch_blobs(body: BlobFetch, who: CallerDep) -> Response:
        """Many small attachments in one answer (a cut answer: ask again for the rest)."""
        sizes = store.sizes(who.team_id, list(dict.fromkeys(body.sha256s)))
        ordered = {sha256: sizes[sha256] for sha256 in body.sha256s if sha256 in sizes}
        length = sum(wire.FRAME_HEAD_BYTES + size for size in ordered.values())
        # A known length: no chunked encoding for either side to frame and unframe.
        return StreamingResponse(
            frames(who, ordered),
            media_type="application/octet-stream",
            headers={"Content-Length": str(length)},
        )

    @app.get(wire.BLOB_UPLOAD_PATH, response_model=BlobState, responses=_errors(404))
    def upload_state(sha256: Sha256, who: CallerDep) -> BlobState:
        """Where the upload stands: the bytes the server holds (resume from there), or stored."""
        state = store.state(who.team_id, sha256)
        if state is None:
            raise ApiError(
                404, wire.UPLOAD_NOT_STARTED, "No upload of this attachment is in progress."
            )
        return _state(sha256, state)

    @app.post(wire.BLOB_UPLOAD_PATH, response_model=BlobState, responses=_errors(409, 413, 507))
    def start_upload(sha256: Sha256, body: BlobStart, who: CallerDep) -> Response | BlobState:
        """Start the upload (or find it again): a file the team holds already is ``stored``."""
        if body.byte_size > settings.max_attachment_bytes:
            limit = settings.max_attachment_bytes / (1024 * 1024)
            raise ApiError(
                413,
                wire.ATTACHMENT_TOO_LARGE,
                f"This attachment is larger than the "
                f"team's server accepts ({limit:.1f} MiB). Nothing was kept.",
            )
        try:
            state = store.begin(
                who.team_id,
                sha256,
                byte_size=body.byte_size,
                quota=settings.team_attachment_quota_bytes,
            )
        except BlobProblem as problem:
            return _refusal(problem)
        if state.stored:
            audit_upload(who, sha256, state, "already held")
        return _state(sha256, state)

    @app.patch(
        wire.BLOB_UPLOAD_PATH,
        response_model=BlobState,
        responses=_errors(404, 409, 413),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    wire.CHUNK_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def send_piece(
        sha256: Sha256,
        request: Request,
        who: CallerDep,
        offset: Annotated[int, Header(alias=wire.UPLOAD_OFFSET_HEADER, ge=0, le=2**53 - 1)],
    ) -> Response | BlobState:
        """Bytes of the file from ``Upload-Offset`` on; the answer says how many are held."""
        data = await request.body()
        if len(data) > wire.MAX_CHUNK_BYTES:
            raise ApiError(
                413, "request_too_large", f"Send at most {wire.MAX_CHUNK_BYTES} bytes at a time."
            )
        try:
            state = await run_in_threadpool(
                store.put_chunk, who.team_id, sha256, offset=offset, data=data
            )
        except BlobProblem as problem:
            return _refusal(problem)
        return _state(sha256, state)

    @app.post(wire.BLOB_COMMIT_PATH, response_model=BlobState, responses=_errors(404, 409))
    def commit_upload(sha256: Sha256, who: CallerDep) -> Response | BlobState:
        """Finish: the server checks the SHA-256 of all it holds; a mismatch throws it away."""
        before = store.state(who.team_id, sha256)
        try:
            state = store.commit(who.team_id, sha256)
        except BlobProblem as problem:
            return _refusal(problem)
        if before is not None and not before.stored:
            audit_upload(who, sha256, state, "received")
        return _state(sha256, state)

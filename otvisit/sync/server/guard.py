"""ASGI guard in front of the API: the client's schema version, then the request size."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse

from otvisit.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HEADER = SCHEMA_HEADER.lower().encode()
#: A JSON ``\u0000`` escape (not an escaped backslash followed by "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def error_response(status: int, code: str, message: str, **extra: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def schema_refusal(value: bytes | None) -> JSONResponse | None:
    """Why a client's schema version can't be served, or None when it matches."""
    if value is None:
        return error_response(
            426,
            "update_required",
            f"This version of otvisit does not say which data version it speaks "
            f"({SCHEMA_HEADER} header). Please update otvisit, then sync again.",
        )
    try:
        version = int(value)
    except ValueError:
        return error_response(
            400, "bad_schema_header", f"The {SCHEMA_HEADER} header must be a whole number."
        )
    if version < SCHEMA_VERSION:
        return error_response(
            426,
            "update_required",
            f"This version of otvisit is too old for the team's server (data version {version}, "
            f"the server needs {SCHEMA_VERSION}). Please update otvisit, then sync again.",
        )
    if version > SCHEMA_VERSION:
        return error_response(
            409,
            "server_update_required",
            f"The team's server is older than this version of otvisit (data version "
            f"{SCHEMA_VERSION}, the app speaks {version}). Ask your team lead to update the "
            f"server; your changes stay safe on this laptop until then.",
        )
    return None


class ApiGuard:
    """Refuses API calls with a missing or other schema version, bodies over the limit (413),
    and bodies holding a NUL character (422: PostgreSQL text can't store one, no record has one).

    The body is read (up to the limit) before the app sees it, so an oversized
    request is refused before any parsing, with or without a Content-Length.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = schema_refusal(headers.get(_HEADER))
        if refusal is None and scope["method"] in ("POST", "PUT", "PATCH"):
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
                refusal = self._too_large()
            else:
                body = await self._read_body(receive)
                if body is None:
                    refusal = self._too_large()
                elif _may_be_json(headers) and b"\\u0000" in body and _JSON_NUL.search(body):
                    refusal = error_response(
                        422,
                        "invalid_request",
                        "The request contains a NUL character (\\u0000), which no record, "
                        "name or audit line may hold. Nothing was saved.",
                    )
                else:
                    receive = _replay(body, receive)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _too_large(self) -> JSONResponse:
        return error_response(
            413,
            "request_too_large",
            f"The request is larger than the server accepts ({self.max_body_bytes} bytes). "
            f"Send fewer operations at a time.",
        )

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _may_be_json(headers: dict[bytes, bytes]) -> bool:
    """Bytes of an attachment are not JSON: a NUL escape in them is just data."""
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind not in (b"application/offset+octet-stream", b"application/octet-stream")


def _replay(body: bytes, upstream: Receive) -> Receive:
    """Hands the app the body already read, then the real channel (to hear a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await upstream()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive

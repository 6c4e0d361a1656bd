"""Security headers on every response, and a bare 500 (no traceback) for an unexpected error."""

from __future__ import annotations

import json
import logging

from otvisit.sync.server.guard import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # Nothing the server sends is a page that may load anything or be framed.
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
#: API answers carry children's records or tokens: no cache (browser or proxy) may keep them.
_NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
#: Console pages load the NHS design system's CSS, JS and icons from this server only.
_CONSOLE_CSP = (
    b"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    b"font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_SERVER_ERROR = json.dumps(
    {
        "error": {
            "code": "server_error",
            "message": "The server could not answer this request. Your changes are safe on "
            "this laptop; try again later, and tell your team lead if it keeps happening.",
        }
    }
).encode()


class SecurityHeaders:
    """Adds the headers to every HTTP response, error answers included.

    An exception that escapes the app is answered with a generic JSON 500
    (logged with its traceback on the server, never sent to the client).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_COMMON)
        path = scope["path"]
        if path.startswith("/console"):
            extra = [(k, _CONSOLE_CSP if k == b"content-security-policy" else v) for k, v in extra]
        if path.startswith("/api/") or (
            path.startswith("/console") and not path.startswith("/console/static")
        ):
            extra += _NO_STORE
        if scope.get("scheme") == "https":
            extra.append(_HSTS)
        names = {name for name, _ in extra}
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_SERVER_ERROR)).encode()),
                    ],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": _SERVER_ERROR})

"""HTTP calls to the team's server: explicit timeouts, bounded retries with backoff and jitter."""

from __future__ import annotations

import functools
import json as _json
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

import certifi
import httpx
from pydantic import BaseModel, ValidationError

from otvisit.sync.client.errors import (
    AuthError,
    OfflineError,
    RequestRefused,
    ServerError,
    SyncError,
    UpdateRequired,
)
from otvisit.sync.protocol import (
    AUDIT_PATH,
    HISTORY_PATH,
    LOGIN_PATH,
    ME_PATH,
    PULL_PATH,
    PUSH_PATH,
    RESENT_CONFLICTS_PATH,
    SCHEMA_HEADER,
    SCHEMA_VERSION,
    UNREADABLE_PATH,
    UNSENT_HEADER,
    AuditReceipt,
    AuditUpload,
    DeviceStatus,
    ErrorBody,
    LoginRequest,
    LoginResponse,
    PulledRecord,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordHistory,
    ResentConflicts,
    ResentReceipt,
    UnreadableReceipt,
    UnreadableReport,
)

ModelT = TypeVar("ModelT", bound=BaseModel)

#: Every call has a bound: a phone hotspot that stalls must not hang the sync forever.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
#: Status codes worth trying again: the server (or a proxy in front of it) may recover.
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How often and how patiently a failed call is tried again."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        # "Equal jitter": half fixed, half random, so devices that lost the network
        # together do not all come back at the same instant.
        return float(ceiling / 2 + ceiling / 2 * self.jitter())


class SyncTransport(Protocol):
    """What the sync engine needs from the server (the HTTP transport, or a test double)."""

    def login(self, request: LoginRequest) -> LoginResponse: ...

    def me(self, token: str) -> DeviceStatus: ...

    def push(self, token: str, request: PushRequest) -> PushResponse: ...

    def pull(
        self,
        token: str,
        *,
        cursor: int,
        limit: int,
        unsent: int | None = None,
        generation: int | None = None,
    ) -> PullResponse: ...

    def upload_audit(self, token: str, request: AuditUpload) -> AuditReceipt: ...

    def report_unreadable(self, token: str, request: UnreadableReport) -> UnreadableReceipt: ...

    def history(self, token: str, record_id: str) -> RecordHistory: ...

    def resend_conflicts(self, token: str, request: ResentConflicts) -> ResentReceipt: ...

    def close(self) -> None: ...


@dataclass
class HttpTransport:
    """The sync protocol over HTTP with httpx; one connection pool per instance."""

    base_url: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: The httpx transport underneath (tests pass one that fails on purpose); None: the network.
    http_transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url.rstrip("/"),
                timeout=self.timeout,
                headers={SCHEMA_HEADER: str(SCHEMA_VERSION)},
                transport=self.http_transport,
                verify=_tls_context(),
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def login(self, request: LoginRequest) -> LoginResponse:
        # Not retried once the request may have reached the server: a second login
        # would register a second device.
        return self._call(
            "POST",
            LOGIN_PATH,
            LoginResponse,
            json=request.model_dump(mode="json"),
            idempotent=False,
        )

    def me(self, token: str) -> DeviceStatus:
        return self._call("GET", ME_PATH, DeviceStatus, token=token)

    def push(self, token: str, request: PushRequest) -> PushResponse:
        # Safe to retry: the server remembers each device's highest op_seq.
        return self._call(
            "POST", PUSH_PATH, PushResponse, token=token, json=request.model_dump(mode="json")
        )

    def pull(
        self,
        token: str,
        *,
        cursor: int,
        limit: int,
        unsent: int | None = None,
        generation: int | None = None,
    ) -> PullResponse:
        params = {"cursor": cursor, "limit": limit}
        if generation is not None:
            params["generation"] = generation
        extra = {UNSENT_HEADER: str(unsent)} if unsent is not None else {}
        return self._call(
            "GET", PULL_PATH, PullResponse, token=token, params=params, extra_headers=extra
        )

    def report_unreadable(self, token: str, request: UnreadableReport) -> UnreadableReceipt:
        body = request.model_dump(mode="json")
        return self._call("POST", UNREADABLE_PATH, UnreadableReceipt, token=token, json=body)

    def history(self, token: str, record_id: str) -> RecordHistory:
        path = HISTORY_PATH.format(record_id=record_id)
        return self._call("GET", path, RecordHistory, token=token)

    def resend_conflicts(self, token: str, request: ResentConflicts) -> ResentReceipt:
        # Safe to retry: the server keeps each conflict once, by its id.
        body = request.model_dump(mode="json")
        return self._call("POST", RESENT_CONFLICTS_PATH, ResentReceipt, token=token, json=body)

    def upload_audit(self, token: str, request: AuditUpload) -> AuditReceipt:
        # Safe to retry: the server keeps each event once, by its id.
        return self._call(
            "POST", AUDIT_PATH, AuditReceipt, token=token, json=request.model_dump(mode="json")
        )

    def _call(
        self,
        method: str,
        path: str,
        model: type[ModelT],
        *,
        token: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool = True,
        extra_headers: dict[str, str] | None = None,
    ) -> ModelT:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(extra_headers or {})
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.client.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.TransportError as error:
                unsent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
                if attempt >= self.retry.attempts or not (idempotent or unsent):
                    raise OfflineError(
                        f"The team's server could not be reached ({_describe(error)})."
                    ) from error
                self.retry.sleep(self.retry.delay(attempt))
                continue
            retryable = response.status_code in RETRYABLE_STATUS and idempotent
            if retryable and attempt < self.retry.attempts:
                self.retry.sleep(self.retry.delay(attempt))
                continue
            return _parse(response, model)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Building a context (reading the CA bundle) costs tens of milliseconds: once per process.
    return ssl.create_default_context(cafile=certifi.where())


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "it did not answer in time"
    if isinstance(error, httpx.ConnectError):
        return "no connection"
    return "the connection dropped"


def _error_detail(response: httpx.Response) -> tuple[str, str, int | None]:
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return "http_" + str(response.status_code), response.reason_phrase or "error", None
    return body.error.code, body.error.message, body.error.last_op_seq


def _parse(response: httpx.Response, model: type[ModelT]) -> ModelT:
    status = response.status_code
    if status >= 400:
        code, message, last_op_seq = _error_detail(response)
        if status == 426:
            raise UpdateRequired(message or "Please update otvisit to sync with the server.")
        if status in (401, 403):
            raise AuthError(message, code=code)
        if status >= 500 or status == 429:
            raise ServerError(f"The team's server had a problem ({status}): {message}")
        raise RequestRefused(message, code=code, status=status, last_op_seq=last_op_seq)
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        if model is PullResponse:
            return cast(ModelT, _lenient_pull(response.content, error))
        raise SyncError(
            f"The team's server sent an answer this version of otvisit does not understand "
            f"({error.error_count()} problems in {model.__name__})."
        ) from error


def _lenient_pull(content: bytes, error: ValidationError) -> PullResponse:
    """A pull page that does not parse as a whole: keep every record that does, on its own.

    (Nesting deeper than the fast parser allows, or an unpaired surrogate in a text, would
    otherwise stop every pull of the team for good.) The others come back in
    ``unreadable`` with the reason, to be set aside; the cursor still moves past them.
    """
    try:
        body = _json.loads(content)
        records = body.pop("records")
        page = PullResponse.model_validate({**body, "records": []})
    except (ValueError, TypeError, KeyError, AttributeError, ValidationError, RecursionError):
        raise SyncError(
            f"The team's server sent an answer this version of otvisit does not understand "
            f"({error.error_count()} problems in PullResponse)."
        ) from error
    for item in records if isinstance(records, list) else []:
        try:
            # Read as the fast path reads: what it cannot read (too deep, an unpaired
            # surrogate) this laptop cannot trust to store or show either.
            page.records.append(PulledRecord.model_validate_json(_json.dumps(item)))
        except (ValidationError, ValueError, TypeError, RecursionError) as problem:
            page.unreadable.append((_stub(item), f"It could not be read: {str(problem)[:200]}"))
    return page


def _stub(item: Any) -> PulledRecord:
    """What can be said of a record that does not read: its kind, id and sequence if present."""
    found = item if isinstance(item, dict) else {}

    def text(key: str) -> str:
        value = found.get(key)
        return value[:40] if isinstance(value, str) else "?"

    seq = found.get("seq")
    return PulledRecord.model_construct(
        entity=text("entity"),
        record_id=text("record_id")[:36],
        child_id=None,
        seq=seq if isinstance(seq, int) and 0 <= seq < 2**63 else 0,
        deleted=False,
        fields={},
        updated_by="",
    )

"""A small HTTP client of the sync API for tests: the schema header, the token, JSON in and out."""

from __future__ import annotations

import json
import ssl
import uuid
from typing import Any

import httpx

from otvisit.sync import protocol


class ApiClient:
    """One device talking to a running server."""

    def __init__(
        self,
        base_url: str,
        *,
        schema: int | None = protocol.SCHEMA_VERSION,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        headers = {} if schema is None else {protocol.SCHEMA_HEADER: str(schema)}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=60.0, verify=verify)
        self.token: str | None = None
        self.device_id: str | None = None
        self.next_op_seq = 1

    def close(self) -> None:
        self.http.close()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def login(self, username: str, password: str, device_name: str = "test laptop") -> ApiClient:
        answer = self.login_response(username, password, device_name)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        self.token, self.device_id = body["token"], body["device_id"]
        return self

    def login_response(self, username: str, password: str, device_name: str) -> httpx.Response:
        body = {"username": username, "password": password, "device_name": device_name}
        return self.http.post(protocol.LOGIN_PATH, json=body)

    def post(
        self, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.http.post(path, headers={**self._auth(), **(headers or {})}, **kwargs)

    def get(
        self, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.http.get(path, headers={**self._auth(), **(headers or {})}, **kwargs)

    def push_response(self, operations: list[dict[str, Any]], **known: int) -> httpx.Response:
        """``known``: ``cursor`` and ``generation``, what the laptop knows of the server."""
        # ASCII-escaped JSON, so a test can send what a broken laptop might (a lone surrogate).
        body = json.dumps({"device_id": self.device_id, "operations": operations, **known})
        return self.post(
            protocol.PUSH_PATH, content=body, headers={"Content-Type": "application/json"}
        )

    def push(self, operations: list[dict[str, Any]]) -> dict[str, Any]:
        answer = self.push_response(operations)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def op(
        self,
        entity: str,
        changes: dict[str, Any],
        *,
        record_id: str | None = None,
        kind: str = "upsert",
        base_seq: int | None = None,
    ) -> dict[str, Any]:
        """An operation with this device's next op_seq."""
        operation = {
            "op_seq": self.next_op_seq,
            "entity": entity,
            "record_id": record_id or str(uuid.uuid4()),
            "kind": kind,
            "base_seq": base_seq,
            "changes": changes,
        }
        self.next_op_seq += 1
        return operation

    def upload_audit_response(self, events: list[dict[str, Any]]) -> httpx.Response:
        body = json.dumps({"device_id": self.device_id, "events": events})  # ASCII, as above
        return self.post(
            protocol.AUDIT_PATH, content=body, headers={"Content-Type": "application/json"}
        )

    def pull(self, cursor: int = 0, limit: int = protocol.DEFAULT_PULL_LIMIT) -> dict[str, Any]:
        answer = self.get(protocol.PULL_PATH, params={"cursor": cursor, "limit": limit})
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def pull_all(self, cursor: int = 0, limit: int = protocol.DEFAULT_PULL_LIMIT) -> dict[str, Any]:
        """Every page from cursor: records (newest version per id), removed children, cursor."""
        records: dict[str, dict[str, Any]] = {}
        removed: list[str] = []
        while True:
            page = self.pull(cursor, limit)
            for record in page["records"]:
                records[record["record_id"]] = record
            removed.extend(page["removed_children"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return {"records": records, "removed_children": removed, "cursor": cursor}


def audit_event(
    action: str = "view", *, child_id: str | None = None, at: str = "2026-11-24T09:00:00+00:00",
    **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """One device audit event as a laptop uploads it (``AuditUpload.events[i]``)."""
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "at": at,
        "actor_id": None,
        "action": action,
        "entity": "child",
        "record_id": child_id,
        "child_id": child_id,
        "detail": "",
    }
    event.update(extra)
    return event


def child_fields(team_id: str, **extra: Any) -> dict[str, Any]:
    fields = {
        "team_id": team_id,
        "given_name": "Sam",
        "family_name": "Okafor",
        "date_of_birth": "2019-03-14",
        "nhs_number": "9434765919",
    }
    fields.update(extra)
    return fields


def note_fields(child_id: str, author_id: str, **extra: Any) -> dict[str, Any]:
    fields = {
        "child_id": child_id,
        "author_id": author_id,
        "seen_on": "2026-11-24",
        "place": "home",
        "body": "Practised buttons on the coat with mum.",
    }
    fields.update(extra)
    return fields

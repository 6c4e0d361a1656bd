"""A small HTTP proxy between a laptop and the server that can lose answers on purpose.

One request per client connection (answers carry ``Connection: close``), so each
request can be forwarded, answered, or have its answer dropped after the server
has fully processed it: the "hotspot died just as the server replied" case.
"""

from __future__ import annotations

import contextlib
import random
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

#: Decides per request (method, path with query) whether its answer is thrown away.
DropRule = Callable[[str, str], bool]


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _with_close(head: bytes) -> bytes:
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"])


@dataclass
class FaultProxy:
    """Forwards to ``upstream_port``; ``drop`` rules and ``after_answer`` hooks inject faults."""

    upstream_port: int
    requests: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    drop_rules: list[DropRule] = field(default_factory=list)
    #: Called with the request line once the server answered, just before the laptop gets the
    #: answer (e.g. to stop the server so that nothing after this answer can reach it).
    after_answer: Callable[[str], None] | None = None
    _server: socketserver.ThreadingTCPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def drop_next(self, method: str, path_prefix: str) -> None:
        """Throw away the answer to the next matching request (once)."""
        fired = False

        def rule(m: str, path: str) -> bool:
            nonlocal fired
            if fired or m != method or not path.startswith(path_prefix):
                return False
            fired = True
            return True

        self.drop_rules.append(rule)

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _should_drop(self, method: str, path: str) -> bool:
        with self._lock:
            return any(rule(method, path) for rule in self.drop_rules)

    def _handle(self, client: socket.socket) -> None:
        head, rest = _read_head(client)
        if not head:
            return
        body = rest
        length = _content_length(head)
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                return
            body += chunk
        request_line = head.split(b"\r\n", 1)[0].decode()
        method, path, _ = request_line.split(" ", 2)
        with self._lock:
            self.requests.append(f"{method} {path}")
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        except OSError:
            client.close()  # the server is down: the laptop sees a dropped connection
            return
        with upstream:
            upstream.sendall(_with_close(head) + b"\r\n\r\n" + body)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        if self._should_drop(method, path):
            with self._lock:
                self.dropped.append(f"{method} {path}")
            client.close()  # the server has committed; the laptop never hears back
            return
        if self.after_answer is not None:
            self.after_answer(f"{method} {path}")
        answer_head, _, answer_body = answer.partition(b"\r\n\r\n")
        client.sendall(_with_close(answer_head) + b"\r\n\r\n" + answer_body)
        client.close()


@dataclass
class CuttingProxy:
    """A byte pump to ``upstream_port`` that cuts connections at random points of the traffic.

    Each connection gets, with probability ``chance``, a budget of bytes (drawn up to
    ``reach``) in either direction; when the budget runs out mid-request or mid-answer,
    both sides are closed at once: the laptop sees a dropped connection, the server a
    half-received body or an answer nobody reads. ``cuts`` counts them.
    """

    upstream_port: int
    seed: int = 1
    chance: float = 0.5
    reach: int = 400_000
    cuts: int = 0
    _random: random.Random = field(init=False)
    _server: socketserver.ThreadingTCPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> CuttingProxy:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._pump(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _budget(self) -> int | None:
        with self._lock:
            if self._random.random() >= self.chance:
                return None
            return self._random.randrange(1, self.reach)

    def _pump(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        except OSError:
            client.close()
            return
        budget = [self._budget()]
        done = threading.Event()

        def cut() -> None:
            with self._lock:
                if done.is_set():
                    return
                done.set()
                self.cuts += 1
            for side in (client, upstream):
                with contextlib.suppress(OSError):
                    side.shutdown(socket.SHUT_RDWR)

        def copy(source: socket.socket, target: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    with self._lock:
                        left = budget[0]
                        if left is not None:
                            budget[0] = left - len(data)
                    if left is not None and left <= len(data):
                        with contextlib.suppress(OSError):
                            target.sendall(data[:left])
                        cut()
                        return
                    target.sendall(data)
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    target.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=copy, args=(upstream, client), daemon=True)
        back.start()
        copy(client, upstream)
        back.join(timeout=60)
        client.close()
        upstream.close()

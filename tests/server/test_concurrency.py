"""Many devices pushing at once while one pulls: every committed change is pulled exactly once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

from tests.support.api import ApiClient, child_fields

WRITERS = 8
BATCHES = 12
OPS_PER_BATCH = 5


def test_parallel_writers_and_a_concurrent_puller(live_server, team, devices) -> None:
    """The sequence-gap bug: a change with a lower sequence committing after a higher one.

    Writers push concurrently through the server's thread pool (real concurrent
    transactions on PostgreSQL); the puller walks the cursor meanwhile. Every
    record is created once and never changed, so each must reach it exactly once.
    """
    setup = devices(live_server.base_url, team.therapists[0])
    child = str(uuid.uuid4())
    setup.push([setup.op("child", child_fields(team.team_id), record_id=child)])
    writers = [devices(live_server.base_url, team.therapists[n % 2]) for n in range(WRITERS)]
    puller = devices(live_server.base_url, team.therapists[1])
    created: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS + 1)
    done = threading.Event()

    def write(device: ApiClient) -> None:
        try:
            start.wait()
            for _ in range(BATCHES):
                ops = [
                    device.op("goal", {"child_id": child, "wording": "w", "set_on": "2026-11-24"})
                    for _ in range(OPS_PER_BATCH)
                ]
                answer = device.push(ops)
                assert all(r["status"] == "applied" for r in answer["results"])
                with lock:
                    created.extend(op["record_id"] for op in ops)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    seen: Counter[str] = Counter()
    cursors: list[int] = []

    def pull() -> None:
        try:
            cursor = 0
            start.wait()
            while True:
                finished = done.is_set()
                page = puller.pull(cursor, limit=37)
                seqs = [r["seq"] for r in page["records"]]
                assert seqs == sorted(seqs) and all(s > cursor for s in seqs)
                seen.update(r["record_id"] for r in page["records"] if r["entity"] == "goal")
                assert page["next_cursor"] >= cursor
                cursor = page["next_cursor"]
                cursors.append(cursor)
                if finished and not page["has_more"]:
                    return
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    reader = threading.Thread(target=pull)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    done.set()
    reader.join(timeout=240)
    assert not failures, failures
    assert len(created) == WRITERS * BATCHES * OPS_PER_BATCH
    assert set(seen) == set(created)
    assert max(seen.values()) == 1
    assert len(cursors) > 3  # the puller really ran while the writers were writing

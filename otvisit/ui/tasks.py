"""The one task runner: work runs off the GUI thread, results and errors come back by signal."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from sqlalchemy.orm import Session

from otvisit.models.store import Store
from otvisit.services.errors import DomainError

log = logging.getLogger(__name__)

T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[Exception], None]

#: Database work runs on one thread so writes never race; slow work (network, PDFs) on another.
DB_LANE = "db"
SLOW_LANE = "slow"


def describe_error(error: BaseException) -> str:
    """What the therapist reads: a domain error's own words, anything else briefly and calmly."""
    if isinstance(error, DomainError):
        return str(error)
    return (
        "Something went wrong and nothing was changed. "
        f"If it happens again, tell your team's support ({type(error).__name__}: {error})."
    )


@dataclass
class _Job:
    owner: QObject | None
    done: Done | None
    failed: Failed | None


class _Relay(QObject):
    """Lives on the GUI thread; a worker emitting it queues the call there."""

    finished = Signal(int, object, object)


class _Work(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._job_id, self._fn, self._relay = job_id, fn, relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as error:  # everything goes back to the GUI thread to be shown
            self._relay.finished.emit(self._job_id, None, error)
        else:
            self._relay.finished.emit(self._job_id, result, None)


class TaskRunner(QObject):
    """Runs callables on worker threads and hands back results on the GUI thread.

    ``read``/``write`` give the callable its own session (one per action and
    thread); ``run`` is for work without the database. Errors go to the
    caller's ``failed`` callback, else to the ``error`` signal for the window to
    show. Callbacks of an ``owner`` widget that has been deleted are skipped.
    """

    #: A message for the therapist when a task failed and its caller did not handle it.
    error = Signal(str)
    #: Emitted when the number of unfinished tasks changes between zero and not zero.
    busy_changed = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        # The pools are made first so that Qt deletes them first: a pool's deletion waits for
        # the work still running on it, whose result goes through the relay, still alive then.
        self._pools: dict[str, QThreadPool] = {}
        for lane in (DB_LANE, SLOW_LANE):
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._pools[lane] = pool
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finish)

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def is_idle(self) -> bool:
        return not self._jobs

    def read(
        self,
        fn: Callable[[Session], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Failed | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run ``fn(session)`` on a read-only session."""

        def work() -> T:
            with self.store.read_session() as session:
                return fn(session)

        self._submit(DB_LANE, work, done, failed, owner)

    def write(
        self,
        fn: Callable[[Session], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Failed | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run ``fn(session)`` in one transaction: committed if it returns, rolled back if not."""

        def work() -> T:
            with self.store.transaction() as session:
                return fn(session)

        self._submit(DB_LANE, work, done, failed, owner)

    def run(
        self,
        fn: Callable[[], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Failed | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run slow work without a session (network, PDF rendering) on the slow lane."""
        self._submit(SLOW_LANE, fn, done, failed, owner)

    def _submit(
        self,
        lane: str,
        fn: Callable[[], Any],
        done: Done | None,
        failed: Failed | None,
        owner: QObject | None,
    ) -> None:
        job_id = next(self._ids)
        self._jobs[job_id] = _Job(owner, done, failed)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self._start(lane, job_id, fn)

    def _start(self, lane: str, job_id: int, fn: Callable[[], Any]) -> None:
        self._pools[lane].start(_Work(job_id, fn, self._relay))

    @Slot(int, object, object)
    def _finish(self, job_id: int, result: object, error: object) -> None:
        job = self._jobs.pop(job_id, None)
        try:
            if job is None or (job.owner is not None and not shiboken6.isValid(job.owner)):
                return
            if isinstance(error, Exception):
                self._report(job, error)
            elif job.done is not None:
                job.done(result)
        except Exception as callback_error:  # a bug in a callback must not kill the event loop
            log.exception("task callback failed")
            self.error.emit(describe_error(callback_error))
        finally:
            if not self._jobs:
                self.busy_changed.emit(False)

    def _report(self, job: _Job, error: Exception) -> None:
        if not isinstance(error, DomainError):
            log.error("task failed", exc_info=error)
        if job.failed is not None:
            job.failed(error)
        else:
            self.error.emit(describe_error(error))

    def wait_for_workers(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker threads are idle (used on close, after the last saves)."""
        return all(pool.waitForDone(timeout_ms) for pool in self._pools.values())


class InlineTaskRunner(TaskRunner):
    """Runs every task at once on the calling thread: for tests that want no threads at all."""

    def _start(self, lane: str, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as error:
            self._finish(job_id, None, error)
        else:
            self._finish(job_id, result, None)

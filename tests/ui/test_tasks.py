"""The task runner: work off the GUI thread, results and errors back on it, writes serialised."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import Team
from otvisit.models.store import Store
from otvisit.services.errors import RuleRefused
from otvisit.ui.tasks import InlineTaskRunner, TaskRunner, describe_error

pytestmark = pytest.mark.gui


def _count_teams(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Team)) or 0


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(
    qtbot: QtBot, store: Store
) -> None:
    runner = TaskRunner(store)
    gui_thread = threading.get_ident()
    seen: dict[str, int] = {}

    def work(session: Session) -> int:
        seen["worker"] = threading.get_ident()
        session.add(Team(name="Lambeth"))
        return 7

    def done(value: int) -> None:
        seen["callback"] = threading.get_ident()
        seen["value"] = value

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.write(work, done=done)
    assert seen["worker"] != gui_thread
    assert seen["callback"] == gui_thread
    assert seen["value"] == 7
    with store.read_session() as session:
        assert _count_teams(session) == 1
    runner.wait_for_workers()


def test_a_failed_write_rolls_back_and_the_message_is_shown(qtbot: QtBot, store: Store) -> None:
    runner = TaskRunner(store)

    def refuse(session: Session) -> None:
        session.add(Team(name="half written"))
        session.flush()
        raise RuleRefused("This appointment has already been moved twice.")

    with qtbot.waitSignal(runner.error) as shown:
        runner.write(refuse)
    assert shown.args == ["This appointment has already been moved twice."]
    with store.read_session() as session:
        assert _count_teams(session) == 0
    runner.wait_for_workers()


def test_unexpected_errors_are_described_calmly_and_go_to_the_callers_handler(
    qtbot: QtBot, store: Store
) -> None:
    runner = InlineTaskRunner(store)
    caught: list[Exception] = []
    runner.run(lambda: 1 / 0, failed=caught.append)
    assert isinstance(caught[0], ZeroDivisionError)
    assert "nothing was changed" in describe_error(caught[0])
    assert runner.is_idle()


def test_callbacks_of_a_deleted_owner_are_skipped(qtbot: QtBot, store: Store) -> None:
    runner = TaskRunner(store)
    owner = QObject()
    called: list[object] = []
    release = threading.Event()

    def slow(session: Session) -> int:
        release.wait(5)
        return 1

    runner.read(slow, done=called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    qtbot.waitUntil(runner.is_idle)
    assert called == []
    runner.wait_for_workers()


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)

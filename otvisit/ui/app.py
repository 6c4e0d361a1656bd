"""Starting the desktop app: open the profile's store, build the window, show the caseload."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import sqlalchemy.exc
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.orm import Session

from otvisit.keys import CredentialStoreUnavailable
from otvisit.models.encryption import StoreKeyError
from otvisit.models.store import Store
from otvisit.profile import DEMO_PROFILE, Profile
from otvisit.services import caseload
from otvisit.services.caseload import TherapistRef
from otvisit.ui.collector import GuiThreadCollector
from otvisit.ui.context import AppContext
from otvisit.ui.main_window import MainWindow
from otvisit.ui.tasks import TaskRunner
from otvisit.ui.window_settings import WindowSettings, apply_text_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartState:
    empty: bool
    me: TherapistRef | None
    lock_after_minutes: int


def read_start_state(store: Store) -> StartState:
    try:
        with store.read_session() as session:
            return StartState(
                caseload.is_empty(session),
                caseload.signed_in_therapist(session),
                caseload.lock_after_minutes(session),
            )
    except sqlalchemy.exc.DatabaseError:
        store.close()  # waits for the page check, which says what is wrong if it can
        if store.integrity is not None:
            store.integrity.result()
        raise


class PageCheckWatch(QObject):
    """Carries the result of the store's page check (run on its own thread) to the GUI thread."""

    damaged = Signal(str)

    def report(self, checked: Future[None]) -> None:
        problem = checked.exception()
        if problem is not None:
            self.damaged.emit(str(problem))  # queued: the slot runs on the GUI thread


class App(QObject):
    """One open profile: its store, task runner and window (switching profile replaces them)."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        runner_class: type[TaskRunner] = TaskRunner,
        tell: Callable[[str], None] | None = None,
    ):
        super().__init__()
        self.args = args
        self.runner_class = runner_class
        self.tell = tell or _tell
        self.window: MainWindow | None = None
        self.store: Store | None = None
        self.runner: TaskRunner | None = None

    def open(self, profile_name: str) -> MainWindow:
        profile = Profile.locate(profile_name, self.args.data_dir).ensure()
        store = profile.open_store(check_in_background=True)
        state = read_start_state(store)  # three indexed reads: fast enough before the first paint
        runner = self.runner_class(store)
        context = AppContext(
            runner=runner,
            profile_dir=profile.root,
            me=state.me,
            lock_after_ms=state.lock_after_minutes * 60_000,
        )
        label = "demo caseload (made-up children)" if profile.is_demo else ""
        window = MainWindow(context, profile_label=label, settings=WindowSettings(profile.root))
        window.demo_wanted.connect(self.open_demo)
        context.changes.setParent(runner)  # goes with the runner, on the GUI thread
        self._replace(window, store, runner)
        window.show()
        self._watch_page_check(store)
        if state.empty and profile.is_demo:
            self._build_demo(window, runner)
        else:
            window.start(first_run=state.empty and not profile.is_demo)
        return window

    def _build_demo(self, window: MainWindow, runner: TaskRunner) -> None:
        """Make the made-up caseload in the background, then show it."""
        from otvisit.reports.strategy_library import bundled_library
        from otvisit.services.demo_caseload import build_demo_caseload

        def build(session: Session) -> TherapistRef | None:
            strategies = list(bundled_library().strategies.values())
            build_demo_caseload(session, children=60, records=4000, strategies=strategies)
            session.flush()
            return caseload.signed_in_therapist(session)

        def built(me: TherapistRef | None) -> None:
            window.context.me = me
            window.messages.inform("The demo caseload is ready: every child in it is made up.")
            window.start(first_run=False)

        window.messages.inform("Making the demo caseload (made-up children)…")
        runner.write(build, done=built)

    def _watch_page_check(self, store: Store) -> None:
        """A store found damaged after the window opened: say so and close it (nothing written)."""
        if store.integrity is None:
            return
        watch = PageCheckWatch(self)
        watch.damaged.connect(lambda message: self._store_damaged(store, message))
        store.integrity.add_done_callback(watch.report)

    def _store_damaged(self, store: Store, message: str) -> None:
        if store is self.store:  # not a profile already switched away from
            self.tell(_refused(message))
            self.close()

    def _replace(self, window: MainWindow, store: Store, runner: TaskRunner) -> None:
        old = (self.window, self.store, self.runner)
        self.window, self.store, self.runner = window, store, runner
        _discard(*old)

    def open_demo(self) -> None:
        self.open(DEMO_PROFILE)

    def close(self) -> None:
        _discard(self.window, self.store, self.runner)
        self.window, self.store, self.runner = None, None, None
        apply_text_size(100)  # the next profile opened in this process starts from its own


def _discard(window: MainWindow | None, store: Store | None, runner: TaskRunner | None) -> None:
    """Close a profile's window (it saves drafts and waits for the workers), then its store.

    The window and the runner are deleted by Qt at a quiet moment on the GUI thread, never
    by Python's garbage collector, which may run on a worker thread or in the middle of
    delivering an event (the idle watch runs Python for every event).
    """
    if window is not None:
        window.close()
        window.deleteLater()
    if runner is not None:
        runner.wait_for_workers()
        runner.deleteLater()
    if store is not None:
        store.close()


def open_first(
    app: App,
    profile_name: str,
    *,
    offer_demo: Callable[[str], bool],
    tell: Callable[[str], None],
) -> MainWindow | None:
    """Open the profile asked for; if its records cannot be protected here, say why.

    With no credential store for the key, the real caseload stays shut and the
    therapist may open the made-up demo caseload instead; a store that cannot be
    opened with its key is never touched.
    """
    try:
        return app.open(profile_name)
    except CredentialStoreUnavailable as error:
        if offer_demo(str(error)):
            return app.open(DEMO_PROFILE)
        return None
    except StoreKeyError as error:
        tell(_refused(str(error)))
        return None


def _refused(problem: str) -> str:
    return f"{problem}. Nothing has been changed. Ask IT for help before going on."


def _offer_demo(reason: str) -> bool:
    answer = QMessageBox.question(
        None, "otvisit", f"{reason}\n\nOpen the demo caseload (made-up children) instead?"
    )
    return answer == QMessageBox.StandardButton.Yes


def _tell(message: str) -> None:
    QMessageBox.critical(None, "otvisit", message)


def run_app(args: argparse.Namespace) -> int:
    """The ``otvisit`` command without a subcommand: the desktop app."""
    logging.basicConfig(level=logging.INFO)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("otvisit")
    qt_app.setApplicationDisplayName("otvisit")
    collector = GuiThreadCollector(qt_app)  # noqa: F841  (lives as long as the application)
    app = App(args)
    if open_first(app, args.profile, offer_demo=_offer_demo, tell=_tell) is None:
        return 1
    code = qt_app.exec()
    app.close()
    return int(code)

"""The desktop app at team scale: cold start to an interactive caseload, search per keystroke."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from table import Row, format_table

CHILDREN = 300
RECORDS = 50_000
COLD_STARTS = 5
#: What a therapist types, one keystroke at a time: a name, an NHS number, a school.
TYPED = ("okafor", "943 476", "goose green")

#: Run in a fresh interpreter: prints the parent's clock when the list is shown, how many
#: children it shows, and the CPU seconds the process had used by then (all its threads).
CHILD = """
import argparse, sys, time
from otvisit.ui.app import App  # first, as the otvisit command does (otvisit/cli.py)
from PySide6.QtWidgets import QApplication
app = QApplication([])
opened = App(argparse.Namespace(data_dir=sys.argv[1], profile="demo"))
window = opened.open("demo")
def done():
    if window.isVisible() and window.caseload.model.total() > 0:
        print(time.time(), window.caseload.model.total(), time.process_time(), flush=True)
        app.quit()
window.caseload.loaded.connect(done)
app.exec()
opened.close()
"""


def _build(data_dir: Path) -> None:
    from otvisit.profile import DEMO_PROFILE, Profile
    from otvisit.reports.strategy_library import bundled_library
    from otvisit.services.demo_caseload import build_demo_caseload

    store = Profile.locate(DEMO_PROFILE, data_dir).ensure().open_store()
    try:
        with store.transaction() as session:
            build_demo_caseload(
                session,
                children=CHILDREN,
                records=RECORDS,
                strategies=list(bundled_library().strategies.values()),
            )
    finally:
        store.close()


def _cold_start(data_dir: Path) -> tuple[float, int, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir)],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    shown_at, count, cpu = out.stdout.split()[:3]
    return float(shown_at) - started, int(count), float(cpu)


def _keystrokes(data_dir: Path) -> list[float]:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from otvisit.profile import DEMO_PROFILE, Profile
    from otvisit.ui.caseload.view import CaseloadView
    from otvisit.ui.context import AppContext
    from otvisit.ui.tasks import InlineTaskRunner

    app = QApplication.instance() or QApplication([])
    store = Profile.locate(DEMO_PROFILE, data_dir).open_store()
    view = CaseloadView(AppContext(runner=InlineTaskRunner(store), profile_dir=data_dir))
    view.scope.setCurrentIndex(1)
    view.resize(1200, 800)
    view.show()
    view.refresh()
    QCoreApplication.processEvents()  # the first paint is start-up, not a keystroke
    times: list[float] = []
    for text in TYPED:
        view.search.clear()
        for char in text:
            started = time.perf_counter()
            QTest.keyClick(view.search, char)
            QCoreApplication.processEvents()  # the table repaints before the next key
            times.append(time.perf_counter() - started)
    view.close()
    store.close()
    del app
    return times


def _first_record(data_dir: Path) -> float:
    """Opening the first child: the record view (eight sections) is built then, not at start."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from otvisit.profile import DEMO_PROFILE, Profile
    from otvisit.services.caseload import signed_in_therapist
    from otvisit.ui.context import AppContext
    from otvisit.ui.main_window import MainWindow
    from otvisit.ui.tasks import InlineTaskRunner

    app = QApplication.instance() or QApplication([])
    store = Profile.locate(DEMO_PROFILE, data_dir).open_store()
    with store.read_session() as session:
        me = signed_in_therapist(session)
    context = AppContext(runner=InlineTaskRunner(store), profile_dir=data_dir, me=me)
    window = MainWindow(context)
    window.show()
    window.start(first_run=False)
    QCoreApplication.processEvents()
    window.caseload.scope.setCurrentIndex(1)  # the whole team
    child_id = window.caseload.model.row_at(0).child_id
    started = time.perf_counter()
    window.open_child(child_id)  # inline runner: header and first section are read here
    QCoreApplication.processEvents()
    seconds = time.perf_counter() - started
    window.close()
    store.close()
    del app
    return seconds


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="otvisit-bench-ui-") as folder:
        data_dir = Path(folder)
        os.environ["OTVISIT_INSECURE_KEY_FILE"] = "1"
        _build(data_dir)
        starts = [_cold_start(data_dir) for _ in range(COLD_STARTS)]
        keys = _keystrokes(data_dir)
        first_record = _first_record(data_dir)
    seconds = sorted(s for s, _, _ in starts)
    cpu = statistics.median(c for _, _, c in starts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    median_ms = statistics.median(keys) * 1000
    worst_ms = max(keys) * 1000
    return [
        Row("UI cold start to caseload shown (median)", statistics.median(seconds), "s", 1.0,
            note=f"{starts[0][1]} children, {RECORDS:,} records; {COLD_STARTS} runs"),
        Row("UI cold start (slowest run)", seconds[-1], "s", 1.0,
            note=f"load average {load:.1f} on {os.cpu_count()} cores when done"),
        Row("UI cold start, CPU used until shown (median)", cpu, "s", None,
            note="all threads; varies far less than wall time on a busy machine"),
        Row("UI search, per keystroke (median)", median_ms, "ms", 50.0,
            note=f"{len(keys)} keystrokes: name, NHS number, school"),
        Row("UI search, per keystroke (slowest)", worst_ms, "ms", 50.0),
        Row("UI first child's record shown", first_record * 1000, "ms", None,
            note="builds the record view on first use; reads on the calling thread"),
    ]  # fmt: skip


if __name__ == "__main__":
    print(format_table(run()))

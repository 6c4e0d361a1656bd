"""Run as a child process: open the app, type a note, print AUTOSAVED when it is saved, wait."""

from __future__ import annotations

import argparse
import json
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from otvisit.ui.app import App
from tests.fakes import MemoryKeyring


def main(data_dir: str, text: str) -> int:
    import keyring

    backend = MemoryKeyring()
    for service, name, value in json.loads(os.environ.get("OTVISIT_TEST_SECRETS", "[]")):
        backend.set_password(service, name, value)
    keyring.set_keyring(backend)
    qt_app = QApplication([])
    app = App(argparse.Namespace(data_dir=data_dir, profile="main"))
    window = app.open("main")
    window.context.autosave_ms = 100
    runner = window.context.runner
    notes = window.record_view().notes  # the record is built on first use

    def when_idle(step: object) -> None:
        def check() -> None:
            if runner.is_idle():
                step()  # type: ignore[operator]
            else:
                QTimer.singleShot(20, check)

        QTimer.singleShot(20, check)

    def open_child() -> None:
        window.caseload.scope.setCurrentIndex(1)
        window.open_child(window.caseload.model.row_at(0).child_id)
        window.record.open_section(notes)
        when_idle(new_note)

    def new_note() -> None:
        notes.new_note()
        when_idle(type_note)

    def type_note() -> None:
        notes.body.setFocus()
        QTest.keyClicks(notes.body, text)
        notes.draft_saved.connect(lambda _id: print("AUTOSAVED", flush=True))

    when_idle(open_child)
    return qt_app.exec()  # killed by the test with SIGKILL: no close event, no clean exit


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

"""First start against a real server: the login password becomes the offline unlock password."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from otvisit.services.unlock import check_unlock_password
from otvisit.ui.app import App
from tests.support.server_fixtures import RunningServer, running_server  # noqa: F401
from tests.ui.driver import type_into

pytestmark = pytest.mark.gui


def test_signing_in_keeps_the_password_to_unlock_offline(
    qtbot: QtBot,
    tmp_path: Path,
    running_server: RunningServer,  # noqa: F811
) -> None:
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"))
    window = app.open("main")
    try:
        welcome = window.welcome
        assert window.pages.currentWidget() is welcome  # a first run
        account = running_server.therapists[0]
        type_into(welcome.url, running_server.base_url)
        type_into(welcome.username, account.username)
        with qtbot.waitSignal(welcome.signed_in, timeout=20000):
            type_into(welcome.password, account.password)
            QTest.keyClick(welcome.password, Qt.Key.Key_Return)
        qtbot.waitUntil(window.context.runner.is_idle, timeout=20000)
        assert window.pages.currentWidget() is window.caseload  # straight on to her caseload
        assert window.context.me is not None and window.context.me.name == account.full_name
        with window.context.runner.store.read_session() as session:
            assert check_unlock_password(session, password=account.password)
            assert not check_unlock_password(session, password="something else entirely")
        window.lock()
        qtbot.waitUntil(window.locker.page.password.isVisible)  # asks for it, not for a new one
    finally:
        qtbot.waitUntil(window.context.runner.is_idle, timeout=20000)
        app.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

"""Window settings: kept in the profile's window.ini, or for this run only without a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from otvisit.ui.window_settings import FILE_NAME, WindowSettings

pytestmark = pytest.mark.gui


def test_without_a_folder_settings_are_remembered_for_this_run_only(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = WindowSettings(None)
    settings.whole_team = True
    settings.text_size = 150
    assert settings.whole_team is True and settings.text_size == 150
    assert WindowSettings(None).whole_team is False  # nothing written anywhere
    assert list(tmp_path.iterdir()) == []


def test_with_a_folder_they_come_back_next_time(qtbot: QtBot, tmp_path: Path) -> None:
    first = WindowSettings(tmp_path)
    first.whole_team = True
    first.text_size = 125
    again = WindowSettings(tmp_path)
    assert again.whole_team is True and again.text_size == 125
    assert (tmp_path / FILE_NAME).exists()

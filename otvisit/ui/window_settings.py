"""What the window remembers per profile: its size and place, whose children, the text size.

Kept in a small INI file in the profile's folder (QSettings), never anything about a child.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

#: The text sizes View → Text size offers, in per cent of the system's own size.
TEXT_SIZES = (100, 115, 125, 150, 175)
FILE_NAME = "window.ini"

_system_font: QFont | None = None


class WindowSettings:
    """One profile's window settings; unreadable or odd values fall back to the defaults."""

    def __init__(self, folder: Path | None) -> None:
        self._settings: QSettings | None = None
        if folder is not None:  # else nowhere to keep them: remembered for this run only
            self._settings = QSettings(str(folder / FILE_NAME), QSettings.Format.IniFormat)
        self._memory: dict[str, object] = {}

    def _get(self, key: str) -> object:
        if self._settings is None:
            return self._memory.get(key)
        return self._settings.value(key)

    def _set(self, key: str, value: object) -> None:
        if self._settings is None:
            self._memory[key] = value
            return
        self._settings.setValue(key, value)
        self._settings.sync()

    @property
    def geometry(self) -> QByteArray | None:
        value = self._get("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    @property
    def whole_team(self) -> bool:
        return str(self._get("caseload/whole_team")).lower() == "true"

    @whole_team.setter
    def whole_team(self, value: bool) -> None:
        self._set("caseload/whole_team", "true" if value else "false")

    @property
    def text_size(self) -> int:
        try:
            percent = int(str(self._get("view/text_size")))
        except ValueError:
            return 100
        return percent if percent in TEXT_SIZES else 100

    @text_size.setter
    def text_size(self, percent: int) -> None:
        if percent not in TEXT_SIZES:
            raise ValueError(f"text size {percent} % is not one of {TEXT_SIZES}")
        self._set("view/text_size", str(percent))


def apply_text_size(percent: int) -> None:
    """Scale the application's font: every screen, dialog and table follows it."""
    global _system_font
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_font is None:
        _system_font = QFont(app.font())
    font = QFont(_system_font)
    if _system_font.pointSizeF() > 0:
        font.setPointSizeF(_system_font.pointSizeF() * percent / 100)
    else:
        font.setPixelSize(round(_system_font.pixelSize() * percent / 100))
    app.setFont(font)


def system_point_size() -> float:
    """The size 100 % stands for."""
    app = QApplication.instance()
    base = _system_font or (app.font() if isinstance(app, QApplication) else QFont())
    return base.pointSizeF()

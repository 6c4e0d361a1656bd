"""Keyboard helpers for GUI tests: press keys where the focus is, and read Alt+letter mnemonics."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot


def press(qtbot: QtBot, window: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """Press a key as the therapist does: into the active window, wherever its focus is."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, key, modifiers)


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``&&`` is a literal ampersand), lower case."""
    index = 0
    while index < len(text) - 1:
        if text[index] == "&":
            if text[index + 1] == "&":
                index += 2
                continue
            return text[index + 1].lower()
        index += 1
    return None


def visible_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Every Alt+letter the window answers to now, with the texts that claim it.

    Menus of the menu bar, buttons, check boxes, tabs, labels with a buddy and checkable
    group boxes that are on screen in this window (a dialog is its own window).
    """
    claims: dict[str, list[str]] = defaultdict(list)

    def claim(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            claims[letter].append(text)

    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        for action in window.menuBar().actions():
            if action.isVisible():
                claim(action.text())
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            claim(widget.text())
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            claim(widget.title())
        elif isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                if widget.isTabVisible(tab):
                    claim(widget.tabText(tab))
    return dict(claims)


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in visible_mnemonics(window).items() if len(texts) > 1}


def stray_ampersands(window: QWidget) -> list[str]:
    """Labels that show an ``&`` literally: a mnemonic written where no buddy takes it."""
    return [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisible()
        and label.buddy() is None
        and mnemonic(label.text())
        and label.textFormat() != Qt.TextFormat.RichText
        and not label.text().lstrip().startswith("<")
    ]

"""Locking with the Groups or Surveys screen open leaves no family's name or number on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.driver import Visit, type_into
from tests.ui.screen import PASSWORD, assert_nothing_about_children, texts_on_screen, unlock
from tests.ui.test_groups import _click, _open_groups, _tick


def test_ctrl_l_on_the_groups_screen_takes_every_family_off_it(locking: Visit) -> None:
    window = locking.window
    view = _open_groups(locking)
    _click(view.book_button)
    locking.settle()
    dialog = view.dialog
    assert dialog is not None
    type_into(dialog.location, "Riverside Health Centre, Room 3")
    for name in ("Sam Okafor", "Amira Haddad"):
        _tick(dialog, name)  # type: ignore[arg-type]
    dialog.confirm()
    locking.settle()
    assert "Okafor" in "\n".join(texts_on_screen(window))
    _click(view.book_button)  # a second booking form left open
    locking.settle()
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    locking.settle()
    assert window.locker.locked
    assert view.register_model.rowCount() == 0 and view.model.rowCount() == 0
    window.context.changes.child_changed.emit("")  # a sync finishing while locked
    locking.settle()
    assert_nothing_about_children(locking)
    unlock(locking, PASSWORD)
    _open_groups(locking)
    locking.settle()
    assert view.register_model.rowCount() == 2  # read again once unlocked

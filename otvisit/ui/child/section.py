"""What every section of a child's record shares: the context, the child shown, messages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar


class Section(QWidget):
    """A page of the child's record; it loads through the task runner when shown."""

    title = ""

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.child_id: str | None = None
        #: The record changed elsewhere since this section loaded: reload when next shown.
        self.stale = False

    def show_child(self, child_id: str) -> None:
        self.child_id = child_id
        self.stale = False
        self.reload()

    def reload(self) -> None:
        """Read the section's data again (override)."""

    def flush(self) -> None:
        """Save anything typed and not saved yet (the note editor overrides this)."""

    def changed(self) -> None:
        """Tell every view the child's record changed, after a write."""
        if self.child_id:
            self.context.changes.child_changed.emit(self.child_id)

"""The child's group sessions in their record: each group note with the child's own entry."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from otvisit.services import group_views
from otvisit.services.group_views import ChildGroupEntry
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.groups.models import MARKS
from otvisit.ui.messages import MessageBar
from otvisit.ui.text import when_text


class GroupEntriesSection(Section):
    #: No Alt letter: every letter of the name is taken on some page (Ctrl+Tab reaches it).
    title = "Groups"

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.entries: list[ChildGroupEntry] = []
        self.text = QTextBrowser()
        self.text.setAccessibleName("Group sessions for this child")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: group_views.child_group_entries(session, child_id=child_id),
            done=self._show,
            owner=self,
        )

    def _show(self, entries: list[ChildGroupEntry]) -> None:
        self.entries = entries
        if not entries:
            self.text.setHtml("<p>No group sessions for this child.</p>")
            self.shown()
            return
        parts = []
        for entry in entries:
            mark = MARKS.get(entry.status.value, entry.status.value)
            note = html.escape(entry.group_note) or "<i>No group note yet.</i>"
            own = html.escape(entry.entry) or "<i>No entry for this child.</i>"
            parts.append(
                f"<h3>{html.escape(entry.title)} — {when_text(entry.starts_at)}</h3>"
                f"<p><b>Register:</b> {mark}</p>"
                f"<p><b>Group note:</b> {note.replace(chr(10), '<br>')}</p>"
                f"<p><b>For this child:</b> {own.replace(chr(10), '<br>')}</p>"
            )
        self.text.setHtml("".join(parts))
        self.shown()

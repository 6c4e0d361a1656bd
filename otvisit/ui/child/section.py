"""What every section of a child's record shares: the context, the child shown, messages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from otvisit.ui.child.stash import FormStash, SectionStash, read_fields, write_fields
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar


class Section(QWidget):
    """A page of the child's record; it loads through the task runner when shown.

    A section lists its forms in ``forms`` (name -> field name -> widget) and keeps its
    open dialog in ``dialog``; ``stash`` reads both before the app locks, and ``restore``
    puts them back once the same child's data is shown again (``shown``).
    """

    title = ""

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.child_id: str | None = None
        #: The record changed elsewhere since this section loaded: reload when next shown.
        self.stale = False
        #: The child whose data the widgets show (None while loading): only that is stashed.
        self.loaded_for: str | None = None
        self.forms: dict[str, dict[str, QWidget]] = {}
        self.dialog: FormDialog | None = None
        self._restore: SectionStash | None = None

    def show_child(self, child_id: str) -> None:
        self.child_id = child_id
        self.loaded_for = None
        self.stale = False
        self.reload()

    def reload(self) -> None:
        """Read the section's data again (override)."""

    def shown(self) -> None:
        """The child's data is on the widgets (subclasses call this): put back what was typed."""
        self.loaded_for = self.child_id
        stash = self._restore
        if stash is None or stash.child_id != self.child_id:
            return
        self._restore = None
        for form in stash.forms:
            if form.dialog:
                dialog = self.reopen(form)
                if dialog is not None:
                    write_fields(dialog.fields, form.fields)
            elif form.form in self.forms:
                write_fields(self.forms[form.form], form.fields)

    def flush(self) -> None:
        """Save anything typed and not saved yet (the note editor overrides this)."""

    def stash(self) -> SectionStash | None:
        """What is typed in this section's forms and open dialog, before the app locks."""
        child_id = self.child_id
        if child_id is None or self.loaded_for != child_id:
            return self._restore  # not shown yet: what is still to be put back, if anything
        forms = [
            FormStash(name, fields, key=self.form_key(name))
            for name, fields in ((name, read_fields(w)) for name, w in self.forms.items())
            if any(isinstance(value, str | tuple) and value for value in fields.values())
        ]  # a form with no words typed or ticked has nothing to lose
        dialog = self.dialog
        if dialog is not None and dialog.isVisible() and dialog.name:
            forms.append(FormStash(dialog.name, read_fields(dialog.fields), dialog.key, True))
        return SectionStash(child_id, tuple(forms)) if forms else None

    def restore(self, stash: SectionStash) -> None:
        """Put these forms back when this child's data is next shown (after unlocking)."""
        self._restore = stash

    def waiting_for(self, child_id: str) -> bool:
        """Has typing for this child still to be put back (so it should load now)?"""
        return self._restore is not None and self._restore.child_id == child_id

    def form_key(self, _form: str) -> str:
        """The record an in-place form is about (the open note for the note editor)."""
        return ""

    def reopen(self, _form: FormStash) -> FormDialog | None:
        """Open this dialog again, empty (override for each dialog the section opens)."""
        return None

    def changed(self) -> None:
        """Tell every view the child's record changed, after a write."""
        if self.child_id:
            self.context.changes.child_changed.emit(self.child_id)

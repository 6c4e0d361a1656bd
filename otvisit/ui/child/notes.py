"""The session notes section: an editor that saves the draft as you type, sign, addenda."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import Place
from otvisit.services import caseload, notes
from otvisit.services.caseload import GoalView, NoteView, StrategyChoice
from otvisit.ui.child.checklist import CheckList
from otvisit.ui.child.history_dialog import HistoryDialog
from otvisit.ui.child.note_model import NotesModel
from otvisit.ui.child.section import Section
from otvisit.ui.child.stash import FormStash, SectionStash
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import label, place_text

ROLES = (
    "child",
    "parent",
    "carer",
    "sibling",
    "teacher",
    "teaching_assistant",
    "nursery_staff",
    "senco",
    "interpreter",
    "other",
)


def _plain(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)  # Tab leaves the box; the note is not a place for tab stops
    return edit


class NotesSection(Section):
    title = "Session &notes"
    #: The draft reached the database (the text now survives a crash).
    draft_saved = Signal(str)

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.note_id: str | None = None
        self.note: NoteView | None = None
        self._dirty = False
        self._loading = False

        self.model = NotesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Session notes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.new_button = QPushButton("New note")
        self.new_button.setToolTip("Ctrl+N, from anywhere in the record")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.table)

        self.seen_on = QDateEdit(QDate.currentDate())
        self.seen_on.setCalendarPopup(True)
        self.seen_on.setDisplayFormat("dd MMM yyyy")  # never 5 10 2026: day, month name, year
        self.place = QComboBox()
        for place in Place:
            self.place.addItem(place_text(place.value), place.value)
        self.present = CheckList("Who was present")
        self.present.set_choices((role, label(role)) for role in ROLES)
        self.interpreter_language = QLineEdit()
        self.goals = CheckList("Goals addressed")
        self.strategies = CheckList("Strategies given")
        self.body = _plain("What we did")
        self.plan = _plain("Plan")
        self.save_state = QLabel("")
        self.save_state.setAccessibleName("Save state")
        self.save_button = QPushButton("Save now")
        self.save_button.setToolTip("Ctrl+S — drafts also save by themselves as you type")
        self.sign_button = QPushButton("S&ign note")
        self.addendum_button = QPushButton("Add addend&um…")
        self.history_button = QPushButton("Te&xt history…")
        self.history_button.setToolTip("Every version of this note's words the server keeps")
        self.history_button.clicked.connect(self.show_history)
        self.discard_button = QPushButton("Disca&rd draft…")
        self.discard_button.setToolTip("A draft made by mistake; a signed note is never deleted")
        self.discard_box: QMessageBox | None = None
        #: The problem the last failed autosave showed (cleared once a save succeeds).
        self._save_problem = ""
        self.addenda = QTextBrowser()
        self.addenda.setAccessibleName("Addenda")

        form = QFormLayout()
        form.addRow("&Seen on", self.seen_on)
        form.addRow("&Where", self.place)
        lists = QHBoxLayout()
        lists.addWidget(self.present)
        lists.addWidget(self.goals)
        lists.addWidget(self.strategies)
        form.addRow("Present, goals, strategies", lists)
        form.addRow("Interpreter &language", self.interpreter_language)
        form.addRow("Wha&t we did", self.body)
        form.addRow("&Plan", self.plan)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.sign_button)
        actions.addWidget(self.addendum_button)
        actions.addWidget(self.history_button)
        actions.addWidget(self.discard_button)
        actions.addStretch(1)
        actions.addWidget(self.save_state)
        self.editor = QWidget()
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form)
        editor_layout.addLayout(actions)
        editor_layout.addWidget(QLabel("<b>Addenda</b>"))
        editor_layout.addWidget(self.addenda)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        for signal in (
            self.body.textChanged,
            self.plan.textChanged,
            self.interpreter_language.textChanged,
            self.seen_on.dateChanged,
            self.place.currentIndexChanged,
            self.present.edited,
            self.goals.edited,
            self.strategies.edited,
        ):
            signal.connect(self._edited)
        for edit in (self.body, self.plan, self.interpreter_language):
            edit.installEventFilter(self)
        self.new_button.clicked.connect(self.new_note)
        self.save_button.clicked.connect(self.save_now)
        self.sign_button.clicked.connect(self.sign)
        self.addendum_button.clicked.connect(lambda: self.open_addendum())
        self.discard_button.clicked.connect(self.ask_to_discard)
        self.table.clicked.connect(lambda index: self.open_note(self.model.row_at(index.row())))
        self.table.activated.connect(lambda index: self.open_note(self.model.row_at(index.row())))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_now)
        self._set_editable(False)

    # --- loading --------------------------------------------------------------------------------

    def show_history(self) -> HistoryDialog | None:
        """Every version of this note's text (the server's and this laptop's conflicts)."""
        if self.note_id is None:
            return None
        dialog = HistoryDialog(self.context, self.note_id, "session note", self)
        dialog.open()
        return dialog

    def show_child(self, child_id: str) -> None:
        if child_id != self.child_id:
            self.flush()
            self._clear()
            note = self._stashed_note(child_id)
            if note is not None:
                self.note_id = note.key  # _show opens it once the list is read
        super().show_child(child_id)

    def stash(self) -> SectionStash | None:
        """Save the open draft now and remember it with an open addendum, before the app locks."""
        child_id, note_id = self.child_id, self.note_id
        others = super().stash()
        if child_id is None or note_id is None or self.loaded_for != child_id:
            return others
        typed = {"body": self.body.toPlainText(), "plan": self.plan.toPlainText()}
        self.save_now()  # in the store at once; kept here too in case that write fails
        note = FormStash("note", typed, key=note_id)
        return SectionStash(child_id, (note, *(others.forms if others else ())))

    def _stashed_note(self, child_id: str | None) -> FormStash | None:
        stash = self._restore
        return stash.form("note") if stash is not None and stash.child_id == child_id else None

    def reopen(self, form: FormStash) -> FormDialog | None:
        return self.open_addendum(form.key) if form.form == "addendum" else None

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        team = self.context.me.team_id if self.context.me else None

        def read(session: Session) -> tuple[list[NoteView], list[GoalView], list[StrategyChoice]]:
            return (
                caseload.child_notes(session, child_id=child_id),
                caseload.child_goals(session, child_id=child_id),
                caseload.strategy_choices(session, team_id=team),
            )

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: tuple[list[NoteView], list[GoalView], list[StrategyChoice]]) -> None:
        rows, goals, strategies = data
        self.model.set_rows(rows)
        self._loading = True
        ticked_goals = self.goals.checked_values()
        ticked_strategies = self.strategies.checked_values()
        self.goals.set_choices(((g.goal_id, g.wording) for g in goals), ticked_goals)
        self.strategies.set_choices(((s.slug, s.title) for s in strategies), ticked_strategies)
        self._loading = False
        if self.note_id is not None:
            row = self.model.row_of(self.note_id)
            if row >= 0:
                self.table.selectRow(row)
                fresh = self.model.row_at(row)
                signed = fresh.signed_at is not None
                if not self._dirty and (signed or self.note is None):
                    self._load_note(fresh)  # never over text typed and not saved yet
                    self._put_back_typed(fresh)
        self.shown()  # an addendum being written when the app locked opens again

    def _put_back_typed(self, fresh: NoteView) -> None:
        """After unlocking: if the draft did not reach the store, the words typed come back."""
        stash = self._stashed_note(self.child_id)
        if stash is None or stash.key != fresh.note_id or fresh.signed_at is not None:
            return
        body, plan = str(stash.fields.get("body", "")), str(stash.fields.get("plan", ""))
        if (body, plan) != (fresh.body, fresh.plan):
            self.body.setPlainText(body)
            self.plan.setPlainText(plan)  # marks the draft edited: it saves itself again

    def open_note(self, note: NoteView) -> None:
        if note.note_id == self.note_id:
            return
        self.flush()
        self._load_note(note)

    def _load_note(self, note: NoteView) -> None:
        self._timer.stop()
        self._loading = True
        self.note_id, self.note = note.note_id, note
        self.seen_on.setDate(QDate(note.seen_on.year, note.seen_on.month, note.seen_on.day))
        self.place.setCurrentIndex(max(self.place.findData(note.place), 0))
        self.present.set_checked(a.get("role", "") for a in note.attendees)
        self.interpreter_language.setText(note.interpreter_language)
        self.goals.set_checked(note.goals_addressed)
        self.strategies.set_checked(note.strategies_given)
        if self.body.toPlainText() != note.body:
            self.body.setPlainText(note.body)
        if self.plan.toPlainText() != note.plan:
            self.plan.setPlainText(note.plan)
        self.addenda.setHtml(
            "".join(
                f"<p><b>{when.astimezone():%d %b %Y %H:%M}, {escape(author)}</b><br>"
                f"{escape(text)}</p>"
                for when, author, text in note.addenda
            )
            or "<p>None.</p>"
        )
        self._loading = False
        self._dirty = False
        signed = note.signed_at is not None
        self._set_editable(not signed)
        self.save_state.setText(
            f"Signed {note.signed_at.astimezone():%d %b %Y %H:%M}" if note.signed_at else "Draft"
        )

    def _clear(self) -> None:
        self._timer.stop()
        self.note_id, self.note, self._dirty = None, None, False
        self._loading = True
        self.body.clear()
        self.plan.clear()
        self.interpreter_language.clear()
        self.present.set_checked(())
        self.goals.clear()
        self.strategies.clear()
        self.addenda.clear()
        self._loading = False
        self.save_state.setText("")
        self._set_editable(False)

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.seen_on,
            self.place,
            self.present,
            self.interpreter_language,
            self.goals,
            self.strategies,
            self.save_button,
            self.sign_button,
            self.discard_button,
        ):
            widget.setEnabled(editable)
        for edit in (self.body, self.plan):
            edit.setReadOnly(not editable)
        self.addendum_button.setEnabled(self.note is not None and self.note.signed_at is not None)

    # --- writing --------------------------------------------------------------------------------

    def new_note(self) -> None:
        child_id, me = self.child_id, self.context.me_id
        if child_id is None:
            return
        if me is None:
            self.messages.problem("Sign in before writing notes: a note needs its author.")
            return
        self.flush()
        place = Place(self.place.currentData() or Place.HOME.value)

        def create(session: Session) -> str:
            return notes.create_note(
                session, child_id=child_id, author_id=me, seen_on=date.today(), place=place
            )

        def created(note_id: str) -> None:
            self._clear()
            self.note_id = note_id
            self._set_editable(True)
            self.save_state.setText("Draft")
            self.body.setFocus()
            self.reload()

        self.context.runner.write(create, done=created, failed=self._failed, owner=self)

    def _edited(self, *_args: Any) -> None:
        if self._loading or self.note_id is None or self.body.isReadOnly():
            return
        self._dirty = True
        self.save_state.setText("Saving soon…")
        self._timer.start(self.context.autosave_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and self._dirty:
            self.save_now()
        return super().eventFilter(watched, event)

    def _fields(self) -> dict[str, Any]:
        qdate = self.seen_on.date()
        language = self.interpreter_language.text().strip()
        present = [
            {"role": role, "name": "", **({"language": language} if role == "interpreter" else {})}
            for role in self.present.checked_values()
        ]
        return {
            "seen_on": date(qdate.year(), qdate.month(), qdate.day()),
            "place": Place(self.place.currentData()),
            "attendees": present,
            "interpreter_language": language,
            "goals_addressed": self.goals.checked_values(),
            "strategies_given": self.strategies.checked_values(),
            "body": self.body.toPlainText(),
            "plan": self.plan.toPlainText(),
        }

    def save_now(self) -> None:
        """Write the draft now (the timer, leaving a box, closing and Ctrl+S all come here)."""
        self._timer.stop()
        note_id, me = self.note_id, self.context.me_id
        if not self._dirty or note_id is None or me is None:
            return
        fields = self._fields()
        self._dirty = False

        def save(session: Session) -> list[str]:
            return notes.save_draft(session, note_id=note_id, actor_id=me, **fields)

        def saved(_changed: list[str]) -> None:
            if self._save_problem and self.messages.text() == self._save_problem:
                self.messages.clear()  # what the failed save said is no longer true
            self._save_problem = ""
            if not self._dirty:
                self.save_state.setText(f"Draft saved {date.today():%d %b %Y} at {_now():%H:%M}")
            self.draft_saved.emit(note_id)

        def failed(error: Exception) -> None:
            self._dirty = True
            self.save_state.setText("Not saved")
            self._save_problem = describe_error(error)
            self.messages.problem(self._save_problem)

        self.context.runner.write(save, done=saved, failed=failed, owner=self)

    def flush(self) -> None:
        self.save_now()

    def sign(self) -> None:
        """Save what is typed and sign it in one transaction: a failed save signs nothing."""
        note_id, me = self.note_id, self.context.me_id
        if note_id is None or me is None:
            return
        self._timer.stop()
        # Always what the editor shows now: an autosave queued just before (leaving the
        # box to press Sign) may yet fail, and the signature must cover these words.
        fields = self._fields()
        self._dirty = False

        def save_and_sign(session: Session) -> object:
            notes.save_draft(session, note_id=note_id, actor_id=me, **fields)
            return notes.sign_note(session, note_id=note_id, actor_id=me)

        def signed(_when: object) -> None:
            self.messages.inform("Note signed. Corrections from now on are addenda.")
            self.changed()
            self.reload()

        def not_signed(error: Exception) -> None:
            self._dirty = True  # the words typed stay in the editor, still to be saved
            self.save_state.setText("Not signed")
            self.messages.problem(f"The note was not signed: {describe_error(error)}")

        self.context.runner.write(save_and_sign, done=signed, failed=not_signed, owner=self)

    def ask_to_discard(self) -> None:
        """A draft made by accident goes, once the therapist confirms; signed notes never."""
        note_id = self.note_id
        if note_id is None or self.body.isReadOnly():
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard the draft",
            "Discard this draft note? What it says will be deleted. (Signed notes are never "
            "deleted.)",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        discard = box.button(QMessageBox.StandardButton.Discard)
        box.finished.connect(
            lambda _result: self._discard(note_id) if box.clickedButton() is discard else None
        )
        self.discard_box = box
        box.open()

    def _discard(self, note_id: str) -> None:
        me = self.context.me_id
        if me is None or note_id != self.note_id:
            return
        self._timer.stop()
        self._dirty = False

        def discarded(_none: object) -> None:
            self._clear()
            self.messages.inform("Draft discarded.")
            self.changed()
            self.reload()

        self.context.runner.write(
            lambda s: notes.delete_draft_note(s, note_id=note_id, actor_id=me),
            done=discarded,
            failed=self._failed,
            owner=self,
        )

    def open_addendum(self, note_id: str | None = None) -> FormDialog | None:
        note_id = note_id or self.note_id
        if note_id is None:
            return None
        dialog = FormDialog(
            self,
            "Add an addendum",
            lambda: self._add_addendum(note_id, dialog),
            intro="A dated addition or correction to the signed note.",
            ok_text="Add addendum",
            name="addendum",
            key=note_id,
        )
        dialog.text = dialog.add("&Addendum", _plain("Addendum"))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add_addendum(self, note_id: str, dialog: Any) -> None:
        text, me = dialog.text.toPlainText(), self.context.me_id
        if me is None:
            return

        def added(_id: str) -> None:
            self.messages.inform("Addendum added.")
            self.changed()
            self.note = None  # reload the editor from the fresh note
            self.reload()

        self.context.runner.write(
            lambda s: notes.add_addendum(s, note_id=note_id, author_id=me, text=text),
            done=added,
            failed=self._failed,
            owner=self,
        )

    def _failed(self, error: Exception) -> None:
        self.messages.problem(describe_error(error))


def _now() -> Any:
    from datetime import datetime

    return datetime.now()

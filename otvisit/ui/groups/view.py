"""The Groups screen: the group sessions, and the chosen one's register, note and entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.groups import PlaceStatus
from otvisit.services import coaching, group_views, groups
from otvisit.services.coaching import ProgrammeProblem
from otvisit.services.errors import DomainError
from otvisit.services.group_views import FamilyChoice, GroupRegister, GroupRow, RegisterLine
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.groups.coaching import CoachingActions
from otvisit.ui.groups.dialogs import BookGroupDialog, MoveFamilyDialog
from otvisit.ui.groups.models import GroupsModel, RegisterModel
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import place_text, when_text


def _table(model: Any, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setTabKeyNavigation(False)
    return table


def _button(row: QHBoxLayout, text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(slot)
    row.addWidget(button)
    return button


class GroupsView(CoachingActions):
    """Book a group for many families; mark its register; write the group note once."""

    back = Signal()

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.register: GroupRegister | None = None
        self.problems: list[ProgrammeProblem] = []
        self.dialog: FormDialog | None = None
        self.model = GroupsModel(self)
        self.register_model = RegisterModel(self)

        top = QHBoxLayout()
        self.back_button = _button(top, "← &Caseload", self.back.emit)
        top.addWidget(QLabel("<span style='font-size:large'><b>Group sessions</b></span>"), 1)
        self.cancel_button = _button(top, "Cancel &this session…", self.open_cancel)
        self.book_button = _button(top, "&Book a group…", self.open_book)
        self.table = _table(self.model, "Group sessions")

        self.heading = QLabel("Choose a group session above to see its register.")
        self.heading.setWordWrap(True)
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        self.needs.setAccessibleName("Interpreters needed")
        self.register_table = _table(self.register_model, "Register")
        marks = QHBoxLayout()
        self.attended_button = _button(marks, "&Attended", lambda: self.mark(PlaceStatus.ATTENDED))
        self.not_brought_button = _button(
            marks, "Not b&rought", lambda: self.mark(PlaceStatus.NOT_BROUGHT)
        )
        self.cancelled_button = _button(
            marks, "Cance&lled", lambda: self.mark(PlaceStatus.CANCELLED)
        )
        self.move_button = _button(marks, "&Move to another session…", self.open_move)
        marks.addStretch(1)
        self.copm_label = QLabel()
        self.copm_label.setWordWrap(True)
        self.copm_label.setAccessibleName("COPM in this programme")
        marks.addWidget(self.copm_label)
        self.copm_before_button = _button(marks, "COPM bef&ore…", self.open_copm_before)
        self.copm_after_button = _button(marks, "COPM a&fter…", self.open_copm_after)

        self.entry = QPlainTextEdit()
        self.entry.setAccessibleName("Entry for this child")
        self.entry.setPlaceholderText("A short entry for the chosen child (shown in their record)")
        self.entry.setMaximumHeight(self.fontMetrics().height() * 4)
        self.entry_button = QPushButton("Save &entry")
        self.entry_button.clicked.connect(self.save_entry)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Group note")
        self.note.setPlaceholderText("The group note: written once, shown in every child's record")
        self.note_button = QPushButton("Save group &note")
        self.note_button.clicked.connect(self.save_note)
        writing = QHBoxLayout()
        for caption, editor, button in (
            ("Entry for the chosen child", self.entry, self.entry_button),
            ("Group note", self.note, self.note_button),
        ):
            column = QVBoxLayout()
            column.setAlignment(Qt.AlignmentFlag.AlignTop)
            column.addWidget(QLabel(f"<b>{caption}</b>"))
            column.addWidget(editor)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            if editor is self.entry:
                column.addStretch(1)  # the short entry sits at the top, beside the note
            writing.addLayout(column, 1)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.needs, self.register_table):
            lower_layout.addWidget(widget)
        lower_layout.addLayout(marks)
        lower_layout.addLayout(writing)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter)

        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.load_register())
        self.register_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._show_entry()
        )
        self._enable(False)
        self._show_copm()

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.context.locked:
            return
        self.context.runner.read(group_views.list_group_sessions, done=self._show, owner=self)

    def _show(self, rows: list[GroupRow]) -> None:
        if self.context.locked:
            return
        chosen = self.register.group_session_id if self.register else None
        self.model.set_rows(rows)
        for row, group in enumerate(rows):
            if group.group_session_id == chosen:
                self.table.selectRow(row)
                return
        if rows:
            self.table.selectRow(0)

    def chosen_group(self) -> GroupRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def load_register(self) -> None:
        group = self.chosen_group()
        if group is None:
            return
        group_id = group.group_session_id
        self.context.runner.read(
            lambda session: group_views.group_register(session, group_session_id=group_id),
            done=self._show_register,
            owner=self,
        )

    def _show_register(self, register: GroupRegister) -> None:
        if self.context.locked:
            return
        chosen = self.chosen_line()
        self.register = register
        where = place_text(register.place)
        self.heading.setText(
            f"<b>{register.title}</b> · {when_text(register.starts_at)} · {where}: "
            f"{register.location}"
        )
        if register.interpreter_needs:
            lines = [f"◆ {n.language}: {', '.join(n.families)}" for n in register.interpreter_needs]
            self.needs.setText("Interpreters needed — " + "; ".join(lines))
        else:
            self.needs.setText("No family in this group needs an interpreter.")
        self.register_model.set_rows(list(register.lines))
        self.note.setPlainText(register.note)
        self._enable(True)
        rows = [line.place_id for line in register.lines]
        if chosen is not None and chosen.place_id in rows:
            self.register_table.selectRow(rows.index(chosen.place_id))
        elif rows:
            self.register_table.selectRow(0)
        programme_id = register.programme_id
        self.problems = []
        if programme_id is not None:
            self.context.runner.read(
                lambda s: coaching.programme_problems(s, programme_id=programme_id),
                done=self._show_problems,
                owner=self,
            )
        self._show_copm()

    def chosen_line(self) -> RegisterLine | None:
        index = self.register_table.currentIndex()
        if not index.isValid() or index.row() >= self.register_model.rowCount():
            return None
        return self.register_model.row_at(index.row())

    def select_family(self, name: str) -> None:
        for row in range(self.register_model.rowCount()):
            if self.register_model.row_at(row).child_name == name:
                self.register_table.selectRow(row)
                return
        raise LookupError(name)

    def _show_entry(self) -> None:
        line = self.chosen_line()
        self.entry.setPlainText(line.entry if line else "")
        self._show_copm()

    def _enable(self, on: bool) -> None:
        for widget in (
            self.attended_button, self.not_brought_button, self.cancelled_button,
            self.move_button, self.entry_button, self.note_button,
        ):  # fmt: skip
            widget.setEnabled(on)

    # --- writing ----------------------------------------------------------------------------

    def _write(self, fn: Callable[[Session], object], done_text: str) -> None:
        def finished(_result: object) -> None:
            self.messages.inform(done_text)
            self.context.changes.child_changed.emit("")
            self.refresh()
            self.load_register()

        self.context.runner.write(fn, done=finished, failed=self._failed, owner=self)

    def _failed(self, error: Exception) -> None:
        self.messages.problem(describe_error(error))

    def mark(self, mark: PlaceStatus) -> None:
        line = self.chosen_line()
        if line is None:
            self.messages.inform("Choose a family on the register first.")
            return
        place_id, me = line.place_id, self.context.me_id
        self._write(
            lambda s: groups.mark_register(s, place_id=place_id, mark=mark, actor_id=me),
            f"{line.child_name}: {mark.value.replace('_', ' ')}.",
        )

    def save_entry(self) -> None:
        line = self.chosen_line()
        if line is None:
            self.messages.inform("Choose a family on the register first.")
            return
        place_id, text, me = line.place_id, self.entry.toPlainText(), self.context.me_id
        self._write(
            lambda s: groups.write_child_entry(s, place_id=place_id, text=text, actor_id=me),
            f"Entry saved for {line.child_name}.",
        )

    def save_note(self) -> None:
        if self.register is None:
            return
        group_id, text, me = (
            self.register.group_session_id,
            self.note.toPlainText(),
            self.context.me_id,
        )
        self._write(
            lambda s: groups.write_group_note(s, group_session_id=group_id, text=text, actor_id=me),
            "Group note saved: it shows in each child's record.",
        )

    def open_book(self) -> None:
        if self.context.me is None:
            self.messages.inform("Sign in to your team before booking a group.")
            return

        def loaded(found: tuple[list[FamilyChoice], list[tuple[str, str]]]) -> None:
            families, programmes = found
            dialog = BookGroupDialog(
                self, lambda: self._book(dialog), families=families, programmes=programmes
            )
            self.dialog = dialog
            dialog.open()

        self.context.runner.read(
            lambda s: (group_views.family_choices(s), group_views.list_programmes(s)),
            done=loaded,
            owner=self,
        )

    def _book(self, dialog: BookGroupDialog) -> None:
        me = self.context.me
        assert me is not None
        try:  # checked here, so a mistake reopens the form with everything still typed
            booking = groups.check_booking(dialog.values(me.team_id))
        except DomainError as error:
            self.messages.problem(str(error))
            dialog.open()
            return
        programme_id, new_programme = dialog.programme_choice()
        day = booking.starts_at.date()

        def book(session: Session) -> str:
            chosen = programme_id
            if chosen is None and new_programme:
                chosen = groups.create_programme(
                    session, team_id=me.team_id, title=new_programme, starts_on=day,
                    therapist_id=me.therapist_id, actor_id=me.therapist_id,
                )  # fmt: skip
            final = booking.model_copy(
                update={"programme_id": chosen, "therapist_id": me.therapist_id}
            )
            return groups.book_group_session(session, booking=final, actor_id=me.therapist_id)

        self.register = None
        self._write(book, f"Group booked for {len(booking.child_ids)} families.")

    def open_move(self) -> None:
        line, register = self.chosen_line(), self.register
        if line is None or register is None:
            self.messages.inform("Choose a family on the register first.")
            return
        if not register.other_sessions:
            self.messages.inform("Book another group session first, then move the family to it.")
            return
        dialog = MoveFamilyDialog(
            self,
            lambda: self._move(dialog, line),
            family=line.child_name,
            sessions=register.other_sessions,
        )
        self.dialog = dialog
        dialog.open()

    def _move(self, dialog: MoveFamilyDialog, line: RegisterLine) -> None:
        to_id, by_family, me = (
            str(dialog.session.currentData()), dialog.by_family.isChecked(), self.context.me_id
        )  # fmt: skip
        self._write(
            lambda s: groups.reschedule_place(
                s,
                place_id=line.place_id,
                to_group_session_id=to_id,
                by_family=by_family,
                actor_id=me,
            ),
            f"{line.child_name} moved to another session.",
        )

    def open_cancel(self) -> None:
        """The service cancels the chosen session (families are then contacted)."""
        register = self.register
        if register is None:
            self.messages.inform("Choose a group session first.")
            return
        dialog: Any = FormDialog(
            self, f"Cancel {register.title}",
            lambda: self._cancel(dialog, register.group_session_id),
            intro="Every family still booked is marked cancelled by the service; "
            "it does not count against their two reschedules.",
            ok_text="Cancel the session", name="cancel group",
        )  # fmt: skip
        dialog.reason = dialog.add("&Reason", QLineEdit())
        self.dialog = dialog
        dialog.open()

    def _cancel(self, dialog: Any, group_id: str) -> None:
        reason, me = dialog.reason.text(), self.context.me_id
        self._write(
            lambda s: groups.cancel_group_session(
                s, group_session_id=group_id, reason=reason, actor_id=me
            ),
            "Group session cancelled: contact the families still booked.",
        )

    def put_away(self) -> None:
        """Forget every family's name on screen (before the app locks)."""
        self.register = None
        self.problems = []
        self.copm_label.clear()
        self.model.set_rows([])
        self.register_model.set_rows([])
        self.note.clear()
        self.entry.clear()
        self.needs.clear()
        self.heading.setText("Choose a group session above to see its register.")
        self._enable(False)

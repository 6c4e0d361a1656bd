"""A child's record: a header with who they are, and the sections as tabs."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AuditAction
from otvisit.services import caseload, safeguarding
from otvisit.services.audit import record_access
from otvisit.services.caseload import ChildSummary
from otvisit.ui.child.appointments import AppointmentsSection
from otvisit.ui.child.assessments import AssessmentsSection
from otvisit.ui.child.attachments import AttachmentsSection
from otvisit.ui.child.discharge import DischargeSection
from otvisit.ui.child.documents import DocumentsSection
from otvisit.ui.child.equipment import EquipmentSection
from otvisit.ui.child.goals import GoalsSection
from otvisit.ui.child.group_entries import GroupEntriesSection
from otvisit.ui.child.notes import NotesSection
from otvisit.ui.child.overview import OverviewSection
from otvisit.ui.child.programme import ProgrammeSection
from otvisit.ui.child.section import Section
from otvisit.ui.child.stash import SectionStash
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.text import language_name


class ChildRecordView(QWidget):
    """Sections load when shown; switching child or section saves any draft first."""

    back = Signal()

    def __init__(
        self,
        context: AppContext,
        messages: MessageBar,
        printer: Printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.child_id: str | None = None
        self.header = QLabel()
        self.header.setAccessibleName("Child")
        self.header.setWordWrap(True)  # a long name and school wrap rather than widen the window
        self.back_button = QPushButton("← Caseload")
        self.back_button.setToolTip("Esc or Alt+Left")
        self.back_button.clicked.connect(self.back)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.header, 1)
        #: Prompts from the record (a third family reschedule, missed visits in a row).
        self.prompts = QLabel()
        self.prompts.setAccessibleName("Prompts")
        self.prompts.setWordWrap(True)
        self.prompts.setStyleSheet("background: #fff4c2; border: 1px solid #b58900; padding: 6px;")
        self.prompts.hide()

        self.overview = OverviewSection(context, messages)
        self.goals = GoalsSection(context, messages)
        self.appointments = AppointmentsSection(context, messages)
        self.notes = NotesSection(context, messages)
        self.programme = ProgrammeSection(context, messages, printer)
        self.equipment = EquipmentSection(context, messages, printer)
        self.documents = DocumentsSection(context, messages, printer)
        self.discharge = DischargeSection(context, messages, printer)
        self.assessments = AssessmentsSection(context, messages)  # issue 14
        self.group_entries = GroupEntriesSection(context, messages)  # issue 14
        self.attachments = AttachmentsSection(context, messages)  # issue 16
        self.sections: list[Section] = [
            self.overview,
            self.goals,
            self.appointments,
            self.notes,
            self.programme,
            self.equipment,
            self.documents,
            self.discharge,
            self.assessments,
            self.group_entries,
            self.attachments,
        ]
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections of the record")
        for section in self.sections:
            self.tabs.addTab(section, section.title)
        self.tabs.currentChanged.connect(self._section_changed)
        self.appointments.discharge_proposed.connect(self._proposed)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.prompts)
        layout.addWidget(self.tabs)
        context.changes.child_changed.connect(self._record_changed)
        self._shortcuts()

    def _shortcuts(self) -> None:
        """Keys that work wherever the keyboard is in the record, not only on their own tab."""
        for keys, slot in (
            ("Ctrl+N", self.new_note),
            ("Ctrl+B", self.book),
            ("Ctrl+Tab", lambda: self.step_section(1)),
            ("Ctrl+Shift+Tab", lambda: self.step_section(-1)),
            ("Ctrl+Backtab", lambda: self.step_section(-1)),
        ):
            QShortcut(QKeySequence(keys), self, slot)

    def new_note(self) -> None:
        self.open_section(self.notes)
        self.notes.new_note()

    def book(self) -> None:
        self.open_section(self.appointments)
        self.appointments.open_book()

    def step_section(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        self.tabs.tabBar().setFocus()

    def focus_sections(self) -> None:
        """The keyboard starts on the section tabs: arrows, Ctrl+Tab and Alt+letter all work."""
        self.tabs.tabBar().setFocus()

    def show_child(self, child_id: str) -> None:
        """Open a child's record: the opening is audited once (switching sections is not)."""
        self.flush()
        if child_id != self.child_id:
            self.messages.clear()
        self.child_id = child_id
        self.header.setText("Loading…")
        me = self.context.me_id

        def viewed(session: Session) -> None:
            record_access(
                session, actor_id=me, action=AuditAction.VIEW, entity="child",
                record_id=child_id, child_id=child_id,
            )  # fmt: skip

        self.context.runner.write(viewed)
        self.context.runner.read(
            lambda session: caseload.child_summary(session, child_id=child_id),
            done=self._show_header,
            owner=self,
        )
        self._load_prompts(child_id)
        self.current_section().show_child(child_id)
        for section in self.sections:  # forms typed before the lock come back now, not later
            if section is not self.current_section() and section.waiting_for(child_id):
                section.show_child(child_id)

    def stash(self) -> dict[str, SectionStash]:
        """Every section's forms typed in and not submitted, by section title (before locking)."""
        kept = {section.title: section.stash() for section in self.sections}
        return {title: stash for title, stash in kept.items() if stash is not None}

    def restore(self, stashes: Mapping[str, SectionStash]) -> None:
        """Give the forms back once ``show_child`` shows the same child (after unlocking)."""
        for section in self.sections:
            if section.title in stashes:
                section.restore(stashes[section.title])

    def _show_header(self, summary: ChildSummary) -> None:
        interpreter = (
            f" · <b>◆ Interpreter: {language_name(summary.interpreter_language) or 'needed'}</b>"
            if summary.interpreter_needed
            else ""
        )
        setting = f" · {summary.setting_name}" if summary.setting_name else ""
        self.header.setText(
            f"<span style='font-size:large'><b>{summary.name}</b></span>"
            f" · NHS {summary.nhs_display} · born {summary.date_of_birth:%d %b %Y}"
            f"{setting}{interpreter}"
        )

    def current_section(self) -> Section:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, Section)
        return widget

    def open_section(self, section: Section) -> None:
        self.tabs.setCurrentWidget(section)

    def _section_changed(self, _index: int) -> None:
        self.messages.clear()  # a message was about the section left, not this one
        for section in self.sections:
            if section is not self.current_section():
                section.flush()
        section = self.current_section()
        if self.child_id and section.child_id != self.child_id:
            section.show_child(self.child_id)
        elif section.stale:
            section.stale = False
            section.reload()

    def _record_changed(self, child_id: str) -> None:
        if child_id != self.child_id:
            return
        for section in self.sections:
            if section.child_id == child_id and section is not self.current_section():
                section.stale = True
        self._load_prompts(child_id)
        self.context.runner.read(
            lambda session: caseload.child_summary(session, child_id=child_id),
            done=self._show_header,
            owner=self,
        )

    def _load_prompts(self, child_id: str) -> None:
        self.prompts.hide()
        self.prompts.clear()
        self.context.runner.read(
            lambda session: safeguarding.record_prompts(session, child_id=child_id),
            done=lambda prompts: self._show_prompts(child_id, prompts),
            owner=self,
        )

    def _show_prompts(self, child_id: str, prompts: list[str]) -> None:
        if child_id != self.child_id:
            return  # another child was opened meanwhile
        self.prompts.setText("<br>".join(f"⚠ {text}" for text in prompts))
        self.prompts.setVisible(bool(prompts))

    def _proposed(self, _episode_id: str, _message: str) -> None:
        self.open_section(self.discharge)

    def flush(self) -> None:
        for section in self.sections:
            section.flush()

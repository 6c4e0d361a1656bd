"""The overview section: contacts, language and interpreter, nursery or school, GP, episode."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from otvisit.services import caseload
from otvisit.services.caseload import ChildSummary
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.text import day_text, label, language_name


def _row(name: str, value: str) -> str:
    return f"<tr><td><b>{escape(name)}</b></td><td>{escape(value) or '—'}</td></tr>"


def languages_text(summary: ChildSummary) -> str:
    """``Urdu`` when the family speaks and reads one language, else ``Sylheti / Bengali``."""
    spoken = language_name(summary.spoken_language)
    written = language_name(summary.written_language)
    return spoken if spoken == written else f"{spoken} / {written}"


def overview_html(summary: ChildSummary) -> str:
    interpreter = (
        f"Yes — {language_name(summary.interpreter_language) or 'language not recorded'}"
        if summary.interpreter_needed
        else "No"
    )
    rows = [
        _row("NHS number", summary.nhs_display),
        _row("Date of birth", day_text(summary.date_of_birth)),
        _row("Address", ", ".join(p for p in (summary.address, summary.postcode) if p)),
        _row("Spoken / written language", languages_text(summary)),
        _row("Interpreter needed", interpreter),
        _row("Access needs", ", ".join(label(n) for n in summary.access_needs)),
        _row(label(summary.setting_type), summary.setting_name),
        _row("Contact there", summary.setting_contact),
        _row("Their phone / email", " ".join((summary.setting_phone, summary.setting_email))),
        _row("GP", summary.gp),
        _row("Therapist", summary.therapist_name),
        _row("Episode", label(summary.episode_status)),
    ]
    if summary.discharge_proposed_reason:
        rows.append(_row("Discharge proposed", label(summary.discharge_proposed_reason)))
    carers = "".join(
        _row(
            f"{c.relationship}{' (main contact)' if c.main_contact else ''}",
            " · ".join(p for p in (c.name, c.phone, c.email) if p),
        )
        for c in summary.carers
    )
    return (
        f"<table cellspacing='6'>{''.join(rows)}</table>"
        f"<h3>Parents and carers</h3><table cellspacing='6'>{carers or _row('None', '')}</table>"
    )


class OverviewSection(Section):
    title = "&Overview"

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setAccessibleName("Child overview")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: caseload.child_summary(session, child_id=child_id),
            done=lambda summary: self.body.setText(overview_html(summary)),
            owner=self,
        )

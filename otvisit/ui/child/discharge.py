"""The discharge section: confirm a proposed discharge, or discharge with a reason and summary."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import DischargeReason
from otvisit.services import caseload, episodes, safeguarding
from otvisit.services.caseload import ChildSummary
from otvisit.services.episodes import DischargeResult
from otvisit.ui.child.safeguarding import SafeguardingForm
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import day_text, label


class DischargeSection(Section):
    title = "Dis&charge"

    def __init__(
        self,
        context: AppContext,
        messages: MessageBar,
        printer: Printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, messages, parent)
        self.printer = printer
        self.summary: ChildSummary | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.proposal = QGroupBox("Discharge proposed")
        self.proposal_text = QLabel()
        self.proposal_text.setWordWrap(True)
        self.safeguarding = SafeguardingForm()
        self.save_check_button = QPushButton("Save &the safeguarding check")
        self.confirm_button = QPushButton("Conf&irm discharge")
        self.keep_button = QPushButton("Kee&p open")
        proposal_buttons = QHBoxLayout()
        proposal_buttons.addWidget(self.save_check_button)
        proposal_buttons.addWidget(self.confirm_button)
        proposal_buttons.addWidget(self.keep_button)
        proposal_buttons.addStretch(1)
        proposal_layout = QVBoxLayout(self.proposal)
        proposal_layout.addWidget(self.proposal_text)
        proposal_layout.addWidget(self.safeguarding)
        proposal_layout.addLayout(proposal_buttons)

        self.form = QGroupBox("Discharge with a reason")
        self.reason = QComboBox()
        for reason in DischargeReason:
            self.reason.addItem(label(reason.value), reason.value)
        self.reason.setAccessibleName("Discharge reason")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setAccessibleName("Discharge summary")
        self.summary_edit.setTabChangesFocus(True)
        self.discharge_button = QPushButton("Di&scharge")
        form = QFormLayout(self.form)
        form.addRow("&Reason", self.reason)
        form.addRow("S&ummary", self.summary_edit)
        form.addRow("", self.discharge_button)

        self.letter_button = QPushButton("Discharge &letter…")
        self.letter_button.setToolTip("In the family's language; choose another in the preview")
        letter_row = QHBoxLayout()
        letter_row.addWidget(self.letter_button)
        letter_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(letter_row)
        layout.addWidget(self.proposal)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.forms["discharge"] = {"reason": self.reason, "summary": self.summary_edit}
        self.save_check_button.clicked.connect(self.save_check)
        self.confirm_button.clicked.connect(self.confirm_proposal)
        self.keep_button.clicked.connect(self.keep_open)
        self.discharge_button.clicked.connect(self.discharge)
        self.letter_button.clicked.connect(self.print_letter)
        self.proposal.hide()
        self.letter_button.hide()

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: caseload.child_summary(session, child_id=child_id),
            done=self._show,
            owner=self,
        )

    def _show(self, summary: ChildSummary) -> None:
        self.summary = summary
        discharged = summary.episode_status == "discharged"
        self.status.setText(
            f"{summary.name}'s episode of care is <b>{label(summary.episode_status or 'none')}</b>."
        )
        proposed = summary.discharge_proposed_reason
        self.proposal.setVisible(bool(proposed) and not discharged)
        if proposed:
            self.proposal_text.setText(
                f"Discharge was proposed ({label(proposed)}): the child was not brought or not "
                "seen, and the family did not let us know. Complete the safeguarding check, "
                "then confirm the discharge, or keep the child open if the family has explained."
            )
            episode_id = summary.episode_id
            if episode_id is not None:
                self.context.runner.read(
                    lambda s: safeguarding.check_for_episode(s, episode_id=episode_id),
                    done=self.safeguarding.show_check,
                    owner=self,
                )
        self.form.setEnabled(not discharged and summary.episode_id is not None)
        self.letter_button.setVisible(discharged)
        self.shown()

    def clear(self) -> None:
        self.summary = None
        self.status.clear()
        self.proposal_text.clear()
        self.summary_edit.clear()
        self.proposal.hide()
        self.letter_button.hide()

    def print_letter(self) -> None:
        if self.child_id is not None:
            self.printer.make("discharge", child_id=self.child_id, parent=self)

    def _episode(self) -> str | None:
        if self.summary is None or self.summary.episode_id is None:
            self.messages.inform("This child has no episode of care to discharge.")
            return None
        return self.summary.episode_id

    def _write(self, fn: object, text: str, then: Callable[[], None] | None = None) -> None:
        def done(result: object) -> None:
            if isinstance(result, DischargeResult):
                self.messages.inform(f"{text} on {day_text(result.discharged_on)}.")
            else:
                self.messages.inform(text)
            if then is not None:
                then()
            self.changed()
            self.reload()

        self.context.runner.write(
            fn,  # type: ignore[arg-type]
            done=done,
            failed=lambda error: self.messages.problem(describe_error(error)),
            owner=self,
        )

    def confirm_proposal(self) -> None:
        episode_id, me = self._episode(), self.context.me_id
        if episode_id is None:
            return
        summary = self.summary_edit.toPlainText()

        answers = self.safeguarding.answers()

        def confirm(session: Session) -> DischargeResult:
            safeguarding.record_safeguarding_check(
                session, episode_id=episode_id, answers=answers, actor_id=me
            )
            return episodes.confirm_discharge(
                session, episode_id=episode_id, actor_id=me, summary=summary
            )

        # The discharge letter follows at once, copied to the GP, the school and the referrer.
        self._write(confirm, "Discharged", then=self.print_letter)

    def save_check(self) -> None:
        episode_id, me = self._episode(), self.context.me_id
        if episode_id is None:
            return
        answers = self.safeguarding.answers()
        self._write(
            lambda s: safeguarding.record_safeguarding_check(
                s, episode_id=episode_id, answers=answers, actor_id=me
            ),
            "Safeguarding check saved.",
        )

    def keep_open(self) -> None:
        episode_id, me = self._episode(), self.context.me_id
        if episode_id is None:
            return
        self._write(
            lambda s: episodes.withdraw_discharge_proposal(s, episode_id=episode_id, actor_id=me),
            "Kept open: the discharge proposal was withdrawn.",
        )

    def discharge(self) -> None:
        episode_id, me = self._episode(), self.context.me_id
        if episode_id is None:
            return
        reason = DischargeReason(self.reason.currentData())
        summary = self.summary_edit.toPlainText()
        self._write(
            lambda s: episodes.discharge_episode(
                s, episode_id=episode_id, reason=reason, summary=summary, actor_id=me
            ),
            "Discharged",
        )

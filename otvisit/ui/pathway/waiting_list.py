"""The waiting list window: children waiting on the 18-week clock, and referrals to decide."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.services import referrals, waiting_list
from otvisit.services.nhs_number import format_nhs_number
from otvisit.services.referrals import SOURCE_WORDS, ReferralToDecide
from otvisit.services.waiting_list import CLOCK_WEEKS, WaitingChild
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar
from otvisit.ui.pathway.new_referral import NewReferralDialog
from otvisit.ui.printing import Printer
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import day_text, label


class WaitingModel(RowsModel[WaitingChild]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Priority", "Child", "NHS number", "Weeks waited", "Band", "Received",
        "Initial appointment", "Family moves",
    )  # fmt: skip

    def texts(self, row: WaitingChild) -> tuple[str, ...]:
        booked = row.next_appointment
        language = row.interpreter_language
        return (
            label(row.priority.value),
            row.child_name + (f"  ◆ {language}" if language else ""),
            format_nhs_number(row.nhs_number),
            str(row.weeks_waited),
            row.band,
            day_text(row.received_on),
            day_text(booked.astimezone().date()) if booked else "not booked",
            str(row.family_reschedules) if row.family_reschedules else "",
        )

    def cell(self, row: WaitingChild, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and row.days_waited > CLOCK_WEEKS * 7:
            return f"Waiting more than {CLOCK_WEEKS} weeks"
        return super().cell(row, column, role)


class DecideModel(RowsModel[ReferralToDecide]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Received", "Child", "NHS number", "From", "Priority", "Reason",
    )  # fmt: skip

    def texts(self, row: ReferralToDecide) -> tuple[str, ...]:
        source = SOURCE_WORDS[row.source]
        return (
            day_text(row.received_on),
            row.child_name,
            format_nhs_number(row.nhs_number),
            f"{source}: {row.referrer_name}" if row.referrer_name else source,
            label(row.priority.value),
            row.reason,
        )


def _table(model: RowsModel[Any], name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class WaitingListWindow(QDialog):
    """Opened from the caseload; closed (and its data deleted) when the app locks."""

    def __init__(
        self, context: AppContext, printer: Printer, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.printer = printer
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Waiting list and referrals")
        self.context = context
        self.messages = MessageBar()
        self.today = date.today()
        self.bands = QLabel()
        self.bands.setWordWrap(True)
        self.waiting = WaitingModel(self)
        self.waiting_table = _table(self.waiting, "Children waiting")
        self.decide = DecideModel(self)
        self.decide_table = _table(self.decide, "Referrals to decide")
        self.accept_button = QPushButton("&Accept")
        self.decline_button = QPushButton("&Decline…")
        self.new_referral_button = QPushButton("&New referral…")
        self.dialog: FormDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.decline_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_referral_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addWidget(
            QLabel(
                f"<b>Waiting for a first appointment</b> — the {CLOCK_WEEKS}-week clock runs from "
                "the referral's receipt until the first appointment that takes place; urgent "
                "first, then the longest wait."
            )
        )
        layout.addWidget(self.bands)
        layout.addWidget(self.waiting_table, 3)
        layout.addWidget(QLabel("<b>Referrals to decide</b>"))
        layout.addWidget(self.decide_table, 2)
        layout.addLayout(buttons)
        self.accept_button.clicked.connect(self.accept_selected)
        self.decline_button.clicked.connect(self.open_decline)
        self.new_referral_button.clicked.connect(self.open_new_referral)
        self.resize(1000, 640)

    def reload(self) -> None:
        today = self.today
        team = self.context.me.team_id if self.context.me else None
        self.context.runner.read(
            lambda s: waiting_list.waiting_list(s, today=today, team_id=team),
            done=self._show_waiting,
            owner=self,
        )
        self.context.runner.read(
            lambda s: referrals.referrals_to_decide(s, team_id=team),
            done=self.decide.set_rows,
            owner=self,
        )

    def _show_waiting(self, rows: list[WaitingChild]) -> None:
        self.waiting.set_rows(rows)
        counts = waiting_list.band_counts(rows)
        parts = [f"{band} weeks: <b>{n}</b>" for band, n in counts.items()]
        over = sum(1 for row in rows if row.days_waited > CLOCK_WEEKS * 7)
        self.bands.setText(
            f"{len(rows)} waiting. " + " · ".join(parts) + f". Over {CLOCK_WEEKS} weeks: {over}."
        )

    def _chosen(self) -> ReferralToDecide | None:
        index = self.decide_table.currentIndex()
        if not index.isValid():
            self.messages.inform("Choose a referral in the list first.")
            return None
        return self.decide.row_at(index.row())

    def _write(self, fn: Any, text: str, then: Any = None) -> None:
        def done(_result: object) -> None:
            self.messages.inform(text)
            if then is not None:
                then()
            self.context.changes.child_changed.emit("")
            self.reload()

        self.context.runner.write(
            fn, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def accept_selected(self) -> None:
        chosen, me, today = self._chosen(), self.context.me_id, self.today
        if chosen is None:
            return
        self._write(
            lambda s: referrals.accept_referral(
                s, referral_id=chosen.referral_id, accepted_on=today, actor_id=me
            ),
            f"Accepted: {chosen.child_name} joins the waiting list.",
        )

    def open_decline(self) -> FormDialog | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        dialog = FormDialog(
            self,
            "Decline the referral",
            lambda: self._decline(chosen, dialog),
            intro=f"Why is the referral for {chosen.child_name} declined? The referrer and the "
            "family are told in a letter.",
            ok_text="Decline",
            name="decline",
            key=chosen.referral_id,
        )
        reason = QPlainTextEdit()
        reason.setTabChangesFocus(True)
        dialog.reason = dialog.add("&Reason", reason)  # type: ignore[attr-defined]
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_new_referral(self) -> NewReferralDialog:
        """The form for a referral just received; once kept it is in the referrals to decide."""
        dialog = NewReferralDialog(self, self.context, today=self.today)

        def kept(name: str) -> None:
            self.messages.inform(f"Referral kept: {name} is in the referrals to decide.")
            self.context.changes.child_changed.emit("")
            self.reload()

        dialog.saved.connect(kept)
        # Gone once closed (nothing of a child left in memory); the window forgets it then.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._form_closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _form_closed(self) -> None:
        self.dialog = None

    def _decline(self, chosen: ReferralToDecide, dialog: Any) -> None:
        why, me, today = dialog.reason.toPlainText(), self.context.me_id, self.today

        def decline(session: Session) -> None:
            referrals.decline_referral(
                session, referral_id=chosen.referral_id, declined_on=today, reason=why,
                actor_id=me,
            )  # fmt: skip

        def letter() -> None:
            # The letter to the referrer and the family, previewed to print or save.
            self.printer.make(
                "referral-declined",
                child_id=chosen.child_id,
                parent=self,
                source_id=chosen.referral_id,
            )

        self._write(decline, f"Declined: the referral for {chosen.child_name}.", then=letter)

"""The caseload screen: search as you type, my children or the team's, today's appointments."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from otvisit.services import caseload, disruption
from otvisit.services.caseload import CaseloadFilter, CaseloadRow
from otvisit.services.today import TodayAppointment, todays_appointments
from otvisit.ui.caseload.models import CHILD_ID_ROLE, SCHOOL_COLUMN, CaseloadModel, TodayModel
from otvisit.ui.context import AppContext

MINE, TEAM = 0, 1


def _table(model: CaseloadModel | TodayModel, name: str, *, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    # Sized when rows arrive, not on every keystroke (ResizeToContents measures all rows).
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # The nursery or school takes the room left over, not the short Status column.
    table.horizontalHeader().setStretchLastSection(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setTabKeyNavigation(False)  # Tab moves on to the next control, arrows move in the table
    return table


class CaseloadView(QWidget):
    """Find a child quickly; Enter or a double click opens their record."""

    open_child = Signal(str)
    #: The waiting list and referral decisions (issue 14).
    open_waiting_list = Signal()
    #: My diary: a day or a week of my visits (issue 14).
    open_diary = Signal()
    #: The strike-day list of families to phone (issue 14).
    open_contact_list = Signal()
    #: Emitted once the first list has arrived (the app is then interactive).
    loaded = Signal()
    #: The Groups screen (group sessions and parent coaching) was asked for.
    open_groups = Signal()
    #: The family experience surveys screen was asked for.
    open_surveys = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = CaseloadModel(self)
        self.today_model = TodayModel(self)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, NHS number or school  (Ctrl+F)")
        self.search.setAccessibleName("Search the caseload")
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.addItems(["My children", "Whole team"])
        self.scope.setAccessibleName("Whose children")
        self.interpreter_only = QCheckBox("Needs an &interpreter")
        self.include_discharged = QCheckBox("Show &discharged")
        self.count = QLabel()

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.scope)
        filters.addWidget(self.interpreter_only)
        filters.addWidget(self.include_discharged)
        filters.addWidget(self.count)
        # The service's screens sit in a row of their own under the filters.
        service = QHBoxLayout()
        self.diary_button = QPushButton("My di&ary…")
        self.diary_button.clicked.connect(self.open_diary)
        self.waiting_list_button = QPushButton("&Waiting list…")
        self.waiting_list_button.clicked.connect(self.open_waiting_list)
        self.groups_button = QPushButton("Gro&ups…")
        self.groups_button.clicked.connect(self.open_groups)
        self.surveys_button = QPushButton("Family &surveys…")
        self.surveys_button.clicked.connect(self.open_surveys)
        self.contact_button = QPushButton("Families to &phone…")
        self.contact_button.setToolTip("Families to contact about a disrupted (strike) day")
        self.contact_button.clicked.connect(self.open_contact_list)
        for button in (
            self.diary_button,
            self.waiting_list_button,
            self.groups_button,
            self.surveys_button,
            self.contact_button,
        ):
            service.addWidget(button)
        service.addStretch(1)

        self.table = _table(self.model, "Children on the caseload", stretch=SCHOOL_COLUMN)
        self.today_table = _table(self.today_model, "Today's appointments", stretch=1)
        self.today_label = QLabel("<b>Today</b>")
        today_box = QWidget()
        today_layout = QVBoxLayout(today_box)
        today_layout.setContentsMargins(0, 0, 0, 0)
        today_layout.addWidget(self.today_label)
        today_layout.addWidget(self.today_table)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(QLabel("<b>Children</b>"))
        list_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(today_box)
        splitter.addWidget(list_box)
        splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(service)
        layout.addWidget(splitter)
        self.setTabOrder(self.search, self.scope)
        self.setTabOrder(self.scope, self.interpreter_only)
        self.setTabOrder(self.interpreter_only, self.include_discharged)
        self.setTabOrder(self.include_discharged, self.table)
        self.setTabOrder(self.table, self.today_table)

        self.search.textChanged.connect(self._apply_filter)
        self.scope.currentIndexChanged.connect(self._apply_filter)
        self.interpreter_only.toggled.connect(self._apply_filter)
        self.include_discharged.toggled.connect(self._apply_filter)
        self.search.returnPressed.connect(self._open_first)
        self.table.activated.connect(self._open_index)
        self.today_table.activated.connect(self._open_today)
        context.changes.child_changed.connect(lambda _child_id: self.refresh())
        self._apply_filter()

    def refresh(self) -> None:
        if self.context.locked:  # filled again when unlocked
            return
        today = date.today()
        me = self.context.me_id
        self.context.runner.read(caseload.list_caseload, done=self._show_rows, owner=self)
        team = self.context.me.team_id if self.context.me else None
        if team is not None:
            self.context.runner.read(
                lambda s: disruption.families_not_contacted(s, team_id=team, today=today),
                done=self._show_not_contacted,
                owner=self,
            )
        self.context.runner.read(
            lambda session: todays_appointments(session, day=today, therapist_id=me),
            done=self._show_today,
            owner=self,
        )

    def _show_not_contacted(self, count: int) -> None:
        suffix = f" ({count} not contacted)" if count else ""
        self.contact_button.setText(f"Families to &phone{suffix}…")

    def _show_rows(self, rows: list[CaseloadRow]) -> None:
        if self.context.locked:  # a read that finished after the lock
            return
        self.model.today = date.today()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()  # names and ages in full, at any text size
        self._update_count()
        self.loaded.emit()

    def _show_today(self, rows: list[TodayAppointment]) -> None:
        if self.context.locked:
            return
        self.today_model.set_rows(rows)
        self.today_table.resizeColumnsToContents()
        when = date.today().strftime("%A %d %B")
        self.today_label.setText(f"<b>Today</b> — {when}: {len(rows)} appointment(s)")

    def _apply_filter(self) -> None:
        mine = self.scope.currentIndex() == MINE and self.context.me_id is not None
        self.model.set_filter(
            CaseloadFilter(
                text=self.search.text(),
                therapist_id=self.context.me_id if mine else None,
                interpreter_only=self.interpreter_only.isChecked(),
                include_discharged=self.include_discharged.isChecked(),
            )
        )
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def _update_count(self) -> None:
        self.count.setText(f"{self.model.rowCount()} of {self.model.total()}")

    def _open_first(self) -> None:
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else 0
        if self.model.rowCount():
            self.open_child.emit(self.model.row_at(row).child_id)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_child.emit(str(index.data(CHILD_ID_ROLE)))

    def _open_today(self, index: QModelIndex) -> None:
        self.open_child.emit(str(index.data(CHILD_ID_ROLE)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # View → Text size: widths follow the text
            self.table.resizeColumnsToContents()
            self.today_table.resizeColumnsToContents()
        super().changeEvent(event)

    def put_away(self) -> str:
        """Forget every row (names, NHS numbers) and the search typed; returns the search."""
        typed = self.search.text()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_rows([])
        self.today_model.set_rows([])
        self.today_label.setText("<b>Today</b>")
        self._update_count()
        return typed

    def bring_back(self, typed: str) -> None:
        self.search.setText(typed)
        self.refresh()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

"""My diary window: a day or a week of my visits, opened from the caseload."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.services import diary
from otvisit.services.diary import DiaryDay, DiaryVisit
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import label


def gap_text(minutes: int | None) -> str:
    if minutes is None:
        return "first visit"
    if minutes < 0:
        return f"overlaps by {-minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


class DiaryModel(RowsModel[DiaryVisit]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Day", "Time", "Child", "Type", "Place", "Where", "Postcode", "Interpreter",
        "Gap before",
    )  # fmt: skip

    def texts(self, row: DiaryVisit) -> tuple[str, ...]:
        starts = row.starts_at.astimezone(SERVICE_TIMEZONE)
        ends = row.ends_at.astimezone(SERVICE_TIMEZONE)
        return (
            f"{starts:%a %d %b}",
            f"{starts:%H:%M}–{ends:%H:%M}",
            row.child_name,
            label(row.kind.value),
            label(row.place.value),
            row.where,
            row.postcode,
            f"◆ {row.interpreter_language}" if row.interpreter_booked else "",
            gap_text(row.gap_before_minutes),
        )


class DiaryWindow(QDialog):
    """Closed (and its data deleted) when the app locks, like every window but the main one."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("My diary")
        self.context = context
        self.messages = MessageBar()
        self.day = date.today()
        self.span = QComboBox()
        self.span.addItem("Day", 1)
        self.span.addItem("Week", 7)
        self.span.setAccessibleName("Day or week")
        self.previous_button = QPushButton("◀ &Earlier")
        self.today_button = QPushButton("&Today")
        self.next_button = QPushButton("&Later ▶")
        self.heading = QLabel()
        self.model = DiaryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("My appointments")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        bar = QHBoxLayout()
        for widget in (self.span, self.previous_button, self.today_button, self.next_button):
            bar.addWidget(widget)
        bar.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.span.currentIndexChanged.connect(self.reload)
        self.previous_button.clicked.connect(lambda: self._move(-1))
        self.next_button.clicked.connect(lambda: self._move(1))
        self.today_button.clicked.connect(self._today)
        self.resize(1000, 520)

    @property
    def days(self) -> int:
        return int(self.span.currentData())

    def first_day(self) -> date:
        return diary.week_start(self.day) if self.days == 7 else self.day

    def _move(self, steps: int) -> None:
        self.day += timedelta(days=self.days * steps)
        self.reload()

    def _today(self) -> None:
        self.day = date.today()
        self.reload()

    def reload(self) -> None:
        me = self.context.me_id
        if me is None:
            self.messages.inform("Sign in to see your diary.")
            return
        start, days = self.first_day(), self.days
        self.context.runner.read(
            lambda s: diary.my_diary(s, therapist_id=me, start=start, days=days),
            done=self._show,
            owner=self,
        )

    def _show(self, days: list[DiaryDay]) -> None:
        visits = [visit for day in days for visit in day.visits]
        self.model.set_rows(visits)
        first, last = days[0].day, days[-1].day
        span = f"{first:%A %d %B %Y}" if first == last else f"{first:%d %b} – {last:%d %b %Y}"
        self.heading.setText(f"<b>{span}</b> · {len(visits)} visit(s)")

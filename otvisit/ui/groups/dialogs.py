"""The Groups screen's dialogs: book a group (with the interpreters it needs), move a family."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from otvisit.models.vocabulary import Place
from otvisit.services.group_views import FamilyChoice, needs_by_language
from otvisit.ui.forms import FormDialog
from otvisit.ui.text import place_text

CHILD_ID_ROLE = Qt.ItemDataRole.UserRole


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), tz=UTC)


class BookGroupDialog(FormDialog):
    """Title, time, place or link, families; the interpreters needed update as ticks change."""

    def __init__(
        self,
        parent: QWidget,
        on_ok: Callable[[], None],
        *,
        families: list[FamilyChoice],
        programmes: list[tuple[str, str]],
    ) -> None:
        super().__init__(parent, "Book a group session", on_ok, ok_text="Book", name="book group")
        self.families = families
        self.title = self.add("&Title", QLineEdit("Parent coaching"))
        self.programme = self.add("&Programme", QComboBox())
        self.programme.setEditable(True)
        self.programme.addItem("", None)
        for programme_id, title in programmes:
            self.programme.addItem(title, programme_id)
        self.programme.setToolTip("Choose a programme, type a new one's name, or leave empty")
        self.when = self.add("&When", QDateTimeEdit(to_qt(datetime.now(UTC) + timedelta(days=7))))
        self.when.setCalendarPopup(True)
        self.minutes = self.add("&Minutes", QSpinBox())
        self.minutes.setRange(30, 120)
        self.minutes.setSingleStep(15)
        self.minutes.setValue(60)
        self.place = self.add("Whe&re", QComboBox())
        for place in (Place.CLINIC, Place.VIRTUAL, Place.SCHOOL, Place.NURSERY, Place.HOME):
            self.place.addItem(place_text(place.value), place.value)
        self.location = self.add("Room or video &link", QLineEdit())
        self.location.setPlaceholderText("Room and address, or https://… for a video call")
        self.capacity = self.add("Pla&ces", QSpinBox())
        self.capacity.setRange(1, 30)
        self.capacity.setValue(8)
        self.list = self.add("&Families", QListWidget())
        for family in families:
            extra = f"  ◆ {family.interpreter_language}" if family.interpreter_language else ""
            item = QListWidgetItem(f"{family.name} ({family.nhs_display}){extra}")
            item.setData(CHILD_ID_ROLE, family.child_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        self.needs.setAccessibleName("Interpreters needed")
        self.form.addRow("Interpreters needed", self.needs)
        self.list.itemChanged.connect(lambda _item: self.show_needs())
        self.show_needs()

    def chosen(self) -> list[FamilyChoice]:
        return [
            family
            for row, family in enumerate(self.families)
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def choose(self, child_ids: list[str]) -> None:
        """Tick these families (what a click on each box does)."""
        for row, family in enumerate(self.families):
            if family.child_id in child_ids:
                self.list.item(row).setCheckState(Qt.CheckState.Checked)

    def show_needs(self) -> None:
        chosen = self.chosen()
        needs = needs_by_language((f.name, f.interpreter_language) for f in chosen)
        if not needs:
            text = f"{len(chosen)} families chosen; none needs an interpreter."
        else:
            lines = [f"◆ {n.language}: {', '.join(n.families)}" for n in needs]
            text = f"{len(chosen)} families chosen. Book interpreters for:<br>" + "<br>".join(lines)
        self.needs.setText(text)

    def values(self, team_id: str) -> dict[str, object]:
        """What the booking service checks (GroupBooking)."""
        return {
            "team_id": team_id,
            "title": self.title.text(),
            "starts_at": from_qt(self.when.dateTime()),
            "duration_minutes": self.minutes.value(),
            "place": self.place.currentData(),
            "location": self.location.text(),
            "capacity": self.capacity.value(),
            "child_ids": tuple(f.child_id for f in self.chosen()),
        }

    def programme_choice(self) -> tuple[str | None, str]:
        """(existing programme id, or None) and the typed title for a new one."""
        text = self.programme.currentText().strip()
        index = self.programme.findText(text)
        if index > 0:
            return self.programme.itemData(index), ""
        return None, text


class MoveFamilyDialog(FormDialog):
    """Move one family's place to another session; a family's request counts (two at most)."""

    def __init__(
        self,
        parent: QWidget,
        on_ok: Callable[[], None],
        *,
        family: str,
        sessions: tuple[tuple[str, str], ...],
    ) -> None:
        super().__init__(
            parent,
            "Move a family to another session",
            on_ok,
            intro=f"Move {family}'s place. The rest of the group keeps its time.",
            ok_text="Move",
            name="move family",
        )
        self.session = self.add("&To session", QComboBox())
        for session_id, text in sessions:
            self.session.addItem(text, session_id)
        self.by_family = self.add("Asked by the &family", QCheckBox())
        self.by_family.setChecked(True)

"""The main window: it only assembles the features, menus, shortcuts and the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from otvisit.services.caseload import TherapistRef
from otvisit.ui.caseload.view import CaseloadView
from otvisit.ui.context import AppContext
from otvisit.ui.locking import Locker
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.sync.status import SyncBar
from otvisit.ui.welcome import WelcomePage
from otvisit.ui.window_settings import TEXT_SIZES, WindowSettings, apply_text_size

if TYPE_CHECKING:
    from otvisit.ui.child.record import ChildRecordView
    from otvisit.ui.child.stash import SectionStash

#: Shortcuts, shown under Help and in docs/keyboard.md.
SHORTCUTS = (
    ("Ctrl+F", "Search the caseload"),
    ("Enter", "Open the selected child"),
    ("Esc / Alt+Left", "Back to the caseload"),
    ("Alt+underlined letter", "Go to a section or press a button"),
    ("Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous section of the record"),
    ("Ctrl+N", "New session note (from anywhere in the record)"),
    ("Ctrl+S", "Save the note now (it also saves by itself)"),
    ("Ctrl+B", "Book an appointment (from anywhere in the record)"),
    ("Ctrl+P", "Preview the home programme handout"),
    ("Ctrl+Shift+R", "New referral (opens the waiting list with the form)"),
    ("F5", "Sync now"),
    ("Ctrl+Shift+K", "Sync conflicts"),
    ("Ctrl+L", "Lock now (your password unlocks)"),
    ("Ctrl+Q", "Quit (the note is saved first)"),
    ("F1", "This list"),
)


@dataclass(frozen=True)
class PutAway:
    """Where the therapist was when the app locked (kept in memory, off the screen)."""

    page: str
    search: str
    child_id: str | None
    section: int
    #: Forms typed in and not submitted (the note, an addendum, a new goal…) by section title.
    forms: dict[str, SectionStash]


class MainWindow(QMainWindow):
    demo_wanted = Signal()

    def __init__(
        self,
        context: AppContext,
        *,
        profile_label: str = "",
        settings: WindowSettings | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.settings = settings or WindowSettings(None)
        apply_text_size(self.settings.text_size)  # before any widget measures its text
        self.title = f"otvisit{f' — {profile_label}' if profile_label else ''}"
        self.setWindowTitle(self.title)
        self.messages = MessageBar()
        self.printer = Printer(context, self.messages, self)
        self.welcome = WelcomePage(context)
        self.caseload = CaseloadView(context)
        #: Built when the first child is opened (its eight sections are not needed to start).
        self.record: ChildRecordView | None = None
        self.pages = QStackedWidget()
        for page in (self.welcome, self.caseload):
            self.pages.addWidget(page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.messages)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.sync_bar = SyncBar(context)
        self.statusBar().addPermanentWidget(self.sync_bar)
        self.locked_label = QLabel("Locked")
        self.statusBar().addWidget(self.locked_label)
        self.locked_label.hide()
        self.conflicts: Any = None
        self.put_away: PutAway | None = None
        self.locker = Locker(
            self,
            context,
            put_away=self._put_away,
            bring_back=self._bring_back,
            can_lock=lambda: self.pages.currentWidget() is not self.welcome,  # nothing to hide
        )

        self.caseload.scope.setCurrentIndex(1 if self.settings.whole_team else 0)
        self.caseload.scope.currentIndexChanged.connect(self._remember_scope)
        self.pages.currentChanged.connect(lambda _page: self.messages.clear())
        self.caseload.open_child.connect(self.open_child)
        self.caseload.open_waiting_list.connect(self.show_waiting_list)
        self.caseload.open_diary.connect(self.show_diary)
        self.caseload.open_contact_list.connect(self.show_contact_list)
        self.caseload.loaded.connect(self._first_paint_done)
        self.caseload.open_groups.connect(self.show_groups)
        self.caseload.open_surveys.connect(self.show_surveys)
        self.groups: Any = None  # the Groups screen, built when first opened
        self.surveys: Any = None  # the family surveys screen, built when first opened
        self.sync_bar.open_conflicts.connect(self.show_conflicts)
        self.sync_bar.said.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.welcome.demo_wanted.connect(self.demo_wanted)
        self.welcome.signed_in.connect(self._after_sign_in)
        context.runner.error.connect(self.messages.problem)
        self._menus()
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Where and how big the therapist left it; the first time, most of the screen."""
        geometry = self.settings.geometry
        if geometry is not None and self.restoreGeometry(geometry):
            return
        screen = self.screen().availableGeometry()
        self.resize(int(screen.width() * 0.9), int(screen.height() * 0.9))
        self.move(
            screen.x() + (screen.width() - self.width()) // 2,
            screen.y() + (screen.height() - self.height()) // 2,
        )

    def _remember_scope(self, index: int) -> None:
        self.settings.whole_team = index == 1

    def set_text_size(self, percent: int) -> None:
        """View → Text size: every screen follows the application's font; kept per profile."""
        self.settings.text_size = percent
        apply_text_size(percent)
        for action in self.text_size_actions:
            action.setChecked(action.data() == percent)
        self.statusBar().showMessage(f"Text size {percent} %", 5000)

    def _action(
        self,
        menu_name: str,
        text: str,
        keys: str | QKeySequence.StandardKey | list[str],
        slot: object,
    ) -> QAction:
        menu = self._menu(menu_name)
        action = QAction(text, self)
        if isinstance(keys, list):
            action.setShortcuts([QKeySequence(k) for k in keys])
        else:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _menu(self, name: str) -> QMenu:
        menu = self._menus_by_name.get(name)
        if menu is None:
            menu = self._menus_by_name[name] = self.menuBar().addMenu(name)
        return menu

    def _menus(self) -> None:
        # Menu letters (F, V, Y, H) are kept apart from the record's sections (O, G, A, N,
        # M, E, D, C): tests/ui/test_keyboard.py walks every page for clashes.
        self._menus_by_name: dict[str, QMenu] = {}
        self._action("&File", "Open the &demo caseload", [], self.demo_wanted)
        self._action("&File", "New &referral…", "Ctrl+Shift+R", self.new_referral)
        self.lock_action = self._action("&File", "&Lock now", "Ctrl+L", self.lock)
        self.lock_action.setProperty("in_dialogs", True)  # Ctrl+L locks with a form open too
        self._action("&File", "Lock &after…", [], self.choose_lock_time)
        self._action("&File", "&Quit", "Ctrl+Q", self.close)
        self._action("&View", "&Find a child", "Ctrl+F", self.find_child)
        self._action("&View", "Back to the &caseload", ["Esc", "Alt+Left"], self.show_caseload)
        self._action("&View", "&Preview handout", "Ctrl+P", self._preview_handout)
        sizes = self._menu("&View").addMenu("&Text size")
        group = QActionGroup(self)
        self.text_size_actions: list[QAction] = []
        for percent in TEXT_SIZES:
            action = QAction(f"&{percent} %" if percent == 100 else f"{percent} %", self)
            action.setCheckable(True)
            action.setData(percent)
            action.setChecked(percent == self.settings.text_size)
            action.triggered.connect(lambda _checked=False, p=percent: self.set_text_size(p))
            group.addAction(action)
            sizes.addAction(action)
            self.text_size_actions.append(action)
        self._action("S&ync", "&Sync now", "F5", self.sync_bar.sync_now)
        self._action("S&ync", "&Conflicts…", "Ctrl+Shift+K", self.show_conflicts)
        self._action("&Help", "&Keyboard shortcuts", "F1", self.show_shortcuts)

    # --- pages ------------------------------------------------------------------------------

    def start(self, *, first_run: bool) -> None:
        """Show the welcome page on a first run, else the caseload; sync starts after it shows.

        The idle lock starts watching once the caseload is on screen: its event filter runs
        Python for every event of the application, and the start-up paints are thousands.
        """
        if first_run:
            self.locker.start()
            self.pages.setCurrentWidget(self.welcome)
            self.sync_bar.start()
        else:
            self.pages.setCurrentWidget(self.caseload)
            self.caseload.focus_search()
            self.caseload.refresh()

    def _first_paint_done(self) -> None:
        # The sync client (httpx, pydantic) loads after the caseload is on screen, not before.
        self.caseload.loaded.disconnect(self._first_paint_done)
        if not self.locker.locked:
            self.locker.start()
        self.sync_bar.start()

    def _after_sign_in(self, user: Any) -> None:
        """Signed in on the welcome page: she is the therapist now; fetch her team's caseload."""
        self.context.me = TherapistRef(user.therapist_id, user.full_name, user.team_id)
        self.pages.setCurrentWidget(self.caseload)
        self.caseload.focus_search()
        self.caseload.refresh()
        self.sync_bar.sync_now()

    def show_caseload(self) -> None:
        if self.pages.currentWidget() is self.welcome:
            return
        if self.record is not None:
            self.record.flush()
        self.pages.setCurrentWidget(self.caseload)
        self.caseload.focus_search()

    def find_child(self) -> None:
        if self.pages.currentWidget() is self.welcome:
            return
        self.show_caseload()

    def record_view(self) -> ChildRecordView:
        if self.record is None:
            from otvisit.ui.child.record import ChildRecordView  # loads on the first child

            self.record = ChildRecordView(self.context, self.messages, self.printer)
            self.record.back.connect(self.show_caseload)
            self.pages.addWidget(self.record)
        return self.record

    def open_child(self, child_id: str) -> None:
        record = self.record_view()
        self.pages.setCurrentWidget(record)
        record.show_child(child_id)
        record.focus_sections()

    def show_groups(self) -> None:
        if self.groups is None:
            from otvisit.ui.groups.view import GroupsView

            self.groups = GroupsView(self.context, self.messages)
            self.groups.back.connect(self.show_caseload)
            self.pages.addWidget(self.groups)
        self.pages.setCurrentWidget(self.groups)
        self.groups.refresh()

    def show_surveys(self) -> None:
        if self.surveys is None:
            from otvisit.ui.surveys.view import SurveysView

            self.surveys = SurveysView(self.context, self.messages)
            self.surveys.back.connect(self.show_caseload)
            self.pages.addWidget(self.surveys)
        self.pages.setCurrentWidget(self.surveys)
        self.surveys.refresh()

    def _preview_handout(self) -> None:
        if self.record is not None and self.pages.currentWidget() is self.record:
            self.record.open_section(self.record.programme)
            self.record.programme.preview("handout")

    # --- locking --------------------------------------------------------------------------------

    def lock(self) -> None:
        self.locker.lock()

    def choose_lock_time(self) -> None:
        self.locker.choose_idle_time(self)

    def _put_away(self) -> None:
        """Save drafts, then take every child's data off the screen and out of the widgets."""
        page = "record" if self.pages.currentWidget() is self.record else "caseload"
        child_id, section, forms = None, 0, {}
        record, self.record = self.record, None
        if record is not None:
            child_id, section = record.child_id, record.tabs.currentIndex()
            forms = record.stash()  # before the flush: the note's words as typed
            record.flush()
            self.pages.removeWidget(record)
            record.hide()
            record.deleteLater()  # its sections, dialogs and data go with it
        for screen in (self.groups, self.surveys):
            if screen is not None:
                screen.put_away()
        self.put_away = PutAway(page, self.caseload.put_away(), child_id, section, forms)
        self.pages.setCurrentWidget(self.caseload)
        self.printer.close_preview()
        if self.conflicts is not None:
            self.conflicts.close()
            self.conflicts.deleteLater()
            self.conflicts = None
        for window in QApplication.topLevelWidgets():
            if window is not self and window.isVisible():
                window.close()
        self.messages.hide()
        self.messages.label.clear()
        self.sync_bar.hide()
        self.locked_label.show()
        self.setWindowTitle(f"{self.title} — locked")
        for action in self.actions():
            action.setEnabled(False)

    def _bring_back(self) -> None:
        for action in self.actions():
            action.setEnabled(True)
        self.setWindowTitle(self.title)
        self.locked_label.hide()
        self.sync_bar.show()
        self.sync_bar.refresh()
        away, self.put_away = self.put_away, None
        if away is None:
            return
        self.caseload.bring_back(away.search)
        if away.child_id is None or (away.page != "record" and not away.forms):
            self.caseload.focus_search()
            return
        record = self.record_view()
        record.restore(away.forms)
        record.tabs.setCurrentIndex(away.section)
        if away.page == "record":
            self.open_child(away.child_id)
        else:  # on the caseload, with a form half filled in the record behind: keep it there
            record.show_child(away.child_id)
            self.caseload.focus_search()

    def show_waiting_list(self) -> Any:
        from otvisit.ui.pathway.waiting_list import WaitingListWindow

        window = WaitingListWindow(self.context, self.printer, self)
        window.reload()
        window.show()
        return window

    def new_referral(self) -> Any:
        """File → New referral: the waiting list opens with the referral form in front."""
        if self.pages.currentWidget() is self.welcome or self.locker.locked:
            return None
        return self.show_waiting_list().open_new_referral()

    def show_diary(self) -> Any:
        from otvisit.ui.diary import DiaryWindow

        window = DiaryWindow(self.context, self)
        window.reload()
        window.show()
        return window

    def show_contact_list(self) -> Any:
        from otvisit.ui.pathway.contact_list import ContactListWindow

        window = ContactListWindow(self.context, self)
        window.reload()
        window.show()
        return window

    def show_conflicts(self) -> None:
        if self.conflicts is None:
            from otvisit.ui.sync.conflicts import ConflictsDialog  # the sync client loads here

            self.conflicts = ConflictsDialog(self.context, self)
        self.conflicts.reload()
        self.conflicts.show()
        self.conflicts.raise_()

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS
        )
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setText(f"<table cellspacing='6'>{rows}</table>")
        box.open()

    # --- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save any draft, let the worker finish writing it, then close."""
        self.settings.geometry = self.saveGeometry()
        if self.record is not None:
            self.record.flush()
        self.locker.stop()
        self.sync_bar.timer.stop()
        self.context.runner.wait_for_workers()
        event.accept()


def status_text(window: MainWindow) -> str:
    """Everything the status bar says (for tests and screen readers)."""
    return " · ".join(
        label.text() for label in window.sync_bar.findChildren(QLabel) if label.text()
    )

"""The main window: it only assembles the features, menus, shortcuts and the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from otvisit.ui.caseload.view import CaseloadView
from otvisit.ui.child.record import ChildRecordView
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.sync.status import SyncBar
from otvisit.ui.welcome import WelcomePage

#: Shortcuts, shown under Help and in docs/keyboard.md.
SHORTCUTS = (
    ("Ctrl+F", "Search the caseload"),
    ("Enter", "Open the selected child"),
    ("Esc / Alt+Left", "Back to the caseload"),
    ("Alt+underlined letter", "Go to a section or press a button"),
    ("Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous section of the record"),
    ("Ctrl+N", "New session note"),
    ("Ctrl+S", "Save the note now (it also saves by itself)"),
    ("Ctrl+B", "Book an appointment"),
    ("Ctrl+P", "Preview the home programme handout"),
    ("F5", "Sync now"),
    ("Ctrl+Shift+K", "Sync conflicts"),
    ("Ctrl+Q", "Quit (the note is saved first)"),
    ("F1", "This list"),
)


class MainWindow(QMainWindow):
    demo_wanted = Signal()

    def __init__(self, context: AppContext, *, profile_label: str = "") -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(f"otvisit{f' — {profile_label}' if profile_label else ''}")
        self.messages = MessageBar()
        self.printer = Printer(context, self.messages, self)
        self.welcome = WelcomePage(context)
        self.caseload = CaseloadView(context)
        self.record = ChildRecordView(context, self.messages, self.printer)
        self.pages = QStackedWidget()
        for page in (self.welcome, self.caseload, self.record):
            self.pages.addWidget(page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.messages)
        layout.addWidget(self.pages)
        self.setCentralWidget(central)
        self.sync_bar = SyncBar(context)
        self.statusBar().addPermanentWidget(self.sync_bar, 1)
        self.conflicts: Any = None

        self.caseload.open_child.connect(self.open_child)
        self.record.back.connect(self.show_caseload)
        self.sync_bar.open_conflicts.connect(self.show_conflicts)
        self.welcome.demo_wanted.connect(self.demo_wanted)
        self.welcome.signed_in.connect(lambda _user: self._after_sign_in())
        context.runner.error.connect(self.messages.problem)
        self._menus()
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        # Sized from the font, so 125–150 % scaling grows the window with the text.
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 150, metrics.height() * 42)

    def _action(
        self,
        menu_name: str,
        text: str,
        keys: str | QKeySequence.StandardKey | list[str],
        slot: object,
    ) -> QAction:
        menu = self._menus_by_name.get(menu_name) or self.menuBar().addMenu(menu_name)
        self._menus_by_name[menu_name] = menu
        action = QAction(text, self)
        if isinstance(keys, list):
            action.setShortcuts([QKeySequence(k) for k in keys])
        else:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        self._menus_by_name: dict[str, object] = {}
        self._action("&File", "Open the &demo caseload", [], self.demo_wanted)
        self._action("&File", "&Quit", "Ctrl+Q", self.close)
        self._action("&Go", "&Find a child", "Ctrl+F", self.find_child)
        self._action("&Go", "Back to the &caseload", ["Esc", "Alt+Left"], self.show_caseload)
        self._action("&Go", "&Preview handout", "Ctrl+P", self._preview_handout)
        self._action("&Sync", "&Sync now", "F5", self.sync_bar.sync_now)
        self._action("&Sync", "&Conflicts…", "Ctrl+Shift+K", self.show_conflicts)
        self._action("&Help", "&Keyboard shortcuts", "F1", self.show_shortcuts)

    # --- pages ------------------------------------------------------------------------------

    def start(self, *, first_run: bool) -> None:
        """Show the welcome page on a first run, else the caseload; start background sync."""
        self.sync_bar.start()
        if first_run:
            self.pages.setCurrentWidget(self.welcome)
        else:
            self.pages.setCurrentWidget(self.caseload)
            self.caseload.focus_search()
            self.caseload.refresh()

    def _after_sign_in(self) -> None:
        self.show_caseload()
        self.sync_bar.sync_now()

    def show_caseload(self) -> None:
        if self.pages.currentWidget() is self.welcome:
            return
        self.record.flush()
        self.pages.setCurrentWidget(self.caseload)
        self.caseload.focus_search()

    def find_child(self) -> None:
        if self.pages.currentWidget() is self.welcome:
            return
        self.show_caseload()

    def open_child(self, child_id: str) -> None:
        self.pages.setCurrentWidget(self.record)
        self.record.show_child(child_id)

    def _preview_handout(self) -> None:
        if self.pages.currentWidget() is self.record:
            self.record.open_section(self.record.programme)
            self.record.programme.preview("handout")

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
        self.record.flush()
        self.sync_bar.timer.stop()
        self.context.runner.wait_for_workers()
        event.accept()


def status_text(window: MainWindow) -> str:
    """Everything the status bar says (for tests and screen readers)."""
    return " · ".join(
        label.text() for label in window.sync_bar.findChildren(QLabel) if label.text()
    )

"""First start: connect this laptop to the team's server, or open the demo caseload."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from otvisit.ui.context import AppContext
from otvisit.ui.tasks import describe_error

if TYPE_CHECKING:
    from otvisit.sync.protocol import SignedInUser


class WelcomePage(QWidget):
    """Two ways in: the team's server (device registered, token in the keyring) or the demo."""

    signed_in = Signal(object)
    demo_wanted = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        intro = QLabel(
            "<h2>Welcome to otvisit</h2>"
            "<p>Visit records, goals and handouts that work without a network. "
            "Connect this laptop to your team's server once; after that it works offline "
            "and syncs when it can.</p>"
        )
        intro.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://ot.example.nhs.uk")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.device = QLineEdit(platform.node() or "Laptop")
        self.connect_button = QPushButton("&Connect")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        server = QGroupBox("Connect to your team's server")
        form = QFormLayout(server)
        for caption, widget in (
            ("Server &address", self.url),
            ("&Username", self.username),
            ("&Password", self.password),
            ("&Name of this laptop", self.device),
        ):
            widget.setAccessibleName(caption.replace("&", ""))
            form.addRow(caption, widget)
        form.addRow("", self.connect_button)
        form.addRow(self.feedback)
        demo = QGroupBox("Just looking?")
        self.demo_button = QPushButton("Open the &demo caseload")
        demo_layout = QVBoxLayout(demo)
        demo_layout.addWidget(QLabel("Made-up children, kept apart from real records."))
        demo_layout.addWidget(self.demo_button)
        row = QHBoxLayout()
        row.addWidget(server, 2)
        row.addWidget(demo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.connect_button.clicked.connect(self.connect_to_server)
        self.password.returnPressed.connect(self.connect_to_server)
        self.demo_button.clicked.connect(self.demo_wanted)

    def connect_to_server(self) -> None:
        url, user, password = (
            self.url.text().strip(),
            self.username.text().strip(),
            self.password.text(),
        )
        device = self.device.text().strip()
        store = self.context.runner.store
        self.connect_button.setEnabled(False)
        self.feedback.setText("Connecting…")

        def work() -> SignedInUser:
            from otvisit.services.unlock import MIN_PASSWORD_LENGTH, set_unlock_password
            from otvisit.sync.client.login import login  # httpx loads on the worker

            with store.transaction() as session:
                signed_in = login(
                    session, server_url=url, username=user, password=password, device_name=device
                )
                # Her own password unlocks the laptop later, checked offline; one too short
                # for a lock is not kept (the first lock asks for a longer one).
                if len(password) >= MIN_PASSWORD_LENGTH:
                    set_unlock_password(session, password=password)
                return signed_in

        def done(user: SignedInUser) -> None:
            self.password.clear()
            self.feedback.setText(f"Signed in as {user.full_name}. Fetching the caseload…")
            self.signed_in.emit(user)

        def failed(error: Exception) -> None:
            self.connect_button.setEnabled(True)
            self.feedback.setText(describe_error(error))

        self.context.runner.run(work, done=done, failed=failed, owner=self)

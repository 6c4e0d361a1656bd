"""Export the child's record as FHIR for the trust's main record: to a file the therapist picks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy.orm import Session

from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.tasks import describe_error


class RecordExport(QObject):
    """Export record (FHIR)…: a save dialog in the last export folder, then the export, audited.

    The Bundle is built and validated on the database lane, never on the GUI thread; the
    file is written whole or not at all.
    """

    def __init__(self, context: AppContext, messages: MessageBar, printer: Printer) -> None:
        super().__init__(printer)
        self.context = context
        self.messages = messages
        self.printer = printer
        self.dialog: QFileDialog | None = None

    def open_dialog(self, child_id: str, parent: QWidget) -> QFileDialog:
        name = f"otvisit-record-{date.today().isoformat()}.json"
        dialog = QFileDialog(
            parent,
            "Export the record for the trust (FHIR)",
            str(self.printer.export_folder() / name),
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("FHIR JSON (*.json)")
        dialog.setDefaultSuffix("json")
        dialog.fileSelected.connect(lambda chosen: self.export(child_id, Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, child_id: str, target: Path) -> None:
        self.printer.remember_export_folder(target.parent)
        me = self.context.me_id

        def work(session: Session) -> str:
            from otvisit.atomic import write_atomically
            from otvisit.fhir.export import bundle_json, export_child

            text = bundle_json(export_child(session, child_id=child_id, actor_id=me))
            write_atomically(text.encode("utf-8"), target)
            return target.name

        self.context.runner.write(
            work,
            done=lambda name: self.messages.inform(
                f"Saved {name}: the record as FHIR R4 for the trust's systems."
            ),
            failed=lambda error: self.messages.problem(describe_error(error)),
        )

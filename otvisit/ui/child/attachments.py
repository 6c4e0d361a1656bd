"""Photos and files on the child's record: attach, take a photo, consent, view and delete."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AttachmentKind
from otvisit.services import attachments, photo_consent
from otvisit.services.attachment_blobs import blob_bytes
from otvisit.services.attachment_files import CleanFile, clean_file, read_chosen_file, thumbnail_png
from otvisit.services.attachments import AttachmentSummary
from otvisit.services.errors import DomainError
from otvisit.ui.child.attachment_dialogs import (
    AttachmentViewer,
    ConsentDialog,
    DetailsDialog,
    Subject,
)
from otvisit.ui.child.camera import CameraDialog, find_cameras
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error

FILE_FILTER = "Photos, scans and PDFs (*.jpg *.jpeg *.png *.heic *.heif *.pdf);;All files (*)"
VIEW_SIDE = 1600


@dataclass(frozen=True)
class ConsentView:
    consent_id: str
    words: str
    photos: int


@dataclass(frozen=True)
class Loaded:
    rows: list[AttachmentSummary]
    #: PNG thumbnails by attachment id, made on the worker thread.
    thumbnails: dict[str, bytes]
    consent: ConsentView | None
    subjects: list[Subject]


def _load(session: Session, child_id: str) -> Loaded:
    rows = attachments.child_attachments(session, child_id=child_id)
    thumbnails: dict[str, bytes] = {}
    for row in rows:
        if row.here and row.is_image:
            data = blob_bytes(session, row.sha256)
            if data is not None:
                thumbnails[row.id] = thumbnail_png(data)
    consent = photo_consent.current_consent(session, child_id=child_id)
    view = None
    if consent is not None:
        count = len(photo_consent.photos_under(session, consent_id=consent.id))
        relationship = (
            f" ({consent.given_by_relationship})" if consent.given_by_relationship else ""
        )
        view = ConsentView(
            consent.id,
            f"Photo consent from {consent.given_by}{relationship} on "
            f"{consent.given_on:%d %b %Y}: {photo_consent.USE_WORDS[consent.use]}.",
            count,
        )
    subjects = attachments.subject_choices(session, child_id=child_id)
    return Loaded(rows, thumbnails, view, subjects)


def _guess_kind(name: str) -> AttachmentKind:
    return AttachmentKind.DOCUMENT if name.lower().endswith(".pdf") else AttachmentKind.PHOTO


class AttachmentsSection(Section):
    # No letter: every letter of its name is taken elsewhere (Ctrl+Tab reaches it).
    title = "Photos and files"

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.loaded: Loaded | None = None
        self.file_dialog: QFileDialog | None = None
        self.camera: CameraDialog | None = None
        self.confirm: QMessageBox | None = None
        self.viewer: AttachmentViewer | None = None
        self.consent_label = QLabel()
        self.consent_label.setAccessibleName("Photo consent")
        self.consent_label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Photos and files of the child")
        self.list.setIconSize(QSize(96, 96))
        self.list.itemActivated.connect(lambda _item: self.view_selected())
        self.add_button = QPushButton("Add from f&ile…")
        self.camera_button = QPushButton("Ta&ke photo…")
        self.consent_button = QPushButton("Record photo con&sent…")
        self.withdraw_button = QPushButton("&Withdraw consent…")
        self.view_button = QPushButton("O&pen")
        self.delete_button = QPushButton("De&lete…")
        top = QHBoxLayout()
        top.addWidget(self.consent_label, 1)
        top.addWidget(self.consent_button)
        top.addWidget(self.withdraw_button)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.camera_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.view_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.choose_file)
        self.camera_button.clicked.connect(self.take_photo)
        self.consent_button.clicked.connect(self.open_consent)
        self.withdraw_button.clicked.connect(self.ask_withdraw)
        self.view_button.clicked.connect(self.view_selected)
        self.delete_button.clicked.connect(self.ask_delete)

    # --- loading ---

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: _load(session, child_id),
            done=self._show,
            failed=lambda e: self.messages.problem(describe_error(e)),
            owner=self,
        )

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.list.clear()
        for row in loaded.rows:
            subject = next(
                (words for kind, sid, words in loaded.subjects if sid == row.subject_id), ""
            )
            waiting = "" if row.here else " — arrives with the next sync"
            text = (
                f"{attachments.KIND_WORDS[row.kind]}, {row.taken_on:%d %b %Y}: "
                f"{row.caption or '(no caption)'}\n{subject}{waiting}"
            )
            item = QListWidgetItem(text)
            item.setIcon(self._icon(loaded.thumbnails.get(row.id)))
            self.list.addItem(item)
        if loaded.rows:
            self.list.setCurrentRow(0)
        consent = loaded.consent
        self.consent_label.setText(
            escape(consent.words)
            if consent
            else "<b>No photo consent recorded.</b> Photos of the child cannot be attached "
            "until consent is recorded; scans and PDFs can."
        )
        self.withdraw_button.setEnabled(consent is not None)
        self.shown()

    def selected(self) -> AttachmentSummary | None:
        row = self.list.currentRow()
        if self.loaded is None or row < 0 or row >= len(self.loaded.rows):
            return None
        return self.loaded.rows[row]

    # --- attaching ---

    def choose_file(self) -> QFileDialog | None:
        if self.child_id is None:
            return None
        dialog = QFileDialog(self, "Attach a photo, scan or PDF", str(Path.home()), FILE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(lambda chosen: self.describe(Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _icon(self, thumbnail: bytes | None) -> QIcon:
        """The thumbnail centred on a square (portrait and landscape rows start their words at
        the same place), or a file's icon for a PDF or a photo still to arrive."""
        side = self.list.iconSize().width()
        square = QPixmap(side, side)
        square.fill(Qt.GlobalColor.transparent)
        if thumbnail is None:
            picture = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(side // 2)
        else:
            picture = QPixmap()
            picture.loadFromData(thumbnail, "PNG")
            picture = picture.scaled(
                side, side, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
        painter = QPainter(square)
        painter.drawPixmap((side - picture.width()) // 2, (side - picture.height()) // 2, picture)
        painter.end()
        return QIcon(square)

    def take_photo(self) -> CameraDialog | None:
        found, problem = find_cameras()
        if not found:
            self.messages.inform(problem)
            return None
        dialog = CameraDialog(self, found[0])
        dialog.taken.connect(lambda data: self.describe(None, data=data))
        dialog.failed.connect(self.messages.inform)
        dialog.finished.connect(dialog.deleteLater)
        self.camera = dialog
        dialog.open()
        return dialog

    def describe(self, path: Path | None, *, data: bytes | None = None) -> DetailsDialog | None:
        """After the file or photo: what it is, what it belongs to, the caption, the date."""
        if self.child_id is None or self.loaded is None:
            return None
        name = path.name if path is not None else "the photo from the camera"
        kind = _guess_kind(path.name) if path is not None else AttachmentKind.PHOTO

        def ok() -> None:
            self.attach(path, data, dialog.values(), name)

        dialog = DetailsDialog(
            self, file_name=name, kind=kind, subjects=self.loaded.subjects, on_ok=ok
        )
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def attach(
        self, path: Path | None, data: bytes | None, values: dict[str, object], name: str
    ) -> None:
        """Consent and subject checked first; the file is read and cleaned on the slow lane
        (Pillow, off the GUI thread), then kept in one transaction."""
        child_id, me, runner = self.child_id, self.context.me_id, self.context.runner
        if child_id is None:
            return
        failed = self._attach_failed
        try:
            details = attachments.check_attachment_details(
                {**values, "child_id": child_id, "file_name": name[:300]}
            )
        except DomainError as error:
            failed(error)
            return

        def clean() -> CleanFile:
            raw = data if data is not None else read_chosen_file(path)  # type: ignore[arg-type]
            return clean_file(raw, kind=details.kind, name=name)

        def keep(cleaned: CleanFile) -> None:
            runner.write(
                lambda session: attachments.attach_clean_file(
                    session, details=details, clean=cleaned, actor_id=me
                ),
                done=lambda _id: self._attached(details.kind),
                failed=failed,
            )

        self.messages.inform(f"Attaching {name}…")
        runner.read(
            lambda session: attachments.check_can_attach(session, details=details),
            done=lambda _none: runner.run(clean, done=keep, failed=failed),
            failed=failed,
        )

    def _attach_failed(self, error: Exception) -> None:
        self.messages.problem(f"Not attached: {describe_error(error)}")

    def _attached(self, kind: AttachmentKind) -> None:
        self.messages.inform(f"{attachments.KIND_WORDS[kind]} attached to the record.")
        self.reload()
        self.changed()

    # --- consent ---

    def open_consent(self) -> ConsentDialog | None:
        child_id = self.child_id
        if child_id is None:
            return None

        def ok() -> None:
            me = self.context.me_id
            try:
                details = photo_consent.check_consent_details(dialog.values(child_id))
            except DomainError as error:
                self.messages.problem(describe_error(error))
                return
            self.context.runner.write(
                lambda session: photo_consent.record_consent(session, details=details, actor_id=me),
                done=lambda _id: self._consent_changed("Photo consent recorded."),
                failed=lambda e: self.messages.problem(describe_error(e)),
            )

        dialog = ConsentDialog(self, ok)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_withdraw(self) -> QMessageBox | None:
        consent = self.loaded.consent if self.loaded else None
        if consent is None:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Withdraw photo consent")
        box.setText(
            f"{consent.words}\n\nWithdrawing it deletes the {consent.photos} photo(s) taken "
            "under it from the record on every laptop once synced, and they will not appear in "
            "any letter or report from now on. Letters already printed are not changed."
        )
        withdraw = box.addButton("&Withdraw and delete photos", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        me = self.context.me_id

        def chosen() -> None:
            if box.clickedButton() is not withdraw:
                return
            self.context.runner.write(
                lambda session: photo_consent.withdraw_consent(
                    session, consent_id=consent.consent_id, actor_id=me
                ),
                done=lambda n: self._consent_changed(
                    f"Photo consent withdrawn; {n} photo(s) deleted."
                ),
                failed=lambda e: self.messages.problem(describe_error(e)),
            )

        box.finished.connect(lambda _result: chosen())
        self.confirm = box
        box.open()
        return box

    def _consent_changed(self, words: str) -> None:
        self.messages.inform(words)
        self.reload()
        self.changed()

    # --- viewing and deleting ---

    def view_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.messages.inform("Choose a photo or file first.")
            return
        me = self.context.me_id

        def read(session: Session) -> tuple[AttachmentSummary, QImage | None, bytes | None]:
            summary, data = attachments.open_attachment(
                session, attachment_id=chosen.id, actor_id=me
            )  # audited as a view
            if not summary.is_image:
                return summary, None, data
            image = QImage.fromData(data)  # decoded on the worker thread
            if max(image.width(), image.height()) > VIEW_SIDE:
                image = image.scaled(
                    VIEW_SIDE, VIEW_SIDE, aspectMode=Qt.AspectRatioMode.KeepAspectRatio
                )
            return summary, image, None

        self.context.runner.write(
            read, done=self._open_viewer, failed=lambda e: self.messages.problem(describe_error(e))
        )

    def _open_viewer(self, result: tuple[AttachmentSummary, QImage | None, bytes | None]) -> None:
        summary, image, pdf = result
        viewer = AttachmentViewer(self, summary, image=image, pdf=pdf)
        viewer.finished.connect(viewer.deleteLater)
        self.viewer = viewer
        viewer.open()

    def ask_delete(self) -> QMessageBox | None:
        chosen = self.selected()
        if chosen is None:
            self.messages.inform("Choose a photo or file first.")
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete from the record")
        box.setText(
            f"Delete “{chosen.caption or attachments.KIND_WORDS[chosen.kind]}” from the record? "
            "It is removed on every laptop once synced, and from future documents."
        )
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        me = self.context.me_id

        def chosen_button() -> None:
            if box.clickedButton() is not delete:
                return
            self.context.runner.write(
                lambda session: attachments.delete_attachment(
                    session, attachment_id=chosen.id, actor_id=me
                ),
                done=lambda _none: self._consent_changed("Deleted from the record."),
                failed=lambda e: self.messages.problem(describe_error(e)),
            )

        box.finished.connect(lambda _result: chosen_button())
        self.confirm = box
        box.open()
        return box

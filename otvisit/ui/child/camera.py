"""Taking a photo with the laptop's camera (QtMultimedia), kept in memory, never in a file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QLoggingCategory, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

NO_CAMERA = "No camera found on this laptop — use Add from file."
NO_MULTIMEDIA = (
    "This installation of otvisit cannot use a camera (Qt's multimedia part is missing) — "
    "use Add from file."
)
#: QtMultimedia names every optional system library it looks for (PipeWire, VA-API) and does
#: not find; none is needed for a webcam. QT_LOGGING_RULES still overrides this.
_QUIET = "qt.multimedia.symbolsresolver=false"


def find_cameras() -> tuple[list[Any], str]:
    """The laptop's cameras, and, when there is none, why in the therapist's words."""
    QLoggingCategory.setFilterRules(_QUIET)
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # a PySide6 installed without its add-ons (a Linux distribution's)
        return [], NO_MULTIMEDIA
    found = list(QMediaDevices.videoInputs())
    return found, "" if found else NO_CAMERA


def jpeg_bytes(image: QImage, quality: int = 92) -> bytes:
    """A captured frame as JPEG bytes in memory (it is cleaned and re-encoded on attaching)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", quality)
    return bytes(buffer.data().data())


class CameraDialog(QDialog):
    """A live view and a Take button; the picture goes to ``taken`` as JPEG bytes, and a camera
    that fails (in use by another program, unplugged, refused) to ``failed`` as a message."""

    taken = Signal(bytes)
    failed = Signal(str)

    def __init__(self, parent: QWidget, device: Any) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
        self._has_failed = False
        self.setWindowTitle("Take a photo")
        self.camera = QCamera(device, self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        # capture() hands the frame over in memory; captureToFile() would leave a clear file.
        self.capture = QImageCapture(self)
        self.session.setImageCapture(self.capture)
        view = QVideoWidget(self)
        self.session.setVideoOutput(view)
        self.capture.imageCaptured.connect(self._captured)
        self.capture.errorOccurred.connect(lambda _id, _error, text: self._failed(text))
        self.camera.errorOccurred.connect(lambda _error, text: self._failed(text))
        take = QPushButton("&Take the photo")
        take.clicked.connect(self.capture.capture)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(take, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        self.finished.connect(lambda _result: self.camera.stop())
        self.resize(800, 600)
        # Started from the event loop: an error then reaches whoever connected ``failed``.
        QTimer.singleShot(0, self, self._start)  # not run once the dialog is gone

    def _start(self) -> None:
        if not self.isVisible():
            return  # closed before the camera started
        if self.camera.error() != self.camera.Error.NoError:  # gone since it was listed
            self._failed(self.camera.errorString())
            return
        self.camera.start()

    def _failed(self, text: str) -> None:
        if self._has_failed:
            return  # the camera and the capture both report one failure: one message
        self._has_failed = True
        self.failed.emit(f"The camera could not take the photo ({text}) — use Add from file.")
        self.reject()

    def _captured(self, _request: int, image: QImage) -> None:
        self.taken.emit(jpeg_bytes(image))
        self.accept()

"""Taking a photo with the laptop's camera (QtMultimedia), kept in memory, never in a file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

NO_CAMERA = "No camera found on this laptop — use Add from file."


def cameras() -> list[Any]:
    """The laptop's cameras; none where QtMultimedia is not installed or there is no camera."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # the app ships PySide6-Essentials; QtMultimedia is an add-on
        return []
    return list(QMediaDevices.videoInputs())


def jpeg_bytes(image: QImage, quality: int = 92) -> bytes:
    """A captured frame as JPEG bytes in memory (it is cleaned and re-encoded on attaching)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", quality)
    return bytes(buffer.data().data())


class CameraDialog(QDialog):
    """A live view and a Take button; the picture goes to ``taken`` as JPEG bytes."""

    taken = Signal(bytes)

    def __init__(self, parent: QWidget, device: Any) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
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
        self.capture.errorOccurred.connect(lambda *_args: self.reject())
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
        self.camera.start()

    def _captured(self, _request: int, image: QImage) -> None:
        self.taken.emit(jpeg_bytes(image))
        self.accept()

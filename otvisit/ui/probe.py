"""Headless check that Qt starts here and QtPdf reads a PDF (for ``otvisit selftest``)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class QtProbeResult:
    """What the probe found: Qt's version, the platform it started and the PDF's page count."""

    qt_version: str
    pyside_version: str
    platform: str
    pdf_pages: int | None
    pdf_text_chars: int | None
    #: Cameras QtMultimedia lists; None where QtMultimedia is missing from the install.
    cameras: int | None = None


def choose_platform() -> str | None:
    """The platform to ask for: the user's choice, else offscreen when there is no display."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None  # Qt reads the variable itself
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "offscreen"
    return None


def probe_qt(pdf: bytes | None = None) -> QtProbeResult:
    """Start a QGuiApplication (or reuse the running one) and, if given, open ``pdf`` with QtPdf.

    Qt is imported here, not at module level, so that importing this module costs nothing.
    Raises RuntimeError with a readable message when QtPdf cannot read the document.
    """
    platform = choose_platform()
    if platform is not None:
        os.environ["QT_QPA_PLATFORM"] = platform
    import PySide6
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, qVersion
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPdf import QPdfDocument

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] if sys.argv else "otvisit"])
    platform_name = QGuiApplication.platformName()
    pages: int | None = None
    text_chars: int | None = None
    if pdf is not None:
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)  # synchronous for an open device
        if document.status() != QPdfDocument.Status.Ready:
            error = document.error()
            raise RuntimeError(f"QtPdf could not read the handout ({error.name}).")
        pages = document.pageCount()
        text_chars = len(document.getAllText(0).text().strip()) if pages else 0
        document.close()
        buffer.close()
    from otvisit.ui.child.camera import NO_MULTIMEDIA, find_cameras

    found, problem = find_cameras()
    cameras = None if problem == NO_MULTIMEDIA else len(found)
    del app  # the application object lives on as Qt's singleton; nothing to tear down here
    return QtProbeResult(
        qt_version=qVersion(),
        pyside_version=PySide6.__version__,
        platform=platform_name,
        pdf_pages=pages,
        pdf_text_chars=text_chars,
        cameras=cameras,
    )

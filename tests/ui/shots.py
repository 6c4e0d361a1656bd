"""Screenshots from GUI tests: into docs/screenshots only when asked (OTVISIT_SCREENSHOTS=1)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Grab the widget as it is on screen; the README's copy is refreshed only on request."""
    folder = DOCS if os.environ.get("OTVISIT_SCREENSHOTS") == "1" else Path(tempfile.gettempdir())
    path = folder / name
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path

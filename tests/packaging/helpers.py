"""Reading ``otvisit selftest`` output in tests: which checks passed, which failed."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

#: Every check the selftest runs, in order.
CHECK_NAMES = (
    "version",
    "bundled resources",
    "local store",
    "credential store",
    "attachments (photos, HEIC, PDF)",
    "Arabic handout",
    "Bengali handout",
    "Qt and QtPdf",
    "desktop window",
)


def window_code_exists() -> bool:
    """The desktop window module (otvisit.ui.app) is written by the UI work; until it lands the
    selftest rightly reports it missing."""
    return importlib.util.find_spec("otvisit.ui.app") is not None


def checklist(output: str) -> dict[str, bool]:
    """{check name: passed} from the ✓/✗ lines of the selftest's output."""
    found = {}
    for line in output.splitlines():
        mark, _, rest = line.partition(" ")
        if mark in ("✓", "✗"):
            found[rest.split(":", 1)[0]] = mark == "✓"
    return found


def expected_failures() -> set[str]:
    return set() if window_code_exists() else {"desktop window"}


def headless_env(home: Path) -> dict[str, str]:
    """An environment like IT's terminal on a machine without a desktop session."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "DISPLAY", "WAYLAND"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), OTVISIT_INSECURE_KEY_FILE="1")
    env.pop("OTVISIT_DATA_DIR", None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def load_script(name: str) -> ModuleType:
    """A module from packaging/ by file (that folder is not a package: the name ``packaging``
    belongs to the PyPI library that pip and pytest import)."""
    path = Path(__file__).resolve().parents[2] / "packaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"otvisit_packaging_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

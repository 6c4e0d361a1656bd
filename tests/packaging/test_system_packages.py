"""The system libraries Qt's X11 platform loads are all installed (or listed) by the scripts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"


def _script_libraries() -> dict[str, str]:
    """Shared library -> Debian package, as scripts/system-packages pairs them."""
    body = SCRIPT.read_text().split("libraries=(", 1)[1].split(")", 1)[0]
    words = [w for line in body.splitlines() for w in line.split("#")[0].split()]
    return dict(zip(words[::2], words[1::2], strict=True))


def _needed(library: Path) -> set[str]:
    """The libraries an ELF file loads, directly or through the ones it names."""
    ldd = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=True)
    return {line.split()[0] for line in ldd.stdout.splitlines() if "=>" in line}


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd (Linux)")
def test_every_x11_library_qt_loads_is_in_system_packages() -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    xcb = qt / "plugins" / "platforms" / "libqxcb.so"
    if not xcb.exists():
        pytest.skip("this PySide6 has no xcb platform plugin")
    wanted = {
        name
        for library in (xcb, *qt.glob("lib/libQt6XcbQpa.so*"), *qt.glob("lib/libQt6Gui.so*"))
        for name in _needed(library)
        if re.match(r"lib(xcb|xkbcommon|X11|EGL|GL\.|fontconfig|dbus)", name)
    }
    listed = _script_libraries()
    assert {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"} <= wanted
    assert wanted - listed.keys() == set()


def test_packaging_readme_lists_what_the_script_installs() -> None:
    listed = subprocess.run(
        ["bash", str(SCRIPT), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    readme = (ROOT / "packaging" / "README.md").read_text()
    command = readme.split("sudo apt-get install", 1)[1].split("```", 1)[0]
    assert set(command.replace("\\", " ").split()) == set(listed) - {"poppler-utils", "chromium"}
    assert set(_script_libraries().values()) <= set(listed)

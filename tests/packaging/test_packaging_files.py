"""The packaging files agree with each other: icon, desktop entry, installer script, version."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from otvisit import __version__
from tests.packaging.helpers import load_script

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
build, icon = load_script("build"), load_script("icon")


def test_the_committed_icons_are_what_the_drawing_script_makes(tmp_path: Path) -> None:
    icon.write_icons(tmp_path)
    assert (tmp_path / "otvisit.svg").read_text() == (ICONS / "otvisit.svg").read_text()
    with Image.open(tmp_path / "otvisit.png") as fresh, Image.open(ICONS / "otvisit.png") as kept:
        assert kept.size == (256, 256)
        assert fresh.tobytes() == kept.tobytes()


def test_the_windows_icon_holds_every_size_explorer_asks_for() -> None:
    with Image.open(ICONS / "otvisit.ico") as ico:
        assert set(ico.info["sizes"]) >= {(16, 16), (32, 32), (48, 48), (256, 256)}


def test_the_icons_are_installed_resources() -> None:
    from importlib.resources import files

    assert (files("otvisit.resources") / "icons" / "otvisit.png").is_file()


def test_the_desktop_entry_starts_otvisit_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "packaging" / "linux" / "otvisit.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert (desktop["Type"], desktop["Exec"], desktop["Icon"]) == (
        "Application",
        "otvisit",
        "otvisit",
    )
    assert desktop["Terminal"] == "false"
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, ROOT / "packaging/linux/otvisit.desktop"], check=False)
        assert checked.returncode == 0


def test_the_version_has_one_source() -> None:
    assert build.version() == __version__
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert "version" not in pyproject["project"]  # no second, static version
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "otvisit.__version__"}


@pytest.mark.parametrize(
    "needle",
    [
        "AppVersion={#AppVersion}",  # the version comes from the build, not the script
        "PrivilegesRequired=lowest",  # installs per user without admin rights
        r'Name: "{autoprograms}\otvisit"; Filename: "{app}\otvisit.exe"',  # start menu entry
        r'Name: "{localappdata}\otvisit"; Flags: uninsneveruninstall',  # data kept on uninstall
        "otvisit-cli.exe",  # IT's console program for selftest
    ],
)
def test_the_windows_installer_script_has(needle: str) -> None:
    assert needle in (ROOT / "packaging" / "windows" / "otvisit.iss").read_text(encoding="utf-8")


def test_the_installer_names_only_programs_the_spec_builds() -> None:
    spec = (ROOT / "packaging" / "otvisit.spec").read_text(encoding="utf-8")
    iss = (ROOT / "packaging" / "windows" / "otvisit.iss").read_text(encoding="utf-8")
    built = set(re.findall(r'executable\("([\w-]+)"', spec))
    named = set(re.findall(r"\{app\}\\([\w-]+)\.exe", iss))
    assert named and named <= built

"""Build the Linux bundle from a clean copy of the source; run the frozen program as IT would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from otvisit import __version__
from tests.packaging.helpers import CHECK_NAMES, checklist, expected_failures, headless_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle"),
    pytest.mark.timeout(900),
]


def clean_copy(target: Path) -> Path:
    """The source tree as a fresh checkout has it: files git knows or would add, nothing ignored
    (no .venv, build/, dist/, caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip(
        "PyInstaller", reason='needs the packaging extra: pip install ".[packaging]"'
    )
    base = tmp_path_factory.mktemp("frozen")
    source = clean_copy(base / "checkout")
    subprocess.run(
        [sys.executable, str(source / "packaging" / "build.py"), "--no-archive",
         "--dist", str(base / "dist"), "--work", str(base / "work")],
        cwd=source, check=True, timeout=840,
    )  # fmt: skip
    return base / "dist" / "otvisit"


def run_frozen(program: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program), *args], capture_output=True, text=True, encoding="utf-8",
        env=headless_env(home), cwd=home, timeout=240, check=False,
    )  # fmt: skip


def test_frozen_version(bundle: Path, tmp_path: Path) -> None:
    done = run_frozen(bundle / "otvisit", "--version", home=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, f"otvisit {__version__}")


def test_frozen_selftest(bundle: Path, tmp_path: Path) -> None:
    done = run_frozen(bundle / "otvisit", "selftest", home=tmp_path)
    found = checklist(done.stdout)
    assert tuple(found) == CHECK_NAMES, done.stdout + done.stderr
    assert {name for name, ok in found.items() if not ok} == expected_failures(), done.stdout
    assert done.returncode == (1 if expected_failures() else 0)
    assert f"installed app in {bundle}" in done.stdout
    assert f"fonts in {bundle}" in done.stdout  # resources come from the bundle, not the source
    # Every screen's module imports in the bundle (a missing library shows on opening a child).
    from otvisit.commands.selftest import import_window_modules

    assert f"the desktop window's {import_window_modules()} modules load" in done.stdout


def test_bundle_is_self_contained_and_lean(bundle: Path) -> None:
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    # 322 MB with QtMultimedia and its FFmpeg for the camera (+24 MB); a guard against growth.
    assert size < 340e6, f"bundle grew to {size / 1e6:.0f} MB"
    names = {p.name for p in bundle.rglob("*")}
    assert not {n for n in names if "Qt6Quick" in n or "Qt6WebEngine" in n}
    assert not any(n.startswith(("fastapi", "uvicorn", "pytest")) for n in names)
    assert {"otvisit.desktop", "otvisit.svg", "install.sh"} <= names


def test_linux_install_script_adds_menu_entry_and_command(bundle: Path, tmp_path: Path) -> None:
    places = {"PREFIX": "opt/otvisit", "BINDIR": "bin", "SHARE": "share"}
    env = {**headless_env(tmp_path), **{k: str(tmp_path / v) for k, v in places.items()}}
    subprocess.run(["sh", str(bundle / "install.sh")], env=env, check=True, timeout=120)
    entry = (tmp_path / "share/applications/otvisit.desktop").read_text(encoding="utf-8")
    assert f"Exec={tmp_path}/opt/otvisit/otvisit\n" in entry
    assert (tmp_path / "share/icons/hicolor/scalable/apps/otvisit.svg").is_file()
    done = run_frozen(tmp_path / "bin" / "otvisit", "--version", home=tmp_path)
    assert done.stdout.strip() == f"otvisit {__version__}"

"""Each side installs alone into a clean venv: the server without Qt, the laptop without the server.

The otvisit wheel is built from this checkout, then installed (``--no-deps``) into a fresh
``python -m venv`` on top of one lock file installed with ``--require-hashes`` (the pip cache
makes it quick and needs no network once warm). Inside each venv a script imports what that
side runs and checks that the other side's heavy dependencies cannot be imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SERVER_CHECK = """
import importlib.util, sys, tempfile, pathlib
for name in ("PySide6", "shiboken6", "reportlab", "keyring"):
    assert importlib.util.find_spec(name) is None, f"{name} is installed on the server"
import otvisit.sync.protocol, otvisit.sync.server.app
from otvisit.sync.server.config import ServerSettings
from otvisit.sync.server.database import Database
from fastapi.testclient import TestClient
folder = pathlib.Path(tempfile.mkdtemp())
settings = ServerSettings(database_url=f"sqlite:///{folder / 'server.db'}")
database = Database(settings.database_url)
database.migrate()
with TestClient(otvisit.sync.server.app.create_app(settings, database=database)) as client:
    page = client.get("/console/sign-in")
    assert page.status_code == 200 and "nhsuk-header" in page.text, page.text[:300]
    css = client.get("/console/static/nhsuk-frontend.min.css")
    assert css.status_code == 200 and ".nhsuk-header" in css.text, css.status_code
import psycopg, uvicorn
print("server side ok")
"""

DESKTOP_CHECK = """
import importlib.util
for name in ("uvicorn", "psycopg", "fastapi", "starlette", "jinja2"):
    assert importlib.util.find_spec(name) is None, f"{name} is installed on the laptop"
import PySide6.QtWidgets, otvisit.sync.protocol, otvisit.sync.client.engine, otvisit.ui.app
import otvisit.reports
print("desktop side ok")
"""


@pytest.fixture(scope="module")
def otvisit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    static = ROOT / "otvisit" / "sync" / "server" / "console" / "static"
    assert (static / "nhsuk-frontend.min.css").exists(), "run scripts/build-console first"
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (wheel,) = out.glob("otvisit-*.whl")
    return wheel


def _install(venv: Path, lock: str, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile"]
    for args in (["--require-hashes", "-r", str(ROOT / "requirements" / lock)],
                 ["--no-deps", str(wheel)]):  # fmt: skip
        done = subprocess.run([*pip, *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return python


def _run(python: Path, script: str, tmp_path: Path) -> str:
    # Run from an empty folder, so the checkout's otvisit/ can't be imported instead.
    done = subprocess.run(
        [str(python), "-c", textwrap.dedent(script)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_server_installs_without_qt_and_serves_the_console(
    otvisit_wheel: Path, tmp_path: Path
) -> None:
    python = _install(tmp_path / "server-venv", "server.lock", otvisit_wheel)
    assert "server side ok" in _run(python, SERVER_CHECK, tmp_path)


def test_the_laptop_installs_without_the_server(otvisit_wheel: Path, tmp_path: Path) -> None:
    python = _install(tmp_path / "desktop-venv", "app.lock", otvisit_wheel)
    assert "desktop side ok" in _run(python, DESKTOP_CHECK, tmp_path)

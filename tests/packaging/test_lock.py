"""The lock files hold every dependency pyproject.toml names, pinned, hashed, and installed.

Adding a dependency to pyproject.toml without running ``scripts/lock`` fails here, and so does
a venv that drifted from the lock (the versions the suite ran with are the locked ones).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _lock(name: str) -> dict[str, tuple[str, str | None, int]]:
    """Package -> (version, marker, number of hashes) as the lock file pins them."""
    pins: dict[str, tuple[str, str | None, int]] = {}
    current = ""
    for line in (LOCKS / name).read_text().splitlines():
        found = PIN.match(line)
        if found:
            current = canonicalize_name(found[1])
            assert current not in pins, f"{current} pinned twice in {name}"
            pins[current] = (found[2], found[3], 0)
        elif line.strip().startswith("--hash=sha256:"):
            version, marker, hashes = pins[current]
            pins[current] = (version, marker, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{name}: a line that is not a pin: {line!r}")
    return pins


def _wanted(*extras: str) -> list[Requirement]:
    names = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        names += PYPROJECT["project"]["optional-dependencies"][extra]
    build = [
        line.strip()
        for line in (LOCKS / "build.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [Requirement(name) for name in names + build]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("app.lock", ("desktop",)),
        ("server.lock", ("server",)),
        ("test.lock", tuple(PYPROJECT["project"]["optional-dependencies"])),
    ],
)
def test_the_lock_pins_every_dependency_of_pyproject(lock: str, extras: tuple[str, ...]) -> None:
    pins = _lock(lock)
    for requirement in _wanted(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in {lock}: run scripts/lock"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, pyproject.toml asks {requirement}: run scripts/lock"
        )
    assert all(hashes >= 1 for _version, _marker, hashes in pins.values())


@pytest.mark.parametrize("lock", ["app.lock", "server.lock"])
def test_each_side_locks_the_same_versions_as_the_test_lock(lock: str) -> None:
    side, test = _lock(lock), _lock("test.lock")
    assert side.keys() <= test.keys()
    assert {name: side[name][0] for name in side} == {name: test[name][0] for name in side}


def test_the_server_installs_without_qt_and_the_laptop_without_the_server() -> None:
    desktop, server = _lock("app.lock"), _lock("server.lock")
    assert {"pyside6-essentials", "shiboken6", "pyside6-pdf", "reportlab"}.isdisjoint(server)
    assert {"uvicorn", "psycopg", "psycopg-binary", "fastapi", "jinja2"}.isdisjoint(desktop)
    shared = {"sqlalchemy", "alembic", "pydantic", "httpx", "argon2-cffi"}
    assert shared <= desktop.keys() and shared <= server.keys()


def test_qt_is_pinned_to_the_release_the_suite_runs_on() -> None:
    import PySide6

    pins = _lock("test.lock")
    assert pins["pyside6-essentials"][0] == PySide6.__version__
    assert pins["shiboken6"][0] == PySide6.__version__


def test_this_environment_runs_exactly_the_locked_versions() -> None:
    missing, different = [], []
    for name, (version, marker, _hashes) in _lock("test.lock").items():
        if marker and not Marker(marker).evaluate():
            continue  # another platform's or Python's package
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if canonicalize_name(installed) != canonicalize_name(version) and installed != version:
            different.append(f"{name} {installed} (locked {version})")
    tools = {"pip", "setuptools", "wheel"}  # a venv may carry its own copies of these
    assert [name for name in missing if name not in tools] == []
    assert [line for line in different if line.split()[0] not in tools] == []


def test_the_install_scripts_install_only_from_the_locks() -> None:
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert "--require-hashes -r" in bootstrap and "--no-deps" in bootstrap
    for lock in ("app.lock", "server.lock", "test.lock"):
        assert f"requirements/{lock}" in bootstrap
    assert "./scripts/bootstrap test" in (ROOT / "scripts" / "test").read_text()
    assert "./scripts/bootstrap\n" in (ROOT / "scripts" / "start").read_text()
    assert "./scripts/bootstrap server" in (ROOT / "scripts" / "start-server").read_text()
    assert "./scripts/build-console" in bootstrap
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()

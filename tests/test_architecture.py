"""The layers hold: imports point down, Qt only in the UI, and every package is installed."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "otvisit"

#: What each layer may not import (its own layer and the ones below are fine).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "otvisit.models": (
        "otvisit.services",
        "otvisit.sync",
        "otvisit.reports",
        "otvisit.fhir",
        "otvisit.ui",
    ),
    "otvisit.services": ("otvisit.sync", "otvisit.reports", "otvisit.fhir", "otvisit.ui"),
    "otvisit.reports": ("otvisit.sync", "otvisit.ui"),
    # FHIR exchange reads records through the services; it is not a sync or a document.
    "otvisit.fhir": ("otvisit.sync", "otvisit.reports", "otvisit.ui"),
    "otvisit.sync": ("otvisit.ui",),
}
QT_ALLOWED = ("otvisit.ui", "otvisit.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    module = _module_name(path)
    imported = _imports(path)
    for layer, forbidden in FORBIDDEN.items():
        if module == layer or module.startswith(layer + "."):
            bad = sorted(n for n in imported if n.startswith(forbidden))
            assert not bad, f"{module} must not import {bad}"
    if not module.startswith(QT_ALLOWED):
        qt = sorted(n for n in imported if n.split(".")[0] == "PySide6")
        assert not qt, f"{module} imports Qt outside otvisit.ui: {qt}"


def test_every_package_is_in_the_installed_package_list() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {_module_name(init) for init in PACKAGE.rglob("__init__.py")}
    assert on_disk - listed == set(), "add these packages to pyproject.toml's list"
    assert "otvisit.resources" in listed


def test_every_module_says_what_it_is() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
        and path.stat().st_size > 0
    ]
    assert missing == []

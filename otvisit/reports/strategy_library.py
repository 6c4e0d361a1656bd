"""Load and check the strategy library (TOML files the team edits)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from otvisit.reports.errors import StrategyLibraryError

MAX_STEP_CHARS = 200
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class StrategyTranslation:
    """One strategy in another language, with the team's review flag."""

    language: str
    reviewed: bool
    title: str
    summary: str
    home_steps: tuple[str, ...]
    school_steps: tuple[str, ...]


@dataclass(frozen=True)
class Strategy:
    """One strategy from the library, in English with optional translations."""

    strategy_id: str
    area: str
    area_title: str
    title: str
    summary: str
    home_steps: tuple[str, ...]
    school_steps: tuple[str, ...]
    translations: Mapping[str, StrategyTranslation]
    #: The table height this advice gives (e.g. "just above elbow height"), if any: two
    #: strategies in one programme giving different heights are flagged before printing.
    table_height: str | None = None


@dataclass(frozen=True)
class StrategyLibrary:
    """All strategies by id."""

    strategies: Mapping[str, Strategy]

    def get(self, strategy_id: str) -> Strategy:
        try:
            return self.strategies[strategy_id]
        except KeyError:
            raise StrategyLibraryError(
                f"The strategy '{strategy_id}' is not in the strategy library. "
                "It may have been renamed or removed; choose it again."
            ) from None

    def areas(self) -> list[str]:
        return sorted({s.area for s in self.strategies.values()})


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise StrategyLibraryError(f"{where}: '{key}' must be some text and is missing or empty.")
    return value.strip()


def _optional_text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    if key not in raw:
        return None
    return _text(raw, key, where)


def _steps(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise StrategyLibraryError(f"{where}: '{key}' must be a list of steps and is missing.")
    steps: list[str] = []
    for n, step in enumerate(value, start=1):
        if not isinstance(step, str) or not step.strip():
            raise StrategyLibraryError(f"{where}: step {n} of '{key}' is empty.")
        if len(step) > MAX_STEP_CHARS:
            raise StrategyLibraryError(
                f"{where}: step {n} of '{key}' has {len(step)} characters; "
                f"keep steps under {MAX_STEP_CHARS} (one idea per step)."
            )
        steps.append(step.strip())
    return tuple(steps)


def _translation(lang: str, raw: Any, english: tuple[str, ...], where: str) -> StrategyTranslation:
    where = f"{where}, translation '{lang}'"
    if not isinstance(raw, dict):
        raise StrategyLibraryError(f"{where}: must be a table of fields.")
    reviewed = raw.get("reviewed")
    if not isinstance(reviewed, bool):
        raise StrategyLibraryError(f"{where}: 'reviewed' must be true or false.")
    home = _steps(raw, "home_steps", where)
    if len(home) != len(english):
        raise StrategyLibraryError(
            f"{where}: 'home_steps' has {len(home)} steps but the English has {len(english)}."
        )
    school = _steps(raw, "school_steps", where) if "school_steps" in raw else ()
    return StrategyTranslation(
        lang, reviewed, _text(raw, "title", where), _text(raw, "summary", where), home, school
    )


def _strategies_in(name: str, data: Mapping[str, Any]) -> Iterable[Strategy]:
    area = data.get("area")
    if not isinstance(area, str) or not _SLUG.match(area):
        raise StrategyLibraryError(f"{name}: 'area' must be a short name like \"dressing\".")
    area_title = _text(data, "area_title", name)
    blocks = data.get("strategy")
    if not isinstance(blocks, list) or not blocks:
        raise StrategyLibraryError(f"{name}: no [[strategy]] blocks found.")
    for n, raw in enumerate(blocks, start=1):
        where = f"{name}, strategy {n}"
        sid = raw.get("id")
        if not isinstance(sid, str) or not _SLUG.match(sid):
            raise StrategyLibraryError(f"{where}: 'id' must be lower case words joined by hyphens.")
        where = f"{name}, strategy '{sid}'"
        if not sid.startswith(area + "-"):
            raise StrategyLibraryError(f"{where}: 'id' must start with the area, '{area}-'.")
        home = _steps(raw, "home_steps", where)
        raw_tr = raw.get("translations", {})
        if not isinstance(raw_tr, dict):
            raise StrategyLibraryError(f"{where}: 'translations' must be a table of languages.")
        translations = {
            lang: _translation(lang, tr, home, where) for lang, tr in sorted(raw_tr.items())
        }
        yield Strategy(
            sid,
            area,
            area_title,
            _text(raw, "title", where),
            _text(raw, "summary", where),
            home,
            _steps(raw, "school_steps", where),
            translations,
            _optional_text(raw, "table_height", where),
        )


def _load(entries: Iterable[tuple[str, bytes]]) -> StrategyLibrary:
    found: dict[str, Strategy] = {}
    for name, blob in sorted(entries):
        try:
            data = tomllib.loads(blob.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise StrategyLibraryError(f"{name}: not valid TOML ({exc}).") from exc
        for strategy in _strategies_in(name, data):
            if strategy.strategy_id in found:
                raise StrategyLibraryError(
                    f"{name}: the id '{strategy.strategy_id}' is used twice in the library."
                )
            found[strategy.strategy_id] = strategy
    if not found:
        raise StrategyLibraryError("The strategy library folder has no strategy files.")
    return StrategyLibrary(found)


def _toml_files(folder: Traversable) -> list[tuple[str, bytes]]:
    return [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".toml")]


def load_library(folder: Path | None = None) -> StrategyLibrary:
    """Load the library from ``folder`` (a team-edited copy) or the bundled one."""
    if folder is None:
        return bundled_library()
    if not folder.is_dir():
        raise StrategyLibraryError(f"The strategy library folder {folder} does not exist.")
    return _load(_toml_files(folder))


@cache
def bundled_library() -> StrategyLibrary:
    """The library shipped in ``otvisit.resources/strategies`` (loaded once)."""
    return _load(_toml_files(files("otvisit.resources") / "strategies"))

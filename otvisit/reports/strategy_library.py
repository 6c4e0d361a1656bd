"""Load and check the strategy library (TOML files the team edits) and its pictures.

The file shape is documented in ``resources/strategies/README.md``. Each file is
checked with typed models; a broken file gives an error naming the file, the
strategy, the language and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import ValidationError as PydanticError

from otvisit.reports.errors import StrategyLibraryError
from otvisit.reports.i18n import available_languages

MAX_STEP_CHARS = 200
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PICTURE_KINDS = {".svg": "svg", ".png": "png"}
MACHINE_DRAFTED = "machine-drafted"
CHECKED = "checked"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Steps = Annotated[list[Step], Field(min_length=1)]


@dataclass(frozen=True)
class Picture:
    """A strategy's picture of its key steps: an SVG or PNG file on disk."""

    path: Path
    kind: Literal["svg", "png"]


@dataclass(frozen=True)
class StrategyTranslation:
    """One strategy in another language, with its review status."""

    language: str
    reviewed: bool
    title: str
    summary: str
    home_steps: tuple[str, ...]
    school_steps: tuple[str, ...] = ()
    how_often: str = ""
    checked_by: str = ""
    checked_on: date | None = None

    @property
    def status(self) -> str:
        return CHECKED if self.reviewed else MACHINE_DRAFTED


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
    how_often: str = ""
    picture: Picture | None = field(default=None, compare=False)
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


# --- The file shape, as typed models -------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TranslationEntry(_Model):
    """``[strategy.translations.<language>]``."""

    status: Literal["machine-drafted", "checked"] | None = None
    reviewed: bool | None = None  # older files: true means checked
    checked_by: Text | None = None
    checked_on: date | None = None
    title: Text
    summary: Text
    how_often: Text | None = None
    home_steps: Steps
    school_steps: list[Step] = []

    @model_validator(mode="after")
    def _review(self) -> TranslationEntry:
        if self.status is None and self.reviewed is None:
            raise ValueError(
                "'status' is missing: write status = \"machine-drafted\", or status = "
                '"checked" with checked_by = "name, interpreter" and checked_on = 2026-01-31'
            )
        if self.is_checked and (not self.checked_by or self.checked_on is None):
            raise ValueError(
                "a checked translation needs 'checked_by' (the interpreter or translator) "
                "and 'checked_on' (a date like 2026-01-31)"
            )
        return self

    @property
    def is_checked(self) -> bool:
        return self.status == CHECKED if self.status is not None else bool(self.reviewed)


class StrategyEntry(_Model):
    """One ``[[strategy]]`` block."""

    id: Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
    title: Text
    summary: Text
    how_often: Text | None = None
    picture: Text | None = None
    table_height: Text | None = None
    home_steps: Steps
    school_steps: Steps
    translations: dict[str, TranslationEntry] = {}


class LibraryFile(_Model):
    """One library file: an area and its strategies."""

    area: Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
    area_title: Text
    strategy: Annotated[list[dict[str, Any]], Field(min_length=1)]


def _explain(exc: PydanticError, where: str) -> StrategyLibraryError:
    """The first problem in plain words, naming the field."""
    problems = []
    for error in exc.errors()[:3]:
        loc = [str(part) for part in error["loc"]]
        place = where
        if loc[:1] == ["translations"] and len(loc) > 1:
            place += f", translation '{loc[1]}'"
            loc = loc[2:]
        name = loc[0] if loc else ""
        if len(loc) > 1 and loc[1].isdigit():
            detail = f"step {int(loc[1]) + 1} of '{name}'"
        else:
            detail = f"'{name}'" if name else "the entry"
        message = str(error["msg"])
        if error["type"] == "missing":
            message = "is missing"
        elif error["type"] == "extra_forbidden":
            message = "is not a field the library knows (check the spelling)"
        elif error["type"] == "string_too_long" and len(loc) > 1:
            message = f"is too long; keep steps under {MAX_STEP_CHARS} characters"
        elif error["type"] == "string_pattern_mismatch":
            message = "must be lower case words joined by hyphens"
        elif error["type"] == "bool_type":
            message = "must be true or false"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
            if not name:
                problems.append(f"{place}: {message}.")
                continue
        problems.append(f"{place}: {detail} {message}.")
    return StrategyLibraryError(" ".join(problems))


def _picture(folder: Path | None, sid: str, named: str | None, where: str) -> Picture | None:
    """The strategy's picture: the file named in the library, else one named after it."""
    folders = [folder, folder / "pictures"] if folder is not None else []
    if named is not None:
        kind = PICTURE_KINDS.get(Path(named).suffix.lower())
        if kind is None:
            raise StrategyLibraryError(
                f"{where}: 'picture' must be an .svg or .png file, not '{named}'."
            )
        for base in folders:
            if (base / named).is_file():
                return Picture(base / named, kind)  # type: ignore[arg-type]
        raise StrategyLibraryError(
            f"{where}: the picture '{named}' is not in the library folder or its pictures/ folder."
        )
    for base in [*folders, bundled_pictures()]:
        for suffix, kind in PICTURE_KINDS.items():
            candidate = base / f"{sid}{suffix}"
            if candidate.is_file():
                return Picture(candidate, kind)  # type: ignore[arg-type]
    return None


def _translation(lang: str, entry: TranslationEntry, english: StrategyEntry, where: str) -> Any:
    where = f"{where}, translation '{lang}'"
    if lang not in available_languages() or lang == "en":
        raise StrategyLibraryError(
            f"{where}: '{lang}' is not a language the app offers "
            f"({', '.join(x for x in available_languages() if x != 'en')})."
        )
    if len(entry.home_steps) != len(english.home_steps):
        raise StrategyLibraryError(
            f"{where}: 'home_steps' has {len(entry.home_steps)} steps "
            f"but the English has {len(english.home_steps)}."
        )
    if entry.school_steps and len(entry.school_steps) != len(english.school_steps):
        raise StrategyLibraryError(
            f"{where}: 'school_steps' has {len(entry.school_steps)} steps "
            f"but the English has {len(english.school_steps)}."
        )
    if english.how_often and not entry.how_often:
        raise StrategyLibraryError(f"{where}: 'how_often' is missing (the English has one).")
    return StrategyTranslation(
        language=lang,
        reviewed=entry.is_checked,
        title=entry.title,
        summary=entry.summary,
        home_steps=tuple(entry.home_steps),
        school_steps=tuple(entry.school_steps),
        how_often=entry.how_often or "",
        checked_by=entry.checked_by or "",
        checked_on=entry.checked_on,
    )


def _strategies_in(name: str, data: Mapping[str, Any], folder: Path | None) -> Iterable[Strategy]:
    try:
        library_file = LibraryFile.model_validate(data)
    except PydanticError as exc:
        raise _explain(exc, name) from None
    area = library_file.area
    for n, raw in enumerate(library_file.strategy, start=1):
        sid = raw.get("id") if isinstance(raw, dict) else None
        where = f"{name}, strategy '{sid}'" if isinstance(sid, str) else f"{name}, strategy {n}"
        try:
            entry = StrategyEntry.model_validate(raw)
        except PydanticError as exc:
            raise _explain(exc, where) from None
        if not entry.id.startswith(area + "-"):
            raise StrategyLibraryError(f"{where}: 'id' must start with the area, '{area}-'.")
        translations = {
            lang: _translation(lang, tr, entry, where)
            for lang, tr in sorted(entry.translations.items())
        }
        yield Strategy(
            strategy_id=entry.id,
            area=area,
            area_title=library_file.area_title,
            title=entry.title,
            summary=entry.summary,
            home_steps=tuple(entry.home_steps),
            school_steps=tuple(entry.school_steps),
            translations=translations,
            how_often=entry.how_often or "",
            picture=_picture(folder, entry.id, entry.picture, where),
            table_height=entry.table_height,
        )


def _load(entries: Iterable[tuple[str, bytes]], folder: Path | None) -> StrategyLibrary:
    found: dict[str, Strategy] = {}
    for name, blob in sorted(entries):
        try:
            data = tomllib.loads(blob.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise StrategyLibraryError(f"{name}: not valid TOML ({exc}).") from exc
        for strategy in _strategies_in(name, data, folder):
            if strategy.strategy_id in found:
                raise StrategyLibraryError(
                    f"{name}: the id '{strategy.strategy_id}' is used twice in the library."
                )
            found[strategy.strategy_id] = strategy
    if not found:
        raise StrategyLibraryError("The strategy library folder has no strategy files.")
    return StrategyLibrary(found)


def _toml_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".toml")]


def bundled_pictures() -> Path:
    """The starter pictograms shipped in ``resources/pictures``."""
    return Path(str(files("otvisit.resources") / "pictures"))


def load_library(folder: Path | None = None) -> StrategyLibrary:
    """Load the library from ``folder`` (a team-edited copy) or the bundled one.

    A team's folder may hold pictures next to the files or in ``pictures/``;
    strategies without their own picture use the bundled one of the same id.
    """
    if folder is None:
        return bundled_library()
    if not folder.is_dir():
        raise StrategyLibraryError(f"The strategy library folder {folder} does not exist.")
    return _load(_toml_files(folder), folder)


@cache
def bundled_library() -> StrategyLibrary:
    """The library shipped in ``otvisit.resources/strategies`` (loaded once)."""
    return _load(_toml_files(Path(str(files("otvisit.resources") / "strategies"))), None)


def strategy_from_record(
    *,
    slug: str,
    area: str,
    area_title: str,
    title: str,
    summary: str,
    home_steps: Iterable[str],
    school_steps: Iterable[str],
    translations: Mapping[str, Any],
    bundled: Strategy | None,
) -> Strategy:
    """A strategy from the team's synced library record.

    Where the team has not changed the English of a bundled strategy, the bundled
    picture, "how often" and any translations the record lacks are used too (a
    translation belongs to the English it translates). A team's own strategy with
    only English prints in English, with a note in the family's language.
    """
    home, school = tuple(home_steps), tuple(school_steps)
    same_english = bundled is not None and (
        (bundled.title, bundled.summary, bundled.home_steps) == (title, summary, home)
    )
    found: dict[str, StrategyTranslation] = {}
    if bundled is not None and same_english:
        found.update(bundled.translations)
    for language, text in translations.items():
        if not isinstance(text, Mapping):
            continue
        steps = tuple(str(s) for s in text.get("home_steps", ()))
        if len(steps) != len(home):
            continue  # out of step with the English: print the English with a note
        base = found.get(language)
        status = text.get("status")
        checked = status == CHECKED if status else bool(text.get("reviewed", False))
        found[language] = StrategyTranslation(
            language=language,
            reviewed=checked,
            title=str(text.get("title") or title),
            summary=str(text.get("summary") or summary),
            home_steps=steps,
            school_steps=tuple(str(s) for s in text.get("school_steps", ())),
            how_often=str(text.get("how_often") or (base.how_often if base else "")),
            checked_by=str(text.get("checked_by") or ""),
            checked_on=date.fromisoformat(text["checked_on"]) if text.get("checked_on") else None,
        )
    return Strategy(
        strategy_id=slug,
        area=area,
        area_title=area_title,
        title=title,
        summary=summary,
        home_steps=home,
        school_steps=school,
        translations=found,
        how_often=bundled.how_often if bundled is not None and same_english else "",
        picture=bundled.picture if bundled is not None else None,
        table_height=bundled.table_height if bundled is not None and same_english else None,
    )

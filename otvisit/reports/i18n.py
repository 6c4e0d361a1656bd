"""Template texts per language from resources/i18n/<lang>.toml, English fallback."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from otvisit.reports.errors import TranslationError

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SCRIPTS = frozenset({"latin", "arabic", "urdu", "bengali"})


@dataclass(frozen=True)
class Language:
    """One language's template texts; ``texts`` already include English fallbacks."""

    code: str
    name: str
    rtl: bool
    script: str
    long_dates: bool
    texts: dict[str, str]
    translated_keys: frozenset[str]
    #: The [meta] review of this file: "machine-drafted" or "checked" (by whom, when).
    review_status: str = "machine-drafted"
    checked_by: str = ""
    checked_on: str = ""
    #: English vocabulary phrase (case-folded) -> its key, to translate chosen phrases.
    phrases: dict[str, str] = field(default_factory=dict)

    def t(self, key: str, **values: object) -> str:
        """The text for ``key`` with ``{placeholders}`` filled in."""
        try:
            template = self.texts[key]
        except KeyError:
            raise TranslationError(f"No template text '{key}' in any language file.") from None
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise TranslationError(
                f"Template text '{key}' for language '{self.code}' has a wrong placeholder: {exc}"
            ) from exc

    def phrase(self, english: str) -> str | None:
        """A vocabulary phrase (e.g. "Every day") in this language, or None if it is not one."""
        key = self.phrases.get(" ".join(english.split()).casefold().rstrip("."))
        if key is None or (self.code != "en" and key not in self.translated_keys):
            return None
        return self.texts[key]

    def date(self, day: date) -> str:
        if self.long_dates:
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _read(code: str) -> dict[str, Any]:
    resource = files("otvisit.resources") / "i18n" / f"{code}.toml"
    if not resource.is_file():
        raise TranslationError(
            f"There are no template texts for the language '{code}'. "
            f"Available: {', '.join(available_languages())}."
        )
    try:
        return tomllib.loads(resource.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TranslationError(f"i18n/{code}.toml is not valid TOML: {exc}") from exc


def available_languages() -> list[str]:
    folder = files("otvisit.resources") / "i18n"
    return sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".toml"))


@cache
def load_language(code: str) -> Language:
    """Load the template texts for ``code`` (e.g. ``"ar"``), cached."""
    english = _read("en")
    data = english if code == "en" else _read(code)
    meta, texts = data.get("meta"), data.get("text")
    if not isinstance(meta, dict) or not isinstance(texts, dict):
        raise TranslationError(f"i18n/{code}.toml needs a [meta] and a [text] table.")
    script = meta.get("script")
    if script not in SCRIPTS:
        raise TranslationError(f"i18n/{code}.toml: [meta] script must be one of {sorted(SCRIPTS)}.")
    # [vocabulary]: words printed on family documents (frequencies, days, places).
    vocabulary = data.get("vocabulary", {})
    english_vocabulary = english.get("vocabulary", {})
    if not isinstance(vocabulary, dict) or not isinstance(english_vocabulary, dict):
        raise TranslationError(f"i18n/{code}.toml: [vocabulary] must be a table of texts.")
    merged = {str(k): str(v) for k, v in english["text"].items()}
    merged.update({str(k): str(v) for k, v in english_vocabulary.items()})
    merged.update({str(k): str(v) for k, v in texts.items()})
    merged.update({str(k): str(v) for k, v in vocabulary.items()})
    phrases = {
        " ".join(str(v).split()).casefold().rstrip("."): str(k)
        for k, v in english_vocabulary.items()
        if str(k).startswith("freq_")
    }
    return Language(
        code=code,
        name=str(meta.get("language_name", code)),
        rtl=meta.get("direction") == "rtl",
        script=str(script),
        long_dates=meta.get("date_style") == "long",
        texts=merged,
        translated_keys=frozenset(texts) | frozenset(vocabulary),
        review_status="checked" if meta.get("review_status") == "checked" else "machine-drafted",
        checked_by=str(meta.get("checked_by", "")),
        checked_on=str(meta.get("checked_on", "")),
        phrases=phrases,
    )

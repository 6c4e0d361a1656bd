"""How dates, times, places and statuses read on screen, in the therapists' words.

The one place a stored value (an enum, a language code) becomes what the screen shows.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QLocale

PLACES = {
    "home": "Home",
    "nursery": "Nursery",
    "school": "School",
    "clinic": "Clinic",
    "virtual": "Video call",
}


def age_text(born: date, today: date) -> str:
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    years, rest = divmod(max(months, 0), 12)
    return f"{years}y {rest}m"


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def when_text(moment: datetime) -> str:
    """``Mon 04 Jan 2027 10:00``: the year always, so January never reads as this January."""
    return moment.astimezone().strftime("%a %d %b %Y %H:%M")


def day_text(day: date) -> str:
    return day.strftime("%d %b %Y")


def place_text(place: str) -> str:
    return PLACES.get(place, place.capitalize())


#: Stored values whose words are not simply the value with spaces (initialisms, names).
WORDS = {
    "nhs_equipment_service": "NHS equipment service",
    "senco": "SENCO",
    "teaching_assistant": "Teaching assistant",
    "nursery_staff": "Nursery staff",
    "did_not_attend": "Did not attend",
    "gp": "GP",
    "copm": "COPM",
    "gas": "GAS",
    "session_note": "Session note",
    "easy_read": "Easy read",
    "large_print": "Large print",
    "bsl": "BSL",
}


def label(value: str) -> str:
    """A stored value as words: ``did_not_attend`` reads ``Did not attend``, ``senco`` SENCO."""
    return WORDS.get(value) or value.replace("_", " ").capitalize()


#: Where the common name in an NHS service differs from Qt's (CLDR) English name.
LANGUAGE_WORDS = {"bn": "Bengali", "syl": "Sylheti", "bfi": "British Sign Language"}


def language_name(code: str) -> str:
    """A language code as its English name (``ur`` reads ``Urdu``); a name typed stays as it is."""
    cleaned = code.strip()
    base = cleaned.replace("_", "-").split("-")[0]
    if not (base.isascii() and base.isalpha() and base.islower() and 2 <= len(base) <= 3):
        return cleaned  # already a name ("Urdu", "Sylheti Bengali") or nothing
    if base in LANGUAGE_WORDS:
        return LANGUAGE_WORDS[base]
    language = QLocale(base).language()
    if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return cleaned
    return QLocale.languageToString(language)

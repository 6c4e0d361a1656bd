"""How dates, times, places and statuses read on screen, in the therapists' words."""

from __future__ import annotations

from datetime import date, datetime

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
    return moment.astimezone().strftime("%a %d %b %H:%M")


def day_text(day: date) -> str:
    return day.strftime("%d %b %Y")


def place_text(place: str) -> str:
    return PLACES.get(place, place.capitalize())


def label(value: str) -> str:
    """An enum value as words: ``did_not_attend`` reads ``Did not attend``."""
    return value.replace("_", " ").capitalize()

"""Which measurements an equipment item needs before a school can order and set it up."""

from __future__ import annotations

from collections.abc import Iterable

from otvisit.reports.content import Measurement

SEATING = ("Seat height", "Seat depth", "Footplate height", "Table height", "Backrest height")

#: Words in the item's name, and the measurements such an item needs.
NEEDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("chair", "seat", "seating", "stool"), SEATING),
    (("standing frame", "stander"), ("Table height", "Height of the child")),
    (("writing board", "slope"), ("Table height",)),
    (("cushion",), ("Seat depth",)),
)

#: Other names the record or a therapist may use for the same measurement.
_SAME = {"back height": "backrest height", "footrest height": "footplate height"}


def _key(label: str) -> str:
    words = label.lower().replace("_", " ").strip()
    for other, name in _SAME.items():
        words = words.replace(other, name)
    return words


def needed_measurements(item: str) -> tuple[str, ...]:
    """The measurements this item needs, by the words in its name (none if not known)."""
    name = item.lower()
    for words, needs in NEEDS:
        if any(word in name for word in words):
            return needs
    return ()


def missing_measurements(item: str, measurements: Iterable[Measurement]) -> list[str]:
    """The needed measurements not recorded (a recorded label starting with the name counts)."""
    have = [_key(m.label) for m in measurements]
    return [
        need
        for need in needed_measurements(item)
        if not any(h.startswith(_key(need)) for h in have)
    ]

"""The one check before any print or save: what a reader would trip on, as warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from otvisit.reports.content import EquipmentLetter, HomeProgramme
from otvisit.reports.equipment_needs import missing_measurements
from otvisit.reports.strategy_library import StrategyLibrary, bundled_library


@dataclass(frozen=True)
class PrintWarning:
    """One thing wrong with a document; the therapist may still print it."""

    code: str
    message: str


def _review_date(review: date | None, today: date, what: str) -> list[PrintWarning]:
    if review is not None and review < today:
        return [
            PrintWarning(
                "review_date_past",
                f"The review date of this {what} ({review:%d/%m/%Y}) is in the past. "
                "Set a new review date before giving it out.",
            )
        ]
    return []


def _programme(
    programme: HomeProgramme, today: date, library: StrategyLibrary
) -> list[PrintWarning]:
    out = _review_date(programme.review_date, today, "home programme")
    if not any(choice.goal_ids for choice in programme.strategies):
        out.append(
            PrintWarning(
                "no_linked_goal",
                "No strategy in this programme is linked to a goal, so the document cannot "
                "say what any of it is for. Link each strategy to the goal it helps.",
            )
        )
    heights: dict[str, list[str]] = {}
    for choice in programme.strategies:
        strategy = library.strategies.get(choice.strategy_id)
        if strategy is not None and strategy.table_height:
            heights.setdefault(strategy.table_height, []).append(strategy.title)
    if len(heights) > 1:
        said = "; ".join(f"'{', '.join(titles)}' says {h}" for h, titles in heights.items())
        out.append(
            PrintWarning(
                "contradictory_table_height",
                f"The strategies give different table heights ({said}). "
                "Choose one, or add a note saying which to follow.",
            )
        )
    return out


def _equipment(letter: EquipmentLetter, today: date) -> list[PrintWarning]:
    out = _review_date(letter.review_date, today, "equipment recommendation")
    if not letter.safety_notes and not letter.training_notes:
        out.append(
            PrintWarning(
                "no_safety_notes",
                "The equipment letter has no safety or training notes: say how staff use "
                "the item safely and who shows them.",
            )
        )
    if not letter.fitting_notes:
        out.append(
            PrintWarning(
                "no_fitting_notes",
                "The equipment letter has no fitting notes: say how the item is set up "
                "for the child.",
            )
        )
    missing = missing_measurements(letter.item, letter.measurements)
    if missing:
        out.append(
            PrintWarning(
                "missing_measurements",
                f"Measurements missing for the {letter.item.lower()}: {', '.join(missing)}. "
                "The school cannot order or set it up without them.",
            )
        )
    return out


def check_document(
    data: object, *, today: date, library: StrategyLibrary | None = None
) -> tuple[PrintWarning, ...]:
    """Every warning for one document's content, in the order a reader meets them."""
    if isinstance(data, HomeProgramme):
        return tuple(_programme(data, today, library or bundled_library()))
    if isinstance(data, EquipmentLetter):
        return tuple(_equipment(data, today))
    return ()

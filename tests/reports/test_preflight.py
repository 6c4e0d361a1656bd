"""The pre-print check: each warning fires on its case and not on a complete document."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from otvisit.reports import samples
from otvisit.reports.content import Measurement, StrategyChoice
from otvisit.reports.equipment_needs import missing_measurements, needed_measurements
from otvisit.reports.preflight import check_document
from otvisit.reports.strategy_library import bundled_library

TODAY = samples.TODAY


def codes(data: object, today: date = TODAY) -> list[str]:
    return [w.code for w in check_document(data, today=today, library=bundled_library())]


def _complete_letter() -> object:
    letter = samples.equipment_letter()
    return replace(
        letter, measurements=(*letter.measurements, Measurement("Backrest height", "30 cm"))
    )


def test_complete_documents_have_no_warnings() -> None:
    assert codes(samples.programme()) == []
    assert codes(_complete_letter()) == []
    assert codes(samples.progress_report()) == [] and codes(samples.discharge_letter()) == []


def test_review_date_in_the_past() -> None:
    programme = samples.programme()
    assert codes(programme, today=date(2027, 2, 25)) == ["review_date_past"]
    assert codes(programme, today=date(2027, 2, 24)) == []  # due today is not past
    letter = replace(_complete_letter(), review_date=date(2026, 1, 5))  # type: ignore[type-var]
    [warning] = check_document(letter, today=TODAY)
    assert warning.code == "review_date_past" and "05/01/2026" in warning.message


def test_equipment_letter_without_safety_training_or_fitting_notes() -> None:
    letter = replace(_complete_letter(), safety_notes=(), training_notes=())  # type: ignore[type-var]
    assert codes(letter) == ["no_safety_notes"]
    letter = replace(_complete_letter(), training_notes=())  # type: ignore[type-var]
    assert codes(letter) == []  # safety notes alone are enough
    letter = replace(_complete_letter(), fitting_notes=())  # type: ignore[type-var]
    assert codes(letter) == ["no_fitting_notes"]


def test_missing_measurements_are_named() -> None:
    [warning] = check_document(samples.equipment_letter(), today=TODAY)
    assert warning.code == "missing_measurements"
    assert "Backrest height" in warning.message and "Seat height" not in warning.message
    letter = replace(samples.equipment_letter(), measurements=())
    [warning] = check_document(letter, today=TODAY)
    assert "Seat height, Seat depth, Footplate height, Table height" in warning.message


def test_measurement_names_from_the_record_count() -> None:
    # The record stores seat_height, back_height …; gather labels them "Seat height", "Back height".
    have = [Measurement(n, "1 cm") for n in ("Seat height", "Seat depth", "Back height")]
    assert missing_measurements("Specialist nursery seat", have) == [
        "Footplate height",
        "Table height",
    ]
    assert needed_measurements("Chunky pencil grips") == ()


def test_contradictory_table_heights() -> None:
    library = bundled_library()
    assert (
        library.get("seating-90-90-90").table_height
        != library.get("eating-steady-base").table_height
    )
    programme = replace(
        samples.programme(),
        strategies=(
            StrategyChoice("seating-90-90-90", ("g3",)),
            StrategyChoice("eating-steady-base", ("g2",)),
        ),
    )
    [warning] = check_document(programme, today=TODAY, library=library)
    assert warning.code == "contradictory_table_height"
    assert "elbow" in warning.message and "tummy" in warning.message


def test_programme_with_no_linked_goal() -> None:
    programme = replace(
        samples.programme(),
        strategies=tuple(replace(c, goal_ids=()) for c in samples.programme().strategies),
    )
    assert codes(programme) == ["no_linked_goal"]

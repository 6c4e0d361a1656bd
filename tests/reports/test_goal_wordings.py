"""Goals in the family's language on family documents; school letters carry only school goals."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from otvisit.reports import render_document, samples
from otvisit.reports.content import Goal, StrategyChoice
from otvisit.reports.errors import DocumentError
from otvisit.reports.letters import render_discharge_letter
from tests.reports import pdfcheck
from tests.reports.test_extraction import _words, pdfium, poppler
from tests.reports.test_handout_library import pdftotext

ARABIC_COAT = "سام سيلبس معطفه بنفسه قبل اللعب في الخارج"
ENGLISH_COAT = "Sam will put his coat on by himself before outdoor play."


def _goals_in_arabic() -> tuple[Goal, ...]:
    first, *rest = samples.goals()
    return (replace(first, family_wording=ARABIC_COAT, family_language="ar"), *rest)


@pytest.mark.parametrize("extract", [poppler, pdfium])
def test_the_arabic_handout_prints_the_goal_as_the_family_said_it_in_arabic(
    extract: object,
) -> None:
    programme = replace(samples.programme(), goals=_goals_in_arabic())
    pdf = render_document("handout", programme, language="ar", reproducible=True)
    text = _words(extract(pdf))  # type: ignore[operator]
    assert _words(ARABIC_COAT) in text  # logical order, as search and screen readers need
    assert "coat on by himself" not in text  # instead of the English, not beside it
    assert "fish fingers" in text  # a goal with no Arabic wording stays in English


@pytest.mark.parametrize("code", ["ar", "ur"])
def test_an_english_goal_in_a_right_to_left_handout_reads_as_one_sentence(code: str) -> None:
    """A goal with no wording in the family's language is printed in English on its own line:
    read left to right, its full stop at its end, not pulled to the front of a wrapped line."""
    pdf = render_document("handout", samples.programme(), language=code, reproducible=True)
    lines = [" ".join(line.split()) for line in pdftotext(pdf).splitlines()]
    text = " ".join(line for line in lines if line)
    assert "coat on by himself" in text
    assert not any(line.startswith(".") for line in lines), [x for x in lines if "." in x[:2]]
    assert ENGLISH_COAT in text or _words(ENGLISH_COAT) in _words(text)
    on_line = [line for line in lines if "coat on by himself" in line]
    assert on_line and not any(re.search("[\u0600-\u06ff]", line) for line in on_line)


def test_the_english_handout_keeps_the_english_wording() -> None:
    programme = replace(samples.programme(), goals=_goals_in_arabic())
    text = pdfcheck.flat(render_document("handout", programme, reproducible=True))
    assert ENGLISH_COAT in text and "معطف" not in text


def test_the_discharge_letter_in_arabic_and_its_english_copy_for_the_gp() -> None:
    goals = _goals_in_arabic()
    letter = replace(samples.discharge_letter(), worked_on=goals, achieved_goals=goals[:1])
    arabic = _words(poppler(render_discharge_letter(letter, language="ar", reproducible=True)))
    assert arabic.count(_words(ARABIC_COAT)) == 2  # worked on, and achieved
    english = pdfcheck.flat(
        render_discharge_letter(letter, reproducible=True, english_copy_of="Arabic")
    )
    assert ENGLISH_COAT in english and "معطف" not in english


def _by_setting() -> tuple[Goal, ...]:
    return (
        Goal("g1", "Sam will put his coat on by himself at home.", setting="home"),
        Goal("g2", "Sam will cut up his own fish fingers at lunch.", setting="all"),
        Goal("g3", "Sam will write his first name in class.", setting="school"),
        Goal("g4", "Sam will join in circle time at nursery.", setting="nursery"),
    )


def test_the_teacher_advice_carries_only_school_goals_and_goals_for_all_settings() -> None:
    programme = replace(
        samples.programme(),
        goals=_by_setting(),
        strategies=(
            StrategyChoice("dressing-coat-flip", ("g1",)),  # home only: not for school
            StrategyChoice("eating-knife-and-fork", ("g2",)),
            StrategyChoice("handwriting-pencil-grip", ("g3",)),
            StrategyChoice("sensory-heavy-work", ()),
        ),
    )
    advice = pdfcheck.flat(render_document("teacher", programme, reproducible=True))
    assert "write his first name in class" in advice and "fish fingers" in advice
    assert "coat on by himself at home" not in advice
    assert "circle time at nursery" not in advice
    assert "Coat flip" not in advice and "coat flip" not in advice
    nursery = replace(programme, setting=replace(samples.school(), kind="nursery"))
    at_nursery = pdfcheck.flat(render_document("teacher", nursery, reproducible=True))
    assert "circle time at nursery" in at_nursery
    assert "first name in class" not in at_nursery
    # The family's handout keeps every goal.
    handout = pdfcheck.flat(render_document("handout", programme, reproducible=True))
    assert all(g.wording in handout for g in _by_setting())


def test_advice_with_only_home_strategies_is_refused_with_a_clear_message() -> None:
    programme = replace(
        samples.programme(),
        goals=_by_setting(),
        strategies=(StrategyChoice("dressing-coat-flip", ("g1",)),),
    )
    with pytest.raises(DocumentError, match="worked on at home"):
        render_document("teacher", programme, reproducible=True)


def test_the_equipment_letter_says_what_to_order_and_from_whom() -> None:
    letter = replace(
        samples.equipment_letter(), product_code="KS-200-3", supplier="Kidsafe Seating Ltd"
    )
    text = pdfcheck.flat(render_document("equipment", letter, reproducible=True))
    for needed in (
        "Height-adjustable classroom chair with footrest",
        "Product code KS-200-3",
        "Supplier Kidsafe Seating Ltd",
        "Seat height 31 cm",
        "Who pays: School",
        "Who orders and fits it: School orders",
        "I will review this equipment by 1 March 2027",
    ):
        assert needed in text, needed
    unknown = pdfcheck.flat(
        render_document(
            "equipment",
            replace(samples.equipment_letter(), product_code="", supplier=""),
            reproducible=True,
        )
    )
    assert "No product code or supplier recorded" in unknown

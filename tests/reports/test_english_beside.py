"""Goals in the family's words, with the English beside them where the therapist chooses.

The handout and the discharge letter are read back with poppler's ``pdftotext`` (Arabic,
right to left) and pdfplumber (Polish), with and without the choice.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from otvisit.reports import render_document, samples
from otvisit.reports.content import Goal
from tests.reports import pdfcheck

ARABIC = "سيلبس سام معطفه بنفسه قبل اللعب في الخارج"
POLISH = "Sam sam założy kurtkę przed zabawą na dworze"
COAT, FISH = (g.wording for g in samples.goals()[:2])


def _goals(wording: str, language: str) -> tuple[Goal, ...]:
    first, *rest = samples.goals()
    return (replace(first, family_wording=wording, family_language=language), *rest)


def _lines(pdf: bytes) -> list[str]:
    """pdftotext's lines, without the embedding marks it puts around right-to-left text."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True)
    text = out.stdout.decode("utf-8").translate(dict.fromkeys(map(ord, "\u202a\u202b\u202c")))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _handout(language: str, wording: str, *, english_beside: bool) -> bytes:
    """The sample handout in ``language``, its first goal also worded in Arabic."""
    programme = replace(samples.programme(), goals=_goals(wording, "ar"))
    return render_document(
        "handout", programme, language=language, english_beside=english_beside, reproducible=True
    )


def _bulleted(lines: list[str], text: str) -> int:
    """The index of the line holding ``text`` as a bullet (the bullet on either side)."""
    return next(i for i, line in enumerate(lines) if line.strip("• ") == text)


def test_arabic_handout_prints_the_familys_words_and_no_english_unless_chosen() -> None:
    lines = _lines(_handout("ar", ARABIC, english_beside=False))
    _bulleted(lines, ARABIC)  # the family's own words, in logical order
    assert COAT not in " ".join(lines)  # their English is not printed (it is not chosen)
    _bulleted(lines, FISH)  # a goal with no Arabic wording stays in English


def test_arabic_handout_prints_the_english_under_the_familys_words_when_chosen() -> None:
    lines = _lines(_handout("ar", ARABIC, english_beside=True))
    arabic = _bulleted(lines, ARABIC)
    assert lines[arabic + 1] == COAT  # the English right under it, no bullet of its own
    # A goal with no Arabic wording is listed once, in English, not twice (its other lines
    # are the strategies' "this helps with", each naming it once).
    assert sum(FISH in line and "•" in line for line in lines) == 1
    assert not any(line.count(FISH) > 1 for line in lines)


def test_the_english_sits_on_the_arabic_side_of_the_page() -> None:
    chars = pdfcheck.chars(_handout("ar", ARABIC, english_beside=True))
    letters = "".join(c["text"] for c in chars)
    coat = chars[letters.index("outdoor")]  # a word of the English line
    line = [c for c in chars if abs(c["top"] - coat["top"]) < 2]
    arabic = [c for c in chars if not c["text"].isascii() and c["top"] < coat["top"] - 4]
    right = max(c["x1"] for c in arabic if c["top"] > coat["top"] - 40)  # the line above
    assert abs(max(c["x1"] for c in line) - right) < 6  # both end at the same right edge


@pytest.mark.parametrize("english_beside", [False, True])
def test_polish_discharge_letter_prints_english_beside_only_when_chosen(
    english_beside: bool,
) -> None:
    letter = replace(samples.discharge_letter(), worked_on=_goals(POLISH, "pl"), achieved_goals=())
    pdf = render_document("discharge", letter, language="pl", english_beside=english_beside)
    text = pdfcheck.flat(pdf)
    assert POLISH in text
    assert (f"{POLISH} {COAT}" in text) is english_beside
    assert (COAT in text) is english_beside


def test_english_documents_are_the_same_with_or_without_the_choice() -> None:
    # The English is the goal itself there (the Arabic wording is not used): nothing twice.
    english = _handout("en", ARABIC, english_beside=True)
    assert english == _handout("en", ARABIC, english_beside=False)
    assert ARABIC not in " ".join(_lines(english))

"""Letters complete enough to act on, read back from the real PDFs."""

from __future__ import annotations

import io
from dataclasses import replace

import pdfplumber
import pytest

from otvisit.models.vocabulary import DischargeReason
from otvisit.reports import DocumentError, render_document, samples
from otvisit.reports.styles import stylesheet
from tests.reports import pdfcheck

HOME = "12 Sample Street"


def test_discharge_letter_has_what_the_gp_needs() -> None:
    text = pdfcheck.flat(render_document("discharge", samples.discharge_letter()))
    assert "discharged from the Children's Community Occupational Therapy service." in text
    assert "Date of discharge: 20 November 2026" in text
    assert "Why Sam was referred Referred by the school SENCo" in text
    assert "What we worked on" in text and "write his first name" in text
    assert "T-score 47 at discharge" in text
    assert "Putting on coat (COPM): performance 3 to 7, satisfaction 2 to 8" in text
    assert "Equipment left in place" in text
    assert "Looked after and reviewed by: Rosemary Primary School" in text
    assert "Actions for the GP None. No action is needed from the GP." in text


def test_discharge_letter_gives_one_reason() -> None:
    letter = replace(
        samples.discharge_letter(),
        reason=DischargeReason.OTHER,
        reason_detail="The family now see a private therapist.",
    )
    text = pdfcheck.flat(render_document("discharge", letter))
    assert "Why The family now see a private therapist." in text
    assert "Other reason" not in text and "met the goals" not in text


def test_discharge_letter_without_outcomes_or_equipment_says_so() -> None:
    letter = replace(
        samples.discharge_letter(), gas_t_score=None, copm=(), worked_on=(), equipment_left=()
    )
    text = pdfcheck.flat(render_document("discharge", letter))
    assert "No outcome measures were recorded." in text
    assert "No equipment from us is left in place." in text


def test_equipment_letter_goes_to_the_school_with_every_measurement() -> None:
    pdf = render_document("equipment", samples.equipment_letter())
    text = pdfcheck.flat(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:  # the address block, top left of page 1
        page = doc.pages[0]
        window = page.crop((0, 60, page.width * 0.5, 200)).extract_text()
    assert window.split("\n")[:5] == [
        "Ms Helen Carter", "SENCo", "Rosemary Primary School", "Rosemary Lane", "London SE5 9BB"
    ]  # fmt: skip
    assert "Dear Ms Helen Carter," in text
    assert HOME not in text and "SE5 8AA" not in text  # never the child's home address
    assert "Backrest height Not measured yet" in text
    assert "Who pays: School" in text and "Who orders and fits it: School orders" in text
    assert "To order, or for help setting it up, contact Priya Shah on 020 3049 8181." in text


def test_teacher_advice_is_english_with_no_home_address_and_a_return_slip() -> None:
    text = pdfcheck.flat(render_document("teacher", samples.programme()))
    assert HOME not in text and "SE5 8AA" not in text
    assert "Tell us how it went" in text
    assert "send it back to: Priya Shah, South Borough OT Team, Children's Therapy Centre" in text
    assert "What went well?" in text and "About: Sam Okafor" in text
    with pytest.raises(DocumentError, match="always in English"):
        render_document("teacher", samples.programme(), language="ar")


DOCUMENTS = [
    ("handout", samples.programme),
    ("teacher", samples.programme),
    ("equipment", samples.equipment_letter),
    ("progress", samples.progress_report),
    ("discharge", samples.discharge_letter),
]


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize(("kind", "make"), DOCUMENTS)
def test_no_heading_ends_a_page(kind: str, make: object, large_print: bool) -> None:
    heading = stylesheet(large_print=large_print, script="latin").heading
    pdf = render_document(kind, make(), large_print=large_print)  # type: ignore[operator]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            body = [c for c in page.chars if 60 < c["top"] < page.height - 60]
            last = max(body, key=lambda c: c["bottom"])
            assert round(last["size"], 1) != round(heading.size, 1), (kind, number, last["text"])


def test_progress_report_dates_ratings_and_copm_scores() -> None:
    text = pdfcheck.flat(render_document("progress", samples.progress_report()))
    assert "Baseline (2 March 2026): -2" in text
    assert "Current (10 November 2026): +1" in text
    assert "Putting on coat (2 March" in text and "2026 - 10 November 2026)" in text

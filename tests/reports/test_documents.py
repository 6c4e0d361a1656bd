"""Every document kind renders to a clear-print A4 PDF that reads back correctly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from otvisit.reports import DocumentError, DocumentKind, render_document, samples, write_pdf
from otvisit.reports.content import GoalProgress, StrategyChoice
from tests.reports import pdfcheck

A4 = (595.28, 841.89)


def sample_for(kind: DocumentKind) -> object:
    return {
        DocumentKind.HANDOUT: samples.programme(),
        DocumentKind.TEACHER: samples.programme(),
        DocumentKind.EQUIPMENT: samples.equipment_letter(),
        DocumentKind.PROGRESS: samples.progress_report(),
        DocumentKind.DISCHARGE: samples.discharge_letter(),
        DocumentKind.REFERRAL_DECLINED: samples.referral_declined_letter(),
    }[kind]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_is_a4_with_metadata_and_embedded_fonts(kind: DocumentKind) -> None:
    pdf = render_document(kind, sample_for(kind))
    for width, height in pdfcheck.page_sizes(pdf):
        assert (round(width, 2), round(height, 2)) == A4
    info = pdfcheck.reader(pdf).metadata
    assert info is not None
    assert info.title and info.author and info.subject
    assert "Priya Shah" in info.author
    assert pdfcheck.reader(pdf).trailer["/Root"]["/Lang"] == "en"
    fonts = pdfcheck.embedded_font_files(pdf)
    assert fonts and all(fonts.values()), fonts
    pages = len(pdfcheck.page_sizes(pdf))
    assert f"Page {pages} of {pages}" in pdfcheck.text(pdf)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_text_is_never_below_12pt(kind: DocumentKind) -> None:
    sizes = {round(c["size"], 1) for c in pdfcheck.chars(render_document(kind, sample_for(kind)))}
    assert min(sizes) >= 12


def test_handout_body_is_14pt_and_large_print_at_least_16() -> None:
    normal = pdfcheck.chars(render_document("handout", samples.programme()))
    large = pdfcheck.chars(render_document("handout", samples.programme(), large_print=True))
    body = [c for c in normal if c["text"] == "L" and "Bold" not in c["fontname"]]
    assert body and min(round(c["size"]) for c in body) == 14
    assert min(round(c["size"], 1) for c in large) >= 16


def test_handout_reads_in_order() -> None:
    text = pdfcheck.flat(render_document("handout", samples.programme()))
    order = [
        "Ideas to try at home",
        "For Sam",
        "Interpreters",
        "020 7188 8815",
        "What we are working on together",
        "put his coat on by himself",
        "The coat flip",
        "Lay the coat on the floor",
        "What to try this week",
        "Practise the coat flip every morning",
        "Who to contact",
        "Your occupational therapist: Priya Shah",
        "Phone the team: 020 3049 8181",
    ]
    positions = [text.index(phrase) for phrase in order[:-1]] + [text.rindex(order[-1])]
    assert positions == sorted(positions)
    assert "Sam likes the green triangular pencil best." in text


def test_teacher_version_uses_school_steps() -> None:
    text = pdfcheck.flat(render_document("teacher", samples.programme()))
    assert "Classroom advice from occupational therapy" in text
    assert "Show the coat flip to the whole group before outdoor play." in text
    assert "Lay the coat on the floor" not in text
    assert "Rosemary Primary School, Ms Helen Carter, SENCo" in text
    assert "NHS number: 943 476 5919" in text


def test_equipment_letter_has_nhs_letter_parts() -> None:
    text = pdfcheck.flat(render_document("equipment", samples.equipment_letter()))
    for phrase in [
        "Ms Helen Carter",
        "Name: Sam Okafor",
        "Date of birth: 14 March 2019",
        "NHS number: 943 476 5919",
        "Functional need",
        "Seat height 31 cm",
        "Alternatives already tried",
        "Who pays: School",
        "Who orders and fits it",
        "Safety and training",
        "I will review this equipment by 1 March 2027.",
        "Priya Shah",
        "Occupational Therapist (Band 6)",
        "Copy to:",
        "Dr R Mensah, GP",
    ]:
        assert phrase in text, phrase


def test_progress_report_gas_copm_and_vector_chart() -> None:
    report = samples.progress_report()
    pdf = render_document("progress", report)
    text = pdfcheck.flat(pdf)
    expected = report.gas_t_score
    assert expected is not None
    assert f"GAS T-score: {expected:.1f}" in text
    assert "+2 Coat on: manages every day and helps a friend." in text
    assert "Baseline (2 March 2026): -2: Coat on: needs full help every time." in text
    assert "Putting on coat (2 March 3 / 7 +4 * 2 / 8 +6 *" in text  # dates wrap in the cell
    assert "Using knife and fork (2 4 / 5 +1 3 / 6 +3 *" in text
    assert "Goal 1" in text and "GAS level" in text  # chart labels are text, not an image
    assert not any(p.images for p in pdfcheck.reader(pdf).pages)


def test_progress_report_charts_gas_over_time_and_copm_with_the_numbers_in_tables() -> None:
    pdf = render_document("progress", samples.progress_report(), reproducible=True)
    text = pdfcheck.flat(pdf)
    # The line chart: dated axis, named goals, and 0 drawn and named as the expected outcome.
    assert "GAS ratings over time" in text and "0 = expected outcome" in text
    assert "2 Mar 2026" in text and "10 Nov 2026" in text
    assert "Goal 1: Sam will put his coat on by himself before outdoor play" in text
    # The same numbers in a table, searchable: every dated rating of goal 1.
    for row in (
        "Goal 1 2 March 2026 -2 (baseline)",
        "Goal 1 11 May 2026 -1",
        "Goal 1 13 July 2026 0",
        "Goal 1 10 November 2026 +1",
    ):
        assert row in text, row
    # COPM bars with their values written on them, and the legend.
    assert "COPM before and after" in text and "Satisfaction after" in text
    assert "Score (1–10)" in text
    words = {w["text"] for w in _chart_words(pdf)}
    assert {"Performance", "before", "after"} <= words
    # The reference line at 0 is a real stroke: a horizontal line across the plot.
    page = pdfcheck.reader(pdf).pages[1].get_contents().get_data().decode("latin-1")
    assert " l" in page and "1.5 w" in page


def _chart_words(pdf: bytes) -> list[dict[str, object]]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [w for page in doc.pages for w in page.extract_words()]


def test_progress_report_prints_the_score_it_is_given_or_says_it_is_missing() -> None:
    given = replace(samples.progress_report(), gas_t_score=61.2)
    assert "GAS T-score: 61.2" in pdfcheck.flat(render_document("progress", given))
    unscored = pdfcheck.flat(render_document("progress", replace(given, gas_t_score=None)))
    assert "GAS T-score: 61.2" not in unscored


def test_discharge_letter() -> None:
    text = pdfcheck.flat(render_document("discharge", samples.discharge_letter()))
    for phrase in [
        "Dear Ada Okafor and Tunde Okafor,",
        "Discharge letter",
        "Sam has met the goals we set together.",
        "If things change",
        "You can also phone the team on 020 3049 8181.",
        "020 7188 8815",
        "Copy to:",
        "Dr R Mensah, GP",
        "Rosemary Primary School",
    ]:
        assert phrase in text, phrase


def test_output_is_reproducible() -> None:
    first = render_document("handout", samples.programme(), reproducible=True)
    assert first == render_document("handout", samples.programme(), reproducible=True)


# Bad input ---------------------------------------------------------------------------------


def test_no_strategies_is_a_clear_error() -> None:
    programme = replace(samples.programme(), strategies=())
    with pytest.raises(DocumentError, match="No strategies are chosen for Sam"):
        render_document("handout", programme)


def test_handout_without_goals_says_so() -> None:
    programme = replace(samples.programme(), goals=())
    assert "We have not set goals together yet." in pdfcheck.flat(
        render_document("handout", programme)
    )


def test_progress_without_goals_is_a_clear_error() -> None:
    with pytest.raises(DocumentError, match="no goals recorded"):
        render_document("progress", replace(samples.progress_report(), goals=()))


def test_missing_school_contact_is_stated() -> None:
    letter = replace(samples.equipment_letter(), setting=None)
    text = pdfcheck.flat(render_document("equipment", letter))
    assert "Nursery or school contact not recorded" in text
    teacher = pdfcheck.flat(render_document("teacher", replace(samples.programme(), setting=None)))
    assert "School or nursery contact not recorded" in teacher


def test_unknown_strategy_and_wrong_data() -> None:
    programme = replace(samples.programme(), strategies=(StrategyChoice("gone-away"),))
    with pytest.raises(DocumentError, match="'gone-away' is not in the strategy library"):
        render_document("handout", programme)
    with pytest.raises(DocumentError, match="needs HomeProgramme data"):
        render_document("handout", samples.discharge_letter())
    with pytest.raises(DocumentError, match="Unknown document kind 'poster'"):
        render_document("poster", samples.programme())


def test_long_text_flows_over_numbered_pages() -> None:
    long_note = " ".join(["Practise the coat flip slowly and praise every try."] * 120)
    unbroken = "x" * 400  # a pasted link with no spaces still wraps
    programme = replace(
        samples.programme(),
        strategies=(StrategyChoice("dressing-coat-flip", ("g1",), note=long_note + unbroken),),
    )
    pdf = render_document("handout", programme)
    pages = len(pdfcheck.page_sizes(pdf))
    assert pages >= 3
    text = pdfcheck.text(pdf)
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    for char in pdfcheck.chars(pdf):
        assert char["x0"] >= 0 and char["x1"] <= A4[0]


def test_absurdly_long_text_is_refused() -> None:
    programme = replace(samples.programme(), this_week=("a" * 30_000,))
    with pytest.raises(DocumentError, match="'what to try this week' is 30,000 characters"):
        render_document("handout", programme)


def test_goal_progress_without_ratings() -> None:
    report = samples.progress_report()
    unrated = tuple(replace(g, current=None, rated_on=None, history=()) for g in report.goals)
    goals: tuple[GoalProgress, ...] = unrated
    text = pdfcheck.flat(
        render_document("progress", replace(report, goals=goals, gas_t_score=None))
    )
    assert "Current: not rated" in text
    assert "GAS T-score: not worked out yet" in text


# Atomic write ------------------------------------------------------------------------------


def test_write_pdf_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "handout.pdf"
    pdf = render_document("handout", samples.programme())
    write_pdf(pdf, target)
    assert target.read_bytes() == pdf

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(DocumentError, match="could not be saved"):
        write_pdf(b"%PDF-1.4 new content", target, fsync=broken_fsync)
    assert target.read_bytes() == pdf  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]  # no temp file left


def test_write_pdf_refuses_non_pdf_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not a PDF"):
        write_pdf(b"hello", tmp_path / "x.pdf")
    with pytest.raises(DocumentError, match="does not exist"):
        write_pdf(b"%PDF-1.4", tmp_path / "nope" / "x.pdf")
    assert list(tmp_path.iterdir()) == []

"""The printable family survey: the service's questions in each family language, read back."""

from __future__ import annotations

import unicodedata

import pypdfium2
import pytest

from otvisit.models.store import Store
from otvisit.reports import samples
from otvisit.reports.i18n import available_languages
from otvisit.reports.survey import render_family_survey, survey_team, survey_texts
from otvisit.services.errors import ValidationError
from otvisit.services.feedback import QUESTIONS
from tests.factories import make_team
from tests.reports import pdfcheck

LATIN = ["en", "pl", "so", "tr", "pt", "es", "ro"]


@pytest.mark.parametrize("code", available_languages())
def test_every_language_has_every_question_its_own_way(code: str) -> None:
    texts = survey_texts(code)
    assert set(QUESTIONS) <= set(texts.texts)
    if code != "en":  # translated, not the English fallback
        english = survey_texts("en")
        assert all(texts[key] != english[key] for key in QUESTIONS)
        assert not texts.reviewed  # machine drafts say so on the paper
    pdf = render_family_survey(samples.team(), language=code)
    assert pdfcheck.reader(pdf).trailer["/Root"]["/Lang"] == code
    assert all(pdfcheck.embedded_font_files(pdf).values())
    assert min(round(c["size"], 1) for c in pdfcheck.chars(pdf)) >= 12
    text = pdfcheck.flat(pdf)
    assert "020 7188 8815" in text and "020 3049 8181" in text


@pytest.mark.parametrize("code", LATIN)
def test_latin_surveys_read_back_with_the_same_questions(code: str) -> None:
    texts = survey_texts(code)
    text = pdfcheck.flat(render_family_survey(samples.team(), language=code))
    for key in (*QUESTIONS, "title", "comments"):
        assert texts[key] in text
    assert "South Borough OT Team" in text  # where to send it back
    assert len(pdfcheck.page_sizes(render_family_survey(samples.team(), language=code))) <= 2


def test_english_survey_is_one_page_and_the_same_questions_the_app_records() -> None:
    pdf = render_family_survey(samples.team())
    assert len(pdfcheck.page_sizes(pdf)) == 1
    text = pdfcheck.flat(pdf)
    assert all(question in text for question in QUESTIONS.values())
    assert "Please do not write your name" in text


def _words(text: str) -> str:
    text = "".join(ch for ch in text if ch not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_urdu_survey_copies_back_exactly() -> None:
    # Each Urdu word carries its logical text (ActualText), which pdfium honours.
    texts = survey_texts("ur")
    document = pypdfium2.PdfDocument(render_family_survey(samples.team(), language="ur"))
    try:
        extracted = _words(" ".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()
    for key in (*QUESTIONS, "title"):
        assert _words(texts[key]) in extracted


def test_a_team_without_a_phone_number_gets_a_clear_error(store: Store) -> None:
    with store.transaction() as session:
        team = make_team(session, phone="")
        with pytest.raises(ValidationError, match="no phone number"):
            survey_team(session, team_id=team.id)

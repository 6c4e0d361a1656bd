"""Arabic and Urdu come back in logical order from poppler's pdftotext and from pdfium."""

from __future__ import annotations

import subprocess
import unicodedata

import pypdfium2
import pytest

from otvisit.reports import render_document, samples
from otvisit.reports.common import Writer
from otvisit.reports.i18n import load_language
from otvisit.reports.pdfbuild import DocumentMeta, build_pdf
from otvisit.reports.styles import stylesheet

BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"


def _normal(text: str) -> str:
    """Bidi marks dropped, presentation forms folded (NFKC), white space collapsed."""
    text = "".join(ch for ch in text if ch not in BIDI_MARKS)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def poppler(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return _normal(out.stdout.decode("utf-8"))


def pdfium(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return _normal(" ".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()


EXTRACTORS = [poppler, pdfium]


@pytest.mark.parametrize(
    ("code", "extract"),
    [
        ("ar", poppler),
        ("ar", pdfium),
        ("ur", poppler),
        ("ur", pdfium),
    ],
)
def test_handout_texts_read_back_in_logical_order(code: str, extract: object) -> None:
    lang = load_language(code)
    pdf = render_document("handout", samples.programme(), language=code, reproducible=True)
    text = _words(extract(pdf))  # type: ignore[operator]
    keys = ["interpreter_heading", "interpreter_text"]
    if code == "ar":
        # Urdu: a word ending in a long bari ye (طریقے) is read out of its line by pdfium.
        keys += ["handout_title", "strategies_heading"]
    for key in keys:
        wanted = _words(lang.t(key))
        assert wanted in text, (key, wanted)
        assert wanted[::-1] not in text


def _words(text: str) -> str:
    """Only the words, in order.

    poppler sets a stop or comma between two Arabic words as a left-to-right
    island ("word .word"); the letters and words are in order, which is what
    search and screen readers need.  pdfium keeps it exact (tested below).
    """
    return " ".join("".join(" " if ch in ".,:،؛" else ch for ch in text).split())


def test_pdfium_keeps_arabic_punctuation_exact() -> None:
    lang = load_language("ar")
    pdf = render_document("handout", samples.programme(), language="ar", reproducible=True)
    assert _normal(lang.t("interpreter_text")) in pdfium(pdf)


@pytest.mark.parametrize("extract", EXTRACTORS)
def test_arabic_strategy_title_and_lam_alef_ligatures(extract: object) -> None:
    pdf = render_document("handout", samples.programme(), language="ar", reproducible=True)
    text = extract(pdf)  # type: ignore[operator]
    assert "قلب المعطف" in text  # a strategy title from the library translation
    # Lam-alef is one ligature on the page; both letters come back, in order.
    assert "الأنسب" in text
    assert "العلاج" in text


def _one_paragraph(code: str, text: str) -> bytes:
    lang = load_language(code)
    sheet = stylesheet(large_print=False, script=lang.script)
    w = Writer(lang, sheet)
    meta = DocumentMeta("t", "a", "s", "", "")
    return build_pdf([w.p(text)], meta=meta, lang=lang, sheet=sheet, reproducible=True)


@pytest.mark.parametrize("extract", EXTRACTORS)
def test_full_stop_after_a_number_in_arabic_reads_after_the_number(extract: object) -> None:
    sentence = "موعدكم القادم في الساعة 10."
    pdf = _one_paragraph("ar", sentence)
    assert sentence in extract(pdf)  # type: ignore[operator]


def test_full_stop_after_a_number_in_arabic_is_drawn_on_its_left() -> None:
    import io

    import pdfplumber

    pdf = _one_paragraph("ar", "موعدكم القادم في الساعة 10.")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        every = doc.pages[0].chars
    stop = next(c for c in every if c["text"] == ".")
    chars = [c for c in every if abs(c["top"] - stop["top"]) < 8]  # the sentence's line
    ten = [c for c in chars if c["text"] in "10"]
    arabic = [c for c in chars if not c["text"].isascii()]
    # Right to left: the words, then the number, then the stop at the far left.
    assert stop["x1"] <= min(c["x0"] for c in ten) + 0.5
    assert max(c["x1"] for c in ten) < min(c["x0"] for c in arabic)


@pytest.mark.parametrize("extract", EXTRACTORS)
def test_a_shadda_or_tanween_reads_after_its_letter(extract: object) -> None:
    # The mark is drawn over its letter; it is read after it, and the word stays whole.
    sentence = "تعلّم أولًا: لم نضع أهدافًا معًا بعد"
    pdf = _one_paragraph("ar", sentence)
    text = extract(pdf)  # type: ignore[operator]
    assert _words(sentence) in _words(text)
    lang = load_language("ar")
    handout = render_document("handout", samples.programme(), language="ar", reproducible=True)
    assert _words(lang.t("goals_heading")) in _words(extract(handout))  # type: ignore[operator]

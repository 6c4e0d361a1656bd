"""Handouts in the family's language: shaping, right-to-left order, fallbacks, interpreter line.

What extraction gives back (pdfplumber 0.11): Latin and Bengali lines in logical order;
Bengali pre-base vowel signs and conjuncts come back in visual glyph order, partly as
private-use code points. Arabic (Naskh) lines come back in visual order as presentation
forms: reversing a line and applying NFKC gives the logical text, except lam-alef
ligatures, which come back as private-use code points. Urdu (Nastaliq) glyphs are all
contextual, so they come back as private-use code points. For those, the tests check the
shaping itself: every glyph exists in the bundled font and the glyph clusters cover the
logical string in order.

Every Arabic, Urdu and Bengali word also carries its logical text as a marked-content
ActualText span (PDF 1.7, 14.9.4), which copy-and-paste and search in readers that honour it
use: poppler gives Bengali back exactly, pdfium gives Urdu and Bengali back exactly. Arabic
still comes back reversed within words from both (they reorder the span's characters as
if they were glyphs); pdfplumber and pypdf ignore ActualText.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import replace
from importlib.resources import files

import pypdfium2
import pytest
import uharfbuzz as hb

from otvisit.reports import render_document, samples
from otvisit.reports.i18n import available_languages, load_language
from tests.reports import pdfcheck

FAMILY_LANGUAGES = ["ar", "ur", "bn", "pl", "so", "tr", "pt", "es", "ro"]


def test_at_least_nine_languages_with_every_family_key() -> None:
    assert set(FAMILY_LANGUAGES) | {"en"} <= set(available_languages())
    handout_keys = {
        k
        for k in load_language("en").texts
        if not k.startswith(("teacher_", "equipment_", "progress_", "gas_", "copm_", "chart_"))
    }
    for code in FAMILY_LANGUAGES:
        lang = load_language(code)
        missing = {
            "handout_title",
            "interpreter_text",
            "language_line_text",
            "page_of",
            "not_reviewed",
            "english_only",
        } - lang.translated_keys
        assert not missing, (code, missing)
        assert "{language_line}" in lang.texts["language_line_text"]
        assert "020" not in "".join(lang.texts[k] for k in handout_keys)  # numbers from data


#: Texts only ever printed in English: letters to schools and GPs, the progress report,
#: the teacher's return slip, and the note on the English copy of a family letter.
ENGLISH_ONLY_PREFIXES = (
    "teacher_", "equipment_", "progress_", "gas_", "copm_", "chart_", "return_slip_",
)  # fmt: skip
ENGLISH_ONLY = {
    "english_copy_for", "english_copy_for_referrer", "dear_colleague", "need_heading",
    "goal_heading", "item_heading",
    "product_code_label", "supplier_label", "not_given", "product_code_missing",
    "measurements_heading", "measurements_none", "measurement_missing", "order_contact_line",
    "fitting_heading", "alternatives_heading", "alternatives_none", "responsibility_heading",
    "funding_line", "provision_line", "safety_heading", "review_heading", "review_date_line",
    "review_date_missing", "none_recorded", "summary_heading", "signature_block",
}  # fmt: skip


def _family_keys() -> set[str]:
    english = load_language("en")
    return {
        k
        for k in english.texts
        # equipment_left_*: the discharge letter's "equipment left in place" is the family's
        if (k.startswith("equipment_left_") or not k.startswith(ENGLISH_ONLY_PREFIXES))
        and k not in ENGLISH_ONLY
    }


def test_the_discharge_letters_keys_are_family_facing() -> None:
    """The keys added for the discharge letter are counted as family-facing."""
    assert {
        "discharge_date_line", "outcome_gas_line", "outcome_copm_line", "gp_actions_none",
        "equipment_left_dated", "worked_on_heading", "name_label", "contact_line",
    } <= _family_keys()  # fmt: skip


@pytest.mark.parametrize("code", FAMILY_LANGUAGES)
def test_every_family_facing_key_is_in_every_language_file_with_its_placeholders(
    code: str,
) -> None:
    """A key added to en.toml for a family document must be translated (machine draft at
    least, as [meta] review_status says) or declared English-only above."""
    english, lang = load_language("en"), load_language(code)
    missing = sorted(_family_keys() - lang.translated_keys)
    assert not missing, (code, missing)
    assert lang.review_status in {"machine-drafted", "checked"}
    for key in _family_keys():
        wanted = set(re.findall(r"{(\w+)}", english.texts[key]))
        # A translation may leave a name out, never ask for a value the letter does not give.
        assert set(re.findall(r"{(\w+)}", lang.texts[key])) <= wanted, (code, key)


@pytest.mark.parametrize("code", FAMILY_LANGUAGES)
def test_handout_metadata_language_and_numbers(code: str) -> None:
    pdf = render_document("handout", samples.programme(), language=code)
    assert pdfcheck.reader(pdf).trailer["/Root"]["/Lang"] == code
    text = pdfcheck.flat(pdf)
    assert "020 7188 8815" in text and "020 3049 8181" in text
    assert all(pdfcheck.embedded_font_files(pdf).values())
    assert min(round(c["size"], 1) for c in pdfcheck.chars(pdf)) >= 12


@pytest.mark.parametrize("code", ["pl", "so", "tr", "pt", "es", "ro"])
def test_latin_languages_read_back_exactly(code: str) -> None:
    lang = load_language(code)
    text = pdfcheck.flat(render_document("handout", samples.programme(), language=code))
    assert lang.t("handout_title") in text
    assert lang.t("interpreter_text") in text
    pages = len(pdfcheck.page_sizes(render_document("handout", samples.programme(), language=code)))
    assert lang.t("page_of", page=1, pages=pages) in text


def test_polish_uses_the_library_translation_and_says_it_is_a_draft() -> None:
    lang = load_language("pl")
    text = pdfcheck.flat(render_document("handout", samples.programme(), language="pl"))
    assert "Zakładanie kurtki przez głowę" in text  # translated strategy
    assert "Krojenie nożem i widelcem" in text
    assert "Cutting with a knife and fork" not in text
    assert lang.t("translation_draft") in text  # once, discreetly, at the foot
    assert lang.t("english_only") not in text  # every strategy is translated


def test_arabic_reads_back_as_logical_text() -> None:
    lang = load_language("ar")
    pdf = render_document("handout", samples.programme(), language="ar")
    lines = [pdfcheck.logical_rtl(line) for line in pdfcheck.text(pdf).splitlines()]
    for key in ("handout_title", "interpreter_heading", "strategies_heading", "translation_draft"):
        assert lang.t(key) in lines, key
    assert "قلب المعطف" in lines  # the strategy title from the library translation
    fonts = {c["fontname"].split("+")[-1] for c in pdfcheck.chars(pdf)}
    assert "NotoNaskhArabic-Regular" in fonts and "NotoNaskhArabic-Bold" in fonts


def test_arabic_is_right_aligned_and_latin_names_keep_their_order() -> None:
    pdf = render_document("handout", samples.programme(), language="ar")
    chars = [c for c in pdfcheck.chars(pdf) if c["size"] >= 14]
    title = [c for c in chars if "Bold" in c["fontname"] and c["top"] < 120]
    assert max(c["x1"] for c in title) > 520  # flush with the right margin (538.6)
    assert "من أجل" in [pdfcheck.logical_rtl(line) for line in pdfcheck.text(pdf).splitlines()]


def _shape(font_file: str, text: str) -> tuple[list[int], list[int]]:
    blob = hb.Blob((files("otvisit.resources") / "fonts" / font_file).read_bytes())
    font = hb.Font(hb.Face(blob))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return [i.codepoint for i in buf.glyph_infos], [i.cluster for i in buf.glyph_infos]


@pytest.mark.parametrize(
    ("code", "font_file"),
    [
        ("ur", "NotoNastaliqUrdu-Regular.ttf"),
        ("bn", "NotoSansBengali-Regular.ttf"),
        ("ar", "NotoNaskhArabic-Regular.ttf"),
    ],
)
def test_shaped_glyphs_map_back_to_the_logical_text(code: str, font_file: str) -> None:
    for key in ("handout_title", "interpreter_text", "not_reviewed"):
        logical = load_language(code).t(key)
        for word in logical.split():
            glyphs, clusters = _shape(font_file, word)
            assert 0 not in glyphs, (key, word)  # no missing-glyph boxes
            starts = sorted(set(clusters))
            assert starts[0] == 0 and starts[-1] < len(word)
            pieces = [word[a:b] for a, b in zip(starts, [*starts[1:], len(word)], strict=True)]
            assert "".join(pieces) == word


@pytest.mark.parametrize(("code", "font"), [("ur", "NotoNastaliqUrdu"), ("bn", "NotoSansBengali")])
def test_urdu_and_bengali_are_drawn_with_their_own_fonts(code: str, font: str) -> None:
    pdf = render_document("handout", samples.programme(), language=code)
    fonts = {c["fontname"].split("+")[-1] for c in pdfcheck.chars(pdf)}
    assert f"{font}-Regular" in fonts and f"{font}-Bold" in fonts


def test_bengali_extracts_most_text_logically() -> None:
    pdf = render_document("handout", samples.programme(), language="bn")
    text = pdfcheck.text(pdf)
    assert "করার" in text  # words without pre-base vowels or conjuncts come back as written
    assert "Sam-এর" in text


def test_large_print_arabic() -> None:
    pdf = render_document("handout", samples.programme(), language="ar", large_print=True)
    assert min(round(c["size"], 1) for c in pdfcheck.chars(pdf)) >= 16


def test_unknown_language_is_a_clear_error() -> None:
    from otvisit.reports import TranslationError

    with pytest.raises(TranslationError, match="no template texts for the language 'xx'"):
        render_document("handout", replace(samples.programme()), language="xx")


def _same_words(text: str) -> str:
    """NFC, bidi marks dropped, white space folded: how two extractions are compared."""
    text = "".join(ch for ch in text if ch not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_bengali_copies_back_as_the_logical_text_through_actualtext() -> None:
    # Each complex-script word carries its logical text (ActualText), which poppler honours.
    pdf = render_document("handout", samples.programme(), language="bn", reproducible=True)
    extracted = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert _same_words(load_language("bn").t("interpreter_text")) in _same_words(extracted)


def test_urdu_copies_back_as_the_logical_text_through_actualtext() -> None:
    pdf = render_document("handout", samples.programme(), language="ur", reproducible=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        extracted = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert _same_words(load_language("ur").t("interpreter_text")) in _same_words(extracted)

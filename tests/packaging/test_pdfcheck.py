"""The selftest's own PDF check: complete reportlab PDFs pass, cut or foreign bytes do not."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen import canvas

from otvisit.commands.pdfcheck import PdfCheckError, check_pdf_structure, embedded_font_names
from otvisit.reports import render_document, samples


def _two_pages() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "page one")
    pdf.showPage()
    pdf.drawString(72, 720, "page two")
    pdf.save()
    return out.getvalue()


def test_a_complete_pdf_passes_and_its_pages_are_counted() -> None:
    assert check_pdf_structure(_two_pages()) == 2


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda pdf: pdf[: len(pdf) // 2], "end-of-file"),
        (lambda pdf: b"<html>" + pdf, "PDF header"),
        (lambda pdf: pdf.replace(b"startxref\n", b"startxref\n9"), "cross-reference"),
    ],
)
def test_damaged_pdfs_are_refused(damage: object, message: str) -> None:
    with pytest.raises(PdfCheckError, match=message):
        check_pdf_structure(damage(_two_pages()))  # type: ignore[operator]


def test_standard_fonts_are_not_reported_as_embedded() -> None:
    assert embedded_font_names(_two_pages()) == set()


def test_an_arabic_handout_embeds_the_arabic_font() -> None:
    pdf = render_document("handout", samples.programme(), language="ar", large_print=False)
    assert check_pdf_structure(pdf) >= 1
    assert "NotoNaskhArabic-Regular" in embedded_font_names(pdf)

"""A small structural check of a PDF made by otvisit, without a PDF library in the app bundle."""

from __future__ import annotations

import re

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_BASEFONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9_-]+)")
_FONTFILE = re.compile(rb"/FontFile[23]?\s")


class PdfCheckError(ValueError):
    """The bytes are not a complete PDF as otvisit writes them."""


def check_pdf_structure(pdf: bytes) -> int:
    """Check header, trailer and cross-reference table; returns the number of pages."""
    if not pdf.startswith(b"%PDF-1."):
        raise PdfCheckError("the document does not start with a PDF header")
    found = _STARTXREF.search(pdf[-1024:])
    if found is None:
        raise PdfCheckError("the document has no end-of-file marker (cut short?)")
    offset = int(found.group(1))
    if not pdf[offset : offset + 4] == b"xref" and not re.match(rb"\d+ \d+ obj", pdf[offset:]):
        raise PdfCheckError("the cross-reference offset does not point at a table")
    pages = len(_PAGE.findall(pdf))
    if pages == 0:
        raise PdfCheckError("the document has no pages")
    return pages


def embedded_font_names(pdf: bytes) -> set[str]:
    """Names of the fonts the PDF uses (subset prefixes removed), if it embeds any font file."""
    if not _FONTFILE.search(pdf):
        return set()
    return {name.decode("ascii") for name in _BASEFONT.findall(pdf)}

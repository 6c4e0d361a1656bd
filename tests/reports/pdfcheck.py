"""Helpers to read rendered PDFs back in tests (pdfplumber and pypdf)."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pdfplumber
import pypdf


def text(pdf: bytes) -> str:
    """All page text in reading order, pages joined by newlines."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def flat(pdf: bytes) -> str:
    """Text with all whitespace collapsed, for phrases that may wrap over lines."""
    return " ".join(text(pdf).split())


def chars(pdf: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [c for page in doc.pages for c in page.chars]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def embedded_font_files(pdf: bytes) -> dict[str, bool]:
    """Base font name -> whether its descriptor carries an embedded TrueType (FontFile2)."""
    found: dict[str, bool] = {}
    for page in reader(pdf).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            name = str(font["/BaseFont"])
            found[name] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


def logical_rtl(line: str) -> str:
    """Arabic as extracted (visual order, presentation forms) turned back into logical text."""
    return unicodedata.normalize("NFKC", line[::-1])

"""Register the bundled Noto fonts once and pick a font for each script."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

_FILES = {
    ("latin", False): "NotoSans-Regular.ttf",
    ("latin", True): "NotoSans-Bold.ttf",
    ("arabic", False): "NotoNaskhArabic-Regular.ttf",
    ("arabic", True): "NotoNaskhArabic-Bold.ttf",
    ("urdu", False): "NotoNastaliqUrdu-Regular.ttf",
    ("urdu", True): "NotoNastaliqUrdu-Bold.ttf",
    ("bengali", False): "NotoSansBengali-Regular.ttf",
    ("bengali", True): "NotoSansBengali-Bold.ttf",
}


def _letter(code: int) -> int:
    """An Arabic presentation form's own letter (U+FEE0 initial lam -> U+0644 lam)."""
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        letters = unicodedata.normalize("NFKC", chr(code))
        if len(letters) == 1:
            return ord(letters)
    return code


class ReadableTTFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose positional Arabic forms copy and search as their letters.

    Shaping gives each joining form its presentation-form code (U+FE91 for an initial
    beh); extractors would hand those codes to search and screen readers, which look
    for the letter (U+0628). The ToUnicode map of each subset names the letter instead;
    the glyph codes, and so the drawing, stay the same.
    """

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            letters = [_letter(code) for code in subset]
            if letters == subset:
                continue
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            name = base.decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + name].content = makeToUnicodeCMap(name, letters)


@dataclass(frozen=True)
class FontFace:
    """A registered font and the characters it can draw."""

    name: str
    chars: frozenset[int]


def font_name(script: str, bold: bool) -> str:
    """The reportlab font name for a script (latin, arabic, urdu, bengali)."""
    return _FILES[(script, bold)].removesuffix(".ttf")


@cache
def face(script: str, bold: bool) -> FontFace:
    """Register (once) and return the font for ``script``."""
    name = font_name(script, bold)
    resource = files("otvisit.resources") / "fonts" / _FILES[(script, bold)]
    with as_file(resource) as path:
        font = ReadableTTFont(name, str(path), shapable=True)
    pdfmetrics.registerFont(font)
    return FontFace(name, frozenset(font.face.charToGlyph))


def register_all() -> None:
    """Register every bundled font (cheap after the first call)."""
    for script, bold in _FILES:
        face(script, bold)

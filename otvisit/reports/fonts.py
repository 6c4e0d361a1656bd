"""Register the bundled Noto fonts once and pick a font for each script."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

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
        font = TTFont(name, str(path), shapable=True)
    pdfmetrics.registerFont(font)
    return FontFace(name, frozenset(font.face.charToGlyph))


def register_all() -> None:
    """Register every bundled font (cheap after the first call)."""
    for script, bold in _FILES:
        face(script, bold)

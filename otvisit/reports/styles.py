"""The one stylesheet for every document: sizes, spacing, colours, page geometry."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_SIZE = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 28 * mm
MARGIN_BOTTOM = 24 * mm
HEADER_Y = PAGE_SIZE[1] - 14 * mm
FOOTER_Y = 11 * mm

NHS_BLUE = colors.HexColor("#005EB8")
TEXT = colors.HexColor("#212B32")
NOTICE_BG = colors.HexColor("#FFF9C4")
RULE = colors.HexColor("#768692")

#: A photo or scan in a document: full text width, its aspect kept, never taller than this
#: (a portrait photo at full width would leave no room for its caption on the page).
PICTURE_MAX_HEIGHT = 115 * mm
PICTURE_GAP = 2 * mm

DEFAULT_BODY_PT = 14.0
LARGE_PRINT_BODY_PT = 18.0
MIN_BODY_PT = 12.0

# Nastaliq stacks letters diagonally and needs far more line space than Latin.
_LEADING = {"latin": 1.35, "bengali": 1.5, "arabic": 1.6, "urdu": 2.1}


@dataclass(frozen=True)
class TextStyle:
    """How one kind of paragraph looks."""

    size: float
    leading: float
    bold: bool = False
    space_before: float = 0.0
    space_after: float = 0.0
    indent: float = 0.0
    colour: colors.Color = TEXT


@dataclass(frozen=True)
class Stylesheet:
    """Every paragraph style one document uses."""

    title: TextStyle
    heading: TextStyle
    subheading: TextStyle
    body: TextStyle
    bullet: TextStyle
    #: A goal's English under the family's words, indented like the bullet's text.
    english_beside: TextStyle
    notice: TextStyle
    small: TextStyle
    header_footer_pt: float
    chart_label_pt: float
    arabic_script: str


def stylesheet(*, large_print: bool = False, script: str = "latin") -> Stylesheet:
    """Styles for one document; body 14 pt (18 pt large print), never under 12 pt."""
    body = LARGE_PRINT_BODY_PT if large_print else DEFAULT_BODY_PT
    factor = _LEADING.get(script, 1.35)

    def style(size: float, **kw: object) -> TextStyle:
        return TextStyle(size=size, leading=round(size * factor, 1), **kw)  # type: ignore[arg-type]

    small = max(MIN_BODY_PT, body - 2)
    return Stylesheet(
        title=style(body + 8, bold=True, space_after=body * 0.6, colour=NHS_BLUE),
        heading=style(
            body + 3, bold=True, space_before=body * 0.9, space_after=body * 0.3, colour=NHS_BLUE
        ),
        subheading=style(body, bold=True, space_before=body * 0.6, space_after=body * 0.2),
        body=style(body, space_after=body * 0.35),
        bullet=style(body, space_after=body * 0.2, indent=body * 1.4),
        english_beside=style(small, space_after=body * 0.3, indent=body * 1.4),
        notice=style(small, space_after=body * 0.2),
        small=style(small, space_after=body * 0.2),
        header_footer_pt=small,
        chart_label_pt=small,
        arabic_script="urdu" if script == "urdu" else "arabic",
    )

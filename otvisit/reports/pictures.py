"""Strategy pictures (SVG or PNG) placed in documents as named, checkable forms.

Each picture is drawn once per document into a PDF Form XObject named
``FormXob.picture-<strategy id>``, then placed on the page. Tests and anyone
checking a PDF find the picture in the page's XObject listing by that name,
and its /BBox gives the printed size. Parsed SVG drawings are cached.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from svglib.svglib import svg2rlg

from otvisit.reports.errors import StrategyLibraryError
from otvisit.reports.strategy_library import Picture

FORM_PREFIX = "picture-"


@cache
def _svg(path: Path, mtime_ns: int) -> Drawing:
    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:  # svglib raises lxml and parse errors of several kinds
        raise StrategyLibraryError(f"The picture {path.name} is not a readable SVG: {exc}") from exc
    if drawing is None or not drawing.width or not drawing.height:
        raise StrategyLibraryError(f"The picture {path.name} is not a readable SVG drawing.")
    return drawing


@cache
def _png(path: Path, mtime_ns: int) -> ImageReader:
    try:
        reader = ImageReader(str(path))
        reader.getSize()
    except Exception as exc:  # PIL raises several kinds for a broken image
        raise StrategyLibraryError(f"The picture {path.name} is not a readable PNG: {exc}") from exc
    return reader


@cache
def _svg_operators(path: Path, mtime_ns: int) -> tuple[str, ...]:
    """The drawing as PDF drawing operators, made once per file and reused by every document.

    An SVG drawing is vector lines only (no fonts or images), so its operators need no
    page resources and can be replayed into any document's form.
    """
    scratch = Canvas(io.BytesIO())
    renderPDF.draw(_svg(path, mtime_ns), scratch, 0, 0)
    # renderPDF sets a default font (Helvetica) for text the drawing does not have: leave
    # it out, so no font the document does not embed is referenced.
    return tuple(op for op in scratch._code if not (op.startswith("BT") and " Tf" in op))


def _aspect(picture: Picture) -> float:
    """Height over width."""
    stamp = picture.path.stat().st_mtime_ns
    if picture.kind == "svg":
        drawing = _svg(picture.path, stamp)
        return float(drawing.height) / float(drawing.width)
    width, height = _png(picture.path, stamp).getSize()
    return float(height) / float(width)


class PictureFlowable(Flowable):  # type: ignore[misc]
    """A strategy picture at a fixed width, drawn through a named Form XObject."""

    def __init__(self, picture: Picture, name: str, width: float) -> None:
        super().__init__()
        self.picture = picture
        self.form_name = FORM_PREFIX + name
        self.width = width
        self.height = width * _aspect(picture)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if not canv.hasForm(self.form_name):
            canv.beginForm(self.form_name, 0, 0, self.width, self.height)
            self._draw_content()
            canv.endForm()
        canv.doForm(self.form_name)

    def _draw_content(self) -> None:
        stamp = self.picture.path.stat().st_mtime_ns
        if self.picture.kind == "png":
            self.canv.drawImage(
                _png(self.picture.path, stamp), 0, 0, self.width, self.height, mask="auto"
            )
            return
        drawing = _svg(self.picture.path, stamp)
        scale = self.width / float(drawing.width)
        self.canv.saveState()
        self.canv.scale(scale, scale)
        self.canv._code.extend(_svg_operators(self.picture.path, stamp))
        self.canv.restoreState()

"""Platypus flowables that lay out text in any script with the shared line layout."""

from __future__ import annotations

from reportlab.platypus import Flowable

from otvisit.reports.styles import TextStyle
from otvisit.reports.textlayout import (
    Word,
    draw_line,
    draw_text,
    has_rtl,
    is_rtl,
    layout_lines,
    line_width,
    visual_order,
)


class ShapedParagraph(Flowable):  # type: ignore[misc]
    """A left-aligned (or, for Arabic and Urdu, right-aligned) paragraph, optionally bulleted."""

    def __init__(
        self,
        text: str,
        style: TextStyle,
        *,
        arabic_script: str = "arabic",
        bullet: str | None = None,
        lines: list[list[Word]] | None = None,
        background: object = None,
        base_rtl: bool = False,
        right_aligned: bool = False,
    ) -> None:
        """``right_aligned`` sets left-to-right text (English in Arabic) on the right."""
        super().__init__()
        self.text = " ".join(text.split())
        self.style = style
        self.arabic_script = arabic_script
        self.bullet = bullet
        self.rtl = is_rtl(self.text) or (base_rtl and has_rtl(self.text))
        self.background = background
        self.right_aligned = right_aligned
        self._lines = lines
        self._avail = 0.0
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after

    def _text_width(self, avail: float) -> float:
        return avail - self.style.indent

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._lines is None or availWidth != self._avail:
            self._lines = layout_lines(
                self.text,
                self.style.size,
                self._text_width(availWidth),
                bold=self.style.bold,
                arabic_script=self.arabic_script,
            )
        self._avail = availWidth
        self.width = availWidth
        self.height = self.style.leading * max(len(self._lines), 1)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fits = int(availHeight // self.style.leading)
        if fits < 1 or fits >= len(self._lines):
            return []
        first = ShapedParagraph(
            self.text,
            self.style,
            arabic_script=self.arabic_script,
            bullet=self.bullet,
            lines=self._lines[:fits],
            background=self.background,
            right_aligned=self.right_aligned,
        )
        first.rtl = self.rtl
        rest = ShapedParagraph(
            self.text,
            self.style,
            arabic_script=self.arabic_script,
            lines=self._lines[fits:],
            background=self.background,
            right_aligned=self.right_aligned,
        )
        rest.rtl = self.rtl
        first.spaceAfter = 0
        rest.spaceBefore = 0
        first._avail = rest._avail = availWidth
        return [first, rest]

    def draw(self) -> None:
        assert self._lines is not None
        canvas = self.canv
        style = self.style
        if self.background is not None:
            canvas.setFillColor(self.background)
            canvas.rect(-4, -2, self.width + 8, self.height + 2, stroke=0, fill=1)
        canvas.setFillColor(style.colour)
        text_width = self._text_width(self.width)
        # First baseline sits one font size below the top, the rest one leading apart.
        y = self.height - style.size - (style.leading - style.size) / 2
        for n, line in enumerate(self._lines):
            words = visual_order(line, self.rtl)
            full = line_width(line, style.size, style.bold)
            x = text_width - full if self.rtl or self.right_aligned else style.indent
            draw_line(canvas, words, x, y, style.size, bold=style.bold)
            if n == 0 and self.bullet:
                bx = self.width - style.indent * 0.6 if self.rtl else style.indent * 0.35
                draw_text(canvas, self.bullet, bx, y, style.size, bold=style.bold, align="centre")
            y -= style.leading

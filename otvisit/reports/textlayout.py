"""Line layout for any script: per-script fonts, HarfBuzz shaping and RTL word order."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas

from otvisit.reports.fonts import face


def char_script(ch: str) -> str | None:
    """The script a letter belongs to, or None for digits, spaces and punctuation."""
    cp = ord(ch)
    if 0x0980 <= cp <= 0x09FF:
        return "bengali"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return None if unicodedata.category(ch)[0] in "NPZ" else "arabic"
    if unicodedata.category(ch).startswith("L"):
        return "latin"
    return None


def is_rtl(text: str) -> bool:
    """True when the first letter of ``text`` is Arabic or Urdu (rule P2 of the UBA)."""
    for ch in text:
        script = char_script(ch)
        if script is not None:
            return script == "arabic"
    return False


def has_rtl(text: str) -> bool:
    """True when ``text`` holds any Arabic or Urdu letter."""
    return any(char_script(ch) == "arabic" for ch in text)


@dataclass(frozen=True)
class Run:
    """A piece of one word in one font, shaped, with its width in points."""

    font: str
    glyphs: str
    width: float


@dataclass(frozen=True)
class Word:
    """A word's runs in visual order, whether it reads right to left, and its logical text."""

    runs: tuple[Run, ...]
    rtl: bool
    text: str = ""

    @property
    def width(self) -> float:
        return sum(r.width for r in self.runs)


def _font_for(script: str, arabic_script: str, bold: bool) -> str:
    return face(arabic_script if script == "arabic" else script, bold).name


def _shape(text: str, font: str, size: float, script: str) -> Run:
    if script == "latin":
        return Run(font, text, stringWidth(text, font, size))
    shaped = shapeStr(text, font, size)
    if isinstance(shaped, ShapedStr):
        width = sum(sd.x_advance for sd in shaped.__shapeData__) * size / 1000
        return Run(font, shaped, width)
    return Run(font, shaped, stringWidth(text, font, size))


def _scripts(word: str) -> list[str]:
    """One script per character; neutrals join the letter before (or after) them."""
    own = [char_script(ch) for ch in word]
    known = [s for s in own if s is not None]
    current = known[0] if known else "latin"
    out = []
    for s in own:
        current = s or current
        out.append(current)
    return out


def shape_word(word: str, size: float, *, bold: bool, arabic_script: str) -> Word:
    """Split a word into same-font runs, shape them, and order them for display."""
    scripts = _scripts(word)
    runs: list[Run] = []
    start = 0
    for i in range(1, len(word) + 1):
        if i == len(word) or scripts[i] != scripts[start]:
            script = scripts[start]
            font = _font_for(script, arabic_script, bold)
            if not all(
                ord(c) in face(script if script != "arabic" else arabic_script, bold).chars
                for c in word[start:i]
            ):
                script, font = "latin", face("latin", bold).name
            runs.append(_shape(word[start:i], font, size, script))
            start = i
    rtl = "arabic" in scripts
    return Word(tuple(reversed(runs)) if rtl else tuple(runs), rtl, word)


def _split_long(word: str, size: float, width: float, bold: bool, arabic_script: str) -> list[str]:
    """Cut a word wider than the line into pieces that fit (e.g. a long web address)."""
    pieces, current = [], ""
    for ch in word:
        trial = current + ch
        trial_width = shape_word(trial, size, bold=bold, arabic_script=arabic_script).width
        if current and trial_width > width:
            pieces.append(current)
            current = ch
        else:
            current = trial
    return [*pieces, current] if current else pieces


def layout_lines(
    text: str, size: float, width: float, *, bold: bool, arabic_script: str
) -> list[list[Word]]:
    """Break ``text`` into lines (words in logical order) that fit ``width``."""
    space = stringWidth(" ", face("latin", bold).name, size)
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    for raw in text.split():
        words = [shape_word(raw, size, bold=bold, arabic_script=arabic_script)]
        if words[0].width > width:
            words = [
                shape_word(p, size, bold=bold, arabic_script=arabic_script)
                for p in _split_long(raw, size, width, bold, arabic_script)
            ]
        for word in words:
            extra = word.width + (space if line else 0)
            if line and used + extra > width:
                lines.append(line)
                line, used = [], 0.0
                extra = word.width
            line.append(word)
            used += extra
    if line:
        lines.append(line)
    return lines


def visual_order(line: list[Word], rtl: bool) -> list[Word]:
    """Order words for display; in RTL text, runs of LTR words (names, numbers) keep order."""
    if not rtl:
        return list(line)
    segments: list[list[Word]] = []
    for word in line:
        if segments and not word.rtl and not segments[-1][0].rtl:
            segments[-1].append(word)
        else:
            segments.append([word])
    return [w for seg in reversed(segments) for w in seg]


def line_width(line: list[Word], size: float, bold: bool) -> float:
    space = float(stringWidth(" ", face("latin", bold).name, size))
    return sum(w.width for w in line) + space * max(len(line) - 1, 0)


def draw_line(
    canvas: Canvas, words: list[Word], x: float, y: float, size: float, *, bold: bool
) -> None:
    """Draw words (already in visual order) from ``x`` rightwards on baseline ``y``."""
    space = stringWidth(" ", face("latin", bold).name, size)
    for word in words:
        # Shaped glyphs of Arabic, Urdu and Bengali do not map back to the letters one by
        # one, so the logical word rides along as ActualText for copy, search and readers.
        actual = _needs_actual_text(word.text)
        if actual:
            canvas._code.append(f"/Span <</ActualText {_pdf_text(word.text)}>> BDC")
        for run in word.runs:
            canvas.setFont(run.font, size)
            canvas.drawString(x, y, run.glyphs)
            x += run.width
        if actual:
            canvas._code.append("EMC")
        x += space


def _needs_actual_text(text: str) -> bool:
    return any(char_script(ch) in ("arabic", "bengali") for ch in text)


def _pdf_text(text: str) -> str:
    """A PDF text string in UTF-16BE hex with its byte order mark."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def draw_text(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    size: float,
    *,
    bold: bool = False,
    arabic_script: str = "arabic",
    align: str = "left",
    base_rtl: bool = False,
) -> None:
    """Draw one line of any script; ``align`` is left, right or centre about ``x``."""
    words = [shape_word(w, size, bold=bold, arabic_script=arabic_script) for w in text.split()]
    width = line_width(words, size, bold)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    rtl = is_rtl(text) or (base_rtl and has_rtl(text))
    draw_line(canvas, visual_order(words, rtl), x, y, size, bold=bold)

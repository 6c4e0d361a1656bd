"""Line layout for any script: per-script fonts, HarfBuzz shaping and RTL word order."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
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
    text: str = ""


@dataclass(frozen=True)
class Word:
    """A word's runs in visual order, whether it reads right to left, and its logical text."""

    runs: tuple[Run, ...]
    rtl: bool
    text: str = ""
    #: Drawn right against the next word, with no space (a stop moved left of a name).
    joined: bool = False
    #: What copy and search should read for this word, when not its own letters.
    reads_as: str | None = None

    @property
    def width(self) -> float:
        return sum(r.width for r in self.runs)


def _font_for(script: str, arabic_script: str, bold: bool) -> str:
    return face(arabic_script if script == "arabic" else script, bold).name


def _shape(text: str, font: str, size: float, script: str) -> Run:
    if script == "latin":
        return Run(font, text, stringWidth(text, font, size), text)
    shaped = shapeStr(text, font, size)
    if isinstance(shaped, ShapedStr):
        width = sum(sd.x_advance for sd in shaped.__shapeData__) * size / 1000
        return Run(font, shaped, width, text)
    return Run(font, shaped, stringWidth(text, font, size), text)


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


@lru_cache(maxsize=32_768)
def shape_word(word: str, size: float, *, bold: bool, arabic_script: str) -> Word:
    """Split a word into same-font runs, shape them, and order them for display.

    Kept for the process (a Word is immutable): layout measures each word again for
    every width a flowable is offered, and the same strategy texts print again and again.
    """
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
    """Order words for display; in RTL text, runs of LTR words (names, numbers) keep order.

    A full stop or comma ending such a run belongs to the right-to-left sentence
    (rule N1/N2 of the UBA), so it is drawn on the run's left: "... 12." reads
    right to left with the stop after the number.
    """
    if not rtl:
        return list(line)
    segments: list[list[Word]] = []
    for word in line:
        if segments and not word.rtl and not segments[-1][0].rtl:
            segments[-1].append(word)
        else:
            segments.append([word])
    for seg in segments:
        if not seg[0].rtl:
            stop, seg[-1] = _split_stop(seg[-1])
            if stop is not None:
                seg.insert(0, stop)
    return [w for seg in reversed(segments) for w in seg]


def _split_stop(word: Word) -> tuple[Word | None, Word]:
    """A left-to-right word's trailing stop, as its own word to draw left of the run."""
    core = word.text.rstrip(_TRAILING)
    if core == word.text or not core or len(word.runs) != 1 or word.runs[0].glyphs != word.text:
        return None, word
    run = word.runs[0]
    tail = word.text[len(core) :]
    per_point = stringWidth(word.text, run.font, 1) or 1.0
    size = run.width / per_point
    tail_width = float(stringWidth(tail, run.font, size))
    # The stop is read with the word it ends ("10."), not where it stands on the page.
    # The stop is read at the end of the word it ends ("10."), not where it stands: it
    # shares one span with the word drawn after it, which reads as that word (draw_line).
    stop = Word((Run(run.font, tail, tail_width, tail),), False, tail, joined=True)
    core_run = Run(run.font, core, run.width - tail_width, core)
    return stop, Word((core_run,), False, core, reads_as=word.text)


_TRAILING = ".,:;!?،؛؟"


def line_width(line: list[Word], size: float, bold: bool) -> float:
    space = float(stringWidth(" ", face("latin", bold).name, size))
    return sum(w.width for w in line) + space * max(len(line) - 1, 0)


def draw_line(
    canvas: Canvas, words: list[Word], x: float, y: float, size: float, *, bold: bool
) -> None:
    """Draw words (already in visual order) from ``x`` rightwards on baseline ``y``."""
    space = stringWidth(" ", face("latin", bold).name, size)
    spanned = False
    for n, word in enumerate(words):
        # Bengali glyphs (pre-base vowels, conjuncts) do not map back to the letters one by
        # one, so the logical word rides along as ActualText for copy, search and readers.
        # Arabic and Urdu runs carry their letters for each extractor (see _draw_rtl_run).
        # A number or name whose stop moved to its left (see visual_order) reads as written.
        actual = word.reads_as is not None or (not word.rtl and _needs_actual_text(word.text))
        if word.joined and n + 1 < len(words):
            after = words[n + 1]
            _begin_actual_text(canvas, after.text if after.reads_as is None else after.reads_as)
            spanned = True
        elif actual and not spanned:
            _begin_actual_text(canvas, word.text if word.reads_as is None else word.reads_as)
        for run in word.runs:
            canvas.setFont(run.font, size)
            if word.rtl and isinstance(run.glyphs, ShapedStr) and run.text:
                _draw_rtl_run(canvas, run, x, y, size)
            else:
                canvas.drawString(x, y, run.glyphs)
            x += run.width
        if spanned and not word.joined:
            canvas._code.append("EMC")
            spanned = False
        elif actual and not word.joined:
            canvas._code.append("EMC")
        x += 0 if word.joined else space


def _begin_actual_text(canvas: Canvas, text: str) -> None:
    canvas._code.append(f"/Span <</ActualText {_pdf_text(text)}>> BDC")


def _draw_rtl_run(canvas: Canvas, run: Run, x: float, y: float, size: float) -> None:
    """An Arabic or Urdu run (one word's letters), read back in logical order by poppler and pdfium.

    The glyphs stand for letters in shapes and orders of their own (joining forms,
    lam-alef, a shadda or tanween drawn over its letter, Nastaliq's glyphs on many
    heights with private codes), so the word's letters ride along as ActualText. The two
    extractors read such a span differently:

    - poppler honours ActualText only on a /Span, lays the span's letters out left to
      right across it and then reads the right-to-left line from the right: it wants
      the letters in visual order. It takes the span's place from its first and last
      glyph, so a blank space (a "baseline anchor") starts and ends the span on the
      baseline at the word's two edges; without them a Nastaliq word's place jumps
      with its cascade and poppler breaks lines apart.
    - pdfium reads the innermost marked content that has a property list, whatever its
      tag. Where the glyphs map to Arabic letters (Naskh) it takes the letters for
      visual order and turns each run of right-to-left letters round, so it is given
      each run already turned round (marks stay where they are); Nastaliq's glyphs
      mostly have private codes and pdfium keeps its letters as given (logical order).

    So an outer /Span carries the letters for poppler and an inner /Word (a tag poppler
    does not read ActualText from) carries them for pdfium. tests/reports/test_extraction.py
    reads both back.
    """
    logical = run.text
    for_pdfium = logical if "Nastaliq" in run.font else _runs_turned_round(logical)
    # The anchor: a blank space (code 32 of subset 0) squeezed to no width (0 Tz), so it
    # marks a point without moving anything, for pdfplumber too (no space inside a word).
    font = getFont(run.font)
    anchor = f"{font.getSubsetInternalName(0, canvas._doc)} {fp_str(size)} Tf 0 Tz ( ) Tj 100 Tz ET"
    code = canvas._code
    code.append(
        f"/Span <</ActualText {_pdf_text(logical[::-1])}>> BDC "
        f"/Word <</ActualText {_pdf_text(for_pdfium)}>> BDC\n"
        f"BT 1 0 0 1 {fp_str(x, y)} Tm {anchor}"
    )
    canvas.drawString(x, y, run.glyphs)
    code.append(f"BT 1 0 0 1 {fp_str(x + run.width, y)} Tm {anchor}\nEMC EMC")


def _runs_turned_round(text: str) -> str:
    """Each run of right-to-left letters reversed in place ("معًا" -> "عمًا")."""
    out: list[str] = []
    letters: list[str] = []
    for ch in text:
        if unicodedata.bidirectional(ch) in ("R", "AL"):
            letters.append(ch)
            continue
        out += reversed(letters)
        letters = []
        out.append(ch)
    out += reversed(letters)
    return "".join(out)


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

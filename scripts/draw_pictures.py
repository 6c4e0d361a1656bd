"""Write the starter strategy pictograms (resources/pictures/<strategy-id>.svg).

Each picture is 2-4 panels of simple line drawings, left to right then top to
bottom, each panel marked with 1-4 dots for its step (no words, so one picture
serves every language). Written for this project; licence in resources/pictures/LICENCE.md.

Run: .venv/bin/python scripts/draw_pictures.py   (then look at them; commit the SVGs)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "pictures"
INK = "#212B32"
BLUE = "#005EB8"
PALE = "#D6E6F5"
GREEN = "#007F3B"
PANEL = 110
GAP = 10

Shape = str


def line(x1: float, y1: float, x2: float, y2: float, w: float = 3, c: str = INK) -> Shape:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{c}" stroke-width="{w}" '
        'stroke-linecap="round"/>'
    )


def path(d: str, w: float = 3, c: str = INK, fill: str = "none") -> Shape:
    return (
        f'<path d="{d}" stroke="{c}" stroke-width="{w}" fill="{fill}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def rect(
    x: float, y: float, w: float, h: float, fill: str = "none", c: str = INK, r: float = 2
) -> Shape:
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" stroke="{c}" '
        f'stroke-width="3" fill="{fill}"/>'
    )


def circle(x: float, y: float, r: float, fill: str = "none", c: str = INK, w: float = 3) -> Shape:
    return f'<circle cx="{x}" cy="{y}" r="{r}" stroke="{c}" stroke-width="{w}" fill="{fill}"/>'


def tick(x: float, y: float, s: float = 1.0) -> Shape:
    return path(f"M{x} {y} l{6 * s} {6 * s} l{12 * s} {-14 * s}", 4, GREEN)


def cross(x: float, y: float, s: float = 8) -> Shape:
    return line(x - s, y - s, x + s, y + s, 4, "#D5281B") + line(
        x - s, y + s, x + s, y - s, 4, "#D5281B"
    )


# --- People and furniture -------------------------------------------------------------


def sitting(x: float, y: float, feet_y: float | None = None) -> Shape:
    """A child sitting, seat at (x, y), facing right; knees and hips bent at right angles."""
    fy = feet_y if feet_y is not None else y + 28
    return "".join(
        [
            circle(x + 2, y - 38, 8, PALE),
            line(x + 2, y - 30, x, y),  # back
            line(x, y, x + 22, y),  # thigh
            line(x + 22, y, x + 22, fy),  # shin
            line(x + 22, fy, x + 30, fy),  # foot
            line(x + 1, y - 22, x + 22, y - 16),  # arm
        ]
    )


def standing(x: float, y: float, arms: str = "down") -> Shape:
    """A child standing, feet at y."""
    body = [
        circle(x, y - 62, 8, PALE),
        line(x, y - 54, x, y - 26),
        line(x, y - 26, x - 8, y),
        line(x, y - 26, x + 8, y),
    ]
    if arms == "up":
        body += [line(x, y - 48, x - 12, y - 66), line(x, y - 48, x + 12, y - 66)]
    elif arms == "forward":
        body += [line(x, y - 48, x + 22, y - 44), line(x, y - 48, x + 20, y - 38)]
    else:
        body += [line(x, y - 48, x - 10, y - 30), line(x, y - 48, x + 10, y - 30)]
    return "".join(body)


def chair(x: float, y: float, h: float = 28) -> Shape:
    """A chair whose seat is at (x..x+26, y); back at the left."""
    return "".join(
        [
            line(x - 4, y, x + 26, y),
            line(x - 4, y, x - 4, y - 34),
            line(x - 2, y, x - 2, y + h),
            line(x + 24, y, x + 24, y + h),
        ]
    )


def table(x: float, y: float, w: float = 40, floor: float = 100) -> Shape:
    return line(x, y, x + w, y, 4) + line(x + w - 6, y, x + w - 6, floor)


def floor(y: float = 100) -> Shape:
    return line(8, y, 102, y, 2, "#768692")


def box(x: float, y: float, w: float = 22, h: float = 12) -> Shape:
    return rect(x, y, w, h, PALE, BLUE)


# --- Things -----------------------------------------------------------------------------


def coat(x: float, y: float, s: float = 1.0, flipped: bool = False) -> Shape:
    """A coat seen from the front, collar at the top (or at the bottom when flipped)."""
    k = -1 if flipped else 1
    d = (
        f"M{x} {y} l{-14 * s} {6 * k * s} l{-10 * s} {22 * k * s} l{8 * s} {3 * k * s} "
        f"l{4 * s} {-8 * k * s} l0 {26 * k * s} l{24 * s} 0 l0 {-26 * k * s} l{4 * s} {8 * k * s} "
        f"l{8 * s} {-3 * k * s} l{-10 * s} {-22 * k * s} z"
    )
    return path(d, 3, BLUE, PALE) + line(x, y, x, y + 34 * k * s, 2, BLUE)


def pencil(
    x: float, y: float, length: float = 40, angle_dx: float = 1, angle_dy: float = -1
) -> Shape:
    import math

    n = math.hypot(angle_dx, angle_dy)
    ux, uy = angle_dx / n, angle_dy / n
    x2, y2 = x + ux * length, y + uy * length
    return line(x, y, x2, y2, 7, "#FFB81C") + line(x, y, x - ux * 7, y - uy * 7, 3, INK)


def scissors(x: float, y: float, open_: bool = True) -> Shape:
    spread = 10 if open_ else 3
    return "".join(
        [
            circle(x, y - 7, 6, "none", BLUE),
            circle(x, y + 7, 6, "none", BLUE),
            line(x + 5, y - 4, x + 36, y + spread, 3, INK),
            line(x + 5, y + 4, x + 36, y - spread, 3, INK),
        ]
    )


def hand(x: float, y: float) -> Shape:
    """A simple open hand (palm and four fingers and a thumb), fingers up."""
    return "".join(
        [
            rect(x, y, 20, 20, PALE, INK, 6),
            *[line(x + 3 + 5 * i, y, x + 3 + 5 * i, y - 10) for i in range(4)],
            line(x, y + 8, x - 7, y + 2),
        ]
    )


def plate(x: float, y: float, w: float = 40) -> Shape:
    return path(f"M{x} {y} q{w / 2} 12 {w} 0", 3) + line(x - 4, y, x + w + 4, y, 3)


def fork(x: float, y: float) -> Shape:
    return line(x, y, x, y - 30) + "".join(
        line(x - 4 + 4 * i, y - 30, x - 4 + 4 * i, y - 40, 2) for i in range(3)
    )


def knife(x: float, y: float) -> Shape:
    return line(x, y, x, y - 16, 4) + path(f"M{x} {y - 16} l0 -24 q6 8 4 24 z", 2, INK, "#E8EDEE")


def spoon(x: float, y: float, thick: bool = False) -> Shape:
    handle = line(x, y, x, y - 24, 9 if thick else 3, BLUE if thick else INK)
    return (
        handle
        + f'<ellipse cx="{x}" cy="{y - 32}" rx="6" ry="8" stroke="{INK}" '
        + 'stroke-width="3" fill="none"/>'
    )


def bead(x: float, y: float, r: float = 6, fill: str = BLUE) -> Shape:
    return circle(x, y, r, fill, INK, 2)


def timer(x: float, y: float, r: float = 16) -> Shape:
    return "".join(
        [
            circle(x, y, r, "white"),
            path(f"M{x} {y} L{x} {y - r} A{r} {r} 0 0 1 {x + r} {y} Z", 0.5, "#D5281B", "#F4B6B0"),
            line(x, y, x, y - r + 3, 2),
            line(x - 4, y - r - 4, x + 4, y - r - 4, 3),
        ]
    )


def checklist(x: float, y: float, ticks: int = 2, rows: int = 3) -> Shape:
    parts = [rect(x, y, 44, 14 * rows + 8, "white")]
    for i in range(rows):
        parts.append(rect(x + 5, y + 6 + 14 * i, 8, 8, "white", INK, 1))
        parts.append(line(x + 18, y + 10 + 14 * i, x + 38, y + 10 + 14 * i, 2, "#768692"))
        if i < ticks:
            parts.append(tick(x + 4, y + 9 + 14 * i, 0.55))
    return "".join(parts)


def picture_card(x: float, y: float, kind: int) -> Shape:
    """A small card with a simple symbol: 0 sun, 1 toothbrush, 2 shirt, 3 bowl, 4 bath, 5 bed."""
    parts = [rect(x, y, 22, 22, "white", INK, 3)]
    cx, cy = x + 11, y + 11
    if kind == 0:
        parts += [circle(cx, cy, 5, "#FFB81C", INK, 2)]
    elif kind == 1:
        parts += [line(x + 4, y + 17, x + 17, y + 5, 3, BLUE)]
    elif kind == 2:
        parts += [path(f"M{x + 5} {y + 7} l6 -3 l6 3 l-2 3 l0 9 l-8 0 l0 -9 z", 2, BLUE, PALE)]
    elif kind == 3:
        parts += [path(f"M{x + 4} {y + 10} q7 10 14 0 z", 2, INK, PALE)]
    elif kind == 4:
        parts += [path(f"M{x + 3} {y + 11} l16 0 l-2 6 l-12 0 z", 2, BLUE, PALE)]
    else:
        parts += [rect(x + 3, y + 10, 16, 6, PALE, INK, 1)]
    return "".join(parts)


def bag(x: float, y: float) -> Shape:
    return (
        rect(x, y, 32, 36, PALE, BLUE, 6)
        + path(f"M{x + 8} {y} q8 -12 16 0", 3, BLUE)
        + rect(x + 6, y + 16, 20, 10, "white", BLUE, 2)
    )


def door(x: float, y: float = 28) -> Shape:
    return rect(x, y, 28, 72, "none", "#768692", 1) + circle(x + 22, y + 40, 2, INK, INK, 1)


def paper(x: float, y: float, w: float = 36, h: float = 46, tilt: float = 0) -> Shape:
    cx, cy = x + w / 2, y + h / 2
    return (
        f'<g transform="rotate({tilt} {cx} {cy})">'
        + rect(x, y, w, h, "white", INK, 1)
        + "".join(
            line(x + 5, y + 10 + 8 * i, x + w - 5, y + 10 + 8 * i, 1.5, "#AEB7BD") for i in range(4)
        )
        + "</g>"
    )


def dough(x: float, y: float, w: float = 40, h: float = 12) -> Shape:
    return rect(x, y, w, h, "#F4B6B0", "#B3302A", h / 2)


def cushion(x: float, y: float) -> Shape:
    return rect(x, y, 30, 14, PALE, BLUE, 7)


def tent(x: float, y: float) -> Shape:
    return path(f"M{x} {y} l30 -44 l30 44 z", 3, BLUE, PALE) + path(
        f"M{x + 30} {y} l-8 -18 l16 0 z", 2, BLUE, "white"
    )


def lamp_low(x: float, y: float) -> Shape:
    return path(f"M{x} {y} l12 0 l-3 -10 l-6 0 z", 2, INK, "#FFE9A8") + line(
        x + 6, y, x + 6, y + 16, 2
    )


def arrow(x1: float, y1: float, x2: float, y2: float, c: str = BLUE) -> Shape:
    import math

    a = math.atan2(y2 - y1, x2 - x1)
    hx1, hy1 = x2 - 8 * math.cos(a - 0.5), y2 - 8 * math.sin(a - 0.5)
    hx2, hy2 = x2 - 8 * math.cos(a + 0.5), y2 - 8 * math.sin(a + 0.5)
    return line(x1, y1, x2, y2, 3, c) + path(
        f"M{hx1:.1f} {hy1:.1f} L{x2} {y2} L{hx2:.1f} {hy2:.1f}", 3, c
    )


def curved_arrow(x: float, y: float, r: float = 14) -> Shape:
    return path(f"M{x - r} {y} A{r} {r} 0 1 1 {x} {y + r}", 3, BLUE) + path(
        f"M{x + 6} {y + r - 6} L{x} {y + r} L{x + 6} {y + r + 6}", 3, BLUE
    )


def angle_mark(x: float, y: float) -> Shape:
    """A small right-angle mark at a joint."""
    return path(f"M{x + 7} {y} l0 7 l-7 0", 2, GREEN)


# --- Panels per strategy --------------------------------------------------------------

Panel = Shape
P: dict[str, list[Panel]] = {}


def strategy(sid: str) -> Callable[[Callable[[], list[Panel]]], Callable[[], list[Panel]]]:
    def register(fn: Callable[[], list[Panel]]) -> Callable[[], list[Panel]]:
        P[sid] = fn()
        return fn

    return register


@strategy("dressing-coat-flip")
def _() -> list[Panel]:
    return [
        floor() + coat(55, 86, 1.0, flipped=True) + line(40, 96, 70, 96, 2, "#768692"),
        floor() + coat(55, 84, 1.0, flipped=True) + standing(55, 100, "down"),
        floor() + coat(55, 8, 0.6) + standing(55, 100, "up"),
        floor() + standing(55, 100) + coat(55, 42, 0.7) + tick(78, 30),
    ]


@strategy("dressing-backward-chaining")
def _() -> list[Panel]:
    def trousers(x: float, y: float) -> Shape:
        return path(f"M{x} {y} l24 0 l2 36 l-9 0 l-5 -22 l-5 22 l-9 0 z", 3, BLUE, PALE)

    return [
        trousers(43, 40) + hand(20, 30) + hand(72, 30),
        trousers(43, 40) + hand(72, 30) + arrow(84, 70, 84, 44),
        trousers(43, 30) + hand(38, 14) + tick(72, 18) + arrow(24, 78, 24, 38, GREEN),
    ]


@strategy("dressing-sit-to-dress")
def _() -> list[Panel]:
    return [
        floor() + chair(38, 72) + line(30, 72, 30, 100),
        floor()
        + chair(38, 72)
        + sitting(40, 72, 100)
        + path("M70 98 l14 0 l0 -6 l-6 0 z", 3, BLUE, PALE),
        floor() + standing(55, 100, "down") + arrow(80, 80, 80, 52),
    ]


@strategy("dressing-clothes-in-order")
def _() -> list[Panel]:
    return [
        floor()
        + rect(14, 84, 14, 10, PALE, BLUE)
        + rect(36, 80, 16, 14, PALE, BLUE)
        + rect(60, 78, 18, 16, "white", BLUE)
        + rect(86, 76, 12, 18, PALE, BLUE),
        arrow(14, 55, 96, 55) + "".join(circle(20 + 20 * i, 40, 6, PALE, BLUE) for i in range(5)),
        checklist(30, 25, ticks=1, rows=4),
    ]


@strategy("eating-steady-base")
def _() -> list[Panel]:
    return [
        floor() + chair(24, 66, 34) + sitting(26, 66, 88) + box(44, 88, 26, 12),
        floor()
        + chair(24, 66, 34)
        + sitting(26, 66, 88)
        + box(44, 88, 26, 12)
        + angle_mark(26, 59)
        + angle_mark(48, 59),
        floor() + chair(24, 66, 34) + sitting(26, 66, 88) + box(44, 88, 26, 12) + table(56, 54, 44),
        rect(16, 62, 78, 10, "#E8EDEE", "#768692", 2) + plate(35, 58, 40),
    ]


@strategy("eating-knife-and-fork")
def _() -> list[Panel]:
    banana = path("M24 70 q30 20 62 -6", 10, "#FFB81C")
    return [
        plate(25, 74, 60) + banana,
        fork(34, 84) + knife(76, 84),
        fork(40, 74)
        + knife(66, 74)
        + plate(22, 80, 66)
        + arrow(74, 34, 88, 34)
        + arrow(74, 34, 60, 34),
        plate(22, 80, 66) + rect(30, 68, 50, 10, "#B3302A", "#7A1E1A", 5),
    ]


@strategy("eating-thick-handles")
def _() -> list[Panel]:
    return [
        spoon(40, 90) + fork(70, 90),
        spoon(55, 90, thick=True),
        '<ellipse cx="55" cy="48" rx="16" ry="8" stroke="#212B32" stroke-width="3" fill="none"/>'
        + tick(74, 30),
        path("M22 50 l6 40 l54 0 l6 -40", 3, INK, PALE),
    ]


@strategy("eating-spreading-practice")
def _() -> list[Panel]:
    return [
        rect(26, 58, 58, 30, "#FFE9A8", "#B88A00", 6),
        rect(26, 58, 58, 30, "#FFE9A8", "#B88A00", 6) + hand(30, 48),
        rect(26, 58, 58, 30, "#FFE9A8", "#B88A00", 6)
        + arrow(55, 73, 30, 73)
        + arrow(55, 73, 80, 73),
        "".join(rect(18 + 26 * i, 60, 20, 20, "#F2D59A", "#B88A00", 2) for i in range(3)),
    ]


@strategy("fine-motor-playdough")
def _() -> list[Panel]:
    return [
        dough(20, 60, 70, 14) + hand(46, 32),
        "".join(circle(30 + 18 * i, 70, 6, "#F4B6B0", "#B3302A") for i in range(4)),
        dough(20, 60, 70, 24) + bead(40, 70) + bead(62, 74, 5, GREEN),
        dough(20, 66, 70, 14) + knife(55, 62),
    ]


@strategy("fine-motor-threading")
def _() -> list[Panel]:
    lace = path("M14 40 q40 30 80 0", 3, GREEN)
    return [
        lace + bead(40, 52, 9) + bead(60, 54, 9, "#FFB81C"),
        lace + "".join(bead(24 + 12 * i, 46 + (8 if 1 < i < 5 else 4), 4) for i in range(7)),
        path("M20 30 q35 70 70 0", 3, GREEN)
        + "".join(
            bead(28 + 9 * i, 50 + (14 if 1 < i < 5 else 8), 4, (BLUE, "#FFB81C")[i % 2])
            for i in range(7)
        ),
        rect(28, 26, 54, 60, PALE, BLUE, 6)
        + "".join(circle(36 + 13 * i, 34, 2, "white", INK, 1.5) for i in range(4))
        + path("M36 34 L49 60 L62 34 L75 60", 2, GREEN),
    ]


@strategy("fine-motor-posting-games")
def _() -> list[Panel]:
    return [
        rect(26, 56, 58, 36, PALE, BLUE, 8)
        + line(46, 56, 64, 56, 5, INK)
        + circle(55, 36, 8, "#FFB81C"),
        "".join(circle(30 + 14 * i, 82, 4, "#7A1E1A", INK, 1) for i in range(4)) + hand(44, 44),
        rect(20, 66, 70, 24, PALE, BLUE, 3)
        + "".join(rect(28 + 14 * i, 52, 6, 16, BLUE, BLUE, 2) for i in range(4)),
        timer(55, 60),
    ]


@strategy("handwriting-pencil-grip")
def _() -> list[Panel]:
    return [
        pencil(30, 80, 30) + pencil(50, 86, 26, 1, -0.6) + line(70, 70, 90, 60, 10, "#D5281B"),
        hand(40, 56) + pencil(46, 60, 30),
        path("M40 80 l20 -46 l20 46 z", 3, INK, "#FFE9A8"),
        hand(44, 50) + pencil(50, 56, 30) + tick(74, 80),
        hand(44, 50) + timer(80, 34, 12),
    ][:4]


@strategy("handwriting-vertical-surface")
def _() -> list[Panel]:
    return [
        line(78, 10, 78, 100, 4, "#768692")
        + rect(58, 30, 18, 26, "white")
        + standing(40, 100, "forward"),
        line(78, 10, 78, 100, 4, "#768692")
        + rect(58, 30, 18, 26, "white")
        + standing(40, 100, "forward")
        + path("M62 38 q6 8 10 0", 2, BLUE),
        rect(22, 26, 66, 44, "#2F4F3F", INK, 2)
        + path("M34 50 q10 -14 20 0 q10 14 20 0", 3, "white"),
        timer(55, 56, 20),
    ]


@strategy("handwriting-pre-writing-shapes")
def _() -> list[Panel]:
    return [
        line(24, 30, 24, 80)
        + line(40, 55, 80, 55)
        + circle(66, 32, 10)
        + line(56, 72, 72, 88)
        + line(56, 88, 72, 72),
        rect(14, 40, 82, 50, "#F2D59A", "#B88A00", 6) + circle(55, 65, 16, "none", "#B88A00"),
        paper(32, 30) + circle(50, 56, 10, "none", BLUE) + pencil(70, 80, 24),
        "".join(line(24 + 14 * i, 24, 20 + 14 * i, 40, 2, BLUE) for i in range(5))
        + circle(36, 78, 10)
        + circle(76, 78, 10)
        + path("M26 74 l0 -14 l60 0 l0 14", 3),
    ]


@strategy("handwriting-letter-families")
def _() -> list[Panel]:
    return [
        path("M46 40 a14 14 0 1 0 0 26", 5, BLUE)
        + path("M80 40 a12 12 0 1 0 0 1 M80 38 l0 28", 5, BLUE),
        line(40, 26, 40, 80, 5, BLUE)
        + line(60, 44, 60, 80, 5, BLUE)
        + circle(60, 32, 2, BLUE, BLUE)
        + line(80, 30, 80, 80, 5, BLUE)
        + line(72, 44, 88, 44, 5, BLUE),
        curved_arrow(55, 50) + arrow(82, 70, 82, 36),
        "".join(
            rect(20 + 24 * i, 34, 18, 44, PALE if i < 2 else "white", BLUE, 3) for i in range(3)
        )
        + tick(24, 90),
    ]


@strategy("handwriting-paper-position")
def _() -> list[Panel]:
    return [
        paper(36, 26, tilt=-20),
        paper(36, 26, tilt=-20) + hand(16, 60) + pencil(74, 80, 26),
        rect(20, 72, 70, 8, PALE, BLUE, 2) + paper(36, 22, tilt=-20),
        lamp_low(30, 30)
        + line(12, 80, 98, 80, 4)
        + "".join(line(36 + 4 * i, 46, 30 + 10 * i, 74, 1.5, "#FFB81C") for i in range(4)),
    ]


@strategy("organisation-picture-checklist")
def _() -> list[Panel]:
    def cards() -> Shape:
        return "".join(picture_card(22 + 24 * (i % 3), 26 + 30 * (i // 3), i) for i in range(6))

    return [
        cards(),
        door(60)
        + rect(22, 36, 26, 38, "white")
        + "".join(line(26, 44 + 8 * i, 44, 44 + 8 * i, 2) for i in range(4)),
        checklist(32, 28, ticks=2, rows=4),
        standing(40, 100)
        + path(
            "M70 40 l4 10 l10 1 l-8 7 l3 10 l-9 -6 l-9 6 l3 -10 l-8 -7 l10 -1 z",
            2,
            "#B88A00",
            "#FFB81C",
        ),
    ]


@strategy("organisation-pack-the-bag")
def _() -> list[Panel]:
    return [
        bag(40, 50)
        + circle(80, 24, 8, "#FFE9A8", INK, 2)
        + path("M76 20 a8 8 0 1 0 8 8 a6 6 0 0 1 -8 -8", 2, INK, INK),
        "".join(rect(14 + 17 * i, 40, 14, 40, "white", INK, 1) for i in range(5))
        + tick(18, 60, 0.5),
        floor() + door(66) + bag(28, 64),
        rect(20, 46, 70, 24, "none", BLUE, 10)
        + pencil(30, 60, 30, 1, 0)
        + line(70, 58, 82, 58, 6, "#D5281B"),
    ]


@strategy("organisation-chunk-tasks")
def _() -> list[Panel]:
    return [
        standing(34, 100)
        + path("M50 34 l36 0 l0 20 l-26 0 l-6 6 l0 -6 l-4 0 z", 2, INK, "white")
        + circle(68, 44, 3, BLUE, BLUE),
        standing(70, 100)
        + path("M16 30 l36 0 l0 20 l-4 0 l0 6 l-6 -6 l-26 0 z", 2, INK, "white")
        + circle(34, 40, 3, BLUE, BLUE),
        timer(55, 56, 22),
        "".join(
            rect(14 + 30 * i, 42, 24, 24, PALE if i < 2 else "white", BLUE, 3) for i in range(3)
        )
        + tick(18, 54, 0.8)
        + tick(48, 54, 0.8),
    ]


@strategy("scissors-snip-first")
def _() -> list[Panel]:
    return [
        scissors(30, 55),
        scissors(30, 55) + circle(30, 48, 3, BLUE, BLUE) + arrow(30, 30, 30, 40, GREEN),
        hand(32, 46) + path("M38 36 l6 -16 l6 16", 3, GREEN),
        rect(50, 30, 40, 8, "#F2D59A", "#B88A00", 1)
        + rect(50, 50, 40, 8, "#F2D59A", "#B88A00", 1)
        + scissors(18, 54)
        + line(56, 70, 60, 84, 2)
        + line(70, 70, 72, 84, 2),
    ]


@strategy("scissors-helper-hand")
def _() -> list[Panel]:
    return [
        paper(40, 26, 44, 56) + hand(24, 50),
        paper(40, 26, 44, 56, tilt=20) + curved_arrow(62, 54, 12),
        line(18, 40, 92, 40, 6, INK) + path("M18 74 q18 -16 37 0 q18 16 37 0", 4, INK),
        paper(30, 24, 50, 60) + path("M36 54 q20 -20 38 0", 8, BLUE) + scissors(40, 86),
    ]


@strategy("scissors-squeeze-games")
def _() -> list[Panel]:
    tongs = path("M20 40 l50 14 M20 40 l50 -2", 4, BLUE) + circle(78, 50, 6, "#FFB81C", INK, 2)
    return [
        tongs + circle(84, 76, 6, GREEN, INK, 2) + circle(66, 80, 6, "#D5281B", INK, 2),
        rect(30, 40, 50, 26, "#FFE9A8", "#B88A00", 6)
        + "".join(line(40 + 10 * i, 72, 40 + 10 * i, 84, 2, BLUE) for i in range(4)),
        rect(26, 40, 34, 30, PALE, INK, 3)
        + line(43, 40, 43, 28, 4)
        + circle(80, 60, 3, "none", INK, 2),
        timer(55, 56, 20),
    ]


@strategy("seating-90-90-90")
def _() -> list[Panel]:
    return [
        floor() + chair(28, 62, 38) + sitting(30, 62, 86) + box(46, 86, 28, 14),
        floor()
        + chair(28, 62, 38)
        + sitting(30, 62, 86)
        + box(46, 86, 28, 14)
        + angle_mark(30, 55)
        + angle_mark(52, 55),
        floor()
        + chair(28, 62, 38)
        + sitting(30, 62, 86)
        + box(46, 86, 28, 14)
        + line(28, 50, 28, 30, 5, GREEN),
        floor() + chair(18, 62, 38) + sitting(20, 62, 86) + table(44, 44, 56) + box(36, 86, 28, 14),
    ]


@strategy("seating-movement-breaks")
def _() -> list[Panel]:
    return [
        floor() + chair(34, 70, 30) + sitting(36, 70, 100) + timer(86, 30, 12),
        floor() + standing(55, 86, "up") + path("M44 96 q11 -6 22 0", 2, "#768692"),
        "".join(
            rect(14 + 22 * i, 40, 16, 24, PALE if i % 2 == 0 else "white", BLUE, 3)
            for i in range(4)
        ),
    ]


@strategy("seating-floor-sitting")
def _() -> list[Panel]:
    return [
        floor(90)
        + circle(55, 40, 8, PALE)
        + line(55, 48, 55, 76)
        + path("M34 86 l21 -10 l21 10 M38 86 l34 0", 3),
        floor(90)
        + rect(14, 40, 22, 50, PALE, BLUE, 4)
        + circle(46, 40, 8, PALE)
        + line(42, 48, 40, 80)
        + line(40, 80, 76, 84),
        floor(90)
        + circle(24, 74, 8, PALE)
        + line(32, 80, 86, 84)
        + rect(40, 60, 20, 12, "white", BLUE, 1)
        + line(32, 78, 44, 66),
    ]


@strategy("sensory-heavy-work")
def _() -> list[Panel]:
    return [
        floor()
        + standing(44, 100)
        + rect(56, 58, 20, 24, PALE, BLUE, 3)
        + path("M60 58 q6 -10 12 0", 2, BLUE),
        floor()
        + standing(34, 100, "forward")
        + rect(56, 64, 36, 26, PALE, BLUE, 4)
        + circle(66, 62, 5, "#FFB81C", INK, 2),
        floor()
        + line(84, 10, 84, 100, 4, "#768692")
        + circle(46, 44, 8, PALE)
        + line(52, 50, 36, 94)
        + line(48, 60, 82, 54),
        timer(40, 56, 16)
        + rect(62, 62, 30, 10, PALE, BLUE, 3)
        + rect(60, 72, 34, 10, PALE, BLUE, 3),
    ]


@strategy("sensory-calm-space")
def _() -> list[Panel]:
    return [
        floor() + tent(24, 100) + cushion(28, 86) + cushion(58, 86),
        floor()
        + lamp_low(46, 54)
        + path("M74 30 a10 10 0 1 0 10 10 a8 8 0 0 1 -10 -10", 2, INK, "#FFE9A8"),
        floor()
        + circle(40, 80, 12, "#F2D59A", INK)
        + circle(34, 66, 6, "#F2D59A", INK)
        + circle(46, 66, 6, "#F2D59A", INK)
        + rect(64, 70, 26, 20, PALE, BLUE, 2),
        floor() + tent(24, 100) + standing(62, 100) + path("M74 40 l4 -8 l4 8", 2, GREEN),
    ]


@strategy("sensory-warn-about-change")
def _() -> list[Panel]:
    return [
        standing(30, 100)
        + path("M44 30 l44 0 l0 22 l-30 0 l-6 6 l0 -6 l-8 0 z", 2, INK, "white")
        + picture_card(62, 33, 4),
        timer(55, 56, 24),
        "".join(picture_card(12 + 24 * i, 44, k) for i, k in enumerate((0, 1, 3, 4)))
        + arrow(12, 80, 96, 80),
        picture_card(20, 30, 0) + curved_arrow(56, 62, 14) + picture_card(70, 30, 5),
    ]


@strategy("sensory-grooming-tolerance")
def _() -> list[Panel]:
    return [
        circle(55, 50, 18, PALE) + rect(24, 30, 62, 14, "#E8EDEE", "#768692", 4) + hand(70, 20),
        circle(40, 50, 14, PALE) + line(58, 62, 80, 44, 4, BLUE) + arrow(78, 80, 96, 80),
        "".join(
            circle(18 + 9.5 * i, 56, 3, BLUE if i < 6 else "white", BLUE, 1.5) for i in range(10)
        ),
        line(30, 80, 70, 40, 5, BLUE)
        + "".join(line(70 + 3 * i, 40 - 3 * i, 76 + 3 * i, 46 - 3 * i, 2) for i in range(4)),
    ]


# --- Writing the files ----------------------------------------------------------------


def dots(n: int) -> Shape:
    return "".join(circle(12 + 9 * i, 12, 3.5, BLUE, BLUE, 1) for i in range(n))


def svg(sid: str, panels: list[Panel]) -> str:
    cols = 2
    rows = (len(panels) + 1) // 2
    width = cols * PANEL + (cols - 1) * GAP
    height = rows * PANEL + (rows - 1) * GAP
    body = []
    for n, panel in enumerate(panels):
        x = (n % cols) * (PANEL + GAP)
        y = (n // cols) * (PANEL + GAP)
        body.append(
            f'<g transform="translate({x} {y})">'
            f'<rect x="1.5" y="1.5" width="{PANEL - 3}" height="{PANEL - 3}" rx="8" '
            f'stroke="#AEB7BD" stroke-width="1.5" fill="white"/>{dots(n + 1)}{panel}</g>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">\n'
        f"<!-- {sid}: key steps, one panel per step. Written for otvisit; CC BY 4.0 "
        f"(see LICENCE.md). -->\n" + "\n".join(body) + "\n</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for sid, panels in P.items():
        assert 2 <= len(panels) <= 4, sid
        (OUT / f"{sid}.svg").write_text(svg(sid, panels), encoding="utf-8")
    print(f"wrote {len(P)} pictures to {OUT}")


if __name__ == "__main__":
    main()

"""Draw the otvisit app icon (a house with a heart) as SVG, PNG and ICO into resources/icons/.

Run ``python packaging/icon.py`` after changing the drawing; the files it writes are committed,
so a build needs nothing but Pillow (already installed with reportlab).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZE = 256  # the drawing's own units
BLUE, WHITE, YELLOW = "#005EB8", "#FFFFFF", "#FFB81C"
BACKGROUND = (8, 8, 248, 248)
RADIUS = 52
HOUSE = ((128, 44), (222, 126), (194, 126), (194, 210), (62, 210), (62, 126), (34, 126))
HEART_LOBES = ((110, 148, 20), (146, 148, 20))  # (centre x, centre y, radius)
HEART_POINT = ((91.5, 156), (164.5, 156), (128, 194))
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
OVERSAMPLE = 4  # drawn large, then scaled down, for smooth edges


def svg() -> str:
    """The icon as SVG (for Linux desktops, which scale it to any size)."""
    x0, y0, x1, y1 = BACKGROUND
    house = " ".join(f"{x},{y}" for x, y in HOUSE)
    point = " ".join(f"{x},{y}" for x, y in HEART_POINT)
    lobes = "\n".join(
        f'  <circle cx="{cx}" cy="{cy}" r="{r}" fill="{YELLOW}"/>' for cx, cy, r in HEART_LOBES
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">\n'
        "  <title>otvisit</title>\n"
        f'  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{RADIUS}" '
        f'fill="{BLUE}"/>\n'
        f'  <polygon points="{house}" fill="{WHITE}"/>\n'
        f"{lobes}\n"
        f'  <polygon points="{point}" fill="{YELLOW}"/>\n'
        "</svg>\n"
    )


def raster(size: int) -> Image.Image:
    """The icon as a square RGBA image of ``size`` pixels."""
    k = size * OVERSAMPLE / SIZE
    big = Image.new("RGBA", (size * OVERSAMPLE,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle([v * k for v in BACKGROUND], radius=RADIUS * k, fill=BLUE)
    draw.polygon([(x * k, y * k) for x, y in HOUSE], fill=WHITE)
    for cx, cy, r in HEART_LOBES:
        draw.ellipse([(cx - r) * k, (cy - r) * k, (cx + r) * k, (cy + r) * k], fill=YELLOW)
    draw.polygon([(x * k, y * k) for x, y in HEART_POINT], fill=YELLOW)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = ICONS) -> list[Path]:
    """Write otvisit.svg, otvisit.png (256 px) and otvisit.ico (16-256 px) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    svg_path, png_path, ico_path = (folder / f"otvisit.{ext}" for ext in ("svg", "png", "ico"))
    svg_path.write_text(svg(), encoding="utf-8")
    raster(256).save(png_path, optimize=True)
    raster(256).save(ico_path, sizes=[(s, s) for s in ICO_SIZES])
    return [svg_path, png_path, ico_path]


if __name__ == "__main__":
    for written in write_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else ICONS):
        print(written)

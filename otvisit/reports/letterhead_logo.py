"""The team's logo at the top of a document's first page, or nothing when it can't be read."""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Spacer

log = logging.getLogger(__name__)

#: The logo fits in this box on the page (a 600 × 240 px logo is printed at about 254 dpi).
MAX_WIDTH = 60 * mm
MAX_HEIGHT = 20 * mm
#: A synced logo is at most 600 × 240 px; anything far larger is not one the console made.
MAX_PIXELS = 1_000_000


def logo_size(png: bytes) -> tuple[int, int] | None:
    """The logo's size in pixels once fully decoded, or None when it is not a readable PNG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(png), formats=("PNG",)) as image:
                if image.width * image.height > MAX_PIXELS or min(image.size) < 1:
                    return None
                image.load()
                return image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):  # fmt: skip
        return None


def logo_flowables(png: bytes | None, *, rtl: bool = False) -> list[Flowable]:
    """The logo, right-aligned (left in Arabic and Urdu), scaled to fit 60 × 20 mm, then a gap.

    A logo that can't be read is left out (and logged): the document prints without it.
    """
    if not png:
        return []
    size = logo_size(png)
    if size is None:
        log.warning("the team's logo could not be read; the document is printed without it")
        return []
    width, height = size
    scale = min(MAX_WIDTH / width, MAX_HEIGHT / height)
    image = Image(io.BytesIO(png), width=width * scale, height=height * scale, mask="auto",
                  hAlign="LEFT" if rtl else "RIGHT")  # fmt: skip
    return [image, Spacer(1, 3 * mm)]

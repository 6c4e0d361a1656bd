"""The team's logo: an uploaded image checked and re-encoded to a small PNG for every letterhead."""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError, features

from otvisit.models.wire import MAX_TEXT_CHARS
from otvisit.services.errors import ValidationError

#: The largest upload accepted, before re-encoding.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: The kept logo fits in this box (pixels): at 300 dpi about 50 × 20 mm, a letterhead's corner.
MAX_WIDTH, MAX_HEIGHT = 600, 240
#: Pixels an upload may declare; far fewer than Pillow's bomb limit, and plenty for a logo.
MAX_SOURCE_PIXELS = 25_000_000
#: The synced field (base64 text) stays within the wire's limit for text without a length.
MAX_FIELD_CHARS = MAX_TEXT_CHARS
#: Formats read: what a team's communications office hands out.
ACCEPTED = ("PNG", "JPEG", "WEBP") if features.check("webp") else ("PNG", "JPEG")

_FORMAT_NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}


@dataclass(frozen=True)
class CleanLogo:
    """The logo as it is kept and synced: PNG bytes, their size in pixels, base64 text."""

    png: bytes
    width: int
    height: int

    @property
    def field_text(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def accepted_names() -> str:
    """ "PNG or JPEG" / "PNG, JPEG or WebP", for messages and the upload hint."""
    names = [_FORMAT_NAMES[name] for name in ACCEPTED]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def clean_logo(data: bytes) -> CleanLogo:
    """A PNG of the upload that fits in 600 × 240 px, pixels only (no EXIF, ICC or text).

    Raises ValidationError, with a message for the team lead, for an empty, too large,
    unreadable, unaccepted or over-large (decompression bomb) image.
    """
    if not data:
        raise ValidationError("The chosen file is empty. Choose the logo's image file.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; a logo can be at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Save it smaller and upload it again."
        )
    image = _opened(data)
    try:
        image.load()
        image = ImageOps.exif_transpose(image)  # a logo photographed sideways stands upright
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError("The image could not be read (the file may be damaged).") from None
    image = _flattened_for_png(image)
    image.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    png = _encoded(image)
    # A photograph as a "logo" can stay large as a PNG: fewer colours, then fewer pixels.
    if _field_chars(png) > MAX_FIELD_CHARS:
        image = image.quantize(colors=256, method=_quantize_method(image))
        png = _encoded(image)
    while _field_chars(png) > MAX_FIELD_CHARS and min(image.size) > 16:
        image = image.resize((image.width * 3 // 4, image.height * 3 // 4))
        png = _encoded(image)
    if _field_chars(png) > MAX_FIELD_CHARS:
        raise ValidationError("The image could not be made small enough; use a simpler logo.")
    return CleanLogo(png, image.width, image.height)


def _opened(data: bytes) -> Image.Image:
    named = accepted_names()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(f"The file is not an image. Upload the logo as {named}.") from None
    if image.format not in ACCEPTED:
        raise ValidationError(f"The file is a {image.format} image. Upload the logo as {named}.")
    if image.width * image.height > MAX_SOURCE_PIXELS:
        raise ValidationError(_too_many_pixels())
    return image


def _too_many_pixels() -> str:
    return (
        "The image has far too many pixels for a logo (or is built to exhaust memory). "
        f"Save it at most {MAX_WIDTH * 4} pixels wide and upload it again."
    )


def _flattened_for_png(image: Image.Image) -> Image.Image:
    """A fresh image of its pixels only: RGB, RGBA or greyscale; no metadata carried over."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        pixels = image.convert("RGBA")
    elif image.mode in ("RGB", "L"):
        pixels = image.copy()
    else:  # CMYK, P without transparency, 16-bit greyscale...
        pixels = image.convert("RGB")
    pixels.info = {}
    return pixels


def _quantize_method(image: Image.Image) -> Image.Quantize:
    return Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT


def _encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _field_chars(png: bytes) -> int:
    return (len(png) + 2) // 3 * 4


def logo_png_from_field(text: str | None) -> bytes | None:
    """The PNG bytes of a synced ``logo_png`` field, or None when empty or not valid base64."""
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None

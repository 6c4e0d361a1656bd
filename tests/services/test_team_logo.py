"""The team's logo: accepted images re-encoded to a small clean PNG, everything else refused."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from otvisit.services.errors import ValidationError
from otvisit.services.team_logo import (
    ACCEPTED,
    MAX_FIELD_CHARS,
    MAX_HEIGHT,
    MAX_UPLOAD_BYTES,
    MAX_WIDTH,
    clean_logo,
    logo_png_from_field,
)
from tests.services.pictures import (
    CAMERA_MAKER,
    camera_photo,
    noise_photo,
    other_format,
    png_declaring,
    scan_png,
)


def _opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_a_camera_jpeg_becomes_a_png_within_the_box_without_its_exif() -> None:
    photo = camera_photo(1600, 1200)
    assert CAMERA_MAKER.encode() in photo

    logo = clean_logo(photo)

    image = _opened(logo.png)
    assert image.format == "PNG"
    assert (logo.width, logo.height) == image.size == (320, 240)  # 4:3 kept, height-bound
    assert CAMERA_MAKER.encode() not in logo.png and b"Elm Road" not in logo.png
    assert "exif" not in image.info and not image.getexif()
    assert base64.b64decode(logo.field_text) == logo.png


def test_a_wide_png_keeps_its_transparency_and_loses_its_text_chunks() -> None:
    logo = clean_logo(scan_png(1500, 300))
    image = _opened(logo.png)
    assert image.size == (MAX_WIDTH, 120)  # width-bound: 1500 × 300 → 600 × 120
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
    assert b"Elm Road" not in logo.png and b"tEXt" not in logo.png


def test_a_small_logo_is_not_enlarged() -> None:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(out, format="PNG")
    assert clean_logo(out.getvalue()).png and clean_logo(out.getvalue()).width == 120


@pytest.mark.skipif("WEBP" not in ACCEPTED, reason="this Pillow has no WebP")
def test_a_webp_is_accepted() -> None:
    logo = clean_logo(other_format("WEBP"))
    assert _opened(logo.png).format == "PNG" and logo.width == 60


def test_a_photograph_as_a_logo_still_fits_the_synced_field() -> None:
    logo = clean_logo(noise_photo())
    assert len(logo.field_text) <= MAX_FIELD_CHARS
    assert logo.width <= MAX_WIDTH and logo.height <= MAX_HEIGHT and logo.width >= 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a logo", "not an image"),
        (b"GIF89a" + b"\0" * 40, "not an image"),  # a broken GIF header
        (other_format("GIF"), "GIF image"),
        (other_format("BMP"), "BMP image"),
        (other_format("TIFF"), "TIFF image"),
    ],
    ids=["empty", "pdf", "broken", "gif", "bmp", "tiff"],
)
def test_what_is_not_a_png_jpeg_or_webp_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        clean_logo(data)
    if data:
        assert "PNG" in str(refused.value) and "JPEG" in str(refused.value)


def test_an_upload_over_two_megabytes_is_refused_before_it_is_decoded() -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_UPLOAD_BYTES
    with pytest.raises(ValidationError, match=r"2\.0 MB; a logo can be at most 2 MB"):
        clean_logo(data)


@pytest.mark.parametrize(
    ("width", "height"),
    [(40_000, 40_000), (12_000, 9_000), (6_000, 5_000)],
    ids=["pillow-bomb-error", "pillow-bomb-warning", "over-our-limit"],
)
def test_a_decompression_bomb_is_refused_without_decoding(width: int, height: int) -> None:
    with pytest.raises(ValidationError, match="far too many pixels"):
        clean_logo(png_declaring(width, height))


def test_a_truncated_png_is_refused_as_damaged() -> None:
    data = scan_png(600, 300)
    with pytest.raises(ValidationError, match="could not be read"):
        clean_logo(data[: len(data) // 2])


def test_the_synced_field_reads_back_or_is_nothing() -> None:
    logo = clean_logo(scan_png(300, 100))
    assert logo_png_from_field(logo.field_text) == logo.png
    assert logo_png_from_field("") is None
    assert logo_png_from_field("not base64 at all!") is None

"""Test pictures made with Pillow: a camera photo with EXIF and GPS, a PNG, a one-page PDF."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas

#: Written into the photo's EXIF: must never reach the store or a document.
CAMERA_MAKER = "OtvisitTestCam"
GPS_LATITUDE = (51.0, 30.0, 12.34)
#: HEIC photos as an iPhone saves them (tests/data/make_heic_photos.py wrote them).
DATA = Path(__file__).resolve().parent.parent / "data"


def heic_photo(megapixels: int = 0) -> bytes:
    """An iPhone's HEIC: 640 × 480, or 4032 × 3024 for ``megapixels=12``; held upright (rotated
    a quarter turn), with the camera's maker, GPS and a place in XMP; the top-left corner orange.
    ``megapixels=64``: 8000 × 8000 of white in 15 kB (more pixels than a photo may have).
    """
    name = {12: "phone-photo-12mp.heic", 64: "too-many-pixels.heic"}.get(megapixels)
    return (DATA / (name or "phone-photo.heic")).read_bytes()


def heic_file(name: str) -> bytes:
    """Another HEIC of tests/data: ``ten-bit`` (an HDR photo, orange, 64 × 48) or
    ``transparent`` (half-transparent red, 300 × 200)."""
    return (DATA / f"{name}.heic").read_bytes()


def camera_photo(
    width: int = 1600, height: int = 1200, *, orientation: int = 1, colour: str = "teal"
) -> bytes:
    """A JPEG as a phone saves it: maker, GPS position and orientation in its EXIF."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 4, height // 4), fill="orange")  # the top-left corner marked
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKER  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=92, comment=b"taken at 12 Elm Road")
    return out.getvalue()


def scan_png(width: int = 900, height: int = 600) -> bytes:
    """A scanned handwriting sample as PNG, with a text chunk that must not survive."""
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).line((40, 300, 860, 320), fill="black", width=6)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Scanner at 12 Elm Road")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def one_page_pdf(text: str = "School report for the summer term") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    import struct
    import zlib

    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = out.getvalue()
    start = data.index(b"IHDR")
    header = struct.pack(">II", width, height) + data[start + 12 : start + 17]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + header) & 0xFFFFFFFF)
    return data[:start] + b"IHDR" + header + crc + data[start + 21 :]


def other_format(kind: str) -> bytes:
    """A small image in another format (GIF, BMP, TIFF...)."""
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "purple").save(out, format=kind)
    return out.getvalue()


def noise_photo(width: int = 1000, height: int = 400) -> bytes:
    """A PNG of random pixels: the worst case for a PNG's size."""
    import os

    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()

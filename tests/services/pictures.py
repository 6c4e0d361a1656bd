"""Test pictures made with Pillow: a camera photo with EXIF and GPS, a PNG, a one-page PDF."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas

#: Written into the photo's EXIF: must never reach the store or a document.
CAMERA_MAKER = "OtvisitTestCam"
GPS_LATITUDE = (51.0, 30.0, 12.34)


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

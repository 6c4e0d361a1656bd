"""Writes the HEIC test photos in this folder, as an iPhone saves them: EXIF with the camera's
maker, a GPS position and a quarter-turn (stored as the HEIF rotation), and XMP with a place.

Needs pillow-heif (which has an HEVC encoder): it is not in the locks on purpose, because
otvisit only reads HEIC (pi-heif, decoder only). Run once by hand:
    pip install pillow-heif && python tests/data/make_heic_photos.py
"""

from __future__ import annotations

import struct
from pathlib import Path

import pillow_heif  # type: ignore[import-not-found]
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b"<rdf:Description>taken at 12 Elm Road</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def make(width: int, height: int, name: str) -> None:
    image = Image.new("RGB", (width, height), "teal")
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill="orange")
    exif = Image.Exif()
    exif[0x010F] = "OtvisitTestCam"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = 6  # Orientation: the phone held upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 12.34), "W", (0.0, 7.0, 39.0)
    image.save(HERE / name, format="HEIF", exif=exif.tobytes(), xmp=XMP, quality=50)


if __name__ == "__main__":
    pillow_heif.register_heif_opener()
    make(4032, 3024, "phone-photo-12mp.heic")  # an iPhone's 12 megapixels
    make(640, 480, "phone-photo.heic")
    # An iPhone's HDR photo: 10 bits a channel (orange: full red, half green).
    orange = struct.pack("<HHH", 65535, 32768, 0) * (64 * 48)
    pillow_heif.from_bytes(mode="RGB;16", size=(64, 48), data=orange).save(
        HERE / "ten-bit.heic", quality=50
    )
    # A picture with transparency (half-transparent red).
    Image.new("RGBA", (300, 200), (255, 0, 0, 128)).save(HERE / "transparent.heic", quality=50)
    # 64 megapixels of white: a few kilobytes that would take 192 MB to decode.
    Image.new("RGB", (8000, 8000), "white").save(HERE / "too-many-pixels.heic", quality=10)

"""Checking and cleaning a chosen file before it is attached: photos re-encoded, PDFs validated."""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from otvisit.models.vocabulary import AttachmentKind, AttachmentMediaType
from otvisit.services.errors import ValidationError

#: The largest file a therapist may attach, before cleaning.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Photos are kept at most this many pixels on the long side.
MAX_LONG_SIDE = 2048
#: JPEG decoding may be scaled down by 2, 4 or 8 while the long side stays at least this long.
MIN_DRAFT_LONG_SIDE = 1800
JPEG_QUALITY = 85
#: A scan keeps its full resolution, up to this many pixels (a 600 dpi A4 page is ~35 MP).
MAX_PIXELS = 50_000_000
THUMBNAIL_SIDE = 160

_HEIC_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypheim")
#: What Pillow names the images it may keep (HEIF: an iPhone's HEIC, read with pi-heif).
_IMAGE_FORMATS = ("JPEG", "PNG", "HEIF")


@dataclass(frozen=True)
class CleanFile:
    """What will be stored: the cleaned bytes, their type and, for images, their size."""

    data: bytes
    media_type: AttachmentMediaType
    width: int = 0
    height: int = 0


def read_chosen_file(path: Path) -> bytes:
    """The bytes of a file the therapist chose, refusing a missing or too large one."""
    try:
        size = path.stat().st_size
    except OSError:
        raise ValidationError(f"The file {path.name} could not be opened") from None
    if size > MAX_FILE_BYTES:
        raise ValidationError(_too_large(path.name, size))
    if size == 0:
        raise ValidationError(f"The file {path.name} is empty")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_too_large(path.name, len(data)))
    return data


def _too_large(name: str, size: int) -> str:
    return (
        f"{name} is {size / 1024 / 1024:.1f} MB; a file can be at most "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB. Take the photo again at a lower size, or scan "
        "fewer pages into one PDF."
    )


def clean_file(data: bytes, *, kind: AttachmentKind, name: str = "the file") -> CleanFile:
    """The bytes to keep: a photo stripped of EXIF/GPS, turned upright, at most 2048 px, JPEG;
    a scanned image stripped of metadata as PNG at full size; a PDF checked and kept as it is.

    Raises ValidationError with a message for the therapist for anything else.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_too_large(name, len(data)))
    if not data:
        raise ValidationError(f"{name} is empty")
    if data.startswith(b"%PDF-"):
        if kind is AttachmentKind.PHOTO:
            raise ValidationError(f"{name} is a PDF, not a photo: attach it as a document or scan")
        return CleanFile(_checked_pdf(data, name), AttachmentMediaType.PDF)
    if data[4:12] in _HEIC_BRANDS and not heic_readable():
        raise ValidationError(
            f"{name} is a HEIC photo (as iPhones save them), which this laptop cannot read. "
            "Set the phone to save photos as JPEG (Settings, Camera, Formats, Most Compatible) "
            "or export the photo as JPEG, then attach it again."
        )
    if kind is AttachmentKind.DOCUMENT:
        raise ValidationError(f"{name} is not a PDF: a document must be a PDF")
    return _clean_image(data, kind=kind, name=name)


@functools.cache
def heic_readable() -> bool:
    """Whether this laptop reads HEIC photos: pi-heif (libheif with the libde265 decoder, and no
    encoder) registered as Pillow's HEIF opener. Registered on the first HEIC, once a process.

    The photo is decoded turned upright (the file's rotation applied, its EXIF orientation set
    to 1) and only its main picture: the phone's thumbnails and depth maps are never read.
    """
    try:
        import pi_heif
    except ImportError:  # the team server: it never cleans a photo
        return False
    pi_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    return True


def _checked_pdf(data: bytes, name: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    f"{name} is protected by a password; save an unprotected copy and attach that"
                )
            pages = len(reader.pages)
            if pages:
                reader.pages[0].mediabox  # noqa: B018 - the first page must be readable
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError):
        raise ValidationError(
            f"{name} is not a PDF that can be opened (it may be damaged)"
        ) from None
    if pages == 0:
        raise ValidationError(f"{name} is a PDF with no pages")
    return data


def _open_image(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"{name} is not a photo or scan this laptop can read: attach a JPEG, PNG or HEIC "
            "image, or a PDF"
        ) from None
    if image.format not in _IMAGE_FORMATS:
        raise ValidationError(
            f"{name} is a {image.format} image; attach a JPEG, PNG or HEIC image, or a PDF"
        )
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError(f"{name} has too many pixels ({image.width} × {image.height})")
    return image


def _clean_image(data: bytes, *, kind: AttachmentKind, name: str) -> CleanFile:
    image = _open_image(data, name)
    photo = kind is AttachmentKind.PHOTO
    if photo and image.format == "JPEG":
        long_side = max(image.size)
        for scale in (8, 4, 2):
            if long_side // scale >= MIN_DRAFT_LONG_SIDE:
                image.draft("RGB", (image.width // scale, image.height // scale))
                break
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(f"{name} could not be read (the image may be damaged)") from None
    upright = _flattened(upright)
    if photo and max(upright.size) > MAX_LONG_SIDE:
        upright.thumbnail(
            (MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0
        )
    # The re-encoded image carries pixels only: no EXIF, GPS, XMP, ICC profile or comments
    # (exif_transpose made a new image; its info dict is what the encoders would copy).
    clean = upright if upright is not image else upright.copy()
    clean.info = {}
    out = io.BytesIO()
    if photo:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False)
        media = AttachmentMediaType.JPEG
    else:
        clean.save(out, format="PNG", compress_level=6)
        media = AttachmentMediaType.PNG
    return CleanFile(out.getvalue(), media, clean.width, clean.height)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB or greyscale pixels; transparency goes on white paper."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")


def thumbnail_png(data: bytes, *, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small PNG of a stored image for the attachments list (in memory only)."""
    opened = Image.open(io.BytesIO(data))
    if opened.format == "JPEG":
        opened.draft("RGB", (side, side))
    image = opened.convert("RGB")
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of stored image bytes."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size

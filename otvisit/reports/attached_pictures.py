"""Photos and scans from the child's record in a document: full width, upright, with caption."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.platypus import Flowable, Image, KeepTogether, Spacer

from otvisit.reports import styles
from otvisit.reports.common import Writer, content_width
from otvisit.reports.content import AttachedPicture


def _size(picture: AttachedPicture) -> tuple[float, float]:
    """Full text width with the aspect kept; a tall picture is narrowed to fit the page."""
    width = content_width()
    height = width * picture.height / picture.width
    if height > styles.PICTURE_MAX_HEIGHT:
        width *= styles.PICTURE_MAX_HEIGHT / height
        height = styles.PICTURE_MAX_HEIGHT
    return width, height


def picture_with_caption(w: Writer, picture: AttachedPicture, caption: str) -> Flowable:
    """The picture and its caption (body text, never under 12 pt) kept on one page."""
    width, height = _size(picture)
    image = Image(io.BytesIO(picture.data), width=width, height=height, hAlign="LEFT")
    return KeepTogether(
        [
            Spacer(1, styles.PICTURE_GAP),
            image,
            Spacer(1, styles.PICTURE_GAP),
            w.p(caption),
        ]
    )


def equipment_photos(w: Writer, photos: Sequence[AttachedPicture]) -> list[Flowable]:
    """The equipment letter's photos of the set-up, each with its caption and date."""
    if not photos:
        return []
    out: list[Flowable] = [w.heading("equipment_photos_heading")]
    for photo in photos:
        caption = w.lang.t(
            "equipment_photo_caption",
            caption=photo.caption or w.lang.t("equipment_photos_heading"),
            date=w.lang.date(photo.taken_on),
        )
        out.append(picture_with_caption(w, photo, caption))
    return out


def handwriting_samples(w: Writer, samples: Sequence[AttachedPicture]) -> list[Flowable]:
    """The progress report's first and latest handwriting sample: before and after."""
    if not samples:
        return []
    out: list[Flowable] = [w.heading("progress_samples_heading")]
    keys = ("progress_sample_only",) if len(samples) == 1 else (
        "progress_sample_before", "progress_sample_after",
    )  # fmt: skip
    for key, sample in zip(keys, samples, strict=False):
        caption = w.lang.t(key, date=w.lang.date(sample.taken_on), caption=sample.caption)
        out.append(picture_with_caption(w, sample, caption.rstrip(": ")))
    return out

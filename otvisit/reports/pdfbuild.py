"""Build a story into A4 PDF bytes with headers, "Page x of y" footers and metadata."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate
from reportlab.platypus.doctemplate import LayoutError

from otvisit.reports import styles
from otvisit.reports.errors import DocumentError
from otvisit.reports.fonts import face
from otvisit.reports.i18n import Language
from otvisit.reports.letterhead_logo import logo_flowables
from otvisit.reports.textlayout import draw_text


@dataclass(frozen=True)
class DocumentMeta:
    """PDF metadata and the running header and footer texts."""

    title: str
    author: str
    subject: str
    header: str
    footer: str
    #: The team's logo (PNG bytes), drawn at the top of the first page; None: no logo.
    logo_png: bytes | None = field(default=None, repr=False)


def _canvas_class(lang: Language, meta: DocumentMeta, sheet: styles.Stylesheet) -> type[Canvas]:
    """A canvas that holds pages back until it knows the page count, then numbers them."""
    size = sheet.header_footer_pt
    width, _ = styles.PAGE_SIZE
    left, right = styles.MARGIN_LEFT, width - styles.MARGIN_RIGHT
    start, end = (right, left) if lang.rtl else (left, right)
    align_start, align_end = ("right", "left") if lang.rtl else ("left", "right")

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(styles.NHS_BLUE)
            draw_text(
                self,
                meta.header,
                start,
                styles.HEADER_Y,
                size,
                bold=True,
                arabic_script=sheet.arabic_script,
                align=align_start,
                base_rtl=lang.rtl,
            )
            self.setStrokeColor(styles.RULE)
            self.setLineWidth(0.5)
            self.line(left, styles.HEADER_Y - 5, right, styles.HEADER_Y - 5)
            self.setFillColor(styles.TEXT)
            if meta.footer:
                draw_text(
                    self,
                    meta.footer,
                    start,
                    styles.FOOTER_Y,
                    size,
                    arabic_script=sheet.arabic_script,
                    align=align_start,
                )
            draw_text(
                self,
                lang.t("page_of", page=number, pages=total),
                end,
                styles.FOOTER_Y,
                size,
                arabic_script=sheet.arabic_script,
                align=align_end,
                base_rtl=lang.rtl,
            )
            self.restoreState()

    return NumberedCanvas


def keep_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """Each heading (keepWithNext) with what follows it, even when that is a KeepTogether.

    reportlab's own keepWithNext will not join a KeepTogether, so a heading before a
    kept block (a strategy, a table) could end a page alone.
    """
    out: list[Flowable] = []
    pending: list[Flowable] = []
    for flowable in story:
        if getattr(flowable, "keepWithNext", False):
            flowable.keepWithNext = False
            pending.append(flowable)
            continue
        if pending:
            inner = flowable._content if isinstance(flowable, KeepTogether) else [flowable]
            out.append(KeepTogether([*pending, *inner]))
            pending = []
        else:
            out.append(flowable)
    return out + pending


def build_pdf(
    story: Sequence[Flowable],
    *,
    meta: DocumentMeta,
    lang: Language,
    sheet: styles.Stylesheet,
    reproducible: bool = False,
) -> bytes:
    """Lay out ``story`` on A4 pages, under the team's logo if any, and return the PDF bytes."""
    story = [*logo_flowables(meta.logo_png, rtl=lang.rtl), *story]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=styles.PAGE_SIZE,
        leftMargin=styles.MARGIN_LEFT,
        rightMargin=styles.MARGIN_RIGHT,
        topMargin=styles.MARGIN_TOP,
        bottomMargin=styles.MARGIN_BOTTOM,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator="otvisit",
        lang=lang.code,
        invariant=1 if reproducible else None,
        # Otherwise reportlab names Helvetica in every page, a font we never embed.
        initialFontName=face("latin", False).name,
        initialFontSize=sheet.body.size,
    )
    try:
        doc.build(keep_headings(story), canvasmaker=_canvas_class(lang, meta, sheet))
    except LayoutError as exc:
        raise DocumentError(
            "Part of this document is too big to fit on a page (for example a very long "
            "table row). Shorten that text and try again."
        ) from exc
    return buffer.getvalue()


def write_pdf(data: bytes, path: Path | str, *, fsync: Callable[[int], None] = os.fsync) -> Path:
    """Write PDF bytes atomically: a temporary file in the same folder, fsync, rename."""
    target = Path(path)
    if not data.startswith(b"%PDF-"):
        raise DocumentError("That is not a PDF document, so it was not saved.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DocumentError(f"The folder {folder} does not exist, so the PDF was not saved.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise DocumentError(f"The PDF could not be saved to {target}: {exc}") from exc
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target

"""The team's logo on every document: at the top of page 1 when the team has one, else nothing."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from typing import Any

import pdfplumber
import pytest
from PIL import Image

from otvisit.reports import render_document, samples
from otvisit.reports.letterhead_logo import MAX_HEIGHT, MAX_WIDTH
from otvisit.reports.render import DocumentKind
from otvisit.reports.styles import MARGIN_RIGHT, MARGIN_TOP, PAGE_SIZE
from otvisit.services.team_logo import clean_logo
from tests.reports import pdfcheck
from tests.services.pictures import camera_photo, png_declaring, scan_png

SAMPLES: dict[DocumentKind, Any] = {
    DocumentKind.HANDOUT: samples.programme(),
    DocumentKind.TEACHER: samples.programme(),
    DocumentKind.EQUIPMENT: samples.equipment_letter(),
    DocumentKind.PROGRESS: samples.progress_report(),
    DocumentKind.DISCHARGE: samples.discharge_letter(),
    DocumentKind.REFERRAL_DECLINED: samples.referral_declined_letter(),
}


def _with_logo(data: Any, logo: bytes | None) -> Any:
    return replace(data, team=replace(data.team, logo_png=logo))


def _images(pdf: bytes) -> list[tuple[int, int, int]]:
    """(page, width, height) in pixels of every image XObject drawn, read with pypdf."""
    found = []
    for number, page in enumerate(pdfcheck.reader(pdf).pages, start=1):
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as opened:
                found.append((number, *opened.size))
    return found


@pytest.mark.parametrize("kind", list(SAMPLES), ids=lambda k: k.value)
def test_every_document_prints_the_logo_at_the_top_of_its_first_page(kind: DocumentKind) -> None:
    logo = clean_logo(scan_png(1500, 500))  # 600 × 200 px once cleaned
    plain = render_document(kind, SAMPLES[kind], reproducible=True)
    marked = render_document(kind, _with_logo(SAMPLES[kind], logo.png), reproducible=True)

    assert (1, 600, 200) in _images(marked) and (1, 600, 200) not in _images(plain)
    sizes = Counter((w, h) for _page, w, h in _images(marked))
    assert sizes == Counter((w, h) for _page, w, h in _images(plain)) + Counter({(600, 200): 1})
    with pdfplumber.open(io.BytesIO(marked)) as doc:
        (drawn,) = [i for i in doc.pages[0].images if i["srcsize"] == (600, 200)]
    width, height = drawn["x1"] - drawn["x0"], drawn["bottom"] - drawn["top"]
    assert width == pytest.approx(float(MAX_WIDTH), abs=0.5)  # 3:1 is width-bound in 60 × 20 mm
    assert height == pytest.approx(float(MAX_WIDTH) / 3, abs=0.5) and height <= MAX_HEIGHT
    assert drawn["top"] == pytest.approx(float(MARGIN_TOP), abs=8)  # first thing on the page
    assert drawn["x1"] == pytest.approx(float(PAGE_SIZE[0] - MARGIN_RIGHT), abs=8)  # right-aligned
    assert set(pdfcheck.flat(plain).split()) <= set(pdfcheck.flat(marked).split())  # no text lost


def test_an_arabic_letter_puts_the_logo_on_the_left() -> None:
    logo = clean_logo(scan_png(900, 300)).png
    pdf = render_document(DocumentKind.DISCHARGE, _with_logo(samples.discharge_letter(), logo),
                          language="ar", reproducible=True)  # fmt: skip
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        (drawn,) = [i for i in doc.pages[0].images if i["srcsize"] == (600, 200)]
    assert drawn["x0"] < PAGE_SIZE[0] / 4


@pytest.mark.parametrize(
    "broken",
    [
        b"not an image",
        scan_png(600, 200)[:400],  # cut off in the middle of its pixels
        png_declaring(40_000, 40_000),  # a decompression bomb
        camera_photo(300, 200),  # a JPEG where only the console's PNG belongs
    ],
    ids=["text", "truncated", "bomb", "jpeg"],
)
def test_a_logo_that_cannot_be_read_is_left_out_and_the_letter_prints(broken: bytes) -> None:
    letter = samples.discharge_letter()
    without = render_document(DocumentKind.DISCHARGE, letter, reproducible=True)
    printed = render_document(DocumentKind.DISCHARGE, _with_logo(letter, broken),
                              reproducible=True)  # fmt: skip
    assert printed == without
    assert _images(printed) == []

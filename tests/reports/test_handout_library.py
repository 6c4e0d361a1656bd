"""Handouts from the strategy library, parsed back: every language, pictures, team additions.

Text is read back with poppler's ``pdftotext`` (the tool a family's reader or a screen
reader relies on) and with pdfplumber; pictures are found by their named Form XObject
(``FormXob.picture-<strategy id>``) in each page's resources and its ``Do`` in the page's
content stream, and measured by the form's /BBox.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.units import mm
from sqlalchemy import select

from otvisit.models import LibraryStrategy, Team
from otvisit.models.store import Store
from otvisit.reports import render_document, samples
from otvisit.reports.content import HomeProgramme, StrategyChoice
from otvisit.reports.errors import StrategyLibraryError
from otvisit.reports.i18n import available_languages, load_language
from otvisit.reports.printing import DocumentRequest, render_for_child
from otvisit.reports.render import DocumentKind
from otvisit.reports.strategy_library import (
    StrategyLibrary,
    bundled_library,
    load_library,
    strategy_from_record,
)
from otvisit.services import programmes
from otvisit.services.strategy_library import seed_strategy_library
from tests import factories
from tests.reports import pdfcheck

LANGUAGES = sorted(available_languages())
SCRIPT_RANGES = {
    "ar": ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "ur": ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "bn": ((0x0980, 0x09FF),),
}


def _every_strategy(programme: HomeProgramme | None = None) -> HomeProgramme:
    """The sample family's handout with every strategy in the library, all translated."""
    base = programme or samples.programme()
    choices = tuple(StrategyChoice(sid) for sid in sorted(bundled_library().strategies))
    return replace(base, strategies=choices, goals=(), this_week=())


def pdftotext(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, text=True, check=True
        ).stdout


@pytest.fixture(scope="module")
def every_handout() -> dict[str, bytes]:
    programme = _every_strategy()
    return {code: render_document("handout", programme, language=code) for code in LANGUAGES}


def _english_strategy_texts() -> list[str]:
    texts: list[str] = []
    for s in bundled_library().strategies.values():
        texts += [s.title, s.summary, s.how_often, *s.home_steps]
    return texts


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_translated_handout_has_no_english_strategy_text(
    every_handout: dict[str, bytes], code: str
) -> None:
    pdf = every_handout[code]
    for text in (" ".join(pdfcheck.text(pdf).split()), " ".join(pdftotext(pdf).split())):
        leaked = [t for t in _english_strategy_texts() if t in text]
        assert not leaked, leaked[:3]
        assert load_language("en").t("english_only") not in text
    assert load_language(code).t("english_only") not in pdfcheck.flat(pdf)


def test_english_handout_has_all_the_english(every_handout: dict[str, bytes]) -> None:
    # The check above can fail: the English handout does hold the English text.
    text = " ".join(pdftotext(every_handout["en"]).split())
    missing = [t for t in _english_strategy_texts() if t not in text]
    assert not missing, missing[:3]


@pytest.mark.parametrize("code", ["es", "pl", "pt", "ro", "so", "tr"])
def test_latin_languages_print_every_translated_title_step_and_how_often(
    every_handout: dict[str, bytes], code: str
) -> None:
    text = " ".join(pdftotext(every_handout[code]).split())
    for strategy in bundled_library().strategies.values():
        tr = strategy.translations[code]
        for piece in (tr.title, tr.summary, tr.how_often, *tr.home_steps):
            assert piece in text, (strategy.strategy_id, piece)
    assert load_language(code).t("translation_draft") in text


def _share_in_script(text: str, code: str) -> float:
    """Letters (with their vowel signs; private-use glyph codes count as not in script)."""
    letters = [
        c for c in text if unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Co"
    ]
    in_script = [c for c in letters if any(a <= ord(c) <= b for a, b in SCRIPT_RANGES[code])]
    return len(in_script) / len(letters)


@pytest.mark.parametrize("code", ["ar", "ur", "bn"])
def test_arabic_urdu_bengali_handouts_are_at_least_90_percent_in_their_script(
    every_handout: dict[str, bytes], code: str
) -> None:
    share = _share_in_script(pdftotext(every_handout[code]), code)
    assert share >= 0.90, f"{code}: {share:.1%} of letters in the script"
    # The same measure on the English handout is near zero, so it can fail.
    assert _share_in_script(pdftotext(every_handout["en"]), code) < 0.01


#: Embedding marks pdftotext wraps around every right-to-left line and left-to-right
#: island in it (RLE ... PDF); they are invisible and not part of the letters' order.
BIDI_EMBEDDING = dict.fromkeys(map(ord, "\u202a\u202b\u202c"))


def _logical_order_found(pdf: bytes, code: str) -> list[str]:
    """Wanted lines missing from pdftotext's output.

    Exact letters: Arabic presentation forms (initial, medial, final) do not count as
    their letters, so a line only matches when the PDF maps each glyph to its letter.
    """
    text = pdftotext(pdf).translate(BIDI_EMBEDDING)
    lines = {" ".join(line.split()) for line in text.splitlines()}
    strategies = bundled_library().strategies
    wanted = [
        load_language(code).t("handout_title"),
        strategies["dressing-coat-flip"].translations[code].title,
        strategies["sensory-calm-space"].translations[code].title,
    ]
    return [w for w in wanted if w not in lines]


def test_bengali_title_and_strategy_titles_in_logical_order(
    every_handout: dict[str, bytes],
) -> None:
    assert _logical_order_found(every_handout["bn"], "bn") == []


@pytest.mark.parametrize("code", ["ar", "ur"])
def test_arabic_urdu_title_and_strategy_titles_in_logical_order(
    every_handout: dict[str, bytes], code: str
) -> None:
    assert _logical_order_found(every_handout[code], code) == []
    # Each word's letters reversed (what poppler gave before) are not there either.
    text = pdftotext(every_handout[code]).translate(BIDI_EMBEDDING)
    for word in load_language(code).t("handout_title").split():
        assert word[::-1] not in text.split(), word


# --- Pictures -------------------------------------------------------------------------


def placed_pictures(pdf: bytes) -> dict[str, list[float]]:
    """Strategy id -> width in points of each placed picture, from the pages themselves."""
    found: dict[str, list[float]] = {}
    for page in pdfcheck.reader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        content = page.get_contents().get_data().decode("latin-1")
        for name, ref in xobjects.items():
            match = re.fullmatch(r"/FormXob\.picture-([a-z0-9-]+)", str(name))
            if match is None or f"{name} Do" not in content:
                continue
            form = ref.get_object()
            assert form["/Subtype"] == "/Form"
            box = [float(v) for v in form["/BBox"]]
            found.setdefault(match.group(1), []).append(box[2] - box[0])
    return found


def test_every_strategy_picture_is_placed_in_every_language(
    every_handout: dict[str, bytes],
) -> None:
    ids = set(bundled_library().strategies)
    for code, pdf in every_handout.items():
        widths = placed_pictures(pdf)
        assert set(widths) == ids, (code, ids - set(widths))
        assert all(w == pytest.approx(56 * mm) for ws in widths.values() for w in ws)


def test_pictures_scale_up_in_large_print() -> None:
    programme = samples.programme()
    normal = placed_pictures(render_document("handout", programme, language="ur"))
    large = placed_pictures(render_document("handout", programme, language="ur", large_print=True))
    assert set(normal) == set(large) == {c.strategy_id for c in programme.strategies}
    for sid in normal:
        assert large[sid][0] == pytest.approx(76 * mm)
        assert large[sid][0] > normal[sid][0] * 1.3


def test_teacher_advice_lays_pictures_beside_the_school_steps() -> None:
    programme = samples.programme()
    pdf = render_document("teacher", programme)
    assert set(placed_pictures(pdf)) == {c.strategy_id for c in programme.strategies}
    steps = bundled_library().get("eating-knife-and-fork").school_steps
    text = pdfcheck.flat(pdf)
    assert all(" ".join(s.split()) in text for s in steps)


def test_picture_sits_beside_its_steps_on_the_same_page() -> None:
    pdf = render_document("handout", samples.programme(), language="en")
    coat = bundled_library().get("dressing-coat-flip")
    for page in pdfcheck.reader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        if "/FormXob.picture-dressing-coat-flip" in xobjects:
            text = " ".join(page.extract_text().split())
            assert coat.title in text and coat.home_steps[0] in text
            break
    else:
        pytest.fail("coat flip picture not placed")


# --- A team's own library folder --------------------------------------------------------

TEAM_FILE = """
area = "dressing"
area_title = "Dressing"

[[strategy]]
id = "dressing-socks"
title = "Socks on sitting down"
summary = "Sitting makes socks easier."
how_often = "Every morning."
picture = "socks-photo.png"
home_steps = ["Sit on the floor.", "Pull the sock over the toes."]
school_steps = ["Let the child sit to change for PE."]

[[strategy]]
id = "dressing-coat-flip"
title = "The coat flip"
summary = "A simple way to put a coat on without help."
home_steps = ["Lay the coat on the floor, inside facing up.", "Flip it over the head."]
school_steps = ["Show the coat flip to the whole group."]
"""


def _png(path: Path, size: tuple[int, int]) -> None:
    Image.new("RGB", size, (0, 94, 184)).save(path)


def _team_library(tmp_path: Path) -> StrategyLibrary:
    (tmp_path / "dressing.toml").write_text(TEAM_FILE, encoding="utf-8")
    (tmp_path / "pictures").mkdir()
    _png(tmp_path / "pictures" / "socks-photo.png", (64, 48))
    _png(tmp_path / "pictures" / "dressing-coat-flip.png", (80, 40))
    return load_library(tmp_path)


def _images_in_picture(pdf: bytes, sid: str) -> list[tuple[int, int]]:
    sizes = []
    for page in pdfcheck.reader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        name = f"/FormXob.picture-{sid}"
        if name not in xobjects:
            continue
        inner = xobjects[name].get_object()["/Resources"]["/XObject"]
        for ref in inner.values():
            image = ref.get_object()
            assert image["/Subtype"] == "/Image"
            sizes.append((int(image["/Width"]), int(image["/Height"])))
    return sizes


def test_team_png_pictures_are_used_named_or_named_after_the_strategy(tmp_path: Path) -> None:
    library = _team_library(tmp_path)
    programme = replace(
        samples.programme(),
        strategies=(StrategyChoice("dressing-socks"), StrategyChoice("dressing-coat-flip")),
    )
    pdf = render_document("handout", programme, language="pl", library=library)
    assert _images_in_picture(pdf, "dressing-socks") == [(64, 48)]  # picture = "socks-photo.png"
    assert _images_in_picture(pdf, "dressing-coat-flip") == [(80, 40)]  # replaces the bundled SVG
    widths = placed_pictures(pdf)
    assert widths["dressing-socks"] == [pytest.approx(56 * mm)]


def test_team_strategy_with_only_english_prints_in_english_with_a_note(tmp_path: Path) -> None:
    team = _team_library(tmp_path)
    library = StrategyLibrary({**bundled_library().strategies, **team.strategies})
    programme = replace(
        samples.programme(),
        strategies=(StrategyChoice("dressing-socks"), StrategyChoice("eating-steady-base")),
    )
    for code in ("pl", "ar", "so"):
        pdf = render_document("handout", programme, language=code, library=library)
        text = " ".join(pdftotext(pdf).split())
        assert "Pull the sock over the toes." in text
        note = load_language(code).t("english_only")
        if code != "ar":  # Arabic extraction order is i13-letters' fix; checked by glyph count
            assert text.count(note) == 1
            steady = bundled_library().get("eating-steady-base").translations[code]
            assert steady.title in text
        assert "Lay the coat on the floor" not in text


def test_team_record_with_english_only_and_edited_english_drops_stale_translations() -> None:
    bundled = bundled_library().get("eating-steady-base")
    edited = strategy_from_record(
        slug=bundled.strategy_id,
        area=bundled.area,
        area_title=bundled.area_title,
        title="A steady seat",
        summary=bundled.summary,
        home_steps=bundled.home_steps,
        school_steps=bundled.school_steps,
        translations={},
        bundled=bundled,
    )
    assert edited.translations == {}  # the English changed: old translations no longer fit
    assert edited.picture == bundled.picture
    unchanged = strategy_from_record(
        slug=bundled.strategy_id,
        area=bundled.area,
        area_title=bundled.area_title,
        title=bundled.title,
        summary=bundled.summary,
        home_steps=bundled.home_steps,
        school_steps=bundled.school_steps,
        translations={"ar": {"reviewed": False, "title": "x", "home_steps": ["a"]}},
        bundled=bundled,
    )
    assert set(unchanged.translations) == set(bundled.translations)
    assert unchanged.translations["ar"] == bundled.translations["ar"]  # wrong step count: kept
    pdf = render_document(
        "handout",
        replace(samples.programme(), strategies=(StrategyChoice(bundled.strategy_id),)),
        language="tr",
        library=StrategyLibrary({edited.strategy_id: edited}),
    )
    text = pdfcheck.flat(pdf)
    assert "A steady seat" in text and load_language("tr").t("english_only") in text


def test_broken_team_picture_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "dressing.toml").write_text(TEAM_FILE, encoding="utf-8")
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "socks-photo.png").write_bytes(b"not a png")
    library = load_library(tmp_path)
    programme = replace(samples.programme(), strategies=(StrategyChoice("dressing-socks"),))
    with pytest.raises(StrategyLibraryError, match=r"socks-photo\.png is not a readable PNG"):
        render_document("handout", programme, library=library)


def test_missing_team_picture_names_file_and_strategy(tmp_path: Path) -> None:
    (tmp_path / "dressing.toml").write_text(TEAM_FILE, encoding="utf-8")
    with pytest.raises(
        StrategyLibraryError,
        match=re.escape("dressing.toml, strategy 'dressing-socks': the picture 'socks-photo.png'"),
    ):
        load_library(tmp_path)


# --- How often and the translation note -------------------------------------------------


def test_chosen_how_often_is_translated_when_it_is_a_vocabulary_phrase() -> None:
    programme = replace(
        samples.programme(),
        strategies=(
            StrategyChoice("dressing-coat-flip", how_often="Every day"),
            StrategyChoice("eating-steady-base", how_often="After tea on Sundays"),
        ),
    )
    text = pdfcheck.flat(render_document("handout", programme, language="es"))
    es = load_language("es")
    assert es.t("how_often_line", how_often="Todos los días") in text
    assert "After tea on Sundays" in text and es.t("english_only_item") in text
    assert "Every day" not in text


def test_translation_status_is_shown_discreetly_at_the_foot() -> None:
    pdf = render_document("handout", samples.programme(), language="pt")
    last_page = pdfcheck.reader(pdf).pages[-1].extract_text()
    assert load_language("pt").t("translation_draft") in " ".join(last_page.split())
    english = pdfcheck.flat(render_document("handout", samples.programme(), language="en"))
    assert "translation" not in english.lower()


def test_days_to_tick_are_in_the_family_language() -> None:
    text = pdfcheck.flat(render_document("handout", samples.programme(), language="ro"))
    ro = load_language("ro")
    assert ro.t("tick_days") in text
    assert all(ro.t(f"day_{d}") in text for d in ("mon", "wed", "sun"))


def test_every_family_vocabulary_key_is_translated_in_every_language() -> None:
    english = load_language("en")
    vocabulary = {k for k in english.texts if k.startswith(("freq_", "day_", "place_"))}
    assert len(vocabulary) == 20
    vocabulary |= {"translation_draft", "translation_checked", "english_only_item", "tick_days"}
    handout_keys = {
        "handout_title", "for_child", "date_line", "interpreter_heading", "interpreter_text",
        "language_line_text", "team_phone_line", "goals_heading", "goals_none",
        "strategies_heading", "helps_with", "this_week_heading", "this_week_none",
        "review_line", "contact_heading", "therapist_line", "page_of", "english_only",
        "how_often_line",
    }  # fmt: skip
    for code in LANGUAGES:
        if code == "en":
            continue
        lang = load_language(code)
        missing = (vocabulary | handout_keys) - lang.translated_keys
        assert not missing, (code, missing)
        same = [k for k in vocabulary | handout_keys if lang.texts[k] == english.texts[k]]
        assert not same, (code, same)


def test_handout_pdf_renders_without_fonts_it_does_not_embed() -> None:
    pdf = render_document("handout", samples.programme(), language="bn")
    assert all(pdfcheck.embedded_font_files(pdf).values())
    assert b"/Helvetica" not in pdf
    assert io.BytesIO(pdf).getbuffer().nbytes < 400_000


# --- From the team's synced library, through the print path the app uses ----------------


def test_somali_handout_from_the_record_uses_the_synced_library(store: Store) -> None:
    with store.transaction() as session:
        therapist = factories.make_therapist(session)
        seed_strategy_library(
            session, team_id=therapist.team_id, strategies=bundled_library().strategies.values()
        )
        team = session.get(Team, therapist.team_id)
        assert team is not None
        factories.make_library_strategy(
            session,
            team=team,
            slug="sensory-wobble-cushion",
            area="sensory",
            title="A wobble cushion at the table",
            summary="Some children sit better when they can move a little.",
            home_steps=["Put the cushion on the chair.", "Let your child wriggle on it."],
            school_steps=["Offer the cushion at carpet time."],
            translations={},
        )
        seeded = session.scalars(
            select(LibraryStrategy).where(LibraryStrategy.slug == "dressing-coat-flip")
        ).one()
        assert seeded.translations["so"]["status"] == "machine-drafted"
        assert seeded.translations["so"]["how_often"]
        child = factories.make_child(session, therapist=therapist, written_language="so")
        programme = factories.make_programme(session, child=child)
        for slug, often in (("dressing-coat-flip", "Every day"), ("sensory-wobble-cushion", "")):
            programmes.add_programme_strategy(
                session, programme_id=programme.id, strategy_slug=slug, how_often=often
            )
        rendered = render_for_child(
            session, DocumentRequest(DocumentKind.HANDOUT, child.id), today=date(2026, 11, 24)
        )
    assert rendered.language == "so"
    text = " ".join(pdftotext(rendered.pdf).split())
    so = load_language("so")
    coat = bundled_library().get("dressing-coat-flip").translations["so"]
    assert coat.title in text and coat.home_steps[0] in text
    assert so.t("how_often_line", how_often="Maalin kasta") in text
    assert "Let your child wriggle on it." in text and text.count(so.t("english_only")) == 1
    assert set(placed_pictures(rendered.pdf)) == {"dressing-coat-flip"}
    assert so.t("translation_draft") in text


def test_checked_translation_names_who_checked_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dressing.toml").write_text(
        TEAM_FILE.replace('picture = "socks-photo.png"\n', "").split(
            '[[strategy]]\nid = "dressing-coat-flip"'
        )[0]
        + """
[strategy.translations.pl]
status = "checked"
checked_by = "Anna Nowak, NHS interpreter"
checked_on = 2026-11-02
title = "Skarpetki na siedząco"
summary = "Na siedząco łatwiej."
how_often = "Każdego ranka."
home_steps = ["Usiądź na podłodze.", "Naciągnij skarpetkę na palce."]
""",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    programme = replace(samples.programme(), strategies=(StrategyChoice("dressing-socks"),))
    polish = load_language("pl")
    draft = pdfcheck.flat(render_document("handout", programme, language="pl", library=library))
    assert polish.t("translation_draft") in draft  # the Polish template texts are drafts
    checked_texts = replace(polish, review_status="checked", checked_by="Jan Kowalski")
    monkeypatch.setattr("otvisit.reports.handout.load_language", lambda code: checked_texts)
    text = pdfcheck.flat(render_document("handout", programme, language="pl", library=library))
    names = "Anna Nowak, NHS interpreter, Jan Kowalski"
    assert polish.t("translation_checked", names=names) in text
    assert polish.t("translation_draft") not in text

"""The bundled strategy library loads, and bad team edits give errors naming file and field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from otvisit.reports.errors import StrategyLibraryError
from otvisit.reports.strategy_library import bundled_library, load_library

AREAS = {
    "dressing",
    "eating",
    "handwriting",
    "scissors",
    "sensory",
    "fine-motor",
    "organisation",
    "seating",
}

GOOD = """
area = "dressing"
area_title = "Dressing"

[[strategy]]
id = "dressing-socks"
title = "Socks"
summary = "Put socks on sitting down."
how_often = "Every day."
home_steps = ["Sit on the floor.", "Pull the sock over the toes."]
school_steps = ["Let the child sit to change."]

[strategy.translations.pl]
status = "checked"
checked_by = "Anna Nowak, interpreter"
checked_on = 2026-11-02
title = "Skarpetki"
summary = "Zakładaj skarpetki na siedząco."
how_often = "Codziennie."
home_steps = ["Usiądź na podłodze.", "Naciągnij skarpetkę na palce."]

[strategy.translations.ar]
status = "machine-drafted"
title = "الجوارب"
summary = "البس الجوارب وأنت جالس."
how_often = "كل يوم."
home_steps = ["اجلس على الأرض.", "اسحب الجورب فوق أصابع القدم."]
"""

LANGUAGES = {"ar", "bn", "es", "pl", "pt", "ro", "so", "tr", "ur"}


def test_bundled_library_has_enough_plain_strategies_in_every_area() -> None:
    library = bundled_library()
    assert len(library.strategies) >= 25
    assert set(library.areas()) == AREAS
    for strategy in library.strategies.values():
        assert strategy.home_steps and strategy.school_steps
        assert strategy.how_often
        assert all(len(step) <= 200 for step in strategy.home_steps)


def test_every_strategy_is_drafted_in_every_language_the_app_offers() -> None:
    for strategy in bundled_library().strategies.values():
        assert set(strategy.translations) == LANGUAGES, strategy.strategy_id
        for language, tr in strategy.translations.items():
            where = f"{strategy.strategy_id} {language}"
            assert len(tr.home_steps) == len(strategy.home_steps), where
            assert tr.how_often and tr.title and tr.summary, where
            assert tr.title != strategy.title and tr.summary != strategy.summary, where
            assert not set(tr.home_steps) & set(strategy.home_steps), where


def test_bundled_translations_are_marked_machine_drafted() -> None:
    for strategy in bundled_library().strategies.values():
        for tr in strategy.translations.values():
            assert tr.status == "machine-drafted" and not tr.reviewed and not tr.checked_by


def test_custom_folder_keeps_review_status_and_reviewer(tmp_path: Path) -> None:
    (tmp_path / "dressing.toml").write_text(GOOD, encoding="utf-8")
    library = load_library(tmp_path)
    socks = library.get("dressing-socks")
    checked, drafted = socks.translations["pl"], socks.translations["ar"]
    assert checked.reviewed and checked.status == "checked"
    assert checked.checked_by == "Anna Nowak, interpreter"
    assert checked.checked_on == date(2026, 11, 2)
    assert checked.how_often == "Codziennie."
    assert drafted.status == "machine-drafted" and not drafted.reviewed


W = "dressing.toml, strategy 'dressing-socks'"
EDITS = [
    ('title = "Socks"\n', "", f"{W}: 'title' is missing"),
    ('id = "dressing-socks"', 'id = "Socks!"', "'id' must be lower case words joined by hyphens"),
    ('id = "dressing-socks"', 'id = "eating-socks"', "must start with the area"),
    ('"Naciągnij skarpetkę na palce."', "", f"{W}, translation 'pl': 'home_steps' has 1"),
    ('status = "checked"', 'status = "yes"', f"{W}, translation 'pl': 'status'"),
    ('checked_by = "Anna Nowak, interpreter"\n', "", f"{W}, translation 'pl': a checked"),
    ('status = "machine-drafted"\n', "", f"{W}, translation 'ar': 'status' is missing"),
    ('how_often = "كل يوم."\n', "", f"{W}, translation 'ar': 'how_often' is missing"),
    ('title = "الجوارب"\n', "", f"{W}, translation 'ar': 'title' is missing"),
    ("[strategy.translations.ar]", "[strategy.translations.xx]", "'xx' is not a language"),
    ('how_often = "Every day."', 'how_ofen = "Every day."', "'how_ofen' is not a field"),
    ('how_often = "Every day."', 'picture = "socks.gif"', "must be an .svg or .png"),
    ('how_often = "Every day."', 'picture = "nope.svg"', "the picture 'nope.svg' is not in"),
    ('"Sit on the floor."', '"' + "x" * 201 + '"', f"{W}: step 1 of 'home_steps' is too long"),
    ("[[strategy]]", "[[strategy]]]", "dressing.toml: not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "message"), EDITS)
def test_errors_name_file_strategy_language_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    (tmp_path / "dressing.toml").write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(StrategyLibraryError, match=re.escape(message)):
        load_library(tmp_path)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(StrategyLibraryError, match=r"b\.toml: the id 'dressing-socks' is used"):
        load_library(tmp_path)


def test_unknown_strategy_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StrategyLibraryError, match="'nope' is not in the strategy library"):
        bundled_library().get("nope")
    with pytest.raises(StrategyLibraryError, match="does not exist"):
        load_library(tmp_path / "missing")

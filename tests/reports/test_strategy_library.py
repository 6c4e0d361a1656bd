"""The bundled strategy library loads, and bad team edits give errors naming file and field."""

from __future__ import annotations

import re
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
home_steps = ["Sit on the floor.", "Pull the sock over the toes."]
school_steps = ["Let the child sit to change."]

[strategy.translations.pl]
reviewed = true
title = "Skarpetki"
summary = "Zakładaj skarpetki na siedząco."
home_steps = ["Usiądź na podłodze.", "Naciągnij skarpetkę na palce."]
"""


def test_bundled_library_has_enough_plain_strategies_in_every_area() -> None:
    library = bundled_library()
    assert len(library.strategies) >= 25
    assert set(library.areas()) == AREAS
    for strategy in library.strategies.values():
        assert strategy.home_steps and strategy.school_steps
        assert all(len(step) <= 200 for step in strategy.home_steps)


def test_bundled_translations_are_marked_unreviewed() -> None:
    coat = bundled_library().get("dressing-coat-flip")
    assert {"ar", "bn", "ur", "pl"} <= set(coat.translations)
    assert not any(t.reviewed for t in coat.translations.values())


def test_custom_folder(tmp_path: Path) -> None:
    (tmp_path / "dressing.toml").write_text(GOOD, encoding="utf-8")
    library = load_library(tmp_path)
    assert library.get("dressing-socks").translations["pl"].reviewed is True


EDITS = [
    ('title = "Socks"\n', "", "dressing.toml, strategy 'dressing-socks': 'title'"),
    ('id = "dressing-socks"', 'id = "Socks!"', "'id'"),
    ('id = "dressing-socks"', 'id = "eating-socks"', "must start with the area"),
    ('"Naciągnij skarpetkę na palce."', "", "translation 'pl': 'home_steps' has 1"),
    ("reviewed = true", 'reviewed = "yes"', "'reviewed' must be true or false"),
    ("[[strategy]]", "[[strategy]]]", "dressing.toml: not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "message"), EDITS)
def test_errors_name_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
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

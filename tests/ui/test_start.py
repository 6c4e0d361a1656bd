"""Starting on a machine that cannot protect the records: a clear choice, never a crash."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from otvisit.models.encryption import new_database_key
from otvisit.models.store import Store
from otvisit.ui.app import App, open_first

pytestmark = pytest.mark.gui


@pytest.fixture
def no_credential_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("OTVISIT_INSECURE_KEY_FILE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_credential_store_the_demo_is_offered_instead(
    qtbot: QtBot, tmp_path: Path, no_credential_store: None
) -> None:
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"))
    asked: list[str] = []
    try:
        window = open_first(
            app, "main", offer_demo=lambda reason: asked.append(reason) or True, tell=asked.append
        )
        assert window is not None and window.context.runner.store.path.parent.name == "demo"
        qtbot.waitUntil(window.context.runner.is_idle, timeout=60000)
    finally:
        app.close()
    assert len(asked) == 1 and "credential store" in asked[0]
    assert not (tmp_path / "main" / "otvisit.db").exists()  # the real caseload stayed shut


def test_declining_the_demo_opens_nothing(tmp_path: Path, no_credential_store: None) -> None:
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"))
    window = open_first(app, "main", offer_demo=lambda _reason: False, tell=lambda _m: None)
    assert window is None and app.window is None


def test_a_store_that_its_key_cannot_open_is_reported_and_left_alone(tmp_path: Path) -> None:
    profile_dir = tmp_path / "main"
    Store.open(profile_dir / "otvisit.db", key=new_database_key()).close()  # another key
    before = (profile_dir / "otvisit.db").read_bytes()
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"))
    told: list[str] = []
    window = open_first(app, "main", offer_demo=lambda _r: True, tell=told.append)
    assert window is None and len(told) == 1 and "Nothing has been changed" in told[0]
    assert (profile_dir / "otvisit.db").read_bytes() == before


@pytest.mark.parametrize("first_page", [8, -4], ids=["early pages", "last pages"])
def test_a_damaged_store_is_reported_once_and_never_written(
    qtbot: QtBot, tmp_path: Path, first_page: int
) -> None:
    """Refused before the window opens, or by the page check beside the start: one message."""
    from datetime import date

    from otvisit.models import Child
    from otvisit.profile import Profile

    store = Profile.locate("main", str(tmp_path)).open_store()
    with store.transaction() as session:
        for n in range(200):
            child = Child(team_id="t", given_name=f"Child {n}", family_name="Okafor",
                          date_of_birth=date(2019, 3, 14), nhs_number="9434765919")  # fmt: skip
            session.add(child)
        for n in range(3000):
            session.add(Child(team_id="t", given_name=f"Later {n}", family_name="Adeyemi",
                              date_of_birth=date(2020, 1, 2), nhs_number="9434765919"))  # fmt: skip
    store.close()
    path = tmp_path / "main" / "otvisit.db"
    pages = path.stat().st_size // 4096
    with path.open("r+b") as handle:  # a few pages zeroed, as a failing disk leaves them
        handle.seek(4096 * (first_page % pages))
        handle.write(b"\0" * 4096 * 3)
    before = path.read_bytes()
    told: list[str] = []
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"), tell=told.append)
    open_first(app, "main", offer_demo=lambda _r: True, tell=told.append)
    qtbot.waitUntil(lambda: bool(told), timeout=30000)
    qtbot.waitUntil(lambda: app.window is None, timeout=30000)  # the window, if one opened, closed
    qtbot.wait(200)
    assert len(told) == 1
    assert "damaged" in told[0] and "A copy was kept" in told[0] and "Ask IT" in told[0]
    assert path.read_bytes() == before
    assert list((tmp_path / "main").glob("otvisit.damaged-*.db"))

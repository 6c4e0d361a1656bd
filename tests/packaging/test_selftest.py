"""``otvisit selftest`` from source: the checklist, its failures, and what it touches."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from otvisit import __version__
from otvisit.cli import main
from otvisit.commands import selftest
from otvisit.commands.selftest import Context, check_credential_store, check_profile, check_qt
from otvisit.profile import Profile
from tests.packaging.helpers import CHECK_NAMES, checklist, expected_failures, headless_env


def test_version_comes_from_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"otvisit {__version__}"


def test_selftest_passes_headless_and_leaves_nothing_behind(tmp_path: Path) -> None:
    data = tmp_path / "trust-share"
    done = subprocess.run(
        [sys.executable, "-m", "otvisit", "--data-dir", str(data), "selftest"],
        capture_output=True, text=True, encoding="utf-8", timeout=240,
        env=headless_env(tmp_path), check=False,
    )  # fmt: skip
    found = checklist(done.stdout)
    assert tuple(found) == CHECK_NAMES, done.stdout + done.stderr
    assert {name for name, ok in found.items() if not ok} == expected_failures(), done.stdout
    assert done.returncode == (1 if expected_failures() else 0)
    assert f"created an encrypted otvisit.db in {data}" in done.stdout  # scratch under --data-dir
    assert "'offscreen' platform" in done.stdout  # chosen by itself: no display here
    assert list(data.iterdir()) == []  # the scratch store was removed
    assert not (tmp_path / "data" / "otvisit").exists()  # the real profile folder untouched


def _named(detail: str) -> selftest.Check:
    def check(_ctx: Context) -> str:
        if detail.startswith("!"):
            raise RuntimeError(detail[1:])
        return detail

    return (detail.strip("!"), check)


def test_a_failing_check_is_marked_and_the_others_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = selftest.run_checks((_named("one"), _named("!two broke"), _named("three")), tmp_path)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert capsys.readouterr().out.splitlines() == [
        "✓ one: one",
        "✗ two broke: two broke",
        "✓ three: three",
    ]


def test_a_console_without_unicode_gets_plain_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="cp1252"))
    selftest.run_checks((_named("one"), _named("!two")), tmp_path)
    sys.stdout.flush()
    assert raw.getvalue().decode("cp1252").splitlines() == ["[ok] one: one", "[FAIL] two: two"]


def test_qt_that_cannot_start_is_a_failed_check_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    with pytest.raises(RuntimeError, match="Qt failed \\(exit code"):
        check_qt(Context(scratch=tmp_path, pdfs={"ar": b"%PDF-1.4 not read"}))


def test_a_machine_without_a_credential_store_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "MemoryKeyring" in check_credential_store(Context(scratch=tmp_path))
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # the autouse fixture puts the memory keyring back
    monkeypatch.delenv("OTVISIT_INSECURE_KEY_FILE", raising=False)
    with pytest.raises(RuntimeError, match="no OS credential store"):
        check_credential_store(Context(scratch=tmp_path))


def test_profile_check_reads_without_creating_anything(tmp_path: Path) -> None:
    profile = Profile.locate("main", tmp_path / "data")
    check = check_profile(profile)
    assert "no profile yet" in check(Context(scratch=tmp_path))
    assert not profile.root.exists()
    profile.root.mkdir(parents=True)
    sqlite3.connect(profile.database_path).close()
    profile.database_path.write_bytes(b"SQLite format 3\x00" + bytes(100))
    assert "otvisit.db is NOT encrypted" in check(Context(scratch=tmp_path))
    assert sorted(p.name for p in profile.root.iterdir()) == ["otvisit.db"]

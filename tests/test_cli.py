"""The real ``otvisit`` command in a subprocess: --version, and the demo caseload it makes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlcipher3

from otvisit import __version__
from otvisit.models.encryption import key_pragma_value
from otvisit.services.nhs_number import is_valid_nhs_number


def _otvisit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "otvisit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _demo_db(data_dir: Path) -> sqlcipher3.Connection:
    """The demo store opened with its key (the demo keeps it in a private file)."""
    profile = data_dir / "demo"
    key = (profile / ".database-key").read_text(encoding="ascii").strip()
    connection = sqlcipher3.connect(str(profile / "otvisit.db"))
    connection.execute(f'PRAGMA key = "{key_pragma_value(key)}"')
    return connection


def test_version() -> None:
    result = _otvisit("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"otvisit {__version__}"


def test_demo_makes_a_valid_caseload_in_the_demo_profile(tmp_path: Path) -> None:
    result = _otvisit("--data-dir", str(tmp_path), "demo", "--children", "5", "--records", "300")
    assert result.returncode == 0, result.stderr
    assert "Demo caseload of 5 children" in result.stdout
    assert not (tmp_path / "main").exists()  # the real profile is never touched
    with _demo_db(tmp_path) as db:
        children = db.execute("SELECT nhs_number, team_id FROM child").fetchall()
        total = sum(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for (table,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
                "('alembic_version', 'outbox_op', 'audit_event', 'sync_conflict', "
                "'set_aside_edit', 'sync_setting') AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        )
        outbox = db.execute("SELECT count(*) FROM outbox_op").fetchone()[0]
        signed_notes = db.execute(
            "SELECT count(*) FROM session_note WHERE signed_at IS NOT NULL"
        ).fetchone()[0]
        goals = db.execute("SELECT count(*) FROM goal").fetchone()[0]
    db.close()
    assert len(children) == 5 and len({team for _, team in children}) == 1
    assert all(nhs.startswith("999") and is_valid_nhs_number(nhs) for nhs, _ in children)
    assert 300 <= total <= 310  # "about": the last visit plan may overshoot by a row or two
    assert outbox == 0  # seed data, documented as not queued for sync
    assert signed_notes > 0 and goals >= 10


def test_demo_refuses_to_overwrite_without_reset_and_is_reproducible(tmp_path: Path) -> None:
    args = (
        "--data-dir",
        str(tmp_path),
        "demo",
        "--children",
        "3",
        "--records",
        "120",
        "--seed",
        "7",
    )
    assert _otvisit(*args).returncode == 0
    with _demo_db(tmp_path) as db:
        first = db.execute("SELECT id, given_name FROM child ORDER BY id").fetchall()
    db.close()
    again = _otvisit(*args)
    assert again.returncode == 1 and "--reset" in again.stderr
    assert _otvisit(*args, "--reset").returncode == 0
    with _demo_db(tmp_path) as db:
        assert db.execute("SELECT id, given_name FROM child ORDER BY id").fetchall() == first
    db.close()

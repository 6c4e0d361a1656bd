"""``otvisit waiting-list`` in a subprocess, on the demo caseload: every band, in order."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from otvisit.services.nhs_number import is_valid_nhs_number
from otvisit.services.waiting_list import BAND_LABELS, band_for_days


def _otvisit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "otvisit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_waiting_list_csv_has_one_row_per_waiting_child_in_every_band(tmp_path: Path) -> None:
    made = _otvisit("--data-dir", str(tmp_path), "demo", "--children", "60", "--records", "1200")
    assert made.returncode == 0, made.stderr
    result = _otvisit("--data-dir", str(tmp_path), "--profile", "demo", "waiting-list", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0])[:4] == ["nhs_number", "weeks_waited", "band", "priority"]
    assert {row["band"] for row in rows} == set(BAND_LABELS)
    assert len({row["nhs_number"] for row in rows}) == len(rows)
    for row in rows:
        assert is_valid_nhs_number(row["nhs_number"])
        assert row["band"] == band_for_days(int(row["days_waited"]))
        assert int(row["weeks_waited"]) == int(row["days_waited"]) // 7
    order = {"urgent": 0, "soon": 1, "routine": 2}
    keys = [(order[row["priority"]], -int(row["days_waited"])) for row in rows]
    assert keys == sorted(keys)

    table = _otvisit("--data-dir", str(tmp_path), "--profile", "demo", "waiting-list")
    assert f"{len(rows)} children waiting" in table.stdout


def test_waiting_list_without_a_store_says_so(tmp_path: Path) -> None:
    result = _otvisit("--data-dir", str(tmp_path), "--profile", "demo", "waiting-list")
    assert result.returncode == 2
    assert "there is no store" in result.stderr

"""The real ``otvisit survey-results`` command in a subprocess, over a real encrypted store."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from otvisit.profile import DEMO_PROFILE, Profile
from otvisit.services import feedback, team


def _otvisit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otvisit", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )


def test_survey_results_prints_the_table_and_the_comments(tmp_path: Path) -> None:
    store = Profile.locate(DEMO_PROFILE, tmp_path).open_store()
    try:
        with store.transaction() as session:
            team_id = team.create_team(session, name="Riverside Children's OT")
            for answer, comment, language, way in (
                (5, "Very helpful", "en", "online"),
                (3, "دیر ہو گئی", "ur", "post"),
            ):
                feedback.record_feedback(
                    session, team_id=team_id, received_on=date(2026, 10, answer),
                    ratings={"felt_listened_to": answer, "would_recommend": 4},
                    comments=comment, language=language, arrived_by=way,
                )  # fmt: skip
    finally:
        store.close()
    args = ("--data-dir", str(tmp_path), "--profile", "demo", "survey-results")
    shown = _otvisit(*args)
    assert shown.returncode == 0, shown.stderr
    assert "2 survey(s) received 03 Oct 2026 to 05 Oct 2026" in shown.stdout
    assert "We felt listened to" in shown.stdout and "4.00" in shown.stdout
    assert "(ur): دیر ہو گئی" in shown.stdout
    assert (
        "How they arrived: By post 1, In clinic 0, Online or QR code 1, By phone 0" in shown.stdout
    )
    as_csv = _otvisit(*args, "--csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[1] == ["We felt listened to", "2", "0", "0", "1", "0", "1", "4.00"]
    by_arrival = _otvisit(*args, "--csv", "--by-arrival")
    assert list(csv.reader(io.StringIO(by_arrival.stdout))) == [
        ["How it arrived", "Surveys"], ["By post", "1"], ["In clinic", "0"],
        ["Online or QR code", "1"], ["By phone", "0"],
    ]  # fmt: skip
    later = _otvisit(*args, "--since", "2026-10-04")
    assert "1 survey(s)" in later.stdout
    wrong = _otvisit(*args, "--since", "2026-10-09", "--until", "2026-10-01")
    assert wrong.returncode == 2 and "before its start" in wrong.stderr

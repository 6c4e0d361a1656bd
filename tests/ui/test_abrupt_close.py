"""A note typed and never saved by hand survives the app being killed (SIGKILL, no close event)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from otvisit.models import SessionNote
from tests.fakes import MemoryKeyring
from tests.ui.driver import seeded_profile

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_typed_note_survives_the_app_being_killed(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile, _seeded = seeded_profile(tmp_path)
    text = "Practised scissors with loop scissors; cut along a thick line"
    # The child gets the store's key the way a real laptop would find it in its keyring.
    secrets = [[service, name, value] for (service, name), value in memory_keyring.secrets.items()]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "OTVISIT_TEST_SECRETS": json.dumps(secrets),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.abrupt_note", str(tmp_path), text],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:  # the autosave timer fired and the draft reached the disk
            if line.startswith("AUTOSAVED"):
                break
        else:
            pytest.fail("the app ended before saving the draft")
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    store = profile.open_store()
    try:
        with store.read_session() as session:
            bodies = session.scalars(select(SessionNote.body)).all()
    finally:
        store.close()
    assert bodies == [text]

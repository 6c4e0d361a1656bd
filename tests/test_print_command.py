"""``otvisit print`` end to end: a real demo profile, the real command, a real PDF read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from otvisit.profile import Profile


def _otvisit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env_args = [sys.executable, "-m", "otvisit", "--data-dir", str(data_dir), *args]
    return subprocess.run(
        env_args,
        capture_output=True,
        text=True,
        timeout=120,
        env={"OTVISIT_INSECURE_KEY_FILE": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    made = _otvisit("demo", "--children", "4", "--records", "300", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    return data_dir


def _first_nhs_number(data_dir: Path) -> str:
    from sqlalchemy import select

    from otvisit.models import Child

    store = Profile.locate("demo", data_dir).open_store()
    with store.read_session() as session:
        number = session.scalars(select(Child.nhs_number).order_by(Child.nhs_number)).first()
    store.close()
    assert number is not None
    return number


def test_print_writes_a_readable_handout(demo_dir: Path, tmp_path: Path) -> None:
    number = _first_nhs_number(demo_dir)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    out = tmp_path / "handout.pdf"
    done = _otvisit(
        "--profile",
        "demo",
        "print",
        "equipment",
        "--child",
        spaced,
        "--out",
        str(out),
        data_dir=demo_dir,
    )
    assert done.returncode == 0, done.stderr
    assert "written to" in done.stdout
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert spaced in " ".join(text.split())  # who it is about, NHS number grouped 3-3-4
    # The file named on the command line is an export, audited; the document is kept too,
    # inside the encrypted store: nothing of the child is left in the profile folder.
    from sqlalchemy import select

    from otvisit.models import AuditEvent, DocumentFile, PrintedDocument
    from otvisit.models.vocabulary import AuditAction

    store = Profile.locate("demo", demo_dir).open_store()
    with store.read_session() as session:
        document = session.scalars(select(PrintedDocument)).one()
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == document.id)
        ).all()
        kept = session.get(DocumentFile, document.file_name)
        assert kept is not None and kept.pdf == out.read_bytes()
    store.close()
    assert sorted(actions) == sorted([AuditAction.PRINT, AuditAction.EXPORT])
    profile_files = [p for p in (demo_dir / "demo").rglob("*") if p.is_file()]
    for path in profile_files:
        assert number.encode() not in path.read_bytes(), path
        assert not path.read_bytes().startswith(b"%PDF"), path


def test_print_names_what_is_wrong(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "nothing.pdf"
    done = _otvisit(
        "--profile",
        "demo",
        "print",
        "handout",
        "--child",
        "943 476 5918",
        "--out",
        str(out),
        data_dir=demo_dir,
    )
    assert done.returncode == 1
    assert "no child with NHS number or id" in done.stderr
    assert not out.exists()


def test_print_to_a_missing_folder_writes_and_keeps_nothing(demo_dir: Path, tmp_path: Path) -> None:
    number = _first_nhs_number(demo_dir)
    out = tmp_path / "no-such-folder" / "letter.pdf"
    done = _otvisit(
        "--profile", "demo", "print", "equipment", "--child", number, "--out", str(out),
        data_dir=demo_dir,
    )  # fmt: skip
    assert done.returncode == 1
    assert "does not exist" in done.stderr
    assert not out.exists()


def test_document_kinds_on_the_command_line_are_the_reports_kinds() -> None:
    from otvisit.commands.print_document import DOCUMENT_KINDS
    from otvisit.reports.render import DocumentKind

    assert tuple(kind.value for kind in DocumentKind) == DOCUMENT_KINDS


def test_print_warns_on_stderr_and_still_prints(demo_dir: Path, tmp_path: Path) -> None:
    # The demo's equipment recommendations carry no safety or training notes.
    out = tmp_path / "equipment.pdf"
    number = _first_nhs_number(demo_dir)
    done = _otvisit(
        "--profile", "demo", "print", "equipment", "--child", number, "--out", str(out),
        data_dir=demo_dir,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "otvisit print: warning: The equipment letter has no safety or training notes" in (
        done.stderr
    )
    assert out.exists() and "written to" in done.stdout


def _goal_in_polish(data_dir: Path, polish: str) -> tuple[str, str]:
    """A child's handout goal given a Polish wording; the child's NHS number and the English."""
    from sqlalchemy import select

    from otvisit.models import Child, Goal, HomeProgramme, ProgrammeStrategy
    from otvisit.services import goals

    store = Profile.locate("demo", data_dir).open_store()
    with store.transaction() as session:
        goal, child_id = session.execute(
            select(Goal, HomeProgramme.child_id)
            .join(ProgrammeStrategy, ProgrammeStrategy.goal_id == Goal.id)
            .join(HomeProgramme, HomeProgramme.id == ProgrammeStrategy.programme_id)
            .where(Goal.status == "active", Goal.deleted.is_(False))
            .order_by(HomeProgramme.child_id)
        ).first()  # type: ignore[misc]
        goals.update_goal(
            session, goal_id=goal.id, changes={"family_wording": polish, "family_language": "pl"}
        )
        english = goal.wording
        number = session.get(Child, child_id).nhs_number  # type: ignore[union-attr]
    store.close()
    return number, english


def test_print_english_beside_the_familys_words(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    made = _otvisit("demo", "--children", "2", "--records", "40", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    polish = "Dziecko samo założy kurtkę przed zabawą"
    number, english = _goal_in_polish(data_dir, polish)
    texts: dict[str | None, list[str]] = {}
    for flag in ("--english-beside", None):
        out = tmp_path / f"handout{flag or ''}.pdf"
        args = ["--profile", "demo", "print", "handout", "--child", number, "--language", "pl"]
        done = _otvisit(*args, "--out", str(out), *([flag] if flag else []), data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        read = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True)
        texts[flag] = [" ".join(line.split()) for line in read.stdout.splitlines()]
    assert f"• {polish}" in texts[None] and english not in texts[None]
    lines = texts["--english-beside"]
    assert lines[lines.index(f"• {polish}") + 1] == english  # the English right under it

    # A document without the family's goals says the flag does nothing there.
    out = tmp_path / "equipment.pdf"
    done = _otvisit(
        "--profile", "demo", "print", "equipment", "--child", number, "--out", str(out),
        "--english-beside", data_dir=data_dir,
    )  # fmt: skip
    assert "--english-beside applies to the handout and the discharge letter only" in done.stderr

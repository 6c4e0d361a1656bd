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

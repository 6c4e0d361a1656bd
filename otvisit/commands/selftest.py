"""``otvisit selftest``: a headless checklist for IT after installing or upgrading otvisit."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from otvisit import __version__
from otvisit.commands.pdfcheck import check_pdf_structure, embedded_font_names
from otvisit.profile import Profile, data_root

#: Handouts rendered by the check: (language code, name, font that must be embedded).
HANDOUTS = (("ar", "Arabic", "NotoNaskhArabic"), ("bn", "Bengali", "NotoSansBengali"))
REQUIRED_FONTS = (
    "NotoSans-Regular.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNastaliqUrdu-Regular.ttf",
    "NotoSansBengali-Regular.ttf",
)
QT_PROBE_TIMEOUT_S = 120


@dataclass
class Context:
    """What the checks share: the scratch folder and what earlier checks produced."""

    scratch: Path
    pdfs: dict[str, bytes] = field(default_factory=dict)
    qt: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """One line of the checklist."""

    name: str
    ok: bool
    detail: str


#: A named check: returns what it found, raises with a readable message when something is wrong.
Check = tuple[str, Callable[[Context], str]]


def frozen_bundle_dir() -> Path | None:
    """The folder of the installed (PyInstaller) app, or None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return None


def check_version(_ctx: Context) -> str:
    bundle = frozen_bundle_dir()
    where = f"installed app in {bundle}" if bundle else f"source in {Path(__file__).parents[2]}"
    return f"otvisit {__version__}, Python {sys.version.split()[0]}, {where}"


def check_resources(_ctx: Context) -> str:
    root = files("otvisit.resources")
    strategies = [p.name for p in (root / "strategies").iterdir() if p.name.endswith(".toml")]
    languages = [p.name for p in (root / "i18n").iterdir() if p.name.endswith(".toml")]
    if not strategies:
        raise RuntimeError("the strategy library (resources/strategies) is missing")
    if "en.toml" not in languages:
        raise RuntimeError("the English template texts (resources/i18n/en.toml) are missing")
    missing = [name for name in REQUIRED_FONTS if not (root / "fonts" / name).is_file()]
    if missing:
        raise RuntimeError(f"fonts missing from resources/fonts: {', '.join(missing)}")
    with as_file(root / "fonts" / REQUIRED_FONTS[0]) as font_path:
        fonts_dir = font_path.resolve().parent
    bundle = frozen_bundle_dir()
    if bundle is not None and not fonts_dir.is_relative_to(bundle.resolve()):
        raise RuntimeError(f"fonts come from {fonts_dir}, outside the installed app {bundle}")
    return (
        f"{len(strategies)} strategy files, {len(languages)} languages, "
        f"{len(REQUIRED_FONTS)} fonts in {fonts_dir}"
    )


def check_store_and_record(ctx: Context) -> str:
    from sqlalchemy import select, text

    from otvisit.models import OutboxOp, Team
    from otvisit.models.encryption import is_plain_sqlite, new_database_key
    from otvisit.models.store import Store, head_revision
    from otvisit.services import attachment_blobs

    path = ctx.scratch / "otvisit.db"
    # Encrypted like a real profile, so the bundled SQLCipher library is exercised too.
    store = Store.open(path, key=new_database_key())
    try:
        revision = store.current_revision()
        if revision != head_revision():
            raise RuntimeError(f"store at revision {revision}, expected {head_revision()}")
        with store.engine.connect() as connection:
            journal = connection.execute(text("PRAGMA journal_mode")).scalar()
        if journal != "wal":
            raise RuntimeError(f"SQLite journal mode is {journal}, not WAL (network drive?)")
        photo = b"\xff\xd8\xff\xe0 selftest photo bytes " * 64
        with store.transaction() as session:
            team = Team(name="Selftest team – équipe – فريق")
            session.add(team)
            sha256 = attachment_blobs.store_blob(session, photo)
        with store.read_session() as session:
            name = session.scalar(select(Team.name).where(Team.id == team.id))
            queued = session.scalar(select(OutboxOp.entity).where(OutboxOp.record_id == team.id))
            kept = attachment_blobs.blob_bytes(session, sha256)
        if name != team.name or queued != "team":
            raise RuntimeError("a record written to the store did not read back the same")
        sealed = store.attachment_files.path_of(sha256).read_bytes()
        if kept != photo or photo[:32] in sealed:
            raise RuntimeError("an attachment file was not sealed and read back the same")
    finally:
        store.close()
    if is_plain_sqlite(path):
        raise RuntimeError("the store was written unencrypted")
    return (
        f"created an encrypted {path.name} in {ctx.scratch}, migrated to {revision}, "
        "wrote and read back a record, its outbox entry and a sealed attachment file"
    )


def check_attachments(_ctx: Context) -> str:
    """What attaching needs: Pillow cleans a photo, pypdf checks a PDF, and the HEIC decoder's
    native libraries load."""
    import io

    from PIL import Image
    from reportlab.pdfgen import canvas

    from otvisit.models.vocabulary import AttachmentKind
    from otvisit.services.attachment_files import clean_file, heic_readable

    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(photo, format="JPEG")
    clean = clean_file(photo.getvalue(), kind=AttachmentKind.PHOTO, name="selftest.jpg")
    report = io.BytesIO()
    page = canvas.Canvas(report)
    page.drawString(72, 720, "School report")
    page.save()
    clean_file(report.getvalue(), kind=AttachmentKind.DOCUMENT, name="selftest.pdf")
    if not heic_readable():
        raise RuntimeError("HEIC photos cannot be read: pi-heif is missing from this install")
    import pi_heif

    decoders = pi_heif.libheif_info().get("decoders", {})
    if not any("HEVC" in name for name in decoders.values()):
        raise RuntimeError(f"libheif {pi_heif.libheif_version()} has no HEVC decoder")
    return (
        f"JPEG cleaned ({clean.width} × {clean.height}), PDF checked; "
        f"HEIC: {', '.join(decoders.values())}"
    )


def check_credential_store(_ctx: Context) -> str:
    # Only asks which backend keyring chose: no secret is read or written.
    import keyring
    from keyring.backends import fail, null

    from otvisit.keys import INSECURE_KEY_FILE_ENV

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if not isinstance(backend, fail.Keyring | null.Keyring):
        return f"database keys go to {name}"
    if os.environ.get(INSECURE_KEY_FILE_ENV) == "1":
        return (
            f"no credential store; {INSECURE_KEY_FILE_ENV}=1 keeps keys in files (not for real use)"
        )
    raise RuntimeError(
        "no OS credential store (Windows Credential Manager, GNOME Keyring, KWallet), so "
        "the real caseload cannot be opened; only the demo profile works"
    )


def _handout_check(code: str, language: str, font: str) -> Callable[[Context], str]:
    def check(ctx: Context) -> str:
        from otvisit.reports import render_document, samples

        pdf = render_document("handout", samples.programme(), language=code, large_print=False)
        pages = check_pdf_structure(pdf)
        fonts = embedded_font_names(pdf)
        if not any(name.startswith(font) for name in fonts):
            raise RuntimeError(
                f"the {language} font {font} is not embedded (found {sorted(fonts)})"
            )
        ctx.pdfs[code] = pdf
        return f"{pages} page(s), {len(pdf) // 1024} kB, fonts embedded: {', '.join(sorted(fonts))}"

    check.__name__ = f"check_handout_{code}"
    return check


def qt_probe_command(pdf_path: Path) -> list[str]:
    """The command that runs the Qt probe in a child process of the same app."""
    launcher = [sys.executable] if frozen_bundle_dir() else [sys.executable, "-m", "otvisit"]
    return [*launcher, "selftest", "--qt-probe", str(pdf_path)]


def check_qt(ctx: Context) -> str:
    # A child process: a Qt platform plugin that cannot load (missing system libraries)
    # aborts the whole process, and the checklist must still be printed.
    pdf = ctx.pdfs.get("ar") or next(iter(ctx.pdfs.values()), None)
    pdf_path = ctx.scratch / "handout.pdf"
    if pdf is not None:
        pdf_path.write_bytes(pdf)
    try:
        child = subprocess.run(
            qt_probe_command(pdf_path),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=QT_PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Qt did not start within {QT_PROBE_TIMEOUT_S} s") from None
    lines = child.stdout.strip().splitlines()
    try:
        found: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        found = {}
    if found.get("error"):
        raise RuntimeError(str(found["error"]))
    if child.returncode != 0 or not found:
        tail = " | ".join(child.stderr.strip().splitlines()[-3:]) or "no output"
        raise RuntimeError(f"Qt failed (exit code {child.returncode}): {tail}")
    started = (
        f"Qt {found['qt_version']} (PySide6 {found['pyside_version']}) started on the "
        f"'{found['platform']}' platform"
    )
    ctx.qt = found
    if pdf is None:
        raise RuntimeError(f"{started}, but no handout was rendered for QtPdf to read")
    if found.get("cameras") is None:
        raise RuntimeError(f"{started}, but QtMultimedia is missing: Take photo cannot work")
    return (
        f"{started}; QtPdf read the handout ({found['pdf_pages']} page(s)); "
        f"QtMultimedia found {found['cameras']} camera(s)"
    )


def check_window_code(ctx: Context) -> str:
    if not ctx.qt:
        raise RuntimeError("not tried, because Qt did not start")
    if ctx.qt.get("window_error"):
        raise RuntimeError(str(ctx.qt["window_error"]))
    return f"the desktop window's {ctx.qt.get('window_modules')} modules load (otvisit.ui)"


def import_window_modules() -> int:
    """Import otvisit.ui and every module under it; how many there are."""
    import pkgutil

    import otvisit.ui

    names = ["otvisit.ui.app"]
    names += [m.name for m in pkgutil.walk_packages(otvisit.ui.__path__, "otvisit.ui.")]
    for name in names:
        importlib.import_module(name)
    return len(set(names))


def run_qt_probe(pdf_path: Path) -> int:
    """The child side of check_qt: prints one JSON line; exit code 0 when Qt is fine."""
    from otvisit.ui.probe import probe_qt

    try:
        found: dict[str, Any] = asdict(
            probe_qt(pdf_path.read_bytes() if pdf_path.is_file() else None)
        )
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 1
    try:
        # Importing the window code proves that the bundle holds every module it needs: every
        # screen's module, not only the window's (a child's record is imported when opened).
        found["window_modules"] = import_window_modules()
        found["window_error"] = None
    except Exception as exc:
        found["window_error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(found))
    return 0


def check_profile(profile: Profile) -> Callable[[Context], str]:
    """Looks at the real profile without opening its store (its key is in the keyring)."""

    def check(_ctx: Context) -> str:
        from otvisit.models.encryption import is_plain_sqlite

        if not profile.root.exists():
            return f"no profile yet in {profile.root} (the app creates it on first start)"
        with tempfile.NamedTemporaryFile(dir=profile.root, prefix=".selftest-"):
            pass  # the folder is writable: the app can save records and documents there
        database = profile.database_path
        if not database.exists():
            return f"{profile.root} is writable; no store yet"
        state = "NOT encrypted" if is_plain_sqlite(database) else "encrypted"
        size_mb = database.stat().st_size / 1e6
        return f"{profile.root} is writable; {database.name} is {state}, {size_mb:.1f} MB"

    return check


CHECKS: tuple[Check, ...] = (
    ("version", check_version),
    ("bundled resources", check_resources),
    ("local store", check_store_and_record),
    ("credential store", check_credential_store),
    ("attachments (photos, HEIC, PDF)", check_attachments),
    *((f"{name} handout", _handout_check(code, name, font)) for code, name, font in HANDOUTS),
    ("Qt and QtPdf", check_qt),
    ("desktop window", check_window_code),
)


def _marks() -> tuple[str, str]:
    # A Windows console redirected to a file may not encode ✓ and ✗.
    try:
        "✓✗".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "[ok]", "[FAIL]"
    return "✓", "✗"


def run_checks(
    checks: tuple[tuple[str, Callable[[Context], str]], ...], scratch: Path
) -> list[Outcome]:
    """Run every check in order; one failing check never stops the others."""
    ctx = Context(scratch=scratch)
    ok_mark, fail_mark = _marks()
    outcomes = []
    for name, check in checks:
        try:
            outcome = Outcome(name, True, check(ctx))
        except Exception as exc:  # the checklist reports every failure, whatever it is
            # Our own RuntimeErrors are written for IT; anything else names its type too.
            detail = str(exc) if type(exc) is RuntimeError else f"{type(exc).__name__}: {exc}"
            outcome = Outcome(name, False, detail)
        outcomes.append(outcome)
        print(f"{ok_mark if outcome.ok else fail_mark} {name}: {outcome.detail}", flush=True)
    return outcomes


def run(args: argparse.Namespace) -> int:
    if args.qt_probe:
        return run_qt_probe(Path(args.qt_probe))
    checks = CHECKS
    if args.check_profile:
        profile = Profile.locate(args.profile, args.data_dir)
        checks = (*checks, (f"profile '{profile.name}'", check_profile(profile)))
    # With --data-dir the scratch store goes there, which also proves the folder is writable.
    parent = data_root(args.data_dir) if args.data_dir else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    print(f"otvisit {__version__} selftest", flush=True)
    with tempfile.TemporaryDirectory(prefix="otvisit-selftest-", dir=parent) as scratch:
        outcomes = run_checks(checks, Path(scratch))
    failed = [o.name for o in outcomes if not o.ok]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} checks FAILED: {', '.join(failed)}")
        return 1
    print(f"All {len(outcomes)} checks passed.")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "selftest",
        help="check this installation (store, handouts, Qt) without touching real records",
        description="Checks that otvisit works on this machine: its bundled resources, a "
        "scratch local store (created in a temporary folder, or under --data-dir, and removed "
        "afterwards), Arabic and Bengali handouts, and Qt with QtPdf. Exits non-zero if any "
        "check fails.",
    )
    parser.add_argument(
        "--check-profile",
        action="store_true",
        help="also look (read-only) at the real profile's store: does it exist, is its "
        "schema current, is its folder writable",
    )
    parser.add_argument("--qt-probe", metavar="PDF", help=argparse.SUPPRESS)
    parser.set_defaults(run=run)

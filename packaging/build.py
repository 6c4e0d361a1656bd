"""Build the one-folder otvisit app with PyInstaller, then a Linux archive or the Windows installer.

    python packaging/build.py            # needs: pip install -e ".[packaging]"

Writes dist/otvisit/ (the app) and, on Linux, dist/otvisit-<version>-linux-<arch>.tar.gz; on
Windows, dist/otvisit-<version>-setup.exe when Inno Setup 6 (ISCC.exe) is installed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
ISCC_PLACES = (
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "Inno Setup 6",
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "Inno Setup 6",
    Path(os.environ.get("LOCALAPPDATA", "")) / "Programs" / "Inno Setup 6",
)


def version() -> str:
    """otvisit's version, read from its one place without importing the package."""
    text = (ROOT / "otvisit" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if found is None:
        raise SystemExit("otvisit/__init__.py has no __version__ line")
    return found.group(1)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def run_pyinstaller(dist: Path, work: Path) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit('PyInstaller is missing: pip install -e ".[packaging]"') from None
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(PACKAGING / "otvisit.spec"),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)
    return dist / "otvisit"


def add_linux_files(app: Path) -> None:
    """The menu entry, icons and installer script beside the program."""
    share = app / "share"
    share.mkdir(exist_ok=True)
    shutil.copy2(PACKAGING / "linux" / "otvisit.desktop", share / "otvisit.desktop")
    shutil.copy2(ICONS / "otvisit.svg", share / "otvisit.svg")
    shutil.copy2(ICONS / "otvisit.png", share / "otvisit.png")
    shutil.copy2(PACKAGING / "linux" / "install.sh", app / "install.sh")
    (app / "install.sh").chmod(0o755)


def linux_archive(app: Path, ver: str) -> Path:
    archive = app.parent / f"otvisit-{ver}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=f"otvisit-{ver}")
    return archive


def find_iscc() -> Path | None:
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return Path(on_path)
    return next((p / "ISCC.exe" for p in ISCC_PLACES if (p / "ISCC.exe").is_file()), None)


def windows_installer(app: Path, ver: str) -> Path | None:
    iscc = find_iscc()
    script = PACKAGING / "windows" / "otvisit.iss"
    defines = [f"/DAppVersion={ver}", f"/DSourceDir={app}", f"/DOutputDir={app.parent}"]
    if iscc is None:
        print("Inno Setup 6 not found; install it, then run:")
        print(f'  ISCC.exe {" ".join(defines)} "{script}"')
        return None
    subprocess.run([str(iscc), *defines, str(script)], check=True, cwd=ROOT)
    return app.parent / f"otvisit-{ver}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-archive", action="store_true", help="stop after dist/otvisit/")
    args = parser.parse_args(argv)
    ver = version()
    started = time.perf_counter()
    app = run_pyinstaller(args.dist.resolve(), args.work.resolve())
    print(f"built {app} (otvisit {ver}) in {time.perf_counter() - started:.0f} s")
    if sys.platform.startswith("linux"):
        add_linux_files(app)
    print(f"bundle size: {folder_size(app) / 1e6:.0f} MB")
    if args.no_archive:
        return 0
    if sys.platform == "win32":
        installer = windows_installer(app, ver)
        if installer:
            print(f"installer: {installer} ({installer.stat().st_size / 1e6:.0f} MB)")
    else:
        archive = linux_archive(app, ver)
        print(f"archive: {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The packaged app: build time, bundle size, start time of frozen vs source ``otvisit``.

    python benchmarks/bench_packaging.py [--bundle dist/otvisit] [--cold]

Without --bundle it builds one into a temporary folder first (needs the packaging extra).
--cold drops the OS page cache before each timed start (root on Linux only), which is what a
therapist's first start of the day looks like; otherwise starts are warm (files cached).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import Row, format_table

ROOT = Path(__file__).resolve().parents[1]
VERSION_RUNS = 10
SELFTEST_RUNS = 3
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "DISPLAY", "WAYLAND"))}
    env["OTVISIT_INSECURE_KEY_FILE"] = "1"  # a machine without a desktop keyring
    return env


def _drop_caches() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n")


def can_drop_caches() -> bool:
    return sys.platform.startswith("linux") and os.access(DROP_CACHES, os.W_OK)


def time_command(command: Sequence[str], runs: int, *, cold: bool) -> list[float]:
    """Wall-clock seconds of each run; a failing run stops the benchmark."""
    times = []
    for _ in range(runs):
        if cold:
            _drop_caches()
        started = time.perf_counter()
        subprocess.run(command, env=_env(), capture_output=True, check=True, timeout=300)
        times.append(time.perf_counter() - started)
    return times


def build_bundle(target: Path) -> tuple[Path, float]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--no-archive",
         "--dist", str(target / "dist"), "--work", str(target / "work")],
        check=True, capture_output=True, timeout=1800,
    )  # fmt: skip
    return target / "dist" / "otvisit", time.perf_counter() - started


def size_rows(bundle: Path, scratch: Path) -> list[Row]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    archive = scratch / "otvisit.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname="otvisit")
    return [
        Row("bundle size (unpacked)", sum(p.stat().st_size for p in files) / 1e6, "MB",
            target=300, note=f"{len(files)} files"),
        Row("bundle size (tar.gz)", archive.stat().st_size / 1e6, "MB"),
    ]  # fmt: skip


def start_rows(bundle: Path, *, cold: bool) -> list[Row]:
    kind = "cold" if cold else "warm"
    frozen = [str(bundle / "otvisit")]
    source = [sys.executable, "-m", "otvisit"]
    rows = []
    for label, command, runs, target in (
        ("frozen  otvisit --version", [*frozen, "--version"], VERSION_RUNS, 2.0),
        ("source  python -m otvisit --version", [*source, "--version"], VERSION_RUNS, 2.0),
        ("frozen  otvisit selftest", [*frozen, "selftest"], SELFTEST_RUNS, 20.0),
        ("source  python -m otvisit selftest", [*source, "selftest"], SELFTEST_RUNS, 20.0),
    ):
        times = time_command(command, runs, cold=cold)
        rows.append(
            Row(f"{label} ({kind})", statistics.median(times), "s", target=target,
                note=f"median of {runs}, min {min(times):.2f} s")
        )  # fmt: skip
    return rows


def measure(bundle: Path | None, *, cold: bool) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="otvisit-bench-packaging-") as scratch:
        rows = []
        if bundle is None:
            bundle, seconds = build_bundle(Path(scratch))
            rows.append(Row("PyInstaller build (one-folder)", seconds, "s", target=240))
        rows += size_rows(bundle, Path(scratch))
        rows += start_rows(bundle, cold=cold and can_drop_caches())
        return rows


def run() -> list[Row]:
    """For benchmarks/run.py: build into a temporary folder, warm starts (no cache dropping)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return [Row("packaging (skipped: pip install -e '.[packaging]')", 0, "s")]
    return measure(None, cold=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="an already built dist/otvisit folder")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before starts")
    args = parser.parse_args()
    if args.cold and not can_drop_caches():
        print("--cold needs root on Linux (writes /proc/sys/vm/drop_caches)", file=sys.stderr)
        return 2
    rows = measure(args.bundle, cold=args.cold)
    print(format_table(rows, title="otvisit packaging"))
    return 0 if all(row.verdict != "MISSED" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

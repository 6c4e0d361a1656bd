"""Family handouts with pictures: one per language, and a 300-child batch.

Run: python benchmarks/bench_documents.py   (or through benchmarks/run.py)

The sample handout has 5 strategies, each with its picture (an SVG pictogram drawn in a
named Form XObject). SVG files are parsed once per process and their drawing operators
cached, so a batch pays the parse once; the first row shows that one-off cost.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from reportlab import rl_config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import Row, format_table

from otvisit.reports import pictures, render_document, samples
from otvisit.reports.content import StrategyChoice
from otvisit.reports.fonts import register_all
from otvisit.reports.i18n import available_languages
from otvisit.reports.strategy_library import StrategyLibrary, bundled_library

BATCH = 300
TARGET_MS = 100.0
RUNS = 10


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run(batch: int = BATCH) -> list[Row]:
    rl_config.invariant = 1  # same bytes every run
    register_all()  # font loading is a one-off per process, not per document
    programme = samples.programme()
    library = bundled_library()
    rows: list[Row] = []

    # One-off: parse every picture used (cold cache), then the same document warm.
    pictures._svg.cache_clear()
    pictures._svg_operators.cache_clear()
    cold = _ms(lambda: render_document("handout", programme, language="en"))
    rows.append(Row("handout (en), first in process (parse 5 SVGs)", cold, "ms"))
    for language in available_languages():
        render_document("handout", programme, language=language)  # warm caches
        runs = [
            _ms(lambda lang=language: render_document("handout", programme, language=lang))
            for _ in range(RUNS)
        ]
        rows.append(
            Row(
                f"handout with 5 pictures ({language}), median of {RUNS}",
                statistics.median(runs),
                "ms",
                TARGET_MS,
            )
        )
    bare = StrategyLibrary({sid: replace(s, picture=None) for sid, s in library.strategies.items()})
    for language in ("en", "ur"):
        with_pictures = statistics.median(
            _ms(lambda lang=language: render_document("handout", programme, language=lang))
            for _ in range(RUNS)
        )
        without = statistics.median(
            _ms(
                lambda lang=language: render_document(
                    "handout", programme, language=lang, library=bare
                )
            )
            for _ in range(RUNS)
        )
        rows.append(
            Row(
                f"pictures' share of one handout ({language})",
                with_pictures - without,
                "ms",
                note=f"{without:.0f} ms without pictures",
            )
        )
    large = [
        _ms(lambda: render_document("handout", programme, language="ur", large_print=True))
        for _ in range(3)
    ]
    rows.append(Row("handout (ur, large print), median of 3", statistics.median(large), "ms"))
    every = replace(
        programme, strategies=tuple(StrategyChoice(s) for s in sorted(library.strategies))
    )
    rows.append(
        Row(
            "handout with all 29 strategies and pictures (ar)",
            _ms(lambda: render_document("handout", every, language="ar")),
            "ms",
        )
    )

    children = samples.batch(batch)
    languages = available_languages()
    sizes: list[int] = []
    start = time.perf_counter()
    for n, child_programme in enumerate(children):
        sizes.append(
            len(render_document("handout", child_programme, language=languages[n % len(languages)]))
        )
    total = time.perf_counter() - start
    rows += [
        Row(f"{batch}-child batch, languages in turn, total", total, "s"),
        Row(f"{batch}-child batch, per handout", total / batch * 1000, "ms", TARGET_MS),
        Row(f"{batch}-child batch, average PDF size", statistics.mean(sizes) / 1024, "KiB"),
    ]
    return rows


def main() -> int:
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else BATCH
    rows = run(batch)
    print(format_table(rows, "Documents: family handouts with pictures"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shared result row of every benchmark module, and the plain-text table they print as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measurement: what, how much, the target if there is one, and whether it was met."""

    name: str
    value: float
    unit: str
    target: float | None = None
    #: True when lower is better (times, memory); the target is then a ceiling.
    lower_is_better: bool = True
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        met = self.value <= self.target if self.lower_is_better else self.value >= self.target
        return "ok" if met else "MISSED"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{'<' if self.lower_is_better else '>'} {_number(self.target)} {self.unit}"


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_table(rows: Sequence[Row], title: str = "") -> str:
    """Rows as aligned columns: benchmark, result, target, verdict, note."""
    header = ("benchmark", "result", "target", "", "note")
    cells = [
        (r.name, f"{_number(r.value)} {r.unit}", r.target_text, r.verdict, r.note) for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [title] if title else []
    out += [line(header), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    return "\n".join(out)

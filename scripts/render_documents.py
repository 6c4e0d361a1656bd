"""Render the sample letters and report to PNG pages under docs/documents/ (for the README)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from otvisit.reports import render_document, samples

OUT = Path(__file__).resolve().parent.parent / "docs" / "documents"
DOCUMENTS = {
    "equipment-letter": ("equipment", samples.equipment_letter()),
    "equipment-letter-photos": ("equipment", samples.equipment_letter_with_photos()),
    "progress-report": ("progress", samples.progress_report()),
    "discharge-letter": ("discharge", samples.discharge_letter()),
    "discharge-letter-ar": ("discharge", samples.discharge_letter()),
    "discharge-letter-logo": ("discharge", samples.discharge_letter_with_logo()),
    "teacher-advice": ("teacher", samples.programme()),
    "referral-declined-ar": ("referral-declined", samples.referral_declined_letter()),
    "referral-declined-ur": ("referral-declined", samples.referral_declined_letter()),
}
#: Names ending in one of these are rendered in that language (the family's copy).
FAMILY_LANGUAGES = ("ar", "ur")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, data) in DOCUMENTS.items():
            suffix = name.rsplit("-", 1)[1]
            language = suffix if suffix in FAMILY_LANGUAGES else "en"
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_document(kind, data, language=language, reproducible=True))
            for old in OUT.glob(f"{name}-p*.png"):
                old.unlink()
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / f"{name}-p")],
                           check=True)  # fmt: skip
            for page in sorted(OUT.glob(f"{name}-p-*.png")):
                page.rename(OUT / f"{name}-p{int(page.stem.rsplit('-', 1)[1])}.png")
    print("\n".join(sorted(p.name for p in OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

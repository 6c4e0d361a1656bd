"""Importing one 12-megapixel camera photo: cleaned (EXIF/GPS gone, upright, ≤ 2048 px) and kept.

Run: python benchmarks/bench_attachments.py   (or through benchmarks/run.py)

The photo is 4000 × 3000 with sensor noise (so it is the size of a real one, ~4.5 MB) and
EXIF with GPS and an orientation. "clean" is the Pillow work alone (the part the app runs
off the GUI thread); "attach" adds the consent check and the write into an encrypted store.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import Row, format_table

from otvisit.models import Child, Team
from otvisit.models.encryption import new_database_key
from otvisit.models.store import Store
from otvisit.models.vocabulary import AttachmentKind, ConsentUse
from otvisit.services import photo_consent
from otvisit.services.attachment_files import clean_file
from otvisit.services.attachments import AttachmentDetails, attach_file

TARGET_MS = 300.0
RUNS = 7
#: An iPhone's 4032 × 3024 HEIC (tests/data/make_heic_photos.py): flat colours, so its bytes
#: are few; HEVC decoding time depends on the pixels more than on the bytes.
HEIC = Path(__file__).resolve().parent.parent / "tests" / "data" / "phone-photo-12mp.heic"


def camera_photo(seed: int) -> bytes:
    """A 12 MP JPEG about the size a phone saves (~4.5 MB): gradients under sensor noise."""
    noise = Image.effect_noise((4000, 3000), 20 + seed / 10).convert("RGB")
    across = Image.linear_gradient("L").resize((4000, 3000))
    around = Image.radial_gradient("L").resize((4000, 3000))
    scene = Image.merge("RGB", (across, around, noise.getchannel(0)))
    image = Image.blend(scene, noise, 0.3)
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    exif[0x0112] = 6
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif)
    return out.getvalue()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _cleaned(photos: list[bytes]) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of cleaning each photo (CPU: its cost when the cores are shared)."""
    wall: list[float] = []
    cpu: list[float] = []
    for photo in photos:
        start, start_cpu = time.perf_counter(), time.process_time()
        clean_file(photo, kind=AttachmentKind.PHOTO)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def run() -> list[Row]:
    photos = [camera_photo(seed) for seed in range(RUNS)]  # different bytes: no de-duplication
    size_mb = statistics.mean(len(p) for p in photos) / 1024 / 1024
    clean_file(HEIC.read_bytes(), kind=AttachmentKind.PHOTO)  # loads the decoder once
    heic_wall, heic_cpu = _cleaned([HEIC.read_bytes()] * RUNS)
    cleaning, cpu = _cleaned(photos)
    attaching: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "otvisit.db", key=new_database_key())
        try:
            with store.transaction() as session:
                team = Team(name="Bench team")
                session.add(team)
                session.flush()
                child = Child(
                    team_id=team.id, given_name="Bench", family_name="Child",
                    date_of_birth=date(2019, 1, 1), nhs_number="9434765919",
                )  # fmt: skip
                session.add(child)
                session.flush()
                details = photo_consent.check_consent_details(
                    {"child_id": child.id, "given_by": "Parent", "relationship": "mother",
                     "given_on": date(2026, 1, 1), "use": ConsentUse.RECORD}
                )  # fmt: skip
                photo_consent.record_consent(session, details=details, actor_id=None)
                child_id = child.id
            for photo in photos:
                start = time.perf_counter()
                with store.transaction() as session:
                    attach_file(
                        session,
                        details=AttachmentDetails(child_id=child_id, taken_on=date(2026, 1, 2)),
                        data=photo,
                        actor_id=None,
                    )
                attaching.append(time.perf_counter() - start)
        finally:
            store.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    note = f"4000 × 3000 JPEG, {size_mb:.1f} MB, median of {RUNS}, load {load:.1f}"
    return [
        Row("clean one 12 MP photo", _median_ms(cleaning), "ms", TARGET_MS, note=note),
        Row("clean one 12 MP photo, CPU time", _median_ms(cpu), "ms", note="no target"),
        Row(
            "attach one 12 MP photo (encrypted store)",
            _median_ms(attaching),
            "ms",
            TARGET_MS,
            note="clean + consent check + write + commit",
        ),
        Row("worst attach of the runs", max(attaching) * 1000, "ms", note="no target"),
        Row(
            "clean one 12 MP HEIC (iPhone)",
            _median_ms(heic_wall),
            "ms",
            note=f"4032 × 3024, CPU {_median_ms(heic_cpu):.0f} ms; HEVC decoding (pi-heif)",
        ),
    ]


if __name__ == "__main__":
    print(format_table(run(), "Attachments"))

"""Where the time of bench_blobs' photo download goes: wall and CPU time (laptop process and
server process apart) per phase, and a cProfile of the laptop's side of each phase.

    .venv/bin/python benchmarks/profile_blobs.py [filesystem|database] [--profile DIR]

Smaller than bench_blobs (a few records only); the photos are the same 1,000 of 300 KB.
"""

from __future__ import annotations

import cProfile
import hashlib
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("OTVISIT_BENCH_RECORDS", "600")

import bench_blobs  # noqa: E402
import keyring  # noqa: E402
from bench_sync import _laptop, _seed  # noqa: E402

from otvisit.sync.client import HttpTransport, sync_once  # noqa: E402
from otvisit.sync.client.attachments import LaptopBlobs  # noqa: E402
from otvisit.sync.client.blob_http import BlobClient  # noqa: E402
from otvisit.sync.client.blobs import FETCH_GROUP, transfer_blobs  # noqa: E402
from otvisit.sync.client.credentials import load_credentials  # noqa: E402
from otvisit.sync.server.config import ServerSettings  # noqa: E402
from tests.fakes import MemoryKeyring  # noqa: E402
from tests.support.server_process import ServerProcess, seed_team, sqlite_url  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (and its waited-for children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def _phase(name: str, server_pid: int, work: Callable[[], int], folder: Path | None) -> None:
    profile = cProfile.Profile() if folder is not None else None
    wall, mine, theirs = time.perf_counter(), time.process_time(), _cpu_of(server_pid)
    if profile is not None:
        profile.enable()
    size = work()
    if profile is not None:
        profile.disable()
    wall = time.perf_counter() - wall
    mine, theirs = time.process_time() - mine, _cpu_of(server_pid) - theirs
    print(f"{name:<34} {wall:6.2f} s wall {size / wall / 1e6:7.0f} MB/s | CPU laptop "
          f"{mine:5.2f} s ({mine / size * 1e9:5.2f} s/GB) server {theirs:5.2f} s "
          f"({theirs / size * 1e9:5.2f} s/GB)")  # fmt: skip
    if profile is not None and folder is not None:
        target = folder / f"{name.split()[0]}.prof"
        profile.dump_stats(target)
        pstats.Stats(str(target)).sort_stats("tottime").print_stats(12)


def run(kind: str, folder_out: Path | None) -> None:
    keyring.set_keyring(MemoryKeyring())
    folder = Path(tempfile.mkdtemp(prefix=f"otvisit-profile-blobs-{kind}-"))
    try:
        url = sqlite_url(folder)
        env = {"OTVISIT_SERVER_BLOB_STORE": kind, "OTVISIT_SERVER_BLOB_DIR": str(folder / "blobs")}
        settings = ServerSettings(database_url=url, blob_store=kind, blob_dir=str(folder / "blobs"))
        with ServerProcess(url, env=env) as server:
            assert server._process is not None
            pid = server._process.pid
            team = seed_team(url, therapists=1)
            therapist = team.therapists[0]
            _seed(url, team.team_id, therapist.user_id)
            photos, large = bench_blobs._seed_blobs(settings, team.team_id)
            bench_blobs._seed_attachments(url, team.team_id, therapist.user_id, photos)
            laptop = _laptop(folder / "laptop.db", server, therapist.username, therapist.password)
            with laptop.read_session() as session:
                token = load_credentials(session).token
            assert not sync_once(laptop, transport=HttpTransport(server.base_url)).failure
            client = BlobClient(server.base_url, token)
            total = bench_blobs.PHOTOS * bench_blobs.PHOTO_BYTES

            def raw() -> int:
                rate = bench_blobs._raw_bandwidth(server.base_url, token, large)
                print(f"  loopback best of 3: {rate / 1e6:.0f} MB/s")
                return 3 * bench_blobs.LARGE_BYTES

            def fetched_only() -> int:
                for at in range(0, len(photos), FETCH_GROUP):
                    for _sha, _data in client.fetch_many(photos[at : at + FETCH_GROUP]):
                        pass
                return total

            def hashed_only() -> int:
                data = bytes(bench_blobs.PHOTO_BYTES)
                for _ in photos:
                    hashlib.sha256(data).hexdigest()
                return total

            def kept() -> int:
                moved = transfer_blobs(laptop.transaction, LaptopBlobs(), client,
                                       workers=bench_blobs.WORKERS)  # fmt: skip
                assert len(moved.downloaded) == len(photos), moved.error
                return total

            _phase("raw (24 MiB x3, iter_raw)", pid, raw, None)
            _phase("fetched (no hash)", pid, fetched_only, folder_out)
            _phase("hash only (in memory)", pid, hashed_only, None)
            for workers in (1, 2, 3):
                bench_blobs.WORKERS = workers
                _phase(f"fetched+checked, {workers} at once", pid, lambda: int(
                    bench_blobs._fetched_and_checked(client, photos) and total), None)  # fmt: skip
            bench_blobs.WORKERS = 3
            _phase("kept (transfer_blobs)", pid, kept, folder_out)
            client.close()
            laptop.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "filesystem"
    out = Path(sys.argv[sys.argv.index("--profile") + 1]) if "--profile" in sys.argv else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    run(which, out)

"""Sync soak (not in CI): 3 laptops, random edits, faults, kills, a restore; no word lost.

Three laptops edit the notes of a few children at random (new notes, overwrites, appended
words, deletes, late and concurrent conflict resolutions) and sync through fault-injecting
proxies that throw away answers after the server committed them. The server is killed
(kill -9) now and then, and once restored from a backup taken earlier (with ``admin
after-restore``, as docs/server.md says). At the end every laptop syncs cleanly and every word
ever typed must be in a record, its history, or a conflict. Prints the faults injected, the
words checked and the words lost.

    .venv/bin/python benchmarks/soak_sync.py --faults 10000 [--minutes 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import keyring  # noqa: E402
from sqlalchemy import make_url, select, text  # noqa: E402

from otvisit.models import SessionNote, SyncConflict  # noqa: E402
from otvisit.sync.client import list_conflicts, resolve_conflict  # noqa: E402
from otvisit.sync.server.database import Database  # noqa: E402
from otvisit.sync.server.schema import Conflict, Record, RecordVersion  # noqa: E402
from tests.fakes import MemoryKeyring  # noqa: E402
from tests.support.server_process import ServerProcess, seed_team, sqlite_url  # noqa: E402
from tests.sync.clinic import child_with_note  # noqa: E402
from tests.sync.laptop import Laptop  # noqa: E402
from tests.sync.proxy import FaultProxy  # noqa: E402

LAPTOPS = 3


class Soak:
    def __init__(self, folder: Path, seed: int, drop_rate: float) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.drop_rate = drop_rate
        self.url = sqlite_url(folder)
        self.server = ServerProcess(self.url).start()
        self.team = seed_team(self.url, therapists=LAPTOPS)
        self.proxies = [FaultProxy(upstream_port=self.server.port).start() for _ in range(LAPTOPS)]
        for proxy in self.proxies:
            proxy.drop_rules.append(self._maybe_drop)
        self.faulting = False
        self.laptops = [
            Laptop.sign_in(
                folder, name=f"laptop{n}", url=self.proxies[n].url,
                username=account.username, password=account.password,
            )
            for n, account in enumerate(self.team.therapists)
        ]  # fmt: skip
        self.words: list[str] = []
        self.kills = 0
        self.restores = 0
        self.syncs = 0
        self.children: list[str] = []

    def _maybe_drop(self, _method: str, _path: str) -> bool:
        return self.faulting and self.rng.random() < self.drop_rate

    @property
    def faults(self) -> int:
        return sum(len(p.dropped) for p in self.proxies) + self.kills + self.restores

    def word(self) -> str:
        word = f"w{len(self.words)}x{self.rng.randrange(10**6)}"
        self.words.append(word)
        return word

    # --- what therapists do -------------------------------------------------------------
    def setup(self) -> None:
        first = self.laptops[0]
        first.sync()
        for _ in range(3):
            child, _note = child_with_note(first, team_id=self.team.team_id, body=self.word())
            self.children.append(child)
        for laptop in self.laptops:
            laptop.sync()

    def _notes(self, laptop: Laptop) -> list[SessionNote]:
        with laptop.store.read_session() as session:
            return list(session.scalars(select(SessionNote).where(SessionNote.deleted.is_(False))))

    def edit(self, laptop: Laptop) -> None:
        notes = self._notes(laptop)
        if not notes:
            return
        note_id = self.rng.choice(notes).id
        with laptop.store.transaction() as session:
            note = session.get(SessionNote, note_id)
            if note is None or note.deleted:
                return
            if self.rng.random() < 0.5:
                note.body = self.word()  # overwrite: the old words live on in the history
            else:
                note.body = f"{note.body} {self.word()}"

    def new_note(self, laptop: Laptop) -> None:
        notes = self._notes(laptop)
        if not notes:
            return
        model = self.rng.choice(notes)
        with laptop.store.transaction() as session:
            session.add(
                SessionNote(  # in the laptop's own name: the server takes no other
                    child_id=model.child_id, author_id=laptop.user_id, seen_on=model.seen_on,
                    place=model.place, body=self.word(),
                )
            )  # fmt: skip

    def delete(self, laptop: Laptop) -> None:
        notes = self._notes(laptop)
        if len(notes) < 3:
            return
        note_id = self.rng.choice(notes).id
        with laptop.store.transaction() as session:
            note = session.get(SessionNote, note_id)
            if note is not None:
                note.deleted = True

    def resolve(self, laptop: Laptop) -> None:
        with laptop.store.read_session() as session:
            open_ = list_conflicts(session)
        for conflict in open_:
            choice = self.rng.choice(["mine", "theirs", "merged"])
            merged = None
            if choice == "merged":
                if not conflict.can_merge:
                    choice = "mine"
                else:
                    merged = f"{conflict.mine or ''} {conflict.theirs or ''}".strip() or "merged"
            try:
                with laptop.store.transaction() as session:
                    resolve_conflict(
                        session, conflict_id=conflict.id, choice=choice, merged_text=merged
                    )
            except Exception:
                continue

    def sync(self, laptop: Laptop) -> None:
        self.syncs += 1
        laptop.sync(attempts=2)

    # --- what goes wrong ---------------------------------------------------------------
    def kill(self) -> None:
        process = self.server._process
        assert process is not None
        process.kill()  # kill -9: no goodbye
        process.wait()
        self.kills += 1
        self._start_again()

    def _start_again(self) -> None:
        self.server = ServerProcess(self.url).start()
        for proxy in self.proxies:
            proxy.upstream_port = self.server.port

    def backup(self) -> Path:
        target = self.folder / "backup.db"
        database = str(make_url(self.url).database)
        subprocess.run(["sqlite3", database, f".backup {target}"], check=True)
        return target

    def restore(self, backup: Path) -> None:
        self.server.stop()
        database = Path(str(make_url(self.url).database))
        for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(backup, database)
        subprocess.run(
            [sys.executable, "-m", "otvisit.sync.server", "--database-url", self.url, "admin",
             "after-restore"], check=True, capture_output=True,
        )  # fmt: skip
        self.restores += 1
        self._start_again()

    # --- the check ---------------------------------------------------------------------
    def settle(self) -> None:
        self.faulting = False
        for _round in range(4):
            for laptop in self.laptops:
                laptop.sync()

    def kept_text(self) -> str:
        parts: list[str] = []
        database = Database(self.url)
        try:
            with database.read() as session:
                parts.extend(session.scalars(select(Record.fields)))
                parts.extend(session.scalars(select(RecordVersion.text)))
                for mine, theirs in session.execute(select(Conflict.mine, Conflict.theirs)):
                    parts.extend((mine, theirs))
        finally:
            database.dispose()
        for laptop in self.laptops:
            with laptop.store.read_session() as session:
                for c in session.scalars(
                    select(SyncConflict).where(SyncConflict.resolved_at.is_(None))
                ):
                    parts.append(json.dumps([c.mine, c.theirs]))
        return "\n".join(parts)

    def still_on_laptops(self, word: str) -> list[str]:
        """Where the laptops still hold a word the server lost: which table, on which laptop."""
        found: list[str] = []
        for n, laptop in enumerate(self.laptops):
            with laptop.store.read_session() as session:
                tables = session.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'table'")
                ).scalars()
                for table in list(tables):
                    columns = [
                        row[1] for row in session.execute(text(f'PRAGMA table_info("{table}")'))
                    ]
                    for column in columns:
                        hit = session.execute(
                            text(f'SELECT 1 FROM "{table}" WHERE CAST("{column}" AS TEXT) '
                                 "LIKE :w LIMIT 1"),
                            {"w": f"%{word}%"},
                        ).first()  # fmt: skip
                        if hit and table == "outbox_op":
                            state = session.execute(
                                text("SELECT state, error FROM outbox_op WHERE "
                                     "CAST(changes AS TEXT) LIKE :w"), {"w": f"%{word}%"},
                            ).first()  # fmt: skip
                            found.append(f"laptop{n}:outbox_op ({state})")
                        elif hit:
                            found.append(f"laptop{n}:{table}.{column}")
        return found

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.close()
        for proxy in self.proxies:
            proxy.stop()
        self.server.stop()


def run(args: argparse.Namespace) -> int:
    keyring.set_keyring(MemoryKeyring())
    folder = Path(tempfile.mkdtemp(prefix="otvisit-soak-"))
    soak = Soak(folder, args.seed, args.drop_rate)
    deadline = time.monotonic() + args.minutes * 60
    started = time.monotonic()
    try:
        soak.setup()
        soak.faulting = True
        backup: Path | None = None
        steps = 0
        while soak.faults < args.faults and time.monotonic() < deadline:
            steps += 1
            laptop = soak.rng.choice(soak.laptops)
            action = soak.rng.choices(
                ["edit", "new", "delete", "resolve", "sync"], weights=[5, 2, 1, 2, 6]
            )[0]
            getattr(soak, {"new": "new_note"}.get(action, action))(laptop)
            if steps % 150 == 0:
                soak.kill()
            progress = soak.faults / args.faults
            if backup is None and progress > 0.3:
                backup = soak.backup()
            elif backup is not None and soak.restores == 0 and progress > 0.6:
                soak.restore(backup)
            if steps % 500 == 0:
                print(f"  {steps} steps, {soak.faults} faults, {len(soak.words)} words, "
                      f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        soak.settle()
        kept = soak.kept_text()
        lost = [w for w in soak.words if w not in kept]
        open_conflicts = 0
        for laptop in soak.laptops:
            with laptop.store.read_session() as session:
                open_conflicts += len(list_conflicts(session))
        rows = [
            ("steps (edits, notes, deletes, resolutions, syncs)", steps),
            ("syncs", soak.syncs),
            ("answers thrown away by the proxies", soak.faults - soak.kills - soak.restores),
            ("server kill -9", soak.kills),
            ("server restored from a backup", soak.restores),
            ("injected faults in total", soak.faults),
            ("words typed and checked", len(soak.words)),
            ("open conflicts at the end", open_conflicts),
            ("words lost", len(lost)),
            ("minutes", round((time.monotonic() - started) / 60, 1)),
        ]
        print("sync soak")
        for name, value in rows:
            print(f"  {name:<52} {value}")
        if lost:
            print("  lost:", " ".join(lost[:20]))
            for word in lost[:20]:
                print(f"    {word} still on: {', '.join(soak.still_on_laptops(word)) or 'none'}")
        return 1 if lost else 0
    finally:
        soak.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", type=int, default=10_000)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drop-rate", type=float, default=0.35)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())

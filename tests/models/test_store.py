"""The local store: pragmas, migrations without drift, and the outbox written with each change."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from otvisit.models import Base, Child, Goal, OutboxOp, SessionNote, Team
from otvisit.models.outbox import APPLYING_REMOTE, HardDeleteRefused
from otvisit.models.store import (
    SCHEMA_REVISION,
    Store,
    alembic_config,
    create_sqlite_engine,
    head_revision,
)
from otvisit.models.vocabulary import Place


def _child(team: Team) -> Child:
    return Child(
        team_id=team.id,
        given_name="Sam",
        family_name="Okafor",
        date_of_birth=date(2019, 3, 1),
        nhs_number="9434765919",
    )


def test_store_uses_wal_and_foreign_keys(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_an_unforced_transaction_commits_and_leaves_every_other_write_forced(store: Store) -> None:
    """Only the unforced transaction's own commit skips the fsync (a sync's status when it
    brought nothing); the connection goes back to the pool with synchronous=FULL, even when
    the transaction failed."""
    with store.unforced_transaction() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        session.add(Team(name="North Team"))
    with pytest.raises(RuntimeError), store.unforced_transaction() as session:
        session.add(Team(name="South Team"))
        session.flush()
        raise RuntimeError("stopped half way")
    with store.read_session() as session:
        assert list(session.scalars(select(Team.name))) == ["North Team"]  # committed, rolled back
    # Whichever pooled connection comes next is FULL again.
    for _ in range(3):
        with store.transaction() as session:
            assert session.execute(text("PRAGMA synchronous")).scalar() == 2
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2


def test_migrations_match_the_models(store: Store) -> None:
    assert store.current_revision() == head_revision() == SCHEMA_REVISION
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_reopening_keeps_records_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "otvisit.db"
    first = Store.open(path)
    with first.transaction() as session:
        team = Team(name="North Team")
        session.add(team)
    first.close()
    again = Store.open(path)
    with again.read_session() as session:
        assert session.scalar(select(Team.name)) == "North Team"
    assert not list(tmp_path.glob("*.before-*.db"))
    again.close()


def _store_at(folder: Path, revision: str, insert: str) -> Path:
    """A store file left at an older schema revision, holding one row (``insert``)."""
    path = folder / "otvisit.db"
    engine = create_sqlite_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.execute(text(insert))
    engine.dispose()
    return path


def test_store_of_the_first_release_is_upgraded_keeping_data_and_a_backup(tmp_path: Path) -> None:
    path = _store_at(
        tmp_path,
        "0001",
        "INSERT INTO team (id, created_at, updated_at, deleted, name, phone, email, "
        "address, language_line_phone) VALUES ('t1', '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00', 0, 'South Team', '', '', '', '')",
    )

    upgraded = Store.open(path)

    assert upgraded.current_revision() == head_revision() != "0001"
    with upgraded.read_session() as session:
        assert session.scalar(select(Team.name)) == "South Team"
    upgraded.close()
    (backup,) = tmp_path.glob("otvisit.before-*.db")
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT name FROM team").fetchone() == ("South Team",)
    old.close()


def test_a_store_at_0012_gains_an_empty_team_logo(tmp_path: Path) -> None:
    path = _store_at(
        tmp_path,
        "0012",
        "INSERT INTO team (id, created_at, updated_at, deleted, name, phone, email, "
        "address, language_line_phone) VALUES ('t1', '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00', 0, 'South Team', '020 1', '', '', '')",
    )

    upgraded = Store.open(path)

    assert upgraded.current_revision() == SCHEMA_REVISION
    with upgraded.read_session() as session:
        assert session.execute(select(Team.name, Team.logo_png)).one() == ("South Team", "")
    upgraded.close()
    engine = create_sqlite_engine(path)
    config = alembic_config()
    with engine.begin() as connection:  # and back down: the column goes, the team stays
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(team)"))]
        assert "logo_png" not in columns and "phone" in columns
        assert connection.execute(text("SELECT name FROM team")).scalar_one() == "South Team"
    engine.dispose()


def test_unsent_edits_of_a_store_at_0013_survive_the_upgrade_as_edits_made_here(
    tmp_path: Path,
) -> None:
    path = _store_at(
        tmp_path,
        "0013",
        "INSERT INTO outbox_op (entity, record_id, kind, changes, increments, base_seq, "
        "created_at, state, error) VALUES ('session_note', 'n1', 'upsert', "
        "'{\"body\": \"Uses a slope board.\"}', '{}', 7, '2026-01-01 00:00:00', "
        "'pending', '')",
    )

    upgraded = Store.open(path)

    assert upgraded.current_revision() == SCHEMA_REVISION
    with upgraded.read_session() as session:
        [op] = session.scalars(select(OutboxOp)).all()
        assert (op.changes, op.base_seq, op.resent_from) == (
            {"body": "Uses a slope board."},
            7,
            None,
        )
    upgraded.close()


def test_store_from_an_unknown_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "otvisit.db"
    Store.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    connection.close()
    with pytest.raises(Exception, match="from-the-future"):
        Store.open(path)


def test_every_change_is_in_the_outbox_in_the_same_transaction(store: Store) -> None:
    with store.transaction() as session:
        team = Team(name="North Team")
        session.add(team)
        session.flush()
        child = _child(team)
        session.add(child)
    with store.transaction() as session:
        session.get(Child, child.id).postcode = "SE1 7EH"  # type: ignore[union-attr]
    with store.read_session() as session:
        ops = session.scalars(select(OutboxOp).order_by(OutboxOp.seq)).all()
    assert [(op.entity, op.kind) for op in ops] == [
        ("team", "upsert"),
        ("child", "upsert"),
        ("child", "upsert"),
    ]
    assert ops[1].changes["nhs_number"] == "9434765919"
    assert ops[1].changes["date_of_birth"] == "2019-03-01"
    assert ops[1].child_id == child.id
    assert ops[2].changes == {"postcode": "SE1 7EH"}


def test_a_failed_transaction_leaves_neither_record_nor_outbox(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        team = Team(name="North Team")
        session.add(team)
        session.flush()
        raise RuntimeError("power cut")
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0


def test_tombstone_is_a_delete_operation_and_hard_delete_is_refused(store: Store) -> None:
    with store.transaction() as session:
        team = Team(name="North Team")
        session.add(team)
        session.flush()
        goal = Goal(child_id="c", wording="Sam will put his coat on", set_on=date(2026, 11, 1))
        session.add(goal)
    with store.transaction() as session:
        session.get(Goal, goal.id).deleted = True  # type: ignore[union-attr]
    with store.read_session() as session:
        last = session.scalars(select(OutboxOp).order_by(OutboxOp.seq.desc())).first()
    assert last is not None and (last.kind, last.record_id) == ("delete", goal.id)
    with pytest.raises(HardDeleteRefused), store.transaction() as session:
        session.delete(session.get(Goal, goal.id))


def test_changes_pulled_from_the_server_are_not_queued_again(store: Store) -> None:
    with store.transaction() as session:
        session.info[APPLYING_REMOTE] = True
        session.add(
            SessionNote(child_id="c", author_id="t", seen_on=date(2026, 11, 2), place=Place.SCHOOL)
        )
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0


def test_operation_sequence_is_never_reused(store: Store) -> None:
    with store.transaction() as session:
        session.add(Team(name="A"))
    with store.transaction() as session:
        session.execute(OutboxOp.__table__.delete())
    with store.transaction() as session:
        session.add(Team(name="B"))
    with store.read_session() as session:
        assert session.scalar(select(OutboxOp.seq)) == 2

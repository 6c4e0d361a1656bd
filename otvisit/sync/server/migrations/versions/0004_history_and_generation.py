"""append-only record history; the server's generation (changed by a restore)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MESSAGE = "the record history is append-only"
_SQLITE_GUARDS = [
    f"CREATE TRIGGER record_version_no_{verb.lower()} BEFORE {verb} ON record_version "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    "CREATE FUNCTION record_version_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$",
    "CREATE TRIGGER record_version_no_change BEFORE UPDATE OR DELETE ON record_version "
    "FOR EACH ROW EXECUTE FUNCTION record_version_append_only()",
    "CREATE TRIGGER record_version_no_truncate BEFORE TRUNCATE ON record_version "
    "FOR EACH STATEMENT EXECUTE FUNCTION record_version_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "record_version",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
    )
    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.create_index("ix_record_version_record_id_seq", ["record_id", "seq"], unique=False)
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)
    # A random generation: a restored backup gets a new one (admin after-restore), so laptops
    # can tell that the server forgot changes they hold.
    counter = sa.table("counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counter, [{"name": "generation", "value": secrets.randbelow(2**62) + 1}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM counter WHERE name = 'generation'"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER record_version_no_truncate ON record_version")
        op.execute("DROP TRIGGER record_version_no_change ON record_version")
        op.execute("DROP FUNCTION record_version_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER record_version_no_{verb}")
    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.drop_index("ix_record_version_record_id_seq")
    op.drop_table("record_version")

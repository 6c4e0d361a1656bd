"""Conflicts remember the version "theirs" came from; pushed operations kept; unreadable records.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy); old conflicts have no known base (NULL).
    op.add_column("sync_conflict", sa.Column("theirs_seq", sa.Integer(), nullable=True))
    op.create_table(
        "pushed_op",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("increments", sa.JSON(), nullable=False),
        sa.Column("base_seq", sa.Integer(), nullable=True),
        sa.Column("server_seq", sa.Integer(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pushed_op")),
    )
    with op.batch_alter_table("pushed_op", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pushed_op_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pushed_op_server_seq"), ["server_seq"], unique=False)
    op.create_table(
        "unreadable_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unreadable_record")),
    )
    with op.batch_alter_table("unreadable_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unreadable_record_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("unreadable_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unreadable_record_record_id"))
    op.drop_table("unreadable_record")
    with op.batch_alter_table("pushed_op", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pushed_op_server_seq"))
        batch_op.drop_index(batch_op.f("ix_pushed_op_child_id"))
    op.drop_table("pushed_op")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_column("theirs_seq")

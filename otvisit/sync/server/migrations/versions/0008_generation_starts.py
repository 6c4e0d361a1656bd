"""every generation begun after a restore, with its restore point

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "generation_start",
        sa.Column("number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("restore_point", sa.BigInteger(), nullable=False),
        sa.Column("began_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_generation_start")),
        sa.UniqueConstraint("generation", name=op.f("uq_generation_start_generation")),
    )
    # A server restored before this table existed: its current generation is the one known.
    op.execute(
        "INSERT INTO generation_start (generation, restore_point, began_at) "
        "SELECT g.value, COALESCE(r.value, 0), CURRENT_TIMESTAMP FROM counter g "
        "LEFT JOIN counter r ON r.name = 'restore_point' "
        "WHERE g.name = 'generation' AND g.value <> 0"
    )


def downgrade() -> None:
    op.drop_table("generation_start")

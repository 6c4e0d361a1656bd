"""device clock kept beside audit events stamped on receipt

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: copying the table (batch mode) would drop its append-only triggers.
    op.add_column("audit", sa.Column("device_clock", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("device_clock")

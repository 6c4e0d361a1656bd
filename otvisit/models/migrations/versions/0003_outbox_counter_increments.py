"""Outbox operations carry the steps of counter fields, so concurrent steps add up.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:09:52.977907
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ADD COLUMN, never a batch copy: copying the table would drop its
    # AUTOINCREMENT, and operation numbers must never be reused. Existing pending
    # operations carry no steps: an empty object, not NULL.
    op.add_column(
        "outbox_op",
        sa.Column("increments", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox_op", schema=None) as batch_op:
        batch_op.drop_column("increments")

"""The team's logo for letterheads, synced from the team console.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A team without a logo prints as before: the empty text means "no logo".
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_png", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("logo_png")

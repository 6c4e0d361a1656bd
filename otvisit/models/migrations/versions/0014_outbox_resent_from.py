"""An operation sent again to a restored server says which version it carries.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_op", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resent_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_op", schema=None) as batch_op:
        batch_op.drop_column("resent_from")

"""The family's consent on a referral, and how a family's survey arrived.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: nullable, so every record already kept stays as it was.
    op.add_column("referral", sa.Column("family_consent", sa.Boolean(), nullable=True))
    op.add_column("feedback_survey", sa.Column("arrived_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback_survey", schema=None) as batch_op:
        batch_op.drop_column("arrived_by")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("family_consent")

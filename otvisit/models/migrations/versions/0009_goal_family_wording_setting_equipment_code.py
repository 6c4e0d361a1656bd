"""A goal's wording in the family's language and its setting; equipment product code, supplier.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing goals keep appearing everywhere they did: their setting is "all".
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("family_wording", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("family_language", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("setting", sa.String(length=32), nullable=False, server_default="all")
        )
    with op.batch_alter_table("equipment_recommendation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("product_code", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("supplier", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("equipment_recommendation", schema=None) as batch_op:
        batch_op.drop_column("supplier")
        batch_op.drop_column("product_code")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("setting")
        batch_op.drop_column("family_language")
        batch_op.drop_column("family_wording")

"""Attachment bytes move out of the store into encrypted files: attachment_blob.data may be null.

Rows written by an older otvisit keep their bytes until the store opens and moves them out
(``Store._tidy_attachment_files``); new rows never hold bytes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment_blob", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("attachment_blob", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)

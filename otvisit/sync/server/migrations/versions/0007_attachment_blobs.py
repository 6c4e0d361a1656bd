"""attachment bytes in the database blob store: uploads, chunks, stored blobs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_upload",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "sha256", name=op.f("pk_blob_upload")),
    )
    op.create_table(
        "blob_chunk",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "sha256", "offset", name=op.f("pk_blob_chunk")),
    )
    op.create_table(
        "stored_blob",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "sha256", name=op.f("pk_stored_blob")),
    )


def downgrade() -> None:
    op.drop_table("stored_blob")
    op.drop_table("blob_chunk")
    op.drop_table("blob_upload")

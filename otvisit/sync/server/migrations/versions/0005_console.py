"""team console: server-side sessions, and each device's reported unsent changes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_session")),
    )
    op.create_index(
        op.f("ix_console_session_user_id"), "console_session", ["user_id"], unique=False
    )
    op.add_column("device", sa.Column("pending_changes", sa.Integer(), nullable=True))
    op.add_column(
        "device", sa.Column("pending_reported_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("pending_reported_at")
        batch_op.drop_column("pending_changes")
    op.drop_index(op.f("ix_console_session_user_id"), table_name="console_session")
    op.drop_table("console_session")

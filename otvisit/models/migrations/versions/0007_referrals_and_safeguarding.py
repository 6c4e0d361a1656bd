"""Referrals (waiting list), the safeguarding check before a was-not-brought discharge, and
the families to contact about a disrupted day.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-30 20:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def _sync_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("referrer_name", sa.String(length=200), nullable=False),
        sa.Column("referrer_address", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.String(length=36), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        *_sync_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_episode_id"), ["episode_id"], unique=False)

    op.create_table(
        "safeguarding_check",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("appointment_id", sa.String(length=36), nullable=True),
        sa.Column("known_to_social_care", sa.Boolean(), nullable=True),
        sa.Column("concern", sa.Boolean(), nullable=True),
        sa.Column("concern_details", sa.Text(), nullable=False),
        sa.Column("told_gp", sa.Boolean(), nullable=False),
        sa.Column("told_health_visitor_or_school_nurse", sa.Boolean(), nullable=False),
        sa.Column("told_referrer", sa.Boolean(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by_id", sa.String(length=36), nullable=True),
        *_sync_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_check")),
    )
    with op.batch_alter_table("safeguarding_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_check_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_check_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "disruption_contact",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("child_ids", sa.JSON(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("family_key", sa.String(length=200), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=40), nullable=False),
        sa.Column("interpreter_language", sa.String(length=40), nullable=False),
        sa.Column("appointment_count", sa.Integer(), nullable=False),
        sa.Column("contacted", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("contacted_by_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruption_contact")),
    )
    with op.batch_alter_table("disruption_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disruption_contact_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disruption_contact_day"), ["day"], unique=False)


def downgrade() -> None:
    op.drop_table("disruption_contact")
    op.drop_table("safeguarding_check")
    op.drop_table("referral")

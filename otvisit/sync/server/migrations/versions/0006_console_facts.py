"""console facts: typed copies of the fields the team lead's figures need

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from otvisit.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.String(length=36), nullable=False)


def _team() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("team_id", sa.String(length=36), nullable=False)


def _child() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("child_id", sa.String(length=36), nullable=False)


def _key(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "child_fact", _id(), _team(),
        sa.Column("therapist_id", sa.String(length=36), nullable=True),
        sa.Column("display_name", sa.String(length=210), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("setting_type", sa.String(length=20), nullable=False),
        sa.Column("setting_name", sa.String(length=200), nullable=False),
        sa.Column("written_language", sa.String(length=40), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("interpreter_language", sa.String(length=40), nullable=False),
        _key("child_fact"),
    )  # fmt: skip
    op.create_index(op.f("ix_child_fact_team_id"), "child_fact", ["team_id"])
    op.create_table(
        "episode_fact", _id(), _team(), _child(),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        _key("episode_fact"),
    )  # fmt: skip
    op.create_index("ix_episode_fact_team_id_child_id", "episode_fact", ["team_id", "child_id"])
    op.create_table(
        "referral_fact", _id(), _team(), _child(),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        _key("referral_fact"),
    )  # fmt: skip
    op.create_index("ix_referral_fact_team_id_status", "referral_fact", ["team_id", "status"])
    op.create_table(
        "appointment_fact", _id(), _team(), _child(),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=True),
        sa.Column("service_day", sa.Date(), nullable=True),
        sa.Column("reschedule_count", sa.Integer(), nullable=False),
        _key("appointment_fact"),
    )  # fmt: skip
    op.create_index(
        "ix_appointment_fact_team_id_service_day", "appointment_fact", ["team_id", "service_day"]
    )
    op.create_index(
        "ix_appointment_fact_team_id_episode_id", "appointment_fact", ["team_id", "episode_id"]
    )
    op.create_table(
        "goal_fact", _id(), _team(), _child(),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        _key("goal_fact"),
    )  # fmt: skip
    op.create_index(op.f("ix_goal_fact_team_id"), "goal_fact", ["team_id"])
    op.create_table(
        "gas_rating_fact", _id(), _team(), _child(),
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        _key("gas_rating_fact"),
    )  # fmt: skip
    op.create_index(op.f("ix_gas_rating_fact_team_id"), "gas_rating_fact", ["team_id"])
    op.create_table(
        "copm_fact", _id(), _team(), _child(),
        sa.Column("baseline_performance", sa.Integer(), nullable=False),
        sa.Column("baseline_satisfaction", sa.Integer(), nullable=False),
        sa.Column("reassessed_on", sa.Date(), nullable=True),
        sa.Column("reassessed_performance", sa.Integer(), nullable=True),
        sa.Column("reassessed_satisfaction", sa.Integer(), nullable=True),
        _key("copm_fact"),
    )  # fmt: skip
    op.create_index(op.f("ix_copm_fact_team_id"), "copm_fact", ["team_id"])
    op.create_table(
        "survey_fact", _id(), _team(),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("ratings", sa.Text(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=40), nullable=False),
        _key("survey_fact"),
    )  # fmt: skip
    op.create_index(op.f("ix_survey_fact_team_id"), "survey_fact", ["team_id"])
    # The records already on the server get their facts now (later writes keep them).
    from otvisit.sync.server.team_views.projection import reproject_all

    reproject_all(Session(bind=op.get_bind()))


_TABLES = ("survey_fact", "copm_fact", "gas_rating_fact", "goal_fact", "appointment_fact",
           "referral_fact", "episode_fact", "child_fact")  # fmt: skip


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)

"""Assessments, family feedback and the documents printed for a child."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, clinical_text
from otvisit.models.vocabulary import AssessmentKind, SurveyArrival


class Assessment(SyncedRecord):
    """A standardised or informal assessment with its scores and a summary."""

    __tablename__ = "assessment"
    __entity__ = "assessment"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    episode_id: Mapped[str | None] = mapped_column(String(36), default=None)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AssessmentKind] = mapped_column(
        StrEnumType(AssessmentKind), default=AssessmentKind.INFORMAL
    )
    assessed_on: Mapped[date] = mapped_column(Date)
    #: {"Manual dexterity": {"standard_score": 6, "percentile": 9}, …}
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = clinical_text(type_=Text, default="")


class FeedbackSurvey(SyncedRecord):
    """A family's experience survey: kept apart from the clinical record, not linked to a child."""

    __tablename__ = "feedback_survey"
    __entity__ = "feedback_survey"
    __team_level__: ClassVar[bool] = True

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    #: {"felt_listened_to": 5, "goals_mattered": 4, …} on a 1–5 scale.
    ratings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    comments: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(40), default="en")
    #: Post, clinic, online (QR code) or phone; None for surveys entered before it was asked.
    arrived_by: Mapped[SurveyArrival | None] = mapped_column(
        StrEnumType(SurveyArrival), default=None
    )


class PrintedDocument(SyncedRecord):
    """A document made for a child: what, in which language and print size, by whom."""

    __tablename__ = "printed_document"
    __entity__ = "printed_document"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(40), default="en")
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    made_by_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: The source record (programme, recommendation, episode) the document was made from.
    source_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: The name the PDF is kept under in this laptop's encrypted store (DocumentFile); the PDF
    #: itself never syncs, only this record of it.
    file_name: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")

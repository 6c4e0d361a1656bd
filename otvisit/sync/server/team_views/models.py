"""The console's answers and requests as typed models: the JSON API returns them as they are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from otvisit.sync.protocol import UUID_PATTERN

ChildId = Annotated[str, Field(pattern=UUID_PATTERN)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseloadChild(_Model):
    child_id: str
    name: str
    nhs_number: str
    therapist_id: str | None
    therapist_name: str = Field(description="'Unallocated' when no therapist holds the child.")
    setting_type: str
    setting_name: str
    #: The status of the child's newest episode of care ("none" without one).
    episode_status: str


class Caseload(_Model):
    team_id: str
    children: list[CaseloadChild]
    therapists: list[TeamTherapist]


class TeamTherapist(_Model):
    therapist_id: str
    name: str
    role: str
    children: int


class AllocationRequest(_Model):
    """Move one or several children to a therapist of the team."""

    child_ids: list[ChildId] = Field(min_length=1, max_length=500)
    therapist_id: str = Field(pattern=UUID_PATTERN)


class AllocationResult(_Model):
    therapist_id: str
    therapist_name: str
    #: The children whose record changed (a child already held by the therapist is not).
    moved: list[str]
    unchanged: list[str]


class WaitingChildRow(_Model):
    referral_id: str
    child_id: str
    name: str
    nhs_number: str
    received_on: date
    priority: str
    days_waited: int
    weeks_waited: int
    band: str
    breached: bool
    next_appointment: datetime | None
    interpreter_language: str | None


class ReferralToDecideRow(_Model):
    """A referral received and not yet accepted or declined (its clock has not started)."""

    referral_id: str
    child_id: str
    name: str
    nhs_number: str
    received_on: date | None
    priority: str


class BandCount(_Model):
    band: str
    children: int


class WaitingList(_Model):
    today: date
    clock_weeks: int
    children: list[WaitingChildRow]
    bands: list[BandCount]
    breaches: int


class Count(_Model):
    label: str
    n: int


class GasFigures(_Model):
    children: int
    median: float | None
    distribution: list[Count]


class CopmFigures(_Model):
    problems: int
    performance_improved: int
    performance_share: float | None
    satisfaction_problems: int
    satisfaction_improved: int
    satisfaction_share: float | None


class AttendanceFigures(_Model):
    appointments: int = Field(description="Past appointments with an outcome in the period.")
    attended: int
    did_not_attend: int
    was_not_brought: int
    did_not_attend_rate: float | None
    was_not_brought_rate: float | None


class WaitFigures(_Model):
    children: int
    median_days: float | None
    distribution: list[Count]


class Figures(_Model):
    children: int
    gas_latest: GasFigures
    gas_discharge: GasFigures
    copm: CopmFigures
    attendance: AttendanceFigures
    waits: WaitFigures


class GroupFigures(_Model):
    key: str
    label: str
    figures: Figures


class Outcomes(_Model):
    team_id: str
    period_from: date
    period_to: date
    team: Figures
    by_therapist: list[GroupFigures]
    by_setting: list[GroupFigures]
    by_written_language: list[GroupFigures]
    by_interpreter_need: list[GroupFigures]


class QuestionAnswers(_Model):
    key: str
    question: str
    answered: int
    counts: list[int]
    mean: float | None


class FamilyComment(_Model):
    received_on: date
    language: str
    text: str


class Experience(_Model):
    period_from: date | None
    period_to: date | None
    surveys: int
    questions: list[QuestionAnswers]
    comments: list[FamilyComment]
    languages: list[Count]


Caseload.model_rebuild()

"""Plain, frozen input data for every printed document (no database types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from otvisit.models.vocabulary import DischargeReason
from otvisit.services.assessment_views import AssessmentView


@dataclass(frozen=True)
class TherapistContact:
    """The therapist who signs the document."""

    name: str
    role: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class TeamContact:
    """The team and service the family and school contact."""

    service_name: str
    team_name: str
    phone: str
    language_line: str
    address: tuple[str, ...] = ()
    email: str | None = None
    trust_name: str = ""
    #: The team's letterhead logo as PNG bytes (None: the team has none).
    logo_png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SettingContact:
    """A nursery or school and the named person there."""

    name: str
    contact_name: str | None = None
    contact_role: str | None = None
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    #: "nursery" or "school" (advice for the setting carries its goals and "all" goals).
    kind: str = "school"


@dataclass(frozen=True)
class CopyRecipient:
    """Someone who gets a copy of a letter (GP, school, family)."""

    name: str
    address: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildSummary:
    """Who a document is about.  ``nhs_number`` is stored as 10 digits."""

    first_name: str
    last_name: str
    date_of_birth: date
    nhs_number: str
    carers: tuple[str, ...] = ()
    address: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def nhs_number_display(self) -> str:
        """The NHS number grouped 3-3-4, e.g. ``943 476 5919``."""
        n = self.nhs_number.replace(" ", "")
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else self.nhs_number


@dataclass(frozen=True)
class Goal:
    """A participation goal in the child's and family's words."""

    goal_id: str
    wording: str
    #: The goal in the family's written language, entered with the interpreter ("" if none).
    family_wording: str = ""
    #: The language code of ``family_wording`` (e.g. "ar").
    family_language: str = ""
    #: Where it is worked on: "home", "nursery", "school" or "all".
    setting: str = "all"

    def in_language(self, code: str) -> str:
        """The wording for a document in ``code``: the family's where it is written in it."""
        if self.family_wording and self.family_language == code:
            return self.family_wording
        return self.wording


@dataclass(frozen=True)
class GasPoint:
    """One dated GAS rating of a goal."""

    rated_on: date
    level: int


@dataclass(frozen=True)
class GasLevel:
    """One described level of a Goal Attainment Scale, from -2 to +2."""

    score: int
    description: str


@dataclass(frozen=True)
class GoalProgress:
    """A goal with its GAS levels, baseline and current rating."""

    goal: Goal
    levels: tuple[GasLevel, ...]
    baseline: int | None
    current: int | None
    weight: float = 1.0
    set_on: date | None = None
    rated_on: date | None = None
    #: Every rating, oldest first (the chart draws them over time).
    history: tuple[GasPoint, ...] = ()


@dataclass(frozen=True)
class CopmScore:
    """COPM ratings (1-10) for one occupation, before and after."""

    occupation: str
    performance_before: int
    satisfaction_before: int
    performance_after: int | None = None
    satisfaction_after: int | None = None
    measured_on: date | None = None
    remeasured_on: date | None = None


@dataclass(frozen=True)
class StrategyChoice:
    """A library strategy chosen for one child, tied to some of their goals."""

    strategy_id: str
    goal_ids: tuple[str, ...] = ()
    note: str | None = None
    #: How often for this child, overriding the library's (vocabulary phrases are translated).
    how_often: str | None = None


@dataclass(frozen=True)
class HomeProgramme:
    """Strategies chosen for one child: printed as handout and school advice."""

    child: ChildSummary
    therapist: TherapistContact
    team: TeamContact
    goals: tuple[Goal, ...]
    strategies: tuple[StrategyChoice, ...]
    this_week: tuple[str, ...]
    issued_on: date
    setting: SettingContact | None = None
    review_date: date | None = None


@dataclass(frozen=True)
class Measurement:
    """One measurement for an equipment item, e.g. seat height 31 cm."""

    label: str
    value: str


@dataclass(frozen=True)
class AttachedPicture:
    """A photo or scan from the child's record placed in a document, with its caption."""

    attachment_id: str
    caption: str
    taken_on: date
    data: bytes = field(repr=False)
    width: int
    height: int


@dataclass(frozen=True)
class EquipmentLetter:
    """A seating or equipment recommendation to a nursery or school."""

    child: ChildSummary
    therapist: TherapistContact
    team: TeamContact
    setting: SettingContact | None
    letter_date: date
    item: str
    functional_need: str
    goal: Goal | None
    measurements: tuple[Measurement, ...]
    fitting_notes: tuple[str, ...]
    alternatives_tried: tuple[str, ...]
    funding_responsibility: str
    provision_responsibility: str
    safety_notes: tuple[str, ...]
    training_notes: tuple[str, ...]
    review_date: date | None
    copy_to: tuple[CopyRecipient, ...] = ()
    #: Photos of the set-up that consent lets go in letters (issue 16).
    photos: tuple[AttachedPicture, ...] = ()
    #: Exactly what to order: the supplier's product code and the supplier.
    product_code: str = ""
    supplier: str = ""


@dataclass(frozen=True)
class ProgressReport:
    """Goal progress (GAS) and COPM ratings for one episode of care."""

    child: ChildSummary
    therapist: TherapistContact
    team: TeamContact
    report_date: date
    goals: tuple[GoalProgress, ...]
    copm: tuple[CopmScore, ...] = ()
    gas_t_score: float | None = None
    summary: str = ""
    assessments: tuple[AssessmentView, ...] = ()  # issue 14: newest first
    #: Handwriting samples: the earliest and the latest (issue 16).
    samples: tuple[AttachedPicture, ...] = ()


@dataclass(frozen=True)
class EquipmentInPlace:
    """An item left with the child at discharge and who looks after it from now on."""

    item: str
    reviewed_by: str
    review_date: date | None = None


@dataclass(frozen=True)
class DischargeLetter:
    """A discharge letter to the family, copied to the GP and school (PRSB headings)."""

    child: ChildSummary
    therapist: TherapistContact
    team: TeamContact
    letter_date: date
    reason: DischargeReason
    reason_detail: str = ""
    achievements: tuple[str, ...] = ()
    copy_to: tuple[CopyRecipient, ...] = field(default_factory=tuple)
    discharged_on: date | None = None
    referral_reason: str = ""
    worked_on: tuple[Goal, ...] = ()
    gas_t_score: float | None = None
    copm: tuple[CopmScore, ...] = ()
    equipment_left: tuple[EquipmentInPlace, ...] = ()
    #: What the GP is asked to do; empty means the letter says "None".
    gp_actions: tuple[str, ...] = ()
    #: The goals achieved, printed in the letter's language where the family's wording is.
    achieved_goals: tuple[Goal, ...] = ()

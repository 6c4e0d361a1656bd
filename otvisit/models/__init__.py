"""Typed SQLAlchemy models of the therapy domain, the local store and the outbox."""

from otvisit.models.attachments import Attachment, AttachmentBlob, PhotoConsent
from otvisit.models.audit import AuditEvent
from otvisit.models.base import Base, SyncedRecord, new_id, utcnow
from otvisit.models.care import Appointment, Episode
from otvisit.models.child import Carer, Child
from otvisit.models.documents import DocumentFile
from otvisit.models.equipment import EquipmentRecommendation
from otvisit.models.goals import CopmProblem, GasRating, Goal
from otvisit.models.groups import CoachingProgramme, GroupPlace, GroupSession, ProgrammeCopm
from otvisit.models.notes import NoteAddendum, SessionNote
from otvisit.models.pathway import DisruptionContact, Referral, SafeguardingCheck
from otvisit.models.programme import HomeProgramme, LibraryStrategy, ProgrammeStrategy
from otvisit.models.records import Assessment, FeedbackSurvey, PrintedDocument
from otvisit.models.registry import ENTITIES, FIELDS, SYNCED_MODELS
from otvisit.models.sync_state import (
    OutboxOp,
    PushedOp,
    SetAsideEdit,
    SyncConflict,
    SyncSetting,
    UnreadableRecord,
)
from otvisit.models.team import Team, Therapist

__all__ = [
    "ENTITIES",
    "FIELDS",
    "SYNCED_MODELS",
    "Appointment",
    "Assessment",
    "Attachment",
    "AttachmentBlob",
    "AuditEvent",
    "Base",
    "Carer",
    "Child",
    "CoachingProgramme",
    "CopmProblem",
    "DisruptionContact",
    "DocumentFile",
    "Episode",
    "EquipmentRecommendation",
    "FeedbackSurvey",
    "GasRating",
    "Goal",
    "GroupPlace",
    "GroupSession",
    "HomeProgramme",
    "LibraryStrategy",
    "NoteAddendum",
    "OutboxOp",
    "PhotoConsent",
    "PrintedDocument",
    "ProgrammeCopm",
    "ProgrammeStrategy",
    "PushedOp",
    "Referral",
    "SafeguardingCheck",
    "SessionNote",
    "SetAsideEdit",
    "SyncConflict",
    "SyncSetting",
    "SyncedRecord",
    "Team",
    "Therapist",
    "UnreadableRecord",
    "new_id",
    "utcnow",
]

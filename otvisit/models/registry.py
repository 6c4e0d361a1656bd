"""Every synced entity by its wire name, and the description of its fields."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Table, Text
from sqlalchemy.sql.schema import Column

from otvisit.models.attachments import Attachment, PhotoConsent
from otvisit.models.base import SYNC_COLUMNS, StrEnumType, SyncedRecord, UTCDateTime
from otvisit.models.care import Appointment, Episode
from otvisit.models.child import Carer, Child
from otvisit.models.equipment import EquipmentRecommendation
from otvisit.models.goals import CopmProblem, GasRating, Goal
from otvisit.models.groups import CoachingProgramme, GroupPlace, GroupSession, ProgrammeCopm
from otvisit.models.notes import NoteAddendum, SessionNote
from otvisit.models.pathway import DisruptionContact, Referral, SafeguardingCheck
from otvisit.models.programme import HomeProgramme, LibraryStrategy, ProgrammeStrategy
from otvisit.models.records import Assessment, FeedbackSurvey, PrintedDocument
from otvisit.models.team import Team, Therapist

SYNCED_MODELS: tuple[type[SyncedRecord], ...] = (
    Team,
    Therapist,
    Child,
    Carer,
    Episode,
    Appointment,
    Goal,
    GasRating,
    CopmProblem,
    SessionNote,
    NoteAddendum,
    LibraryStrategy,
    HomeProgramme,
    ProgrammeStrategy,
    EquipmentRecommendation,
    Assessment,
    FeedbackSurvey,
    PrintedDocument,
    # Group sessions and parent coaching (issue 14).
    CoachingProgramme,
    GroupSession,
    GroupPlace,
    ProgrammeCopm,
    # Issue 14, referral to discharge (i14-referrals):
    Referral,
    SafeguardingCheck,
    DisruptionContact,
    # Photos and attachments (issue 16): the consent first, so it arrives before its photos.
    PhotoConsent,
    Attachment,
)

#: Produced by the server (the team lead's admin commands and console), never written by a
#: device: a laptop neither pushes them nor sends them again to a restored server.
READ_ONLY_ENTITIES = frozenset({"team", "therapist"})

ENTITIES: dict[str, type[SyncedRecord]] = {model.__entity__: model for model in SYNCED_MODELS}


class FieldKind(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What one field of an entity may hold, read from its column."""

    name: str
    kind: FieldKind
    nullable: bool
    clinical_text: bool
    #: A count that only goes up by steps: concurrent steps are added, not overwritten.
    counter: bool = False
    #: A decision (e.g. a referral's status): concurrent different values are a conflict.
    decision: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()


def _field_kind(column: Column[Any]) -> tuple[FieldKind, tuple[str, ...]]:
    column_type = column.type
    if isinstance(column_type, StrEnumType):
        return FieldKind.ENUM, tuple(member.value for member in column_type.enum_class)
    if isinstance(column_type, UTCDateTime):
        return FieldKind.DATETIME, ()
    kinds: tuple[tuple[type[object], FieldKind], ...] = (
        (Boolean, FieldKind.BOOLEAN),
        (Integer, FieldKind.INTEGER),
        (Float, FieldKind.NUMBER),
        (Date, FieldKind.DATE),
        (JSON, FieldKind.JSON),
        (String, FieldKind.TEXT),
        (Text, FieldKind.TEXT),
    )
    for sql_type, kind in kinds:
        if isinstance(column_type, sql_type):
            return kind, ()
    raise TypeError(f"no wire kind for column {column} of type {column_type!r}")


def _describe(model: type[SyncedRecord]) -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for column in cast(Table, model.__table__).columns:
        if column.name in SYNC_COLUMNS:
            continue
        kind, choices = _field_kind(column)
        length = getattr(column.type, "length", None) if kind is FieldKind.TEXT else None
        specs[column.name] = FieldSpec(
            name=column.name,
            kind=kind,
            nullable=bool(column.nullable),
            clinical_text=bool(column.info.get("clinical_text")),
            counter=bool(column.info.get("counter")),
            decision=bool(column.info.get("decision")),
            max_length=length,
            choices=choices,
        )
    return specs


FIELDS: dict[str, dict[str, FieldSpec]] = {name: _describe(m) for name, m in ENTITIES.items()}

#: Python types the wire kinds turn into, for readers of FieldSpec.
PYTHON_TYPES: dict[FieldKind, type[object]] = {
    FieldKind.TEXT: str,
    FieldKind.INTEGER: int,
    FieldKind.NUMBER: float,
    FieldKind.BOOLEAN: bool,
    FieldKind.DATE: date,
    FieldKind.DATETIME: datetime,
    FieldKind.ENUM: str,
    FieldKind.JSON: object,
}


def model_for(entity: str) -> type[SyncedRecord]:
    """The model class of a wire entity name, or KeyError."""
    return ENTITIES[entity]

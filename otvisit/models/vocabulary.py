"""The fixed vocabularies of the service: appointment types, places, statuses, reasons."""

from __future__ import annotations

import enum


class StaffRole(enum.StrEnum):
    THERAPIST = "therapist"
    ASSISTANT = "assistant"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"


class SettingType(enum.StrEnum):
    NURSERY = "nursery"
    SCHOOL = "school"
    NONE = "none"


class EpisodeStatus(enum.StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    OPEN = "open"
    DISCHARGED = "discharged"


class DischargeReason(enum.StrEnum):
    GOALS_MET = "goals_met"
    FAMILY_REQUEST = "family_request"
    DID_NOT_ATTEND = "did_not_attend"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


class AppointmentType(enum.StrEnum):
    INITIAL = "initial"
    ASSESSMENT = "assessment"
    INTERVENTION = "intervention"
    PARENT_COACHING = "parent_coaching"
    SCHOOL_ADVICE = "school_advice"
    REVIEW = "review"


class Place(enum.StrEnum):
    HOME = "home"
    NURSERY = "nursery"
    SCHOOL = "school"
    CLINIC = "clinic"
    VIRTUAL = "virtual"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    DID_NOT_ATTEND = "did_not_attend"
    #: A child is not brought to an appointment (clinic, virtual) without notice.
    WAS_NOT_BROUGHT = "was_not_brought"
    #: A home visit where nobody answered the door.
    NO_ACCESS = "no_access"


class GoalStatus(enum.StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    STOPPED = "stopped"


class GoalSetting(enum.StrEnum):
    """Where a goal is worked on: letters to a nursery or school carry only theirs (and "all")."""

    HOME = "home"
    NURSERY = "nursery"
    SCHOOL = "school"
    ALL = "all"


class EquipmentStatus(enum.StrEnum):
    RECOMMENDED = "recommended"
    ORDERED = "ordered"
    DELIVERED = "delivered"
    REVIEWED = "reviewed"


class Funder(enum.StrEnum):
    SCHOOL = "school"
    NURSERY = "nursery"
    NHS_EQUIPMENT_SERVICE = "nhs_equipment_service"
    LOCAL_AUTHORITY = "local_authority"
    FAMILY = "family"
    CHARITY = "charity"
    OTHER = "other"


class AssessmentKind(enum.StrEnum):
    STANDARDISED = "standardised"
    INFORMAL = "informal"


class AuditAction(enum.StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    PRINT = "print"
    EXPORT = "export"


# --- Referral, waiting list, was-not-brought (issue 14, referrals) ---


class ReferralSource(enum.StrEnum):
    GP = "gp"
    HEALTH_VISITOR = "health_visitor"
    SCHOOL_SENCO = "school_senco"
    PARENT = "parent"
    OTHER = "other"


class ReferralPriority(enum.StrEnum):
    """Most urgent first: the waiting list is ordered in this order."""

    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"


class ReferralStatus(enum.StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ContactOutcome(enum.StrEnum):
    """What came of phoning a family about a disrupted day."""

    REBOOKED = "rebooked"
    CALL_BACK = "call_back"
    NO_ANSWER = "no_answer"


# --- Photos and attachments (issue 16) ---


class AttachmentSubject(enum.StrEnum):
    """What an attachment belongs to: the child's record, or one record under it."""

    CHILD = "child"
    NOTE = "note"
    EQUIPMENT = "equipment"
    GOAL = "goal"
    ASSESSMENT = "assessment"


class AttachmentKind(enum.StrEnum):
    PHOTO = "photo"
    SCAN = "scan"
    DOCUMENT = "document"


class AttachmentMediaType(enum.StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    PDF = "application/pdf"


class ConsentUse(enum.StrEnum):
    """What a family agreed photos may be used for."""

    RECORD = "record"
    RECORD_AND_LETTERS = "record_and_letters"


class SurveyArrival(enum.StrEnum):
    """How a family's experience survey reached the team."""

    POST = "post"
    CLINIC = "clinic"
    #: Filled in online, often from the QR code on the printed survey.
    ONLINE = "online"
    PHONE = "phone"

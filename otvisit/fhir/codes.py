"""The code systems, extension URLs and value maps otvisit uses in FHIR, in one place.

Standard systems are used where a code can be cited: the NHS number system, SNOMED CT
for occupational therapy, LOINC 107332-9 and its answer codes for GAS. Everything else
(GAS level codes, COPM items, otvisit statuses the standard value sets cannot hold) uses
the project's own namespace under ``OTVISIT``, said so in docs/fhir/mapping.md.
"""

from __future__ import annotations

from typing import Final

from otvisit.models.vocabulary import (
    AppointmentStatus,
    EquipmentStatus,
    GoalStatus,
    Place,
)

NHS_NUMBER: Final = "https://fhir.nhs.uk/Id/nhs-number"
SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
BCP47: Final = "urn:ietf:bcp:47"
UK_HUMAN_LANGUAGE: Final = "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage"
UK_NHS_COMMUNICATION: Final = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication"
)
INTERPRETER_REQUIRED: Final = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONTACT_ROLE: Final = "http://terminology.hl7.org/CodeSystem/v2-0131"
DOCUMENT_RELATION: Final = "appends"

#: The project's own namespace for what no standard code system holds.
OTVISIT: Final = "https://fhir.otvisit.org"


def own_system(name: str) -> str:
    """The URL of one of otvisit's own code systems."""
    return f"{OTVISIT}/CodeSystem/{name}"


def own_extension(name: str) -> str:
    """The URL of one of otvisit's own extensions."""
    return f"{OTVISIT}/StructureDefinition/{name}"


def own_identifier(name: str) -> str:
    """The system of one of otvisit's own identifiers (record ids, document hashes)."""
    return f"{OTVISIT}/Id/{name}"


#: SNOMED CT 84478008 |Occupational therapy (regime/therapy)|.
OCCUPATIONAL_THERAPY: Final = ("84478008", "Occupational therapy (regime/therapy)")
#: SNOMED CT 80546007 |Occupational therapist (occupation)|.
OCCUPATIONAL_THERAPIST: Final = ("80546007", "Occupational therapist (occupation)")

#: LOINC 107332-9 "Goal attainment scale - Reported" (HL7 Person-Centered Outcomes IG).
GAS_LOINC: Final = ("107332-9", "Goal attainment scale - Reported")
#: LOINC answer codes for the GAS levels that have one (the PCO IG's GAS score answers);
#: -1 and -2 have none yet, so they carry only otvisit's own level code.
GAS_ANSWERS: Final[dict[int, tuple[str, str]]] = {
    2: ("LA6113-0", "Much better than expected"),
    1: ("LA6112-2", "Better than expected"),
    0: ("LA6111-4", "Expected outcome"),
}
GAS_LEVEL_NAMES: Final[dict[int, str]] = {
    2: "Much better than expected",
    1: "Better than expected",
    0: "Expected outcome",
    -1: "Less than expected",
    -2: "Much less than expected",
}

#: otvisit appointment status → FHIR Appointment.status. A reschedule keeps its own
#: status in an otvisit extension, since FHIR has no "rescheduled".
APPOINTMENT_STATUS: Final[dict[AppointmentStatus, str]] = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.ATTENDED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.RESCHEDULED: "cancelled",
    AppointmentStatus.DID_NOT_ATTEND: "noshow",
    # Children are not brought, or nobody answers at a home visit: FHIR's no-show.
    AppointmentStatus.WAS_NOT_BROUGHT: "noshow",
    AppointmentStatus.NO_ACCESS: "noshow",
}

#: Where a contact took place → the v3 ActCode encounter class.
ENCOUNTER_CLASS: Final[dict[Place, tuple[str, str]]] = {
    Place.HOME: ("HH", "home health"),
    Place.NURSERY: ("FLD", "field"),
    Place.SCHOOL: ("FLD", "field"),
    Place.CLINIC: ("AMB", "ambulatory"),
    Place.VIRTUAL: ("VR", "virtual"),
}

GOAL_LIFECYCLE: Final[dict[GoalStatus, str]] = {
    GoalStatus.ACTIVE: "active",
    GoalStatus.ACHIEVED: "completed",
    GoalStatus.STOPPED: "cancelled",
}

DEVICE_REQUEST_STATUS: Final[dict[EquipmentStatus, str]] = {
    EquipmentStatus.RECOMMENDED: "active",
    EquipmentStatus.ORDERED: "active",
    EquipmentStatus.DELIVERED: "completed",
    EquipmentStatus.REVIEWED: "completed",
}

"""The child as a UK Core Patient, with carers, GP, nursery or school, and the staff."""

from __future__ import annotations

from collections.abc import Sequence

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization, OrganizationContact
from fhir.resources.R4B.patient import Patient, PatientCommunication, PatientContact
from fhir.resources.R4B.practitioner import Practitioner, PractitionerQualification

from otvisit.fhir import codes
from otvisit.fhir.elements import (
    coding,
    concept,
    derived_id,
    ext,
    own_concept,
    record_identifier,
    ref,
    snomed,
)
from otvisit.models import Carer, Child, Team, Therapist
from otvisit.models.vocabulary import SettingType


def gp_organization_id(child: Child) -> str:
    return derived_id(child.id, "gp-practice")


def gp_practitioner_id(child: Child) -> str:
    return derived_id(child.id, "gp")


def setting_id(child: Child) -> str:
    return derived_id(child.id, "setting")


def _telecom(phone: str = "", email: str = "") -> list[ContactPoint] | None:
    points = []
    if phone:
        points.append(ContactPoint(system="phone", value=phone))
    if email:
        points.append(ContactPoint(system="email", value=email))
    return points or None


def _address(text: str, postcode: str = "") -> list[Address] | None:
    if not text and not postcode:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [Address(use="home", text=text or None, line=lines or None, postalCode=postcode or None)]


def _language(code: str, *, preferred: bool) -> PatientCommunication:
    return PatientCommunication(
        language=concept(coding(codes.BCP47, code), coding(codes.UK_HUMAN_LANGUAGE, code)),
        preferred=preferred,
    )


def _nhs_communication(language: str, interpreter: bool) -> Extension:
    """UK Core's (and PDS's) NHSCommunication: a language and whether an interpreter is needed."""
    return Extension(
        url=codes.UK_NHS_COMMUNICATION,
        extension=[
            Extension(
                url="language",
                valueCodeableConcept=concept(coding(codes.UK_HUMAN_LANGUAGE, language)),
            ),
            Extension(url="interpreterRequired", valueBoolean=interpreter),
        ],
    )


def _carer(carer: Carer) -> PatientContact:
    return PatientContact(
        id=carer.id,
        relationship=[
            concept(coding(codes.CONTACT_ROLE, "N", "Next-of-Kin"), text=carer.relationship)
        ],
        name=HumanName(text=carer.full_name),
        telecom=_telecom(carer.phone, carer.email),
        address=(_address(carer.address) or [None])[0],
        extension=[
            ext("parental-responsibility", valueBoolean=carer.parental_responsibility),
            ext("main-contact", valueBoolean=carer.main_contact),
        ],
    )


def patient(child: Child, carers: Sequence[Carer]) -> Patient:
    names = [HumanName(use="official", family=child.family_name, given=[child.given_name])]
    if child.preferred_name:
        names.append(HumanName(use="usual", family=child.family_name, given=[child.preferred_name]))
    communication = [_language(child.written_language, preferred=True)]
    if child.spoken_language != child.written_language:
        communication.append(_language(child.spoken_language, preferred=False))
    interpreter_language = child.interpreter_language or child.spoken_language
    extensions = [
        _nhs_communication(interpreter_language, child.interpreter_needed),
        Extension(url=codes.INTERPRETER_REQUIRED, valueBoolean=child.interpreter_needed),
        ext("spoken-language", valueCode=child.spoken_language),
        ext("written-language", valueCode=child.written_language),
        *[ext("access-need", valueCode=need) for need in child.access_needs],
    ]
    if child.access_notes:
        extensions.append(ext("access-notes", valueString=child.access_notes))
    if child.setting_type is not SettingType.NONE:
        extensions.append(ext("setting", valueReference=ref(setting_id(child))))
    general_practitioner = []
    if child.gp_practice:
        general_practitioner.append(ref(gp_organization_id(child), child.gp_practice))
    if child.gp_name:
        general_practitioner.append(ref(gp_practitioner_id(child), child.gp_name))
    return Patient(
        id=child.id,
        identifier=[Identifier(system=codes.NHS_NUMBER, value=child.nhs_number)],
        name=names,
        birthDate=child.date_of_birth,
        address=_address(child.address, child.postcode),
        contact=[_carer(carer) for carer in carers] or None,
        communication=communication,
        extension=extensions,
        generalPractitioner=general_practitioner or None,
    )


def gp_resources(child: Child) -> list[Organization | Practitioner]:
    found: list[Organization | Practitioner] = []
    if child.gp_practice:
        found.append(
            Organization(
                id=gp_organization_id(child),
                name=child.gp_practice,
                type=[own_concept("organisation-type", "gp-practice", "GP practice")],
                address=_address(child.gp_address),
                telecom=_telecom(child.gp_phone),
            )
        )
    if child.gp_name:
        found.append(
            Practitioner(
                id=gp_practitioner_id(child),
                name=[HumanName(text=child.gp_name)],
                telecom=_telecom(child.gp_phone),
            )
        )
    return found


def setting_organization(child: Child) -> Organization | None:
    if child.setting_type is SettingType.NONE:
        return None
    contact = None
    if child.setting_contact_name or child.setting_contact_phone or child.setting_contact_email:
        contact = [
            OrganizationContact(
                name=HumanName(text=child.setting_contact_name or None),
                purpose=concept(text=child.setting_contact_role or None)
                if child.setting_contact_role
                else None,
                telecom=_telecom(child.setting_contact_phone, child.setting_contact_email),
            )
        ]
    return Organization(
        id=setting_id(child),
        name=child.setting_name or child.setting_type.value,
        type=[own_concept("setting-type", child.setting_type.value, child.setting_type.value)],
        address=[Address(text=child.setting_address)] if child.setting_address else None,
        contact=contact,
    )


def team_organization(team: Team) -> Organization:
    return Organization(
        id=team.id,
        identifier=[record_identifier(team.id)],
        name=team.name,
        type=[snomed(codes.OCCUPATIONAL_THERAPY)],
        address=[Address(text=team.address)] if team.address else None,
        telecom=_telecom(team.phone, team.email),
    )


def staff_practitioner(therapist: Therapist) -> Practitioner:
    return Practitioner(
        id=therapist.id,
        identifier=[record_identifier(therapist.id)],
        name=[HumanName(text=therapist.full_name)],
        telecom=_telecom(therapist.phone, therapist.email),
        qualification=[
            PractitionerQualification(
                code=concept(
                    coding(codes.SNOMED, *codes.OCCUPATIONAL_THERAPIST),
                    text=therapist.job_title,
                )
            )
        ],
    )

"""Children on the team's caseload and their carers: created and changed only when valid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Carer, Child, Team, new_id
from otvisit.models.vocabulary import SettingType
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.nhs_number import format_nhs_number, validate_nhs_number
from otvisit.services.records import check_date, get_live, optional_text, required_text
from otvisit.services.team import therapist_in_team

#: Accessible Information Standard needs the service can meet.
ACCESS_NEEDS = frozenset(
    {"large_print", "easy_read", "braille", "audio", "bsl_interpreter", "email", "phone_call"}
)
#: A children's service: an older date of birth is almost always a typing slip.
OLDEST_AGE_YEARS = 25

_TEXT_LIMITS: dict[str, tuple[str, int | None]] = {
    "preferred_name": ("the preferred name", 100),
    "address": ("the address", None),
    "postcode": ("the postcode", 10),
    "access_notes": ("the access notes", None),
    "setting_name": ("the nursery or school's name", 200),
    "setting_address": ("the nursery or school's address", None),
    "setting_contact_name": ("the named contact", 200),
    "setting_contact_role": ("the contact's role", 200),
    "setting_contact_phone": ("the contact's phone number", 40),
    "setting_contact_email": ("the contact's email", 200),
    "gp_name": ("the GP's name", 200),
    "gp_practice": ("the GP practice", 200),
    "gp_address": ("the GP's address", None),
    "gp_phone": ("the GP's phone number", 40),
}
#: Fields a therapist may change after the child is created (team moves go through the lead).
EDITABLE_FIELDS = frozenset(
    {
        "therapist_id",
        "given_name",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "spoken_language",
        "written_language",
        "interpreter_needed",
        "interpreter_language",
        "access_needs",
        "setting_type",
        *_TEXT_LIMITS,
    }
)


@dataclass(frozen=True)
class ChildSummary:
    """What a list or header shows about a child."""

    child_id: str
    name: str
    date_of_birth: date
    nhs_number: str
    interpreter_language: str | None


def _language(value: object, *, what: str) -> str:
    return required_text(value, what=what, max_length=40)


def _clean(values: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Every child field checked; raises on the first problem, in the order of the form."""
    clean: dict[str, Any] = {
        "given_name": required_text(
            values.get("given_name"), what="the child's first name", max_length=100
        ),
        "family_name": required_text(
            values.get("family_name"), what="the child's family name", max_length=100
        ),
    }
    born = check_date(values.get("date_of_birth"), what="the date of birth")
    if born > today:
        raise ValidationError("The date of birth cannot be in the future")
    if born.year < today.year - OLDEST_AGE_YEARS:
        raise ValidationError(
            f"The date of birth {born:%d %B %Y} is more than {OLDEST_AGE_YEARS} years ago — "
            "please check it"
        )
    clean["date_of_birth"] = born
    clean["nhs_number"] = validate_nhs_number(str(values.get("nhs_number") or ""))
    clean["spoken_language"] = _language(
        values.get("spoken_language", "en"), what="the spoken language"
    )
    clean["written_language"] = _language(
        values.get("written_language", "en"), what="the written language"
    )
    needed = values.get("interpreter_needed", False)
    if not isinstance(needed, bool):
        raise ValidationError("Interpreter needed must be yes or no")
    clean["interpreter_needed"] = needed
    interpreter = optional_text(
        values.get("interpreter_language", ""), what="the interpreter language", max_length=40
    )
    if needed and not interpreter:
        raise ValidationError("Please say which language the interpreter should speak")
    clean["interpreter_language"] = interpreter if needed else ""
    needs = values.get("access_needs", [])
    if not isinstance(needs, list | tuple) or not all(isinstance(n, str) for n in needs):
        raise ValidationError("Access needs must be a list")
    unknown = sorted(set(needs) - ACCESS_NEEDS)
    if unknown:
        raise ValidationError(
            f"Unknown access need {unknown[0]!r}; choose from {', '.join(sorted(ACCESS_NEEDS))}"
        )
    clean["access_needs"] = sorted(set(needs))
    try:
        clean["setting_type"] = SettingType(values.get("setting_type", SettingType.NONE))
    except ValueError:
        raise ValidationError("The setting must be nursery, school or none") from None
    for name, (what, limit) in _TEXT_LIMITS.items():
        clean[name] = optional_text(values.get(name, ""), what=what, max_length=limit)
    if clean["setting_type"] is not SettingType.NONE and not clean["setting_name"]:
        raise ValidationError("Please enter the name of the nursery or school")
    return clean


def _refuse_duplicate(
    session: Session, *, team_id: str, nhs_number: str, child_id: str | None
) -> None:
    query = select(Child).where(
        Child.team_id == team_id, Child.nhs_number == nhs_number, Child.deleted.is_(False)
    )
    for other in session.scalars(query):
        if other.id != child_id:
            raise ValidationError(
                f"{other.display_name} already has the NHS number {format_nhs_number(nhs_number)} "
                "in this team — is this the same child?"
            )


def check_child(values: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Every field of a new child checked without the database (a form checks before saving)."""
    required = {"given_name", "family_name", "date_of_birth", "nhs_number"}
    unknown = sorted(set(values) - EDITABLE_FIELDS - required)
    if unknown:
        raise ValidationError(f"A child has no detail called {unknown[0]!r}")
    return _clean(values, today=today)


def create_child(
    session: Session,
    *,
    team_id: str,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nhs_number: str,
    therapist_id: str | None = None,
    actor_id: str | None = None,
    today: date | None = None,
    **details: Any,
) -> str:
    """A child on the team's caseload; ``details`` are the optional fields. Returns the id."""
    unknown = sorted(set(details) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"A child has no detail called {unknown[0]!r}")
    get_live(session, Team, team_id, what="team")
    clean = _clean(
        {
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "nhs_number": nhs_number,
            **details,
        },
        today=today or date.today(),
    )
    if therapist_id is not None:
        therapist_in_team(session, therapist_id=therapist_id, team_id=team_id)
    _refuse_duplicate(session, team_id=team_id, nhs_number=clean["nhs_number"], child_id=None)
    child = Child(id=new_id(), team_id=team_id, therapist_id=therapist_id, **clean)
    session.add(child)
    record_change(session, actor_id=actor_id, record=child, created=True)
    return child.id


def update_child(
    session: Session,
    *,
    child_id: str,
    changes: Mapping[str, Any],
    actor_id: str | None = None,
    today: date | None = None,
) -> list[str]:
    """Apply changes after checking the whole record; returns the names of fields changed."""
    child = get_live(session, Child, child_id, what="child")
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"The detail {unknown[0]!r} cannot be changed here")
    current = {name: getattr(child, name) for name in EDITABLE_FIELDS}
    merged = {**current, **changes}
    clean = _clean(merged, today=today or date.today())
    therapist_id = merged["therapist_id"]
    if therapist_id is not None and therapist_id != child.therapist_id:
        therapist_in_team(session, therapist_id=therapist_id, team_id=child.team_id)
    if clean["nhs_number"] != child.nhs_number:
        _refuse_duplicate(
            session, team_id=child.team_id, nhs_number=clean["nhs_number"], child_id=child.id
        )
    clean["therapist_id"] = therapist_id
    changed = sorted(name for name, value in clean.items() if getattr(child, name) != value)
    for name in changed:
        setattr(child, name, clean[name])
    if changed:
        record_change(session, actor_id=actor_id, record=child, detail=", ".join(changed))
    return changed


def summarise_child(session: Session, *, child_id: str) -> ChildSummary:
    """The child's name, date of birth, formatted NHS number and interpreter language."""
    child = get_live(session, Child, child_id, what="child")
    return ChildSummary(
        child_id=child.id,
        name=child.display_name,
        date_of_birth=child.date_of_birth,
        nhs_number=format_nhs_number(child.nhs_number),
        interpreter_language=child.interpreter_language if child.interpreter_needed else None,
    )


def add_carer(
    session: Session,
    *,
    child_id: str,
    full_name: str,
    relationship: str = "Parent",
    phone: str = "",
    email: str = "",
    address: str = "",
    parental_responsibility: bool = True,
    main_contact: bool = False,
    actor_id: str | None = None,
) -> str:
    """A parent or carer of the child; returns the carer's id."""
    get_live(session, Child, child_id, what="child")
    carer = Carer(
        id=new_id(),
        child_id=child_id,
        full_name=required_text(full_name, what="the carer's name", max_length=200),
        relationship=required_text(
            relationship, what="the relationship to the child", max_length=80
        ),
        phone=optional_text(phone, what="the phone number", max_length=40),
        email=optional_text(email, what="the email", max_length=200),
        address=optional_text(address, what="the address"),
        parental_responsibility=bool(parental_responsibility),
        main_contact=bool(main_contact),
    )
    if phone and not any(ch.isdigit() for ch in carer.phone):
        raise ValidationError("The phone number must contain digits")
    session.add(carer)
    record_change(session, actor_id=actor_id, record=carer, created=True)
    return carer.id


def remove_carer(session: Session, *, carer_id: str, actor_id: str | None = None) -> None:
    """Tombstone a carer (the delete syncs; the row stays)."""
    carer = get_live(session, Carer, carer_id, what="carer")
    carer.deleted = True
    record_change(session, actor_id=actor_id, record=carer, deleted=True)

"""Equipment and seating recommendations: measured in centimetres, ordered, delivered, reviewed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from otvisit.models import Child, EquipmentRecommendation, Goal, new_id
from otvisit.models.vocabulary import EquipmentStatus, Funder, Place
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import (
    check_date,
    get_live,
    optional_text,
    positive_number,
    required_text,
)

#: Measurements the letters know how to print, all in centimetres.
MEASUREMENTS = {
    "seat_height": "seat height",
    "seat_depth": "seat depth",
    "seat_width": "seat width",
    "back_height": "back height",
    "footplate_height": "footplate height",
    "table_height": "table height",
    "armrest_height": "armrest height",
}
#: No item a child uses in a nursery or school measures more than this.
LARGEST_CM = 250.0
#: Each status may only move to the next one: recommended → ordered → delivered → reviewed.
NEXT_STATUS = {
    EquipmentStatus.RECOMMENDED: EquipmentStatus.ORDERED,
    EquipmentStatus.ORDERED: EquipmentStatus.DELIVERED,
    EquipmentStatus.DELIVERED: EquipmentStatus.REVIEWED,
}
_TEXT_FIELDS = {
    "functional_need": "the functional need",
    "fitting_notes": "the fitting notes",
    "alternatives_tried": "the alternatives tried",
    "safety_notes": "the safety notes",
    "training_notes": "the training notes",
}
EDITABLE_FIELDS = frozenset(
    {
        "item",
        "setting",
        "measurements",
        "funder",
        "provider",
        "product_code",
        "supplier",
        "review_on",
        "goal_id",
        "copy_to",
        *_TEXT_FIELDS,
    }
)


def check_measurements(value: object) -> dict[str, float]:
    """Known measurement names with positive centimetre values, or ValidationError."""
    if not isinstance(value, Mapping):
        raise ValidationError("Measurements must be a list of names and centimetres")
    clean: dict[str, float] = {}
    for name, cm in value.items():
        if name not in MEASUREMENTS:
            raise ValidationError(
                f"There is no measurement called {name!r}; use {', '.join(MEASUREMENTS.values())}"
            )
        clean[name] = positive_number(cm, what=f"The {MEASUREMENTS[name]} (cm)", maximum=LARGEST_CM)
    return clean


def _values(
    session: Session, child_id: str, fields: Mapping[str, Any], recommended_on: date
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "item" in fields:
        values["item"] = required_text(fields["item"], what="the item", max_length=200)
    if "setting" in fields:
        try:
            values["setting"] = Place(fields["setting"])
        except ValueError:
            raise ValidationError(
                "The setting must be home, nursery, school, clinic or virtual"
            ) from None
    if "measurements" in fields:
        values["measurements"] = check_measurements(fields["measurements"])
    if "funder" in fields:
        try:
            values["funder"] = Funder(fields["funder"])
        except ValueError:
            raise ValidationError(
                f"The funder {fields['funder']!r} is not one the letters know"
            ) from None
    if "provider" in fields:
        values["provider"] = optional_text(fields["provider"], what="the provider", max_length=200)
    if "product_code" in fields:
        values["product_code"] = optional_text(
            fields["product_code"], what="the product code", max_length=80
        )
    if "supplier" in fields:
        values["supplier"] = optional_text(fields["supplier"], what="the supplier", max_length=200)
    if fields.get("review_on") is not None:
        review = check_date(fields["review_on"], what="the review date")
        if review < recommended_on:
            raise ValidationError("The review date cannot be before the recommendation")
        values["review_on"] = review
    elif "review_on" in fields:
        values["review_on"] = None
    if fields.get("goal_id") is not None:
        goal = get_live(session, Goal, fields["goal_id"], what="goal")
        if goal.child_id != child_id:
            raise ValidationError("That goal belongs to another child")
        values["goal_id"] = goal.id
    elif "goal_id" in fields:
        values["goal_id"] = None
    if "copy_to" in fields:
        copy_to = fields["copy_to"]
        if not isinstance(copy_to, list | tuple) or not all(isinstance(c, str) for c in copy_to):
            raise ValidationError("Copies must be a list of recipients")
        values["copy_to"] = [c.strip() for c in copy_to if c.strip()]
    for name, what in _TEXT_FIELDS.items():
        if name in fields:
            values[name] = optional_text(fields[name], what=what)
    return values


def recommend_equipment(
    session: Session,
    *,
    child_id: str,
    item: str,
    setting: Place,
    functional_need: str,
    recommended_on: date,
    measurements: Mapping[str, float] | None = None,
    goal_id: str | None = None,
    funder: Funder = Funder.SCHOOL,
    provider: str = "",
    product_code: str = "",
    supplier: str = "",
    alternatives_tried: str = "",
    fitting_notes: str = "",
    safety_notes: str = "",
    training_notes: str = "",
    review_on: date | None = None,
    copy_to: Sequence[str] = (),
    therapist_id: str | None = None,
    actor_id: str | None = None,
) -> str:
    """A new recommendation (status recommended); returns its id."""
    get_live(session, Child, child_id, what="child")
    on = check_date(recommended_on, what="the date recommended")
    required_text(functional_need, what="the need the item meets")
    values = _values(
        session,
        child_id,
        {
            "item": item,
            "setting": setting,
            "measurements": dict(measurements or {}),
            "funder": funder,
            "provider": provider,
            "product_code": product_code,
            "supplier": supplier,
            "review_on": review_on,
            "goal_id": goal_id,
            "copy_to": list(copy_to),
            "functional_need": functional_need,
            "alternatives_tried": alternatives_tried,
            "fitting_notes": fitting_notes,
            "safety_notes": safety_notes,
            "training_notes": training_notes,
        },
        on,
    )
    recommendation = EquipmentRecommendation(
        id=new_id(),
        child_id=child_id,
        recommended_on=on,
        therapist_id=therapist_id or actor_id,
        **values,
    )
    session.add(recommendation)
    record_change(session, actor_id=actor_id, record=recommendation, created=True)
    return recommendation.id


def update_equipment(
    session: Session,
    *,
    recommendation_id: str,
    changes: Mapping[str, Any],
    actor_id: str | None = None,
) -> list[str]:
    """Change the recommendation's details; returns the fields changed."""
    rec = get_live(session, EquipmentRecommendation, recommendation_id, what="recommendation")
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"The detail {unknown[0]!r} cannot be changed here (status has its own step)"
        )
    if "functional_need" in changes:
        required_text(changes["functional_need"], what="the need the item meets")
    values = _values(session, rec.child_id, changes, rec.recommended_on)
    changed = sorted(name for name, value in values.items() if getattr(rec, name) != value)
    for name in changed:
        setattr(rec, name, values[name])
    if changed:
        record_change(session, actor_id=actor_id, record=rec, detail=", ".join(changed))
    return changed


def advance_equipment_status(
    session: Session,
    *,
    recommendation_id: str,
    status: EquipmentStatus,
    actor_id: str | None = None,
) -> EquipmentStatus:
    """Move to the next status only (recommended → ordered → delivered → reviewed)."""
    rec = get_live(session, EquipmentRecommendation, recommendation_id, what="recommendation")
    try:
        wanted = EquipmentStatus(status)
    except ValueError:
        raise ValidationError(f"The status {status!r} is not an equipment status") from None
    expected = NEXT_STATUS.get(rec.status)
    if wanted is not expected:
        if expected is None:
            raise RuleRefused("This equipment has been reviewed; record a new recommendation")
        raise RuleRefused(
            f"Equipment that is {rec.status.value} can next be marked {expected.value}, "
            f"not {wanted.value}"
        )
    rec.status = wanted
    record_change(session, actor_id=actor_id, record=rec, detail=f"status: {wanted.value}")
    return wanted


def withdraw_recommendation(
    session: Session, *, recommendation_id: str, actor_id: str | None = None
) -> None:
    """Tombstone a recommendation made in error (only before anything was ordered)."""
    rec = get_live(session, EquipmentRecommendation, recommendation_id, what="recommendation")
    if rec.status is not EquipmentStatus.RECOMMENDED:
        raise RuleRefused("Equipment already ordered cannot be withdrawn; mark it reviewed instead")
    rec.deleted = True
    record_change(session, actor_id=actor_id, record=rec, deleted=True)

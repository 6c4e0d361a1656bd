"""Read view of the equipment section: each recommendation with everything its details show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import EquipmentRecommendation, Goal


@dataclass(frozen=True, slots=True)
class EquipmentView:
    recommendation_id: str
    item: str
    setting: str
    status: str
    recommended_on: date
    measurements: dict[str, float]
    functional_need: str = ""
    goal_wording: str = ""
    alternatives_tried: str = ""
    funder: str = ""
    provider: str = ""
    product_code: str = ""
    supplier: str = ""
    safety_notes: str = ""
    training_notes: str = ""
    review_on: date | None = None


def child_equipment(session: Session, *, child_id: str) -> list[EquipmentView]:
    """The child's equipment recommendations, newest first, with the goal each one serves."""
    rows = session.execute(
        select(EquipmentRecommendation, Goal.wording)
        .outerjoin(Goal, Goal.id == EquipmentRecommendation.goal_id)
        .where(
            EquipmentRecommendation.child_id == child_id,
            EquipmentRecommendation.deleted.is_(False),
        )
        .order_by(
            EquipmentRecommendation.recommended_on.desc(),
            EquipmentRecommendation.created_at.desc(),
        )
    )
    return [
        EquipmentView(
            r.id,
            r.item,
            r.setting.value,
            r.status.value,
            r.recommended_on,
            dict(r.measurements),
            functional_need=r.functional_need,
            goal_wording=wording or "",
            alternatives_tried=r.alternatives_tried,
            funder=r.funder.value,
            provider=r.provider,
            product_code=r.product_code,
            supplier=r.supplier,
            safety_notes=r.safety_notes,
            training_notes=r.training_notes,
            review_on=r.review_on,
        )
        for r, wording in rows
    ]

"""Equipment and seating recommendations for home, nursery or school."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, clinical_text
from otvisit.models.vocabulary import EquipmentStatus, Funder, Place


class EquipmentRecommendation(SyncedRecord):
    """An item recommended for a setting, the need and goal it serves, and who provides it."""

    __tablename__ = "equipment_recommendation"
    __entity__ = "equipment_recommendation"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    therapist_id: Mapped[str | None] = mapped_column(String(36), default=None)
    goal_id: Mapped[str | None] = mapped_column(String(36), default=None)
    item: Mapped[str] = mapped_column(String(200))
    #: What exactly to order: the supplier's product code and the supplier.
    product_code: Mapped[str] = mapped_column(String(80), default="")
    supplier: Mapped[str] = mapped_column(String(200), default="")
    setting: Mapped[Place] = mapped_column(StrEnumType(Place))
    functional_need: Mapped[str] = clinical_text(type_=Text, default="")
    #: Centimetres: {"seat_height": 30.0, "seat_depth": 26.0, "footplate_height": 18.0, …}
    measurements: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    fitting_notes: Mapped[str] = clinical_text(type_=Text, default="")
    alternatives_tried: Mapped[str] = clinical_text(type_=Text, default="")
    funder: Mapped[Funder] = mapped_column(StrEnumType(Funder), default=Funder.SCHOOL)
    provider: Mapped[str] = mapped_column(String(200), default="")
    safety_notes: Mapped[str] = clinical_text(type_=Text, default="")
    training_notes: Mapped[str] = clinical_text(type_=Text, default="")
    recommended_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[EquipmentStatus] = mapped_column(
        StrEnumType(EquipmentStatus), default=EquipmentStatus.RECOMMENDED
    )
    copy_to: Mapped[list[str]] = mapped_column(JSON, default=list)

"""Equipment recommendations, home programmes from the library, assessments and feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import (
    AuditEvent,
    Child,
    FeedbackSurvey,
    LibraryStrategy,
    ProgrammeStrategy,
    Team,
)
from otvisit.models.store import Store
from otvisit.models.vocabulary import EquipmentStatus
from otvisit.reports.strategy_library import bundled_library
from otvisit.services import assessments, equipment, feedback, programmes, strategy_library
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import (
    TODAY,
    make_child,
    make_equipment,
    make_goal,
    make_library_strategy,
    make_programme,
    make_team,
)
from tests.services.conftest import Refusal


@pytest.mark.parametrize(
    ("measurements", "message"),
    [
        ({"seat_height": 0}, "more than 0"),
        ({"seat_height": -30}, "more than 0"),
        ({"seat_height": "31"}, "must be a number"),
        ({"seat_height": float("nan")}, "must be a number"),
        ({"seat_height": 400}, "at most 250"),
        ({"cushion_colour": 3}, "no measurement called"),
    ],
)
def test_measurements_must_be_positive_centimetres(
    store: Store, refused: Refusal, measurements: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        child = make_child(session)
    refused(
        lambda s: equipment.recommend_equipment(
            s,
            child_id=child.id,
            item="Wedge cushion",
            setting="school",  # type: ignore[arg-type]
            functional_need="Sits upright",
            recommended_on=TODAY,
            measurements=measurements,  # type: ignore[arg-type]
        ),
        ValidationError,
        message,
    )


def test_status_moves_forward_one_step_at_a_time(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        rec = make_equipment(session)
        assert rec.status is EquipmentStatus.RECOMMENDED
    refused(
        lambda s: equipment.advance_equipment_status(
            s, recommendation_id=rec.id, status=EquipmentStatus.DELIVERED
        ),
        RuleRefused,
        "can next be marked ordered",
    )
    with store.transaction() as session:
        for status in (
            EquipmentStatus.ORDERED,
            EquipmentStatus.DELIVERED,
            EquipmentStatus.REVIEWED,
        ):
            equipment.advance_equipment_status(session, recommendation_id=rec.id, status=status)
    refused(
        lambda s: equipment.advance_equipment_status(
            s, recommendation_id=rec.id, status=EquipmentStatus.RECOMMENDED
        ),
        RuleRefused,
        "has been reviewed",
    )
    refused(
        lambda s: equipment.withdraw_recommendation(s, recommendation_id=rec.id),
        RuleRefused,
        "cannot be withdrawn",
    )


def test_updating_equipment(session: Session) -> None:
    rec = make_equipment(session)
    goal = make_goal(session, child=session.get(Child, rec.child_id))
    changed = equipment.update_equipment(
        session,
        recommendation_id=rec.id,
        changes={
            "measurements": {"seat_height": 32},
            "goal_id": goal.id,
            "review_on": TODAY + timedelta(days=90),
        },
    )
    assert changed == ["goal_id", "measurements", "review_on"]
    assert rec.measurements == {"seat_height": 32.0}
    with pytest.raises(ValidationError, match="before the recommendation"):
        equipment.update_equipment(
            session, recommendation_id=rec.id, changes={"review_on": TODAY - timedelta(days=1)}
        )
    with pytest.raises(ValidationError, match="status has its own step"):
        equipment.update_equipment(
            session, recommendation_id=rec.id, changes={"status": "reviewed"}
        )


def test_product_code_and_supplier_are_kept_and_checked(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        rec = make_equipment(session, product_code=" KS-200-3 ", supplier="Kidsafe Seating Ltd")
        assert (rec.product_code, rec.supplier) == ("KS-200-3", "Kidsafe Seating Ltd")
        changed = equipment.update_equipment(
            session, recommendation_id=rec.id, changes={"product_code": "KS-200-4"}
        )
        assert changed == ["product_code"]
        rec_id = rec.id
    refused(
        lambda s: equipment.update_equipment(
            s, recommendation_id=rec_id, changes={"product_code": "X" * 81}
        ),
        ValidationError,
        "product code is too long",
    )


def test_programme_strategies_are_added_removed_and_reordered(session: Session) -> None:
    child = make_child(session)
    team = session.get(Team, child.team_id)
    assert team is not None
    slugs = [make_library_strategy(session, team=team, slug=f"dressing-{n}").slug for n in "abc"]
    goal = make_goal(session, child=child)
    programme = make_programme(session, child=child)
    ids = [
        programmes.add_programme_strategy(
            session, programme_id=programme.id, strategy_slug=slug, goal_id=goal.id
        )
        for slug in slugs
    ]
    with pytest.raises(ValidationError, match="already in the programme"):
        programmes.add_programme_strategy(
            session, programme_id=programme.id, strategy_slug=slugs[0]
        )
    with pytest.raises(ValidationError, match="not in the team's library"):
        programmes.add_programme_strategy(
            session, programme_id=programme.id, strategy_slug="made-up"
        )
    programmes.reorder_programme(
        session, programme_id=programme.id, entry_ids=[ids[2], ids[0], ids[1]]
    )
    assert [
        e.strategy_slug for e in programmes.programme_entries(session, programme_id=programme.id)
    ] == [
        "dressing-c",
        "dressing-a",
        "dressing-b",
    ]
    programmes.remove_programme_strategy(session, entry_id=ids[2])
    entries = programmes.programme_entries(session, programme_id=programme.id)
    assert [(e.strategy_slug, e.position) for e in entries] == [
        ("dressing-a", 0),
        ("dressing-b", 1),
    ]
    assert session.get(ProgrammeStrategy, ids[2]).deleted  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="each strategy of the programme once"):
        programmes.reorder_programme(session, programme_id=programme.id, entry_ids=[ids[0], ids[0]])


def test_seeding_the_library_from_the_bundled_files_keeps_team_edits(session: Session) -> None:
    team = make_team(session)
    library = list(bundled_library().strategies.values())
    first = strategy_library.seed_strategy_library(session, team_id=team.id, strategies=library)
    assert len(first.added) == len(library) > 10 and first.kept == ()
    coat = session.scalars(
        select(LibraryStrategy).where(LibraryStrategy.slug == "dressing-coat-flip")
    ).one()
    assert coat.home_steps and "ar" in coat.translations
    coat.title = "The coat flip (our version)"
    again = strategy_library.seed_strategy_library(session, team_id=team.id, strategies=library)
    assert again.added == () and len(again.kept) == len(library)
    assert coat.title == "The coat flip (our version)"


@dataclass(frozen=True)
class _Strategy:
    strategy_id: str
    area: str = "sensory"
    title: str = "Heavy work"
    summary: str = "Pushing and carrying before sitting down."
    home_steps: tuple[str, ...] = ("Carry the shopping bag in.",)
    school_steps: tuple[str, ...] = ()
    translations: dict[str, object] = field(default_factory=dict)


def test_seeding_accepts_any_strategy_shaped_object(session: Session) -> None:
    team = make_team(session)
    result = strategy_library.seed_strategy_library(
        session,
        team_id=team.id,
        strategies=[_Strategy("sensory-heavy-work")],  # type: ignore[list-item]
    )
    assert result.added == ("sensory-heavy-work",)
    assert strategy_library.team_strategy_slugs(session, team_id=team.id) == {"sensory-heavy-work"}


def test_feedback_is_kept_apart_from_any_child(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        team = make_team(session)
        survey_id = feedback.record_feedback(
            session,
            team_id=team.id,
            received_on=TODAY,
            ratings={"felt_listened_to": 5, "language_needs_met": 4},
            comments="Kind and patient.",
        )
    with store.read_session() as session:
        survey = session.get(FeedbackSurvey, survey_id)
        assert survey is not None and not hasattr(survey, "child_id")
        audit = session.scalars(select(AuditEvent).where(AuditEvent.record_id == survey_id)).one()
        assert audit.child_id is None
    refused(
        lambda s: feedback.record_feedback(
            s, team_id=team.id, received_on=TODAY, ratings={"felt_listened_to": 6}
        ),
        ValidationError,
        "must be 1 to 5",
    )
    refused(
        lambda s: feedback.record_feedback(
            s, team_id=team.id, received_on=TODAY, ratings={"nhs_number": 1}
        ),
        ValidationError,
        "not a question",
    )


def test_assessments_store_scores_and_refuse_bad_ones(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_child(session)
        assessments.record_assessment(
            session,
            child_id=child.id,
            name="Movement ABC-2",
            kind="standardised",  # type: ignore[arg-type]
            assessed_on=TODAY,
            scores={"Manual dexterity": {"standard_score": 6, "percentile": 9}},
            today=TODAY,
        )
    refused(
        lambda s: assessments.record_assessment(
            s,
            child_id=child.id,
            name="Beery VMI",
            assessed_on=TODAY,
            scores={"Visual": {}},
            today=TODAY,
        ),
        ValidationError,
        "at least one score",
    )
    refused(
        lambda s: assessments.record_assessment(
            s,
            child_id=child.id,
            name="Beery VMI",
            assessed_on=TODAY + timedelta(days=1),
            today=TODAY,
        ),
        ValidationError,
        "future",
    )

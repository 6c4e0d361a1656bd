"""Gathering a child's records into the plain content each printed document needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import (
    Carer,
    Child,
    CopmProblem,
    Episode,
    EquipmentRecommendation,
    GasRating,
    Goal,
    HomeProgramme,
    LibraryStrategy,
    ProgrammeStrategy,
    Referral,
    Team,
    Therapist,
)
from otvisit.models.base import agreed_order
from otvisit.models.vocabulary import (
    EpisodeStatus,
    EquipmentStatus,
    Funder,
    GoalStatus,
    ReferralStatus,
    SettingType,
)
from otvisit.reports import content
from otvisit.reports.referral_letter import ReferralDeclinedLetter
from otvisit.reports.strategy_library import (
    StrategyLibrary,
    bundled_library,
    strategy_from_record,
)
from otvisit.services import attachment_prints
from otvisit.services.assessment_views import child_assessments
from otvisit.services.errors import NotFound, ValidationError
from otvisit.services.goals import child_gas_score
from otvisit.services.records import get_live
from otvisit.services.referrals import SOURCE_WORDS, referral_for_episode
from otvisit.services.team_logo import logo_png_from_field

SERVICE_NAME = "Children's Community Occupational Therapy"
FUNDER_WORDS = {
    Funder.SCHOOL: "The school",
    Funder.NURSERY: "The nursery",
    Funder.NHS_EQUIPMENT_SERVICE: "The NHS community equipment service",
    Funder.LOCAL_AUTHORITY: "The local authority",
    Funder.FAMILY: "The family",
    Funder.CHARITY: "A charity (named below)",
    Funder.OTHER: "See the notes below",
}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def child_summary(session: Session, child: Child) -> content.ChildSummary:
    carers = session.scalars(
        select(Carer.full_name)
        .where(Carer.child_id == child.id, Carer.deleted.is_(False))
        .order_by(Carer.main_contact.desc(), Carer.full_name)
    ).all()
    return content.ChildSummary(
        first_name=child.preferred_name or child.given_name,
        last_name=child.family_name,
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
        carers=tuple(carers),
        address=_lines(child.address) + ((child.postcode,) if child.postcode else ()),
    )


def therapist_contact(
    session: Session, child: Child, signer_id: str | None
) -> content.TherapistContact:
    """Who signs: the therapist printing, else the child's own therapist."""
    therapist = session.get(Therapist, signer_id or child.therapist_id or "")
    if therapist is None:
        return content.TherapistContact(name="Your occupational therapist", role="")
    return content.TherapistContact(
        name=therapist.full_name,
        role=therapist.job_title,
        phone=therapist.phone or None,
        email=therapist.email or None,
    )


def team_contact(session: Session, child: Child) -> content.TeamContact:
    return team_contact_for(session, team_id=child.team_id)


def team_contact_for(session: Session, *, team_id: str) -> content.TeamContact:
    """The team's contact block (documents not about one child use it too)."""
    team = get_live(session, Team, team_id, what="team")
    if not team.phone:
        raise ValidationError(
            f"{team.name} has no phone number yet; families need one on every document"
        )
    return content.TeamContact(
        service_name=SERVICE_NAME,
        team_name=team.name,
        phone=team.phone,
        language_line=team.language_line_phone,
        address=_lines(team.address),
        email=team.email or None,
        logo_png=logo_png_from_field(team.logo_png),
    )


def setting_contact(child: Child) -> content.SettingContact | None:
    """The nursery or school, or None when the record does not name one (documents say so)."""
    if not child.setting_name:
        return None
    return content.SettingContact(
        name=child.setting_name,
        contact_name=child.setting_contact_name or None,
        contact_role=child.setting_contact_role or None,
        address=_lines(child.setting_address),
        phone=child.setting_contact_phone or None,
        email=child.setting_contact_email or None,
        kind="nursery" if child.setting_type is SettingType.NURSERY else "school",
    )


def _copies(child: Child, wanted: Sequence[str]) -> tuple[content.CopyRecipient, ...]:
    recipients: list[content.CopyRecipient] = []
    if "gp" in wanted and child.gp_name:
        practice = (child.gp_practice,) if child.gp_practice else ()
        recipients.append(content.CopyRecipient(child.gp_name, practice + _lines(child.gp_address)))
    if "setting" in wanted and child.setting_name:
        who = child.setting_contact_name or child.setting_name
        where = (child.setting_name,) if child.setting_contact_name else ()
        recipients.append(content.CopyRecipient(who, where + _lines(child.setting_address)))
    if "family" in wanted:
        recipients.append(content.CopyRecipient("Parents / carers"))
    return tuple(recipients)


def _live_child(session: Session, child_id: str) -> Child:
    return get_live(session, Child, child_id, what="child")


def programme_content(
    session: Session, *, programme_id: str, today: date, signer_id: str | None = None
) -> content.HomeProgramme:
    """A home programme as handout (and teacher advice) content."""
    programme = get_live(session, HomeProgramme, programme_id, what="home programme")
    child = _live_child(session, programme.child_id)
    entries = session.scalars(
        select(ProgrammeStrategy)
        .where(ProgrammeStrategy.programme_id == programme.id, ProgrammeStrategy.deleted.is_(False))
        .order_by(ProgrammeStrategy.position, ProgrammeStrategy.created_at)
    ).all()
    goal_ids = {entry.goal_id for entry in entries if entry.goal_id}
    # Only the goals the therapist linked a strategy to: no other goal is said to be
    # worked on, and a programme with none is flagged before printing (preflight).
    served = session.scalars(
        select(Goal)
        .where(Goal.id.in_(goal_ids), Goal.deleted.is_(False), Goal.status == GoalStatus.ACTIVE)
        .order_by(Goal.set_on, Goal.created_at)
    ).all()
    return content.HomeProgramme(
        child=child_summary(session, child),
        therapist=therapist_contact(session, child, signer_id),
        team=team_contact(session, child),
        goals=tuple(_goal(goal) for goal in served),
        strategies=tuple(
            content.StrategyChoice(
                entry.strategy_slug,
                (entry.goal_id,) if entry.goal_id else (),
                entry.personal_note or None,
                entry.how_often or None,
            )
            for entry in entries
        ),
        this_week=_lines(programme.this_week),
        issued_on=today,
        setting=setting_contact(child),
        review_date=programme.review_on,
    )


def _pictures(
    found: tuple[attachment_prints.PrintedPicture, ...],
) -> tuple[content.AttachedPicture, ...]:
    return tuple(
        content.AttachedPicture(p.attachment_id, p.caption, p.taken_on, p.data, p.width, p.height)
        for p in found
    )


def _goal(goal: Goal) -> content.Goal:
    return content.Goal(
        goal.id,
        goal.wording,
        family_wording=goal.family_wording,
        family_language=goal.family_language,
        setting=goal.setting.value,
    )


def _measurement_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def equipment_content(
    session: Session, *, recommendation_id: str, today: date, signer_id: str | None = None
) -> content.EquipmentLetter:
    """An equipment or seating recommendation as a letter to the nursery or school."""
    item = get_live(session, EquipmentRecommendation, recommendation_id, what="recommendation")
    child = _live_child(session, item.child_id)
    goal = session.get(Goal, item.goal_id) if item.goal_id else None
    funder = FUNDER_WORDS[item.funder]
    return content.EquipmentLetter(
        child=child_summary(session, child),
        therapist=therapist_contact(session, child, signer_id or item.therapist_id),
        team=team_contact(session, child),
        setting=setting_contact(child),
        letter_date=today,
        item=item.item,
        functional_need=item.functional_need,
        goal=_goal(goal) if goal and not goal.deleted else None,
        measurements=tuple(
            content.Measurement(_measurement_label(name), f"{value:g} cm")
            for name, value in item.measurements.items()
        ),
        fitting_notes=_lines(item.fitting_notes),
        alternatives_tried=_lines(item.alternatives_tried),
        funding_responsibility=funder,
        provision_responsibility=item.provider or funder,
        safety_notes=_lines(item.safety_notes),
        training_notes=_lines(item.training_notes),
        review_date=item.review_on,
        copy_to=_copies(child, item.copy_to or ("family", "gp")),
        photos=_pictures(attachment_prints.equipment_photos(session, recommendation_id=item.id)),
        product_code=item.product_code,
        supplier=item.supplier,
    )


def progress_content(
    session: Session, *, child_id: str, today: date, signer_id: str | None = None
) -> content.ProgressReport:
    """Each goal's GAS levels, baseline and latest rating, the T-score, and COPM before/after."""
    child = _live_child(session, child_id)
    score = child_gas_score(session, child_id=child.id)  # refuses a child with no goals
    goals = {
        goal.id: goal for goal in session.scalars(select(Goal).where(Goal.child_id == child.id))
    }
    history = _gas_history(session, child.id)
    progress = []
    for attained in score.goals:
        goal = goals[attained.goal_id]
        progress.append(
            content.GoalProgress(
                goal=_goal(goal),
                levels=tuple(
                    content.GasLevel(level, text) for level, text in goal.gas_levels().items()
                ),
                baseline=attained.baseline,
                current=attained.level if attained.rated_on is not None else None,
                weight=attained.weight,
                set_on=goal.set_on,
                rated_on=attained.rated_on,
                history=tuple(history.get(goal.id, ())),
            )
        )
    return content.ProgressReport(
        child=child_summary(session, child),
        therapist=therapist_contact(session, child, signer_id),
        team=team_contact(session, child),
        report_date=today,
        goals=tuple(progress),
        copm=_copm(session, child.id),
        gas_t_score=score.t_score if score.rated_goals else None,
        assessments=tuple(child_assessments(session, child_id=child.id)),
        samples=_pictures(attachment_prints.handwriting_samples(session, child_id=child.id)),
    )


def _gas_history(session: Session, child_id: str) -> dict[str, list[content.GasPoint]]:
    """Every live rating per goal, oldest first (same order as the latest-rating rule)."""
    ratings = session.scalars(
        select(GasRating)
        .where(GasRating.child_id == child_id, GasRating.deleted.is_(False))
        .order_by(GasRating.rated_on, *agreed_order(GasRating))
    )
    history: dict[str, list[content.GasPoint]] = {}
    for rating in ratings:
        history.setdefault(rating.goal_id, []).append(
            content.GasPoint(rating.rated_on, rating.level)
        )
    return history


def discharge_content(
    session: Session,
    *,
    child_id: str,
    today: date,
    episode_id: str | None = None,
    signer_id: str | None = None,
) -> content.DischargeLetter:
    """The discharge letter of the child's latest discharged episode."""
    child = _live_child(session, child_id)
    query = select(Episode).where(
        Episode.child_id == child.id,
        Episode.deleted.is_(False),
        Episode.status == EpisodeStatus.DISCHARGED,
    )
    if episode_id is not None:
        query = query.where(Episode.id == episode_id)
    episode = session.scalars(query.order_by(Episode.discharged_on.desc())).first()
    if episode is None or episode.discharge_reason is None:
        raise NotFound(f"{child.display_name} has not been discharged, so there is no letter yet")
    achieved = session.scalars(
        select(Goal)
        .where(
            Goal.child_id == child.id, Goal.deleted.is_(False), Goal.status == GoalStatus.ACHIEVED
        )
        .order_by(Goal.set_on, Goal.created_at)
    ).all()
    worked_on = session.scalars(
        select(Goal)
        .where(Goal.child_id == child.id, Goal.deleted.is_(False), Goal.episode_id == episode.id)
        .order_by(Goal.set_on, Goal.created_at)
    ).all()
    try:
        score = child_gas_score(session, child_id=child.id, episode_id=episode.id)
        t_score = score.t_score if score.rated_goals else None
    except ValidationError:  # no goals in this episode: the letter says they were not rated
        t_score = None
    return content.DischargeLetter(
        child=child_summary(session, child),
        therapist=therapist_contact(session, child, signer_id or episode.discharged_by_id),
        team=team_contact(session, child),
        letter_date=today,
        reason=episode.discharge_reason,
        reason_detail=episode.discharge_summary,
        achievements=tuple(goal.wording for goal in achieved),
        achieved_goals=tuple(_goal(goal) for goal in achieved),
        copy_to=_copies(child, ("gp", "setting")) + _referrer_copy(session, episode.id),
        discharged_on=episode.discharged_on,
        referral_reason=episode.referral_reason,
        worked_on=tuple(_goal(goal) for goal in worked_on),
        gas_t_score=t_score,
        copm=_copm(session, child.id),
        equipment_left=_equipment_left(session, child.id),
    )


def _copm(session: Session, child_id: str) -> tuple[content.CopmScore, ...]:
    problems = session.scalars(
        select(CopmProblem)
        .where(CopmProblem.child_id == child_id, CopmProblem.deleted.is_(False))
        .order_by(CopmProblem.baseline_on, CopmProblem.created_at)
    ).all()
    return tuple(
        content.CopmScore(
            problem.occupation,
            problem.baseline_performance,
            problem.baseline_satisfaction,
            problem.reassessed_performance,
            problem.reassessed_satisfaction,
            measured_on=problem.baseline_on,
            remeasured_on=problem.reassessed_on,
        )
        for problem in problems
    )


def _equipment_left(session: Session, child_id: str) -> tuple[content.EquipmentInPlace, ...]:
    """Delivered items stay with the child; whoever provides or funds them reviews them now."""
    items = session.scalars(
        select(EquipmentRecommendation)
        .where(
            EquipmentRecommendation.child_id == child_id,
            EquipmentRecommendation.deleted.is_(False),
            EquipmentRecommendation.status.in_(
                (EquipmentStatus.DELIVERED, EquipmentStatus.REVIEWED)
            ),
        )
        .order_by(EquipmentRecommendation.recommended_on, EquipmentRecommendation.created_at)
    ).all()
    return tuple(
        content.EquipmentInPlace(
            item.item, item.provider or FUNDER_WORDS[item.funder], item.review_on
        )
        for item in items
    )


def team_library(session: Session, *, team_id: str) -> StrategyLibrary:
    """The bundled library with the team's own strategies and edits on top."""
    bundled = bundled_library()
    area_titles = {s.area: s.area_title for s in bundled.strategies.values()}
    strategies = dict(bundled.strategies)
    rows = session.scalars(
        select(LibraryStrategy).where(
            LibraryStrategy.team_id == team_id, LibraryStrategy.deleted.is_(False)
        )
    )
    for row in rows:
        strategies[row.slug] = strategy_from_record(
            slug=row.slug,
            area=row.area,
            area_title=area_titles.get(row.area, row.area.replace("-", " ").capitalize()),
            title=row.title,
            summary=row.summary,
            home_steps=row.home_steps,
            school_steps=row.school_steps,
            translations=row.translations,
            bundled=bundled.strategies.get(row.slug),
        )
    return StrategyLibrary(strategies)


def referral_declined_content(
    session: Session,
    *,
    child_id: str,
    today: date,
    referral_id: str | None = None,
    signer_id: str | None = None,
) -> ReferralDeclinedLetter:
    """The letter for the child's latest declined referral (or the one named)."""
    child = _live_child(session, child_id)
    query = select(Referral).where(
        Referral.child_id == child.id,
        Referral.deleted.is_(False),
        Referral.status == ReferralStatus.DECLINED,
    )
    if referral_id is not None:
        query = query.where(Referral.id == referral_id)
    referral = session.scalars(query.order_by(Referral.decided_on.desc())).first()
    if referral is None:
        raise NotFound(f"{child.display_name} has no declined referral, so there is no letter")
    summary = child_summary(session, child)
    return ReferralDeclinedLetter(
        child=summary,
        therapist=therapist_contact(session, child, signer_id or referral.decided_by_id),
        team=team_contact(session, child),
        letter_date=today,
        received_on=referral.received_on,
        referrer_name=referral.referrer_name,
        referrer_role=SOURCE_WORDS[referral.source],
        referrer_address=_lines(referral.referrer_address),
        referral_reason=referral.reason,
        decline_reason=referral.decline_reason,
        copy_to=(family_copy(summary), *_copies(child, ("gp",))),
    )


def family_copy(child: content.ChildSummary) -> content.CopyRecipient:
    """The parents or carers by name, at the child's address."""
    names = " and ".join(child.carers) or "Parents / carers"
    return content.CopyRecipient(names, child.address)


def _referrer_copy(session: Session, episode_id: str) -> tuple[content.CopyRecipient, ...]:
    """The referrer gets a copy of the discharge letter when the episode came from a referral."""
    referral = referral_for_episode(session, episode_id=episode_id)
    if referral is None or not referral.referrer_name:
        return ()
    return (content.CopyRecipient(referral.referrer_name, _lines(referral.referrer_address)),)

"""A referral accepted on one laptop and declined on another is a conflict, not last-write-wins."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from otvisit.models import Episode, Referral, SessionNote
from otvisit.models.vocabulary import (
    DischargeReason,
    EpisodeStatus,
    Place,
    ReferralSource,
    ReferralStatus,
)
from otvisit.services import episodes, notes, referrals, safeguarding, waiting_list
from otvisit.sync.client import list_conflicts, resolve_conflict
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team

RECEIVED = date(2026, 11, 2)
DECLINE_WHY = "Needs are about behaviour at home; referred to the family support team"


def _referral_on_both(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> tuple[Laptop, Laptop, str]:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    assert a.sync().exit_code == 0  # the team record arrives
    with a.store.transaction() as session:
        received = referrals.receive_referral(
            session,
            team_id=team.team_id,
            details=referrals.ReferralDetails(
                received_on=RECEIVED,
                source=ReferralSource.GP,
                reason="Cannot yet dress for PE; very upset before PE days",
                child=referrals.NewChild(
                    given_name="Sam",
                    family_name="Okafor",
                    date_of_birth=date(2019, 3, 1),
                    nhs_number="943 476 5919",
                ),
            ),
            today=date(2026, 11, 24),
        )
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    assert b.get(Referral, received.referral_id).status is ReferralStatus.RECEIVED
    return a, b, received.referral_id


def test_accepted_on_one_laptop_and_declined_on_the_other_is_a_conflict(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    a, b, referral_id = _referral_on_both(server, laptops, tmp_path)
    # Both therapists triage the same referral offline, and decide differently.
    with a.store.transaction() as session:
        episode_id = referrals.accept_referral(
            session, referral_id=referral_id, accepted_on=date(2026, 11, 24)
        )
    with b.store.transaction() as session:
        referrals.decline_referral(
            session, referral_id=referral_id, declined_on=date(2026, 11, 24), reason=DECLINE_WHY
        )
    assert a.sync().exit_code == 0
    b.sync()
    a.sync()

    # Neither decision silently won: the first one to reach the server stands, and the other
    # is a conflict the therapist sees with both sides.
    for laptop in (a, b):
        referral = laptop.get(Referral, referral_id)
        assert referral.status is ReferralStatus.ACCEPTED
        assert referral.decline_reason == "" and referral.episode_id == episode_id
    with b.store.transaction() as session:
        conflicts = {c.field: c for c in list_conflicts(session)}
    assert conflicts["status"].mine == "declined" and conflicts["status"].theirs == "accepted"
    assert conflicts["decline_reason"].mine == DECLINE_WHY
    assert set(conflicts) == {"status", "decline_reason"}

    # B talks to A and keeps the decline: resolving writes it as an ordinary edit that syncs.
    with b.store.transaction() as session:
        for conflict in list_conflicts(session):
            resolve_conflict(session, conflict_id=conflict.id, choice="mine")
    assert b.sync().exit_code == 0
    a.sync()
    for laptop in (a, b):
        referral = laptop.get(Referral, referral_id)
        assert (referral.status, referral.decline_reason) == (
            ReferralStatus.DECLINED, DECLINE_WHY,
        )  # fmt: skip


def test_the_same_decision_on_the_other_laptop_after_syncing_is_refused_locally(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    a, b, referral_id = _referral_on_both(server, laptops, tmp_path)
    with a.store.transaction() as session:
        referrals.decline_referral(
            session, referral_id=referral_id, declined_on=date(2026, 11, 24), reason=DECLINE_WHY
        )
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    with b.store.read_session() as session:
        assert list_conflicts(session) == []
    assert b.get(Referral, referral_id).status is ReferralStatus.DECLINED


def _resolve_all(laptop: Laptop, choice: str) -> None:
    with laptop.store.transaction() as session:
        for conflict in list_conflicts(session):
            resolve_conflict(session, conflict_id=conflict.id, choice=choice)  # type: ignore[arg-type]


def test_a_conflict_resolved_as_declined_closes_the_episode_the_accept_opened_on_both(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    a, b, referral_id = _referral_on_both(server, laptops, tmp_path)
    with a.store.transaction() as session:
        episode_id = referrals.accept_referral(
            session, referral_id=referral_id, accepted_on=date(2026, 11, 24)
        )
    with b.store.transaction() as session:
        referrals.decline_referral(
            session, referral_id=referral_id, declined_on=date(2026, 11, 25), reason=DECLINE_WHY
        )
    assert a.sync().exit_code == 0
    b.sync()
    _resolve_all(b, "mine")  # the team keeps B's decline
    assert b.sync().exit_code == 0 and a.sync().exit_code == 0
    for laptop in (a, b):
        referral = laptop.get(Referral, referral_id)
        assert referral.status is ReferralStatus.DECLINED
        episode = laptop.get(Episode, episode_id)
        assert episode.status is EpisodeStatus.DISCHARGED, laptop
        assert episode.discharge_reason is DischargeReason.OTHER
        assert "referral was declined" in episode.discharge_summary
        with laptop.store.read_session() as session:
            assert episodes.current_episode(session, child_id=referral.child_id) is None
            assert waiting_list.waiting_list(session, today=date(2026, 11, 26)) == []


def test_declined_after_notes_were_written_keeps_the_notes_and_flags_the_record(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    a, b, referral_id = _referral_on_both(server, laptops, tmp_path)
    with b.store.transaction() as session:  # B declines first and syncs
        referrals.decline_referral(
            session, referral_id=referral_id, declined_on=date(2026, 11, 24), reason=DECLINE_WHY
        )
    with a.store.transaction() as session:  # A, offline, accepts and sees the child at school
        episode_id = referrals.accept_referral(
            session, referral_id=referral_id, accepted_on=date(2026, 11, 24)
        )
        child_id = session.get(Referral, referral_id).child_id
        note_id = notes.create_note(
            session, child_id=child_id, author_id=a.user_id, seen_on=date(2026, 11, 25),
            place=Place.SCHOOL, episode_id=episode_id, body="Watched PE changing; needs help.",
        )  # fmt: skip
    assert b.sync().exit_code == 0
    a.sync()  # A's accept is the conflict; its episode and note reached the server
    _resolve_all(a, "theirs")  # A talks to B and the decline stands
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0
    for laptop in (a, b):
        episode = laptop.get(Episode, episode_id)
        assert episode.status is EpisodeStatus.DISCHARGED, laptop
        note = laptop.get(SessionNote, note_id)
        assert note.body == "Watched PE changing; needs help." and not note.deleted
        assert "1 session note" in episode.discharge_summary
        with laptop.store.read_session() as session:
            prompts = safeguarding.record_prompts(session, child_id=child_id)
        assert any("declined after work had begun" in p for p in prompts), prompts

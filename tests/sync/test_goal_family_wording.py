"""A goal's wording in the family's language syncs as clinical text: never silently overwritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from otvisit.models import Child, Goal
from otvisit.models.registry import FIELDS
from otvisit.services import goals
from otvisit.sync.client import list_conflicts, resolve_conflict
from tests.factories import LEVELS
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team


def test_the_family_wording_is_declared_clinical_text_and_setting_a_plain_field() -> None:
    assert FIELDS["goal"]["family_wording"].clinical_text
    assert not FIELDS["goal"]["setting"].clinical_text
    assert FIELDS["goal"]["setting"].choices == ("home", "nursery", "school", "all")
    assert FIELDS["equipment_recommendation"]["product_code"].max_length == 80


def _goal_on(laptop: Laptop, team_id: str) -> str:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id,
            given_name="Amira",
            family_name="Haddad",
            date_of_birth=date(2019, 3, 1),
            nhs_number="9434765919",
            written_language="ar",
        )
        session.add(child)
        session.flush()
        return goals.create_goal(
            session,
            child_id=child.id,
            wording="Amira will put her coat on by herself",
            family_wording="أميرة ستلبس معطفها بنفسها",
            family_language="ar",
            levels=LEVELS,
            set_on=date(2026, 11, 2),
        )


def _reword(laptop: Laptop, goal_id: str, text: str, **more: str) -> None:
    with laptop.store.transaction() as session:
        goals.update_goal(
            session,
            goal_id=goal_id,
            changes={"family_wording": text, "family_language": "ar", **more},
        )


def test_the_family_wording_edited_on_two_laptops_is_a_conflict_with_both_versions(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    goal_id = _goal_on(a, team.team_id)
    a.sync()
    b.sync()
    assert b.get(Goal, goal_id).family_wording == "أميرة ستلبس معطفها بنفسها"
    _reword(a, goal_id, "أميرة ستلبس معطفها وحدها قبل اللعب")
    _reword(b, goal_id, "أميرة ستغلق سحاب معطفها بنفسها", setting="school")
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    with b.store.read_session() as session:
        [conflict] = list_conflicts(session)
    assert conflict.field == "family_wording"
    assert conflict.mine == "أميرة ستغلق سحاب معطفها بنفسها"
    assert conflict.theirs == "أميرة ستلبس معطفها وحدها قبل اللعب"
    # Nothing was overwritten silently: the server's version stands until she chooses.
    assert b.get(Goal, goal_id).family_wording == "أميرة ستلبس معطفها وحدها قبل اللعب"
    with b.store.transaction() as session:
        resolve_conflict(session, conflict_id=conflict.id, choice="mine")
    assert b.sync().conflicts == 0
    a.sync()
    for laptop in (a, b):
        goal = laptop.get(Goal, goal_id)
        assert goal.family_wording == "أميرة ستغلق سحاب معطفها بنفسها"
        assert goal.setting.value == "school"  # the structured field merged on its own
    assert a.snapshot() == b.snapshot()

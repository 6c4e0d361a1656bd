"""A signature covers the words its signer saw: never a colleague's text she had not seen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from otvisit.models import Child, SessionNote
from otvisit.models.vocabulary import Place
from otvisit.services import notes
from otvisit.services.errors import RuleRefused
from otvisit.sync.client import list_conflicts, resolve_conflict, settings
from otvisit.sync.client.credentials import Credentials, load_credentials
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team


def _same_therapist_on_two_laptops(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> tuple[Laptop, Credentials, Laptop, Credentials, str, str]:
    """Her two laptops (one token each), and a draft note of hers both have synced."""
    team = create_team(server, therapists=1)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    with a.store.read_session() as session:
        a_keys = load_credentials(session)  # read now: the second sign-in replaces the token
        me = json.loads(settings.get_setting(session, settings.USER))["therapist_id"]
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=0)
    with b.store.read_session() as session:
        b_keys = load_credentials(session)
    assert a.sync(credentials=a_keys).exit_code == 0  # her own therapist record arrives
    with a.store.transaction() as session:
        child = Child(
            team_id=team.team_id,
            given_name="Sam",
            family_name="Okafor",
            date_of_birth=date(2019, 3, 1),
            nhs_number="9434765919",
        )
        session.add(child)
        session.flush()
        note_id = notes.create_note(
            session, child_id=child.id, author_id=me, seen_on=date(2026, 11, 20),
            place=Place.HOME, body="Draft.",
        )  # fmt: skip
    assert a.sync(credentials=a_keys).exit_code == 0
    assert b.sync(credentials=b_keys).exit_code == 0
    return a, a_keys, b, b_keys, note_id, me


@pytest.mark.parametrize("separately", [False, True], ids=["text-and-sign", "sign-alone"])
def test_signing_over_a_colleague_s_unseen_change_is_held_back(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path, separately: bool
) -> None:
    a, a_keys, b, b_keys, note_id, me = _same_therapist_on_two_laptops(server, laptops, tmp_path)
    with a.store.transaction() as session:
        notes.save_draft(session, note_id=note_id, actor_id=me, body="Written on laptop A.")
    assert a.sync(credentials=a_keys).exit_code == 0
    with b.store.transaction() as session:
        notes.save_draft(session, note_id=note_id, actor_id=me, body="Written on laptop B.")
        if separately:
            session.flush()  # the text and the signature become two operations
        notes.sign_note(session, note_id=note_id, actor_id=me)

    b.sync(credentials=b_keys)

    note = b.get(SessionNote, note_id)
    assert note.signed_at is None  # not signed over words B never saw
    assert note.body == "Written on laptop A."
    with b.store.transaction() as session:
        (conflict,) = list_conflicts(session)
        assert (conflict.mine, conflict.theirs) == ("Written on laptop B.", "Written on laptop A.")
        resolve_conflict(session, conflict_id=conflict.id, choice="mine")
        notes.sign_note(session, note_id=note_id, actor_id=me)
    assert b.sync(credentials=b_keys).exit_code == 0
    a.sync(credentials=a_keys)
    for laptop in (a, b):
        final = laptop.get(SessionNote, note_id)
        assert (final.body, final.signed_at is not None) == ("Written on laptop B.", True)


def test_a_conflict_on_a_note_signed_since_keeps_the_signed_words(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    a, a_keys, b, b_keys, note_id, me = _same_therapist_on_two_laptops(server, laptops, tmp_path)
    with b.store.transaction() as session:
        notes.save_draft(session, note_id=note_id, actor_id=me, body="Written on laptop B.")
    with a.store.transaction() as session:
        notes.save_draft(session, note_id=note_id, actor_id=me, body="Written on laptop A.")
    a.sync(credentials=a_keys)
    b.sync(credentials=b_keys)  # B's text conflicts with A's
    with a.store.transaction() as session:
        notes.sign_note(session, note_id=note_id, actor_id=me)
    a.sync(credentials=a_keys)
    b.sync(credentials=b_keys)  # B now holds the signed note
    with b.store.transaction() as session:
        (conflict,) = list_conflicts(session)
        with pytest.raises(RuleRefused, match="addendum"):
            resolve_conflict(session, conflict_id=conflict.id, choice="mine")
    assert b.get(SessionNote, note_id).body == "Written on laptop A."

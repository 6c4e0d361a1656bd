"""Export, then import into an empty profile: the same child, goals, ratings, notes, equipment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.fhir.export import bundle_json, export_child
from otvisit.fhir.reading import read_bundle
from otvisit.fhir.record_import import import_record
from otvisit.models import (
    Carer,
    Child,
    CopmProblem,
    EquipmentRecommendation,
    GasRating,
    Goal,
    NoteAddendum,
    SessionNote,
)
from otvisit.models.store import Store
from tests.fhir.conftest import FullRecord


def _picture(session: Session) -> dict[str, Any]:
    """What a person would compare: the record's content, without ids or sync columns."""
    child = session.scalars(select(Child)).one()
    goal_words = {g.id: g.wording for g in session.scalars(select(Goal))}
    return {
        "child": (
            child.given_name,
            child.family_name,
            child.preferred_name,
            child.date_of_birth,
            child.nhs_number,
            child.address,
            child.postcode,
            child.written_language,
            child.spoken_language,
            child.interpreter_needed,
        ),
        "carers": sorted(
            (c.full_name, c.relationship, c.phone, c.main_contact)
            for c in session.scalars(select(Carer))
        ),
        "goals": sorted(
            (
                g.wording,
                g.area,
                g.set_on,
                g.status,
                g.gas_baseline,
                g.gas_weight,
                tuple(sorted(g.gas_levels().items())),
            )
            for g in session.scalars(select(Goal))
        ),
        "ratings": sorted(
            (goal_words[r.goal_id], r.rated_on, r.level, r.comment)
            for r in session.scalars(select(GasRating))
        ),
        "copm": sorted(
            (
                p.occupation,
                p.importance,
                p.baseline_on,
                p.baseline_performance,
                p.baseline_satisfaction,
                p.reassessed_on,
                p.reassessed_performance,
                p.reassessed_satisfaction,
                goal_words.get(p.goal_id or ""),
            )
            for p in session.scalars(select(CopmProblem))
        ),
        "notes": sorted(
            (
                n.seen_on,
                n.place,
                n.body,
                n.plan,
                n.signed_at,
                tuple(sorted(goal_words[g] for g in n.goals_addressed)),
            )
            for n in session.scalars(select(SessionNote).where(SessionNote.signed_at.is_not(None)))
        ),
        "addenda": sorted((a.written_at, a.text) for a in session.scalars(select(NoteAddendum))),
        "equipment": sorted(
            (
                e.item,
                e.setting,
                e.functional_need,
                tuple(sorted(e.measurements.items())),
                e.funder,
                e.safety_notes,
                e.status,
                e.recommended_on,
                goal_words.get(e.goal_id or ""),
            )
            for e in session.scalars(select(EquipmentRecommendation))
        ),
    }


def test_export_then_import_into_an_empty_profile_gives_back_the_same_record(
    store: Store, full_record: FullRecord, tmp_path: Path
) -> None:
    with store.transaction() as session:
        text = bundle_json(export_child(session, child_id=full_record.child_id, actor_id=None))
        before = _picture(session)
    empty = Store.open(tmp_path / "elsewhere" / "otvisit.db")
    try:
        with empty.transaction() as session:
            imported = import_record(session, read_bundle(text), actor_id=None)
        with empty.read_session() as session:
            after = _picture(session)
            author = session.scalars(select(SessionNote.author_id)).one()
    finally:
        empty.close()
    assert (imported.goals, imported.ratings, imported.notes, imported.equipment) == (2, 6, 1, 1)
    assert after == before
    assert author == full_record.therapist_id  # the note keeps its author


def test_a_tampered_record_is_refused_whole(
    store: Store, full_record: FullRecord, tmp_path: Path
) -> None:
    import json

    import pytest

    from otvisit.fhir import codes
    from otvisit.services.errors import DomainError

    with store.transaction() as session:
        data = json.loads(
            bundle_json(export_child(session, child_id=full_record.child_id, actor_id=None))
        )
    for entry in data["entry"]:
        value = entry["resource"].get("valueCodeableConcept")
        for coding in (value or {}).get("coding", []):
            if coding["system"] == codes.own_system("gas-level"):
                coding["code"] = "7"
    empty = Store.open(tmp_path / "elsewhere" / "otvisit.db")
    try:
        with pytest.raises(DomainError, match="GAS level"), empty.transaction() as session:
            import_record(session, read_bundle(json.dumps(data)), actor_id=None)
        with empty.read_session() as session:
            assert session.scalars(select(Child)).all() == []
    finally:
        empty.close()


def test_the_commands_export_and_import_a_record_between_profiles(tmp_path: Path) -> None:
    import subprocess
    import sys

    def otvisit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "otvisit", "--data-dir", str(tmp_path), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"OTVISIT_INSECURE_KEY_FILE": "1", "PATH": "/usr/bin:/bin"},
        )

    assert otvisit("demo", "--children", "3", "--records", "400").returncode == 0
    out = tmp_path / "bundle.json"
    done = otvisit(
        "--profile", "demo", "fhir", "export", "--child", "999 000 0018", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o077 == 0, "the export holds a child's record: owner-only"
    imported = otvisit("fhir", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert "signed notes" in imported.stdout
    again = otvisit("fhir", "import", str(out))
    assert again.returncode == 1 and "already has the NHS number" in again.stderr

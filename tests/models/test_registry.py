"""Which fields are clinicians' free text: those are never merged silently by sync."""

from __future__ import annotations

from otvisit.models.registry import FIELDS


def test_clinicians_words_are_marked_as_clinical_text() -> None:
    clinical = {
        (entity, name) for entity, specs in FIELDS.items() for name, spec in specs.items()
        if spec.clinical_text
    }  # fmt: skip
    expected = {
        ("goal", "wording"),
        ("session_note", "body"),
        ("session_note", "plan"),
        ("note_addendum", "text"),
        ("episode", "referral_reason"),
        ("episode", "discharge_summary"),
        ("appointment", "notes"),
        ("equipment_recommendation", "functional_need"),
        ("assessment", "summary"),
        ("home_programme", "this_week"),
    }
    assert expected <= clinical
    # Structured fields merge per field: a date or a status is never a conflict.
    assert ("appointment", "starts_at") not in clinical
    assert ("child", "postcode") not in clinical

"""Documents made from a child's real records: gathered, rendered, saved and recorded."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import AuditEvent, Child, DocumentFile, PrintedDocument
from otvisit.models.store import Store
from otvisit.models.vocabulary import AuditAction, DischargeReason
from otvisit.reports.printing import DocumentRequest, make_document, render_for_child
from otvisit.reports.render import DocumentKind
from otvisit.reports.strategy_library import bundled_library
from otvisit.services import episodes, programmes
from otvisit.services.document_files import read_pdf
from otvisit.services.errors import NotFound, ValidationError
from otvisit.services.strategy_library import seed_strategy_library
from tests import factories
from tests.reports import pdfcheck

TODAY = date(2026, 11, 24)


def _visit(session: Session, **child_overrides: object) -> Child:
    """A child with a therapist, carers, a goal with ratings, COPM, a programme and equipment."""
    therapist = factories.make_therapist(session, phone="020 3049 8100")
    team_id = therapist.team_id
    seed_strategy_library(
        session, team_id=team_id, strategies=bundled_library().strategies.values()
    )
    child = factories.make_child(session, therapist=therapist, **child_overrides)
    factories.make_carer(session, child=child)
    goal = factories.make_goal(session, child=child)
    factories.make_rating(session, goal=goal, level=1)
    factories.make_copm_problem(session, child=child)
    programme = factories.make_programme(session, child=child, this_week="Try the coat flip.")
    programmes.add_programme_strategy(
        session, programme_id=programme.id, strategy_slug="dressing-coat-flip", goal_id=goal.id
    )
    factories.make_equipment(session, child=child)
    return child


def test_handout_from_the_record_is_kept_in_the_store_listed_and_audited(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session)
        saved = make_document(session, DocumentRequest(DocumentKind.HANDOUT, child.id), today=TODAY)
    with store.read_session() as session:
        pdf = read_pdf(session, saved.file_name)
    assert pdf is not None
    text = pdfcheck.flat(pdf)
    assert "Sam will put his coat on by himself before outdoor play" in text
    assert "The coat flip" in text and "020 3049 8181" in text
    with store.read_session() as session:
        document = session.get(PrintedDocument, saved.document_id)
        assert document is not None and document.file_name == saved.file_name
        assert document.sha256 == hashlib.sha256(pdf).hexdigest()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.record_id == document.id)).one()
    assert audit.action is AuditAction.PRINT and audit.child_id == child.id


def test_family_language_and_large_print_follow_the_childs_record(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session, written_language="pl", access_needs=["large_print"])
        rendered = render_for_child(
            session, DocumentRequest(DocumentKind.HANDOUT, child.id), today=TODAY
        )
        letter = render_for_child(
            session, DocumentRequest(DocumentKind.EQUIPMENT, child.id), today=TODAY
        )
    assert (rendered.language, rendered.large_print) == ("pl", True)
    sizes = {round(c["size"]) for c in pdfcheck.chars(rendered.pdf)}
    assert min(sizes) >= 16
    assert letter.language == "en"  # the school's letter stays in English


@pytest.mark.parametrize(
    "kind", [DocumentKind.TEACHER, DocumentKind.EQUIPMENT, DocumentKind.PROGRESS]
)
def test_every_document_kind_renders_from_the_record(store: Store, kind: DocumentKind) -> None:
    with store.transaction() as session:
        child = _visit(session)
        rendered = render_for_child(session, DocumentRequest(kind, child.id), today=TODAY)
    text = pdfcheck.flat(rendered.pdf)
    assert "Okafor" in text
    if kind is DocumentKind.EQUIPMENT:
        assert "Height-adjustable chair with footrest" in text and "31 cm" in text
    if kind is DocumentKind.PROGRESS:
        assert "GAS T-score: 60.0" in text  # one goal rated +1: 50 + 10·1/√1


def test_discharge_letter_needs_a_discharge(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session)
        with pytest.raises(NotFound, match="has not been discharged"):
            render_for_child(
                session, DocumentRequest(DocumentKind.DISCHARGE, child.id), today=TODAY
            )
        episode = factories.make_episode(session, child=child)
        episodes.discharge_episode(
            session,
            episode_id=episode.id,
            reason=DischargeReason.GOALS_MET,
            summary="Sam now dresses for school by himself.",
            discharged_on=TODAY,
        )
        rendered = render_for_child(
            session, DocumentRequest(DocumentKind.DISCHARGE, child.id), today=TODAY
        )
    assert "Sam now dresses for school by himself." in pdfcheck.flat(rendered.pdf)


def test_missing_records_are_clear_errors_and_nothing_is_recorded(store: Store) -> None:
    with store.transaction() as session:
        child = factories.make_child(session)
        before = factories.counts(session)
        with pytest.raises(NotFound, match="no home programme"):
            make_document(
                session,
                DocumentRequest(DocumentKind.HANDOUT, child.id),
                today=TODAY,
            )
        with pytest.raises(ValidationError, match="no goals"):
            make_document(
                session,
                DocumentRequest(DocumentKind.PROGRESS, child.id),
                today=TODAY,
            )
        assert factories.counts(session) == before
        assert session.scalars(select(DocumentFile)).all() == []


def test_unknown_language_is_refused(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session)
        with pytest.raises(ValidationError, match="not available in the language 'xx'"):
            render_for_child(
                session, DocumentRequest(DocumentKind.HANDOUT, child.id, language="xx"), today=TODAY
            )


def test_arabic_discharge_letter_comes_with_an_english_copy_for_the_gp(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session, written_language="ar")
        episode = factories.make_episode(session, child=child, referral_reason="Slumps on chair")
        episodes.discharge_episode(
            session, episode_id=episode.id, reason=DischargeReason.GOALS_MET,
            summary="Sam now dresses for school by himself.", discharged_on=TODAY,
        )  # fmt: skip
        saved = make_document(
            session, DocumentRequest(DocumentKind.DISCHARGE, child.id), today=TODAY
        )
        kept = session.scalars(select(PrintedDocument).order_by(PrintedDocument.language)).all()
        assert saved.language == "ar" and saved.english_copy_file_name is not None
        family_pdf = read_pdf(session, saved.file_name)
        english_pdf = read_pdf(session, saved.english_copy_file_name)
    assert family_pdf is not None and english_pdf is not None  # both kept in the store
    family = pdfcheck.flat(family_pdf)
    english = pdfcheck.flat(english_pdf)
    assert "English copy for the GP and school. The family has this letter in Arabic." in english
    assert "Dear " in english and "Date of discharge: 24 November 2026" in english
    assert "Why Sam was referred Slumps on chair" in english
    assert not any("\u0600" <= ch <= "\u06ff" for ch in english)  # no Arabic for the GP
    assert any("\u0600" <= ch <= "\u06ff" for ch in family)
    assert [(d.language, d.file_name) for d in kept] == [
        ("ar", saved.file_name),
        ("en", saved.english_copy_file_name),
    ]


def test_school_documents_are_english_whatever_language_is_asked(store: Store) -> None:
    with store.transaction() as session:
        child = _visit(session, written_language="ar")
        for kind in (DocumentKind.TEACHER, DocumentKind.EQUIPMENT):
            rendered = render_for_child(
                session, DocumentRequest(kind, child.id, language="ar"), today=TODAY
            )
            assert rendered.language == "en" and rendered.english_copy is None


def test_a_goal_in_the_familys_words_reaches_their_letter_and_not_the_gps_copy(
    store: Store,
) -> None:
    from tests.reports.test_extraction import _words, poppler

    arabic = "سام سيلبس ملابس المدرسة بنفسه"
    with store.transaction() as session:
        child = _visit(session, written_language="ar")
        episode = factories.make_episode(session, child=child, referral_reason="Dressing")
        factories.make_goal(
            session,
            child=child,
            episode_id=episode.id,
            wording="Sam will dress for school by himself",
            family_wording=arabic,
            family_language="ar",
            setting="home",
        )
        episodes.discharge_episode(
            session, episode_id=episode.id, reason=DischargeReason.GOALS_MET,
            summary="Sam now dresses for school by himself.", discharged_on=TODAY,
        )  # fmt: skip
        rendered = render_for_child(
            session, DocumentRequest(DocumentKind.DISCHARGE, child.id), today=TODAY
        )
        advice = render_for_child(
            session, DocumentRequest(DocumentKind.TEACHER, child.id), today=TODAY
        )
    assert rendered.english_copy is not None
    assert _words(arabic) in _words(poppler(rendered.pdf))
    english = pdfcheck.flat(rendered.english_copy)
    assert "Sam will dress for school by himself" in english and "سام" not in english
    # A home goal is not the school's: the advice keeps the "all settings" goal only.
    school = pdfcheck.flat(advice.pdf)
    assert "dress for school by himself" not in school
    assert "Sam will put his coat on by himself before outdoor play" in school

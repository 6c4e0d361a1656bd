"""The declined-referral letter, made through the one printing path and read back from the PDF."""

from __future__ import annotations

import unicodedata
from datetime import date

import pypdfium2
import pytest
from sqlalchemy import select

from otvisit.models import AuditEvent, PrintedDocument
from otvisit.models.store import Store
from otvisit.models.vocabulary import AuditAction, ReferralSource
from otvisit.reports.printing import DocumentRequest, make_document
from otvisit.reports.render import DocumentKind
from otvisit.services import referrals
from otvisit.services.document_files import read_pdf
from otvisit.services.errors import NotFound
from tests import factories
from tests.reports import pdfcheck

TODAY = date(2026, 11, 24)
WHY = "Zofia's needs are about behaviour at home; we have passed the referral to family support."


def test_a_declined_referral_prints_a_letter_to_the_referrer_copied_to_family_and_gp(
    store: Store,
) -> None:
    with store.transaction() as session:
        therapist = factories.make_therapist(session, phone="020 3049 8100")
        received = referrals.receive_referral(
            session,
            team_id=therapist.team_id,
            details=referrals.ReferralDetails(
                received_on=date(2026, 11, 2),
                source=ReferralSource.GP,
                reason="Parents worried about meltdowns at bedtime",
                referrer_name="Dr A. Okoye",
                referrer_address="Bankside Medical Centre\n12 Example Street\nLondon SE1 9AA",
                child=referrals.NewChild(
                    given_name="Zofia",
                    family_name="Nowak",
                    date_of_birth=date(2019, 6, 3),
                    nhs_number=factories.next_nhs_number(),
                    details={"gp_name": "Dr A. Okoye", "gp_practice": "Bankside Medical Centre"},
                ),
            ),
            today=TODAY,
        )
        factories.make_carer(
            session, child=session.get(factories.Child, received.child_id), full_name="Ewa Nowak"
        )
        request = DocumentRequest(DocumentKind.REFERRAL_DECLINED, received.child_id)
        with pytest.raises(NotFound, match="no declined referral"):
            make_document(session, request, today=TODAY)
        referrals.decline_referral(
            session, referral_id=received.referral_id, declined_on=TODAY, reason=WHY,
            actor_id=therapist.id,
        )  # fmt: skip
        saved = make_document(session, request, today=TODAY, actor_id=therapist.id)
        pdf = read_pdf(session, saved.file_name)
    assert pdf is not None  # kept in the encrypted store
    text = pdfcheck.flat(pdf)
    for expected in (
        "Dear Dr A. Okoye,",
        "Bankside Medical Centre",
        "received on 2 November 2026",
        "Parents worried about meltdowns at bedtime",
        WHY,
        "Ewa Nowak",  # the family's copy
        "Priya Shah",
    ):
        assert expected in text, expected
    assert saved.language == "en"
    with store.read_session() as session:
        document = session.get(PrintedDocument, saved.document_id)
        assert document is not None and document.kind == "referral-declined"
        assert session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.PRINT)
        ).all()


def test_the_discharge_after_a_child_was_not_brought_is_copied_to_the_referrer(
    store: Store,
) -> None:
    from datetime import UTC, datetime

    from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, Place
    from otvisit.services import appointments, episodes, safeguarding

    with store.transaction() as session:
        therapist = factories.make_therapist(session, phone="020 3049 8100")
        received = referrals.receive_referral(
            session,
            team_id=therapist.team_id,
            details=referrals.ReferralDetails(
                received_on=date(2026, 9, 1),
                source=ReferralSource.HEALTH_VISITOR,
                reason="Not yet feeding herself",
                referrer_name="Jo Bell, health visitor",
                referrer_address="Bankside Health Centre\nLondon SE1 9AA",
                child=referrals.NewChild(
                    given_name="Lina", family_name="Haddad", date_of_birth=date(2023, 5, 2),
                    nhs_number=factories.next_nhs_number(),
                    details={"gp_name": "Dr A. Okoye"},
                ),
            ),
            today=TODAY,
        )  # fmt: skip
        episode_id = referrals.accept_referral(
            session, referral_id=received.referral_id, accepted_on=date(2026, 9, 2)
        )
        missed = datetime(2026, 11, 20, 10, tzinfo=UTC)
        appointment_id = appointments.book_appointment(
            session, child_id=received.child_id, starts_at=missed,
            kind=AppointmentType.INITIAL, place=Place.CLINIC,
        )  # fmt: skip
        appointments.mark_not_brought(
            session, appointment_id=appointment_id, outcome=AppointmentStatus.WAS_NOT_BROUGHT,
            now=missed,
        )  # fmt: skip
        safeguarding.record_safeguarding_check(
            session,
            episode_id=episode_id,
            answers=safeguarding.SafeguardingAnswers(
                known_to_social_care=False, concern=False, told_gp=True,
                told_health_visitor_or_school_nurse=True, told_referrer=True,
            ),
        )  # fmt: skip
        episodes.confirm_discharge(session, episode_id=episode_id, actor_id=therapist.id)
        saved = make_document(
            session,
            DocumentRequest(DocumentKind.DISCHARGE, received.child_id, language="en"),
            today=TODAY,
        )
        pdf = read_pdf(session, saved.file_name)
    assert pdf is not None
    text = pdfcheck.flat(pdf)
    copies = text[text.index("Copy to") :]
    assert "Dr A. Okoye" in copies and "Jo Bell, health visitor" in copies
    assert "Bankside Health Centre" in copies


def _declined_in(store: Store, language: str) -> tuple[bytes, bytes, object]:
    """A referral declined for a family who reads ``language``: the family's and English PDFs."""
    with store.transaction() as session:
        therapist = factories.make_therapist(session, phone="020 3049 8100")
        received = referrals.receive_referral(
            session,
            team_id=therapist.team_id,
            details=referrals.ReferralDetails(
                received_on=date(2026, 11, 2),
                source=ReferralSource.HEALTH_VISITOR,
                reason="Not yet feeding herself with a spoon",
                referrer_name="Jo Bell",
                referrer_address="Bankside Health Centre\nLondon SE1 9AA",
                child=referrals.NewChild(
                    given_name="Lina", family_name="Haddad", date_of_birth=date(2022, 5, 2),
                    nhs_number=factories.next_nhs_number(),
                    details={"written_language": language, "spoken_language": language,
                             "gp_name": "Dr A. Okoye", "address": "4 Mill Lane, London"},
                ),
            ),
            today=TODAY,
        )  # fmt: skip
        factories.make_carer(
            session, child=session.get(factories.Child, received.child_id), full_name="Sara Haddad"
        )
        referrals.decline_referral(
            session, referral_id=received.referral_id, declined_on=TODAY, reason=WHY,
            actor_id=therapist.id,
        )  # fmt: skip
        saved = make_document(
            session,
            DocumentRequest(DocumentKind.REFERRAL_DECLINED, received.child_id),
            today=TODAY,
            actor_id=therapist.id,
        )
        assert saved.language == language and saved.english_copy_file_name is not None
        family = read_pdf(session, saved.file_name)
        english = read_pdf(session, saved.english_copy_file_name)
        kept = sorted((d.language, d.title) for d in session.scalars(select(PrintedDocument)).all())
    assert family is not None and english is not None
    return family, english, kept


def _family_text(pdf: bytes, language: str) -> str:
    """The letter's text in logical order, by the extraction that reads that script back."""
    if language == "ar":
        return "\n".join(pdfcheck.logical_rtl(line) for line in pdfcheck.text(pdf).splitlines())
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    marks = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    return " ".join(
        unicodedata.normalize("NFC", "".join(c for c in text if c not in marks)).split()
    )


@pytest.mark.parametrize(
    ("language", "name", "phrases"),
    [
        # Arabic read back by pdfplumber (lam-alef ligatures do not come back: none here)
        ("ar", "Arabic", ("ماذا سيحدث بعد ذلك", "السبب أدناه مكتوب باللغة")),
        # Urdu (Nastaliq) read back through its ActualText by pdfium
        ("ur", "Urdu", ("ہم یہ ریفرل کیوں قبول نہیں کر سکتے", "آگے کیا ہوگا")),
    ],
)
def test_the_family_reads_the_decline_in_their_language_and_the_referrer_in_english(
    store: Store, language: str, name: str, phrases: tuple[str, ...]
) -> None:
    family_pdf, english_pdf, kept = _declined_in(store, language)
    family_text = _family_text(family_pdf, language)
    for phrase in phrases:
        assert phrase in family_text, phrase
    family = pdfcheck.flat(family_pdf)
    assert "Sara Haddad" in family and "4 Mill Lane" in family  # addressed to the family
    assert "Jo Bell" in family  # the copy list names the referrer
    english = pdfcheck.flat(english_pdf)
    assert f"English copy for the referrer and the GP. The family has this letter in {name}." in (
        english
    )
    assert "Dear Jo Bell," in english and WHY in english
    assert not any("\u0600" <= ch <= "\u06ff" for ch in english)  # no Arabic script for the GP
    assert sorted(language_ for language_, _title in kept) == sorted(["en", language])
    assert "English copy for the referrer and the GP" in dict(kept)["en"]


def test_a_family_language_without_templates_gets_the_english_letter_alone(
    store: Store,
) -> None:
    with store.transaction() as session:
        therapist = factories.make_therapist(session)
        received = referrals.receive_referral(
            session,
            team_id=therapist.team_id,
            details=referrals.ReferralDetails(
                received_on=date(2026, 11, 2), source=ReferralSource.PARENT,
                reason="Handwriting", referrer_name="Mrs K. Tran",
                child=referrals.NewChild(
                    given_name="Minh", family_name="Tran", date_of_birth=date(2018, 1, 5),
                    nhs_number=factories.next_nhs_number(), details={"written_language": "vi"},
                ),
            ),
            today=TODAY,
        )  # fmt: skip
        referrals.decline_referral(
            session, referral_id=received.referral_id, declined_on=TODAY, reason=WHY
        )
        saved = make_document(
            session, DocumentRequest(DocumentKind.REFERRAL_DECLINED, received.child_id),
            today=TODAY,
        )  # fmt: skip
    assert saved.language == "en" and saved.english_copy_file_name is None

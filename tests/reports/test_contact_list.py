"""The strike-day contact list as a PDF, read back: each family once, with what to say to whom."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from otvisit.models import AuditEvent
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.store import Store
from otvisit.models.vocabulary import AuditAction, ContactOutcome
from otvisit.reports.contact_list import save_contact_list
from otvisit.services import disruption
from tests import factories
from tests.reports import pdfcheck

STRIKE = date(2030, 9, 17)


def test_the_contact_list_pdf_names_each_family_once_with_phone_language_and_outcome(
    store: Store, tmp_path: Path
) -> None:
    with store.transaction() as session:
        team = factories.make_team(session)
        for n, (name, carer, phone, language) in enumerate(
            (
                ("Amira", "Noor Haddad", "07700 900123", "Arabic"),
                ("Sam", "Ewa Nowak", "07700 900456", ""),
            )
        ):
            child = factories.make_child(
                session, team=team, given_name=name, interpreter_needed=bool(language),
                interpreter_language=language,
            )  # fmt: skip
            factories.make_carer(session, child=child, full_name=carer, phone=phone)
            for hour in (9 + n, 14 + n):
                factories.make_appointment(
                    session, child=child,
                    starts_at=datetime(2030, 9, 17, hour, tzinfo=SERVICE_TIMEZONE),
                )  # fmt: skip
        disruption.flag_disrupted_day(session, day=STRIKE, reason="Strike", team_id=team.id)
        families = disruption.build_contact_list(session, day=STRIKE, team_id=team.id)
        nowak = next(f for f in families if f.family_name == "Ewa Nowak")
        disruption.record_family_contact(
            session, contact_id=nowak.contact_id, outcome=ContactOutcome.REBOOKED
        )
        path = save_contact_list(
            session, day=STRIKE, team_id=team.id, path=tmp_path / "list.pdf", actor_id="t"
        )
    text = pdfcheck.flat(path.read_bytes())
    assert "Families to contact: 17 September 2030" in text
    assert "2 families, 1 not yet contacted" in text
    assert text.count("Noor Haddad") == 1 and text.count("Ewa Nowak") == 1
    assert "07700 900123" in text and "interpreter: Arabic" in text
    assert "Yes: Rebooked" in text and "Not yet" in text
    with store.read_session() as session:
        assert session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.entity == "disruption_contact"
            )
        ).all()

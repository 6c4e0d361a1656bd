"""The waiting list window, opened from the caseload: accept and decline referrals."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from otvisit.models import Referral
from otvisit.models.vocabulary import ReferralPriority, ReferralSource, ReferralStatus
from otvisit.services import referrals
from otvisit.ui.pathway.waiting_list import WaitingListWindow
from tests.ui.driver import Visit, type_into
from tests.ui.factories import nhs_number

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _referral(visit: Visit, *, name: str, weeks_ago: int, seed: int, accept: bool) -> str:
    today = date.today()
    with visit.window.context.runner.store.transaction() as session:
        received = referrals.receive_referral(
            session,
            team_id=visit.seeded.team_id,
            details=referrals.ReferralDetails(
                received_on=today - timedelta(weeks=weeks_ago),
                source=ReferralSource.SCHOOL_SENCO,
                reason="Handwriting slow and tiring; not finishing written work",
                priority=ReferralPriority.ROUTINE,
                referrer_name="Ms R. Begum",
                child=referrals.NewChild(
                    given_name=name,
                    family_name="Nowak",
                    date_of_birth=date(2018, 4, 9),
                    nhs_number=nhs_number(seed),
                ),
            ),
        )
        if accept:
            referrals.accept_referral(session, referral_id=received.referral_id, accepted_on=today)
    return received.referral_id


def _open(visit: Visit) -> WaitingListWindow:
    QTest.mouseClick(visit.window.caseload.waiting_list_button, Qt.MouseButton.LeftButton)
    visit.settle()
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, WaitingListWindow)]
    assert window.isVisible()
    return window


def test_accept_and_decline_referrals_from_the_waiting_list(visit: Visit) -> None:
    _referral(visit, name="Zofia", weeks_ago=20, seed=901, accept=True)
    to_accept = _referral(visit, name="Lena", weeks_ago=3, seed=902, accept=False)
    to_decline = _referral(visit, name="Piotr", weeks_ago=1, seed=903, accept=False)
    window = _open(visit)
    assert window.waiting.rowCount() == 1
    assert window.waiting.texts(window.waiting.row_at(0))[3:5] == ("20", "18–52")
    assert window.decide.rowCount() == 2

    window.decide_table.selectRow(0)  # Lena, the oldest
    QTest.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "Lena Nowak joins the waiting list" in window.messages.label.text()
    assert window.waiting.rowCount() == 2 and window.decide.rowCount() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "waiting-list.png"))

    window.decide_table.selectRow(0)
    QTest.mouseClick(window.decline_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.confirm()  # no reason typed: refused, nothing written
    visit.settle()
    assert "reason" in window.messages.label.text()
    assert window.decide.rowCount() == 1
    QTest.mouseClick(window.decline_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    type_into(dialog.reason, "Needs are met by the school's own handwriting group")  # type: ignore[attr-defined]
    dialog.confirm()
    visit.settle()
    assert window.decide.rowCount() == 0
    preview = visit.window.printer.preview  # the letter to the referrer and the family
    assert preview is not None and preview.isVisible()
    assert preview.shown.rendered is not None
    assert preview.shown.rendered.request.kind.value == "referral-declined"
    with visit.window.context.runner.store.read_session() as session:
        accepted = session.get(Referral, to_accept)
        declined = session.get(Referral, to_decline)
        assert accepted is not None and accepted.status is ReferralStatus.ACCEPTED
        assert declined is not None and declined.status is ReferralStatus.DECLINED
        assert declined.decline_reason.startswith("Needs are met")


def test_the_waiting_list_closes_when_the_app_locks(visit: Visit) -> None:
    _referral(visit, name="Zofia", weeks_ago=2, seed=904, accept=True)
    window = _open(visit)
    assert window.waiting.rowCount() == 1
    visit.window.lock()
    visit.settle()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, WaitingListWindow)
                and w.isVisible()]  # fmt: skip

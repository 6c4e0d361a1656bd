"""The waiting list window, opened from the caseload: new referrals, accept and decline."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from otvisit.models import Child, Referral
from otvisit.models.vocabulary import ReferralPriority, ReferralSource, ReferralStatus
from otvisit.services import referrals
from otvisit.ui.pathway.new_referral import NewReferralDialog
from otvisit.ui.pathway.waiting_list import WaitingListWindow
from tests.ui.driver import Visit, type_into
from tests.ui.factories import nhs_number
from tests.ui.keys import clashes, stray_ampersands
from tests.ui.shots import save_screenshot

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


def _fill_referral(visit: Visit, dialog: NewReferralDialog, *, nhs: str) -> None:
    """Fill the form with the keyboard, field after field with Tab, as a therapist does."""
    dialog.activateWindow()
    visit.qtbot.waitUntil(dialog.isActiveWindow)

    def field(widget: QWidget, keys: str = "", *, space: bool = False) -> None:
        assert widget.hasFocus(), widget.accessibleName()  # Tab brought the keyboard here
        if keys:
            QTest.keyClicks(widget, keys)
        if space:
            QTest.keyClick(widget, Qt.Key.Key_Space)
        QTest.keyClick(widget, Qt.Key.Key_Tab)

    field(dialog.given_name, "Amira")  # the form opens in its first field
    field(dialog.family_name, "Haddad")
    field(dialog.born, "09042019")  # dd MM yyyy: each part moves on by itself
    field(dialog.nhs_number, nhs)
    field(dialog.language, "Arabic")  # a combo box finds the language by its first letters
    field(dialog.interpreter, space=True)  # interpreter needed
    field(dialog.received, f"{date.today():%d%m%Y}")  # a date's own Tab walks its parts
    field(dialog.source, "Health")
    field(dialog.referrer, "Jo Mensah, health visitor")
    field(dialog.referrer_address, "Northside Children's Centre, 4 Mill Lane")
    field(dialog.reason, "Not yet feeding herself with a spoon; upset at mealtimes")
    field(dialog.priority, "Urgent")
    assert dialog.consent.hasFocus()
    QTest.keyClick(dialog.consent, Qt.Key.Key_Space)  # the family agreed


def test_a_new_referral_typed_in_the_form_is_in_the_referrals_to_decide(visit: Visit) -> None:
    window = _open(visit)
    assert window.decide.rowCount() == 0
    QTest.mouseClick(window.new_referral_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, NewReferralDialog) and dialog.isVisible()
    assert clashes(dialog) == {} and stray_ampersands(dialog) == []
    _fill_referral(visit, dialog, nhs="943 476 5919")
    save_screenshot(dialog, "new-referral.png")
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert window.dialog is None  # closed and deleted once kept
    assert "Amira Haddad" in window.messages.label.text()
    assert window.decide.rowCount() == 1
    row = window.decide.texts(window.decide.row_at(0))
    assert row[1:5] == ("Amira Haddad", "943 476 5919", "Health visitor: Jo Mensah, health visitor",
                        "Urgent")  # fmt: skip
    with visit.window.context.runner.store.read_session() as session:
        (referral,) = session.scalars(select(Referral)).all()
        child = session.get(Child, referral.child_id)
        assert child is not None
        assert (child.date_of_birth, child.written_language, child.interpreter_language) == (
            date(2019, 4, 9), "ar", "Arabic",
        )  # fmt: skip
        assert referral.family_consent is True
        assert referral.priority is ReferralPriority.URGENT
        assert referral.received_on == date.today()


def test_a_wrong_nhs_number_or_no_consent_is_refused_and_nothing_is_written(
    visit: Visit,
) -> None:
    window = _open(visit)
    with visit.window.context.runner.store.read_session() as session:
        children_before = len(session.scalars(select(Child)).all())
    dialog = window.open_new_referral()
    _fill_referral(visit, dialog, nhs="943 476 5918")  # the check digit is 9
    QTest.keyClick(dialog.ok_button, Qt.Key.Key_Space)
    visit.settle()
    assert dialog.isVisible()  # still open with everything typed
    assert "check digit is wrong" in dialog.problem.text() and dialog.problem.isVisible()
    assert dialog.nhs_number.hasFocus()
    assert dialog.given_name.text() == "Amira"
    with visit.window.context.runner.store.read_session() as session:
        assert session.scalars(select(Referral)).all() == []
        assert len(session.scalars(select(Child)).all()) == children_before
    # put right with the keyboard; without the family's consent it is still not kept
    dialog.nhs_number.selectAll()
    QTest.keyClicks(dialog.nhs_number, "9434765919")
    QTest.keyClick(dialog.consent, Qt.Key.Key_Space)  # untick: the family did not agree
    dialog.confirm()
    visit.settle()
    assert dialog.isVisible() and "not agreed" in dialog.problem.text()
    with visit.window.context.runner.store.read_session() as session:
        assert session.scalars(select(Referral)).all() == []
    QTest.keyClick(dialog.consent, Qt.Key.Key_Space)  # they did agree after all
    dialog.confirm()
    visit.settle()
    assert window.dialog is None and window.decide.rowCount() == 1

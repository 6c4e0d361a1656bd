"""The waiting list window, opened from the caseload: new referrals, accept and decline."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from otvisit.models import Child, Referral
from otvisit.models.vocabulary import ReferralPriority, ReferralSource, ReferralStatus
from otvisit.services import referrals
from otvisit.ui.pathway.new_referral import NewReferralDialog
from otvisit.ui.pathway.waiting_list import WaitingListWindow
from tests.ui.driver import Visit, type_into
from tests.ui.factories import nhs_number
from tests.ui.keys import clashes, press, stray_ampersands
from tests.ui.shots import save_screenshot

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

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
    qtbot = visit.qtbot
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.given_name  # the form opens in its first field

    def typed(text: str) -> None:
        QTest.keyClicks(QApplication.focusWidget(), text)

    def tab() -> None:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)

    typed("Amira")
    tab()
    typed("Haddad")
    tab()
    assert QApplication.focusWidget() is dialog.born
    typed("09042019")  # dd MM yyyy: each part moves on by itself
    tab()
    typed(nhs)
    tab()
    assert QApplication.focusWidget() is dialog.language
    typed("Arabic")  # a combo box finds the language by its first letters
    tab()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # interpreter needed
    tab()
    assert QApplication.focusWidget() is dialog.received
    typed(f"{date.today():%d%m%Y}")  # received today (a date's own Tab walks its parts)
    tab()
    assert QApplication.focusWidget() is dialog.source
    typed("Health")
    tab()
    typed("Jo Mensah, health visitor")
    tab()
    typed("Northside Children's Centre, 4 Mill Lane")
    tab()
    typed("Not yet feeding herself with a spoon; upset at mealtimes")
    tab()
    assert QApplication.focusWidget() is dialog.priority
    typed("Urgent")
    tab()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # the family agreed


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
    assert not dialog.isVisible()
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


def test_a_wrong_nhs_number_is_refused_in_the_form_and_nothing_is_written(visit: Visit) -> None:
    window = _open(visit)
    with visit.window.context.runner.store.read_session() as session:
        children_before = len(session.scalars(select(Child)).all())
    dialog = window.open_new_referral()
    _fill_referral(visit, dialog, nhs="943 476 5918")  # the check digit is 9
    QTest.keyClick(dialog.ok_button, Qt.Key.Key_Space)
    visit.settle()
    assert dialog.isVisible()  # still open with everything typed
    assert "check digit is wrong" in dialog.problem.text() and dialog.problem.isVisible()
    assert QApplication.focusWidget() is dialog.nhs_number
    assert dialog.given_name.text() == "Amira"
    with visit.window.context.runner.store.read_session() as session:
        assert session.scalars(select(Referral)).all() == []
        assert len(session.scalars(select(Child)).all()) == children_before
    # put right with the keyboard, the same form keeps it
    dialog.nhs_number.selectAll()
    QTest.keyClicks(dialog.nhs_number, "9434765919")
    dialog.confirm()
    visit.settle()
    assert not dialog.isVisible() and window.decide.rowCount() == 1


def test_without_the_familys_consent_the_referral_is_not_kept(visit: Visit) -> None:
    window = _open(visit)
    dialog = window.open_new_referral()
    _fill_referral(visit, dialog, nhs="943 476 5919")
    dialog.consent.setChecked(False)
    dialog.confirm()
    visit.settle()
    assert dialog.isVisible() and "not agreed" in dialog.problem.text()
    with visit.window.context.runner.store.read_session() as session:
        assert session.scalars(select(Referral)).all() == []


def test_file_new_referral_opens_the_form_over_the_waiting_list(visit: Visit) -> None:
    press(visit.qtbot, visit.window, Qt.Key.Key_R, CTRL_SHIFT)
    visit.settle()
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, WaitingListWindow)]
    assert isinstance(window.dialog, NewReferralDialog) and window.dialog.isVisible()
    window.dialog.reject()

"""Take the README's screenshots from the real app on the demo caseload (run under Xvfb).

At a laptop's 1366×768, once at the system's text size and once at 150 % (View → Text size):

xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take.py
xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take.py --text-size 150
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from otvisit.models import (
    Child,
    EquipmentRecommendation,
    Goal,
    NoteAddendum,
    SessionNote,
    SyncConflict,
)
from otvisit.ui.app import App
from otvisit.ui.main_window import MainWindow
from otvisit.ui.window_settings import TEXT_SIZES

HERE = Path(__file__).resolve().parent


def wait(window: MainWindow, until: Callable[[], bool] | None = None, timeout: float = 30) -> None:
    """Let the task runner finish and the screen repaint (and, optionally, a condition hold)."""
    waited = 0.0
    while waited < timeout:
        QTest.qWait(100)
        waited += 0.1
        if window.context.runner.is_idle() and (until is None or until()):
            QTest.qWait(300)  # the last repaint
            return
    raise TimeoutError("the app did not settle")


SUFFIX = ""


def save(widget: QWidget, name: str) -> None:
    stem, dot, ext = name.rpartition(".")
    named = f"{stem}{SUFFIX}{dot}{ext}"
    widget.grab().save(str(HERE / named))
    print("saved", named, widget.width(), "x", widget.height())


def pick_child(window: MainWindow) -> tuple[str, str]:
    """A child with goals, equipment, a signed note with an addendum and an interpreter."""
    with window.context.runner.store.read_session() as session:
        with_addenda = select(SessionNote.child_id).join(
            NoteAddendum, NoteAddendum.note_id == SessionNote.id
        )
        with_equipment = select(EquipmentRecommendation.child_id)
        goals = func.count(Goal.id)
        child_id, note_id = session.execute(
            select(Child.id, func.min(SessionNote.id))
            .join(Goal, Goal.child_id == Child.id)
            .join(SessionNote, SessionNote.child_id == Child.id)
            .join(NoteAddendum, NoteAddendum.note_id == SessionNote.id)
            .where(Child.interpreter_needed.is_(True), Child.id.in_(with_addenda))
            .where(Child.id.in_(with_equipment))
            .group_by(Child.id)
            .order_by(goals.desc(), Child.family_name)
            .limit(1)
        ).one()
    return child_id, note_id


def add_conflicts(window: MainWindow, child_id: str) -> None:
    with window.context.runner.store.transaction() as session:
        goal = session.scalars(select(Goal).where(Goal.child_id == child_id).limit(1)).one()
        session.add(
            SyncConflict(
                entity="goal", record_id=goal.id, child_id=child_id, field="wording",
                mine=goal.wording,
                theirs=goal.wording.replace("will", "will be able to", 1),
                theirs_by="Kim Patel",
            )
        )  # fmt: skip


def add_photos(window: MainWindow, child_id: str) -> None:
    """Consent from the mother, a seating photo and a handwriting sample (drawn here), a school
    report."""
    import io
    from datetime import date

    from PIL import Image, ImageDraw
    from reportlab.pdfgen import canvas

    from otvisit.models.vocabulary import AttachmentKind, AttachmentSubject, ConsentUse
    from otvisit.services import photo_consent
    from otvisit.services.attachments import AttachmentDetails, attach_file

    chair = Image.new("RGB", (1200, 900), (236, 232, 222))
    draw = ImageDraw.Draw(chair)
    draw.rectangle((0, 640, 1200, 900), fill=(196, 170, 130))  # the floor
    draw.rectangle((420, 430, 780, 470), fill=(70, 110, 160))  # the seat
    draw.rectangle((420, 180, 460, 470), fill=(70, 110, 160))  # the back
    draw.rectangle((440, 470, 470, 700), fill=(60, 60, 60))
    draw.rectangle((730, 470, 760, 700), fill=(60, 60, 60))
    draw.rectangle((560, 600, 820, 625), fill=(240, 160, 40))  # the footrest
    photo = io.BytesIO()
    chair.save(photo, format="JPEG", quality=90)
    report = io.BytesIO()
    page = canvas.Canvas(report)
    page.drawString(72, 720, "Summer term report from school")
    page.save()
    paper = Image.new("RGB", (900, 1200), (250, 250, 246))
    pen = ImageDraw.Draw(paper)
    for line in range(6):
        y = 180 + line * 160
        pen.line((60, y, 840, y), fill=(150, 180, 220), width=3)  # the ruled lines
        pen.line([(90 + x * 14, y - 20 - (x * 7 % 5) * 9) for x in range(50)], fill=(40, 40, 40),
                 width=7)  # fmt: skip
    sample = io.BytesIO()
    paper.save(sample, format="JPEG", quality=90)
    with window.context.runner.store.transaction() as session:
        me = window.context.me_id
        equipment = session.scalars(
            select(EquipmentRecommendation.id).where(EquipmentRecommendation.child_id == child_id)
        ).first()
        consent = photo_consent.check_consent_details(
            {"child_id": child_id, "given_by": "Grace Okafor", "relationship": "mother",
             "given_on": date(2026, 11, 2), "use": ConsentUse.RECORD_AND_LETTERS}
        )  # fmt: skip
        photo_consent.record_consent(session, details=consent, actor_id=me)
        for data, kind, subject, caption, name in (
            (photo.getvalue(), AttachmentKind.PHOTO, (AttachmentSubject.EQUIPMENT, equipment),
             "Feet flat on the footrest at the classroom table", "IMG_2041.jpg"),
            (sample.getvalue(), AttachmentKind.PHOTO, (AttachmentSubject.CHILD, None),
             "Handwriting before the programme", "IMG_0412.jpg"),
            (report.getvalue(), AttachmentKind.DOCUMENT, (AttachmentSubject.CHILD, None),
             "School report, summer term", "report.pdf"),
        ):  # fmt: skip
            details = AttachmentDetails(
                child_id=child_id, kind=kind, subject_kind=subject[0], subject_id=subject[1],
                caption=caption, taken_on=date(2026, 11, 2), file_name=name,
            )  # fmt: skip
            attach_file(session, details=details, data=data, actor_id=me)


def main() -> int:
    global SUFFIX
    parser = argparse.ArgumentParser()
    parser.add_argument("--text-size", type=int, default=100, choices=TEXT_SIZES)
    options = parser.parse_args()
    SUFFIX = "" if options.text_size == 100 else f"-{options.text_size}"
    os.environ.setdefault("OTVISIT_INSECURE_KEY_FILE", "1")
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="otvisit-shots-") as folder:
        app = App(argparse.Namespace(data_dir=folder, profile="demo"))
        window = app.open("demo")
        window.set_text_size(options.text_size)
        window.resize(1366, 768)
        wait(window, lambda: window.caseload.model.total() > 0, timeout=300)
        window.statusBar().clearMessage()
        window.messages.hide()
        window.caseload.scope.setCurrentIndex(1)
        wait(window)
        save(window, "caseload.png")

        window.lock()  # no unlock password yet: the first lock asks for one
        wait(window, lambda: window.locker.page.new_password.isVisible())
        save(window, "first-lock.png")
        window.locker.page.new_password.setText("made-up demo password")
        window.locker.page.repeat_password.setText("made-up demo password")
        window.locker.page.set_button.click()
        wait(window, lambda: not window.locker.locked)

        child_id, note_id = pick_child(window)
        add_conflicts(window, child_id)
        window.sync_bar.refresh()
        window.open_child(child_id)
        record = window.record_view()
        wait(window)
        record.open_section(record.goals)
        wait(window)
        record.goals.table.selectRow(0)
        wait(window)
        save(window, "child-goals.png")

        add_photos(window, child_id)
        record.open_section(record.attachments)
        wait(window, lambda: record.attachments.list.count() == 3)
        save(window, "photos-and-files.png")

        record.open_section(record.appointments)
        wait(window)
        dialog = record.appointments.open_book()
        assert dialog is not None
        boxing_day = QDateTime(QDate(2026, 12, 28), QTime(10, 0))
        dialog.when.setDateTime(boxing_day)
        wait(window, lambda: dialog.warnings.isVisible())
        save(dialog, "booking.png")
        dialog.reject()

        record.open_section(record.notes)
        wait(window)
        record.notes.open_note(record.notes.model.row_at(record.notes.model.row_of(note_id)))
        wait(window)
        save(window, "session-note.png")

        record.open_section(record.equipment)
        wait(window)
        save(window, "equipment.png")
        record.equipment.preview_letter()
        wait(window, lambda: window.printer.preview is not None)
        preview = window.printer.preview
        assert preview is not None
        preview.resize(820, 760)
        wait(window, lambda: preview.page_count() > 0)
        save(preview, "equipment-letter-preview.png")
        window.printer.close_preview()

        window.sync_bar.refresh()
        wait(window)
        save(window.statusBar(), "status-bar.png")
        window.show_conflicts()
        wait(window)
        conflicts = window.conflicts
        assert conflicts is not None
        conflicts.resize(900, 420)
        wait(window)
        save(conflicts, "sync-conflicts.png")
        conflicts.close()

        window.lock()
        wait(window, lambda: window.locker.page.password.isVisible())
        save(window, "lock-screen.png")
        app.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del qt_app
    return 0


if __name__ == "__main__":
    sys.exit(main())

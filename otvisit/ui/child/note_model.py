"""The Qt item model of a child's session notes."""

from __future__ import annotations

from otvisit.services.caseload import NoteView
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import day_text, place_text


class NotesModel(RowsModel[NoteView]):
    COLUMNS = ("Seen on", "Where", "Written by", "State")

    def row_of(self, note_id: str) -> int:
        for number, note in enumerate(self._rows):
            if note.note_id == note_id:
                return number
        return -1

    def texts(self, note: NoteView) -> tuple[str, ...]:
        state = "Draft"
        if note.signed_at is not None:
            state = "Signed" + (f" + {len(note.addenda)} addenda" if note.addenda else "")
        return (day_text(note.seen_on), place_text(note.place), note.author_name, state)

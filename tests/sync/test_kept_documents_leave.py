"""Kept PDFs leave with the child's records: moved off the caseload, or the laptop revoked."""

from __future__ import annotations

from sqlalchemy import select

from otvisit.models import DocumentFile
from otvisit.models.store import Store
from otvisit.services.document_files import keep_pdf
from otvisit.sync.client.access import remove_children, wipe_synced_data
from tests import factories

PDF = b"%PDF-1.4 a letter about the child"


def _kept(store: Store) -> dict[str, str | None]:
    with store.read_session() as session:
        return dict(session.execute(select(DocumentFile.file_name, DocumentFile.child_id)).all())


def test_a_childs_kept_pdfs_go_when_the_child_leaves_the_laptop(store: Store) -> None:
    with store.transaction() as session:
        leaving = factories.make_child(session)
        staying = factories.make_child(session, nhs_number="9434765870")
        keep_pdf(session, file_name="a.pdf", pdf=PDF, child_id=leaving.id)
        keep_pdf(session, file_name="b.pdf", pdf=PDF, child_id=staying.id)
        ids = (leaving.id, staying.id)
    with store.transaction() as session:
        remove_children(session, [ids[0]])
    assert _kept(store) == {"b.pdf": ids[1]}
    with store.transaction() as session:
        wipe_synced_data(session, reason="This laptop was revoked.")
    assert _kept(store) == {}

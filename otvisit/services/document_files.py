"""Keeping the PDFs made for children inside the encrypted store, and moving old plain ones in.

A document made on this laptop is kept as a ``DocumentFile`` row in the SQLCipher store,
in the same transaction as its ``PrintedDocument`` record: encrypted with the store's key,
never written to the profile folder in the clear. Previews and printing read the bytes
into memory. Only an explicit export (Save as PDF…, ``otvisit print --out``) writes a plain
file, where the therapist chose, and that is audited.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import DocumentFile, PrintedDocument

log = logging.getLogger(__name__)


def keep_pdf(session: Session, *, file_name: str, pdf: bytes, child_id: str | None) -> str:
    """Keep a PDF in the store under its file name (in the caller's transaction); its sha256."""
    digest = hashlib.sha256(pdf).hexdigest()
    session.merge(DocumentFile(file_name=file_name, child_id=child_id, pdf=pdf, sha256=digest))
    return digest


def read_pdf(session: Session, file_name: str) -> bytes | None:
    """The kept PDF, or None when it was made on another laptop (only its record syncs)."""
    return session.scalar(select(DocumentFile.pdf).where(DocumentFile.file_name == file_name))


def import_plain_documents(session: Session, folder: Path) -> list[Path]:
    """Move PDFs kept as plain files by earlier versions into the store; the files to delete.

    Every ``*.pdf`` in the folder is kept, listed or not (a file whose record never
    committed is kept too: nothing is lost). The caller deletes the returned files only
    after the transaction committed.
    """
    if not folder.is_dir():
        return []
    owners = dict(
        session.execute(select(PrintedDocument.file_name, PrintedDocument.child_id)).all()
    )
    moved = []
    for path in sorted(folder.glob("*.pdf")):
        if not path.is_file():
            continue
        keep_pdf(
            session, file_name=path.name, pdf=path.read_bytes(), child_id=owners.get(path.name)
        )
        moved.append(path)
    return moved


def remove_plain_files(paths: list[Path], folder: Path) -> None:
    """Delete the plain files once their bytes are safe in the store, then the empty folder."""
    for path in paths:
        path.unlink(missing_ok=True)
    for leftover in folder.glob(".*.tmp"):  # a write that was cut short by an earlier version
        leftover.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        log.info("kept %s: it holds files otvisit did not make", folder)

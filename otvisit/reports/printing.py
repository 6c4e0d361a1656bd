"""Making a child's document: gather, render, save the PDF, and record that it was printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, EquipmentRecommendation, HomeProgramme, PrintedDocument, new_id
from otvisit.models.base import agreed_order
from otvisit.models.vocabulary import AuditAction
from otvisit.reports import gather
from otvisit.reports.i18n import available_languages
from otvisit.reports.letters import render_discharge_letter
from otvisit.reports.pdfbuild import write_pdf
from otvisit.reports.preflight import PrintWarning, check_document
from otvisit.reports.referral_letter import render_referral_declined_letter
from otvisit.reports.render import DocumentKind, render_document
from otvisit.services.attachments import record_attachments_printed
from otvisit.services.audit import record_access
from otvisit.services.document_files import keep_pdf
from otvisit.services.errors import NotFound, ValidationError
from otvisit.services.records import get_live

TITLES = {
    DocumentKind.HANDOUT: "Home strategies handout",
    DocumentKind.TEACHER: "Advice for school or nursery staff",
    DocumentKind.EQUIPMENT: "Equipment recommendation letter",
    DocumentKind.PROGRESS: "Goal progress report",
    DocumentKind.DISCHARGE: "Discharge letter",
    DocumentKind.REFERRAL_DECLINED: "Referral declined letter",
}


#: Language names in English, for the note on the English copy of a family letter.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "es": "Spanish", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "so": "Somali", "tr": "Turkish", "ur": "Urdu",
}  # fmt: skip

#: Documents written for the family: these follow the family's written language.
FAMILY_DOCUMENTS = frozenset(
    {DocumentKind.HANDOUT, DocumentKind.DISCHARGE, DocumentKind.REFERRAL_DECLINED}
)
#: Family letters whose English copy goes to others, and who those others are.
ENGLISH_COPY_FOR = {
    DocumentKind.DISCHARGE: "the GP and school",
    DocumentKind.REFERRAL_DECLINED: "the referrer and the GP",
}


@dataclass(frozen=True)
class DocumentRequest:
    """What to print: the kind, for whom, from which record, in which language and size.

    ``language`` and ``large_print`` left as None follow the child's record:
    family documents in the family's written language where the templates
    have it (letters to schools and GPs in English), large print when the
    child's access needs say so.
    """

    kind: DocumentKind
    child_id: str
    source_id: str | None = None
    language: str | None = None
    large_print: bool | None = None
    #: Each goal's English printed under the family's own words (handout, discharge letter).
    english_beside: bool = False


@dataclass(frozen=True)
class RenderedDocument:
    request: DocumentRequest
    title: str
    language: str
    large_print: bool
    source_id: str | None
    pdf: bytes
    #: What the pre-print check found; the therapist sees these before printing or saving.
    warnings: tuple[PrintWarning, ...] = ()
    #: A family letter in another language: the English copy for the GP and school.
    english_copy: bytes | None = None
    #: Photos and scans placed in the document: each is audited as printed when it is kept.
    attachment_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedDocument:
    document_id: str
    file_name: str
    title: str
    language: str
    large_print: bool
    #: The English copy for the GP and school kept beside a family letter in another language.
    english_copy_id: str | None = None
    english_copy_file_name: str | None = None


def family_language(child: Child) -> str:
    """The child's written language if the documents have it, else English."""
    language = (child.written_language or "en").lower()
    return language if language in available_languages() else "en"


def wants_large_print(child: Child) -> bool:
    return "large_print" in (child.access_needs or [])


def _latest(session: Session, model: Any, child_id: str, what: str) -> str:
    found = session.scalars(
        select(model.id)
        .where(model.child_id == child_id, model.deleted.is_(False))
        .order_by(*agreed_order(model))
    ).all()
    if not found:
        raise NotFound(f"There is no {what} for this child yet")
    return str(found[-1])  # the newest, the same on every laptop


def _source(session: Session, request: DocumentRequest) -> str | None:
    if request.source_id is not None:
        return request.source_id
    if request.kind in (DocumentKind.HANDOUT, DocumentKind.TEACHER):
        return _latest(session, HomeProgramme, request.child_id, "home programme")
    if request.kind is DocumentKind.EQUIPMENT:
        return _latest(session, EquipmentRecommendation, request.child_id, "recommendation")
    return None


def _content(
    session: Session,
    request: DocumentRequest,
    source_id: str | None,
    today: date,
    signer_id: str | None,
) -> Any:
    kind = request.kind
    if kind in (DocumentKind.HANDOUT, DocumentKind.TEACHER):
        assert source_id is not None
        return gather.programme_content(
            session, programme_id=source_id, today=today, signer_id=signer_id
        )
    if kind is DocumentKind.EQUIPMENT:
        assert source_id is not None
        return gather.equipment_content(
            session, recommendation_id=source_id, today=today, signer_id=signer_id
        )
    if kind is DocumentKind.REFERRAL_DECLINED:
        return gather.referral_declined_content(
            session, child_id=request.child_id, today=today, referral_id=source_id,
            signer_id=signer_id,
        )  # fmt: skip
    if kind is DocumentKind.PROGRESS:
        return gather.progress_content(
            session, child_id=request.child_id, today=today, signer_id=signer_id
        )
    return gather.discharge_content(
        session, child_id=request.child_id, today=today, episode_id=source_id, signer_id=signer_id
    )


def render_for_child(
    session: Session,
    request: DocumentRequest,
    *,
    today: date,
    signer_id: str | None = None,
    reproducible: bool = False,
) -> RenderedDocument:
    """The PDF of one document for one child (nothing saved, nothing recorded: a preview)."""
    child = get_live(session, Child, request.child_id, what="child")
    family = request.kind in FAMILY_DOCUMENTS
    # Letters and advice for schools and GPs are in English whatever is asked.
    language = (request.language or family_language(child)) if family else "en"
    if language not in available_languages():
        raise ValidationError(f"Documents are not available in the language '{language}' yet")
    large_print = wants_large_print(child) if request.large_print is None else request.large_print
    source_id = _source(session, request)
    data = _content(session, request, source_id, today, signer_id)
    library = None
    if request.kind in (DocumentKind.HANDOUT, DocumentKind.TEACHER):
        library = gather.team_library(session, team_id=child.team_id)
    pdf = render_document(
        request.kind,
        data,
        language=language,
        large_print=large_print,
        reproducible=reproducible,
        library=library,
        english_beside=request.english_beside,
    )
    english_copy = None
    if request.kind in ENGLISH_COPY_FOR and language != "en":
        # The GP, school or referrer get their own English copy, never the family's Arabic one.
        render_english = (
            render_discharge_letter
            if request.kind is DocumentKind.DISCHARGE
            else render_referral_declined_letter
        )
        english_copy = render_english(
            data,
            language="en",
            reproducible=reproducible,
            english_copy_of=LANGUAGE_NAMES.get(language, language),
        )
    return RenderedDocument(
        request=request,
        title=f"{TITLES[request.kind]} for {child.display_name}",
        language=language,
        large_print=large_print,
        source_id=source_id,
        pdf=pdf,
        warnings=check_document(data, today=today, library=library),
        english_copy=english_copy,
        attachment_ids=_attachment_ids(data),
    )


def _attachment_ids(data: Any) -> tuple[str, ...]:
    pictures = (*getattr(data, "photos", ()), *getattr(data, "samples", ()))
    return tuple(picture.attachment_id for picture in pictures)


def file_name_for(rendered: RenderedDocument, *, today: date, document_id: str) -> str:
    return f"{today.isoformat()}-{rendered.request.kind.value}-{document_id[:8]}.pdf"


def save_rendered(
    session: Session,
    rendered: RenderedDocument,
    *,
    file_name: str,
    actor_id: str | None,
) -> SavedDocument:
    """Keep the PDF in the encrypted store and record it for the child's list and the audit.

    All in the caller's transaction: the bytes, the PrintedDocument and the PRINT audit
    are kept together or not at all. Nothing is written to disk in the clear.
    """
    english_id = english_name = None
    if rendered.english_copy is not None:
        english_name = english_copy_name(file_name)
        english = _keep(
            session,
            rendered,
            file_name=english_name,
            pdf=rendered.english_copy,
            title=f"{rendered.title} (English copy for {ENGLISH_COPY_FOR[rendered.request.kind]})",
            language="en",
            actor_id=actor_id,
        )
        english_id = english.id
    document = _keep(
        session,
        rendered,
        file_name=file_name,
        pdf=rendered.pdf,
        title=rendered.title,
        language=rendered.language,
        actor_id=actor_id,
    )
    record_attachments_printed(
        session,
        attachment_ids=rendered.attachment_ids,
        child_id=rendered.request.child_id,
        actor_id=actor_id,
        document=rendered.title,
    )
    return SavedDocument(
        document_id=document.id,
        file_name=file_name,
        title=rendered.title,
        language=rendered.language,
        large_print=rendered.large_print,
        english_copy_id=english_id,
        english_copy_file_name=english_name,
    )


def english_copy_name(file_name: str) -> str:
    """Where the English copy of a family letter is kept (and exported): ``<name>-en.pdf``."""
    stem, dot, suffix = file_name.rpartition(".")
    return f"{stem}-en.{suffix}" if dot else f"{file_name}-en"


def _keep(
    session: Session,
    rendered: RenderedDocument,
    *,
    file_name: str,
    pdf: bytes,
    title: str,
    language: str,
    actor_id: str | None,
) -> PrintedDocument:
    """One PDF kept in the store, its PrintedDocument and the PRINT audit."""
    digest = keep_pdf(session, file_name=file_name, pdf=pdf, child_id=rendered.request.child_id)
    document = PrintedDocument(
        child_id=rendered.request.child_id,
        kind=rendered.request.kind.value,
        title=title,
        language=language,
        large_print=rendered.large_print,
        made_by_id=actor_id,
        source_id=rendered.source_id,
        file_name=file_name,
        sha256=digest,
    )
    session.add(document)
    session.flush()
    record_access(
        session,
        actor_id=actor_id,
        action=AuditAction.PRINT,
        entity="printed_document",
        record_id=document.id,
        child_id=rendered.request.child_id,
        detail=f"{rendered.request.kind.value} in {language}"
        + (", large print" if rendered.large_print else "")
        + (", English beside the goals" if rendered.request.english_beside else ""),
    )
    return document


def make_document(
    session: Session,
    request: DocumentRequest,
    *,
    today: date,
    actor_id: str | None = None,
) -> SavedDocument:
    """Render a document and keep it in the store, recorded for the child."""
    rendered = render_for_child(session, request, today=today, signer_id=actor_id)
    name = file_name_for(rendered, today=today, document_id=new_id())
    return save_rendered(session, rendered, file_name=name, actor_id=actor_id)


def export_document(
    session: Session,
    *,
    pdf: bytes,
    target: Path,
    child_id: str,
    document_id: str | None,
    actor_id: str | None,
    how: str,
) -> Path:
    """Write a plain copy where the user chose (atomically), audited as an EXPORT.

    The file is written first: if that fails nothing is audited; the audit is added
    in the caller's transaction. The audit names how, never the path (a folder or
    file name may itself name the child).
    """
    written = write_pdf(pdf, target)
    record_access(
        session,
        actor_id=actor_id,
        action=AuditAction.EXPORT,
        entity="printed_document",
        record_id=document_id,
        child_id=child_id,
        detail=how,
    )
    return written

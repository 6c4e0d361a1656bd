"""``otvisit print``: make a child's handout or letter as a PDF without opening the window.

The PDF written to ``--out`` is an export the user asked for by name: it is audited as an
EXPORT. Like a document printed in the window, it is also kept (encrypted, in the store)
and listed in the child's Documents, to reprint later; the PRINT audit records that.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from otvisit.profile import Profile

# The kinds are listed here so that building the parser does not load reportlab.
DOCUMENT_KINDS = ("handout", "teacher", "equipment", "progress", "discharge", "referral-declined")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "print",
        help="make a handout, letter or report for a child as a PDF",
        description="Make one document for one child from the records on this laptop. "
        "Language and print size follow the child's record unless given.",
    )
    parser.add_argument("kind", choices=DOCUMENT_KINDS)
    parser.add_argument("--child", required=True, help="the child's NHS number or record id")
    parser.add_argument("--out", required=True, type=Path, help="where to write the PDF")
    parser.add_argument("--source", help="which programme or recommendation (default: latest)")
    parser.add_argument("--language", help="language code, e.g. en, ar, bn, pl (default: child's)")
    parser.add_argument(
        "--large-print",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="16 pt large print (default: as the child's access needs say)",
    )
    parser.add_argument(
        "--english-beside",
        action="store_true",
        help="print each goal's English under the family's own words "
        "(handout and discharge letter)",
    )
    parser.set_defaults(run=run)


def find_child_id(session: Any, reference: str) -> str:
    """The id of the child named by NHS number (any spacing) or by record id."""
    from sqlalchemy import select

    from otvisit.models import Child
    from otvisit.services.nhs_number import is_valid_nhs_number, normalise_nhs_number

    if is_valid_nhs_number(reference):
        number = normalise_nhs_number(reference)
        found = session.scalars(
            select(Child.id).where(Child.nhs_number == number, Child.deleted.is_(False))
        ).first()
    else:
        found = session.scalars(
            select(Child.id).where(Child.id == reference, Child.deleted.is_(False))
        ).first()
    if found is None:
        raise LookupError(f"no child with NHS number or id {reference!r} on this laptop")
    return str(found)


def run(args: argparse.Namespace) -> int:
    from otvisit.models import new_id
    from otvisit.reports.errors import DocumentError
    from otvisit.reports.printing import (
        ENGLISH_COPY_FOR,
        FAMILY_DOCUMENTS,
        DocumentRequest,
        english_copy_name,
        export_document,
        file_name_for,
        render_for_child,
        save_rendered,
    )
    from otvisit.reports.render import ENGLISH_BESIDE_KINDS, DocumentKind
    from otvisit.services.errors import DomainError

    profile = Profile.locate(args.profile, args.data_dir)
    if not profile.database_path.exists():
        print(f"otvisit print: there is no store in {profile.root}", file=sys.stderr)
        return 2
    store = profile.open_store()
    try:
        with store.transaction() as session:
            kind = DocumentKind(args.kind)
            if args.language and args.language != "en" and kind not in FAMILY_DOCUMENTS:
                print(
                    f"otvisit print: --language applies to family documents only; "
                    f"the {kind.value} document is in English",
                    file=sys.stderr,
                )
            if args.english_beside and kind not in ENGLISH_BESIDE_KINDS:
                print(
                    f"otvisit print: --english-beside applies to the handout and the "
                    f"discharge letter only; the {kind.value} document lists no goals "
                    "in the family's words",
                    file=sys.stderr,
                )
            request = DocumentRequest(
                kind=kind,
                child_id=find_child_id(session, args.child),
                source_id=args.source,
                language=args.language,
                large_print=args.large_print,
                english_beside=args.english_beside,
            )
            today = date.today()
            rendered = render_for_child(session, request, today=today)
            for warning in rendered.warnings:  # the therapist can still print: warn only
                print(f"otvisit print: warning: {warning.message}", file=sys.stderr)
            name = file_name_for(rendered, today=today, document_id=new_id())
            saved = save_rendered(session, rendered, file_name=name, actor_id=None)
            target = args.out.resolve()
            written = export_document(
                session, pdf=rendered.pdf, target=target, child_id=request.child_id,
                document_id=saved.document_id, actor_id=None, how="otvisit print --out",
            )  # fmt: skip
            english = None
            if rendered.english_copy is not None:
                english = export_document(
                    session, pdf=rendered.english_copy,
                    target=target.with_name(english_copy_name(target.name)),
                    child_id=request.child_id, document_id=saved.english_copy_id,
                    actor_id=None, how="otvisit print --out (English copy)",
                )  # fmt: skip
    except (DomainError, DocumentError, LookupError) as error:
        print(f"otvisit print: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    large = ", large print" if saved.large_print else ""
    print(f"{saved.title} ({saved.language}{large}) written to {written}")
    if english is not None:
        print(f"English copy for {ENGLISH_COPY_FOR[kind]} written to {english}")
    return 0

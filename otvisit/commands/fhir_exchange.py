"""``otvisit fhir``: export a child's record as a FHIR Bundle, import a record or a referral."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from otvisit.profile import Profile


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fhir",
        help="exchange records with the trust's systems as FHIR R4 (UK Core)",
        description="Export a child's record as a FHIR R4 Bundle, or import a referral "
        "(ServiceRequest + Patient) or a record exported by otvisit.",
    )
    actions = parser.add_subparsers(dest="fhir_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write one child's record as a FHIR Bundle")
    export.add_argument("--child", required=True, help="the child's NHS number or record id")
    export.add_argument("--out", required=True, type=Path, help="where to write the JSON")
    export.set_defaults(run=run_export)
    referral = actions.add_parser(
        "import-referral", help="put a referral sent as FHIR on the caseload"
    )
    referral.add_argument("file", type=Path, help="a Bundle with a ServiceRequest and a Patient")
    referral.set_defaults(run=run_import_referral)
    record = actions.add_parser("import", help="import a child's record exported by otvisit")
    record.add_argument("file", type=Path, help="a Bundle written by 'otvisit fhir export'")
    record.set_defaults(run=run_import_record)


def _open(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The profile's store; an import may create it (an export needs one that exists)."""
    profile = Profile.locate(args.profile, args.data_dir)
    if not create and not profile.database_path.exists():
        print(f"otvisit fhir: there is no store in {profile.root}", file=sys.stderr)
        return None
    return profile.open_store()


def run_export(args: argparse.Namespace) -> int:
    from otvisit.atomic import write_atomically
    from otvisit.commands.print_document import find_child_id
    from otvisit.fhir.export import bundle_json, export_child
    from otvisit.services.errors import DomainError

    store = _open(args)
    if store is None:
        return 2
    try:
        with store.transaction() as session:
            child_id = find_child_id(session, args.child)
            text = bundle_json(export_child(session, child_id=child_id, actor_id=None))
            write_atomically(text.encode("utf-8"), args.out.resolve())
    except (DomainError, LookupError, OSError) as error:
        print(f"otvisit fhir export: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"FHIR Bundle for {args.child} written to {args.out}")
    return 0


def _read(path: Path) -> Any:
    from otvisit.fhir.reading import read_bundle

    return read_bundle(path.read_bytes())


def run_import_referral(args: argparse.Namespace) -> int:
    from otvisit.fhir.reading import FhirError
    from otvisit.fhir.referral_import import import_referral
    from otvisit.services.errors import DomainError

    store = _open(args, create=True)
    if store is None:
        return 2
    try:
        read = _read(args.file)
        with store.transaction() as session:
            done = import_referral(session, read, team_id=None, actor_id=None, today=date.today())
    except (FhirError, DomainError, OSError) as error:
        print(f"otvisit fhir import-referral: refused, nothing written: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    made = "a new child" if done.child_created else "a child already on the caseload"
    print(f"Referral imported for {made}; it waits to be accepted.")
    return 0


def run_import_record(args: argparse.Namespace) -> int:
    from otvisit.fhir.reading import FhirError
    from otvisit.fhir.record_import import import_record
    from otvisit.services.errors import DomainError

    store = _open(args, create=True)
    if store is None:
        return 2
    try:
        read = _read(args.file)
        with store.transaction() as session:
            done = import_record(session, read, actor_id=None)
    except (FhirError, DomainError, OSError) as error:
        print(f"otvisit fhir import: refused, nothing written: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        f"Imported: {done.goals} goals, {done.ratings} GAS ratings, {done.notes} signed notes, "
        f"{done.equipment} equipment recommendations."
    )
    return 0

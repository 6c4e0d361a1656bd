"""One entry point per document kind, and a dispatch for the command line and UI."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from otvisit.reports.content import DischargeLetter, EquipmentLetter, HomeProgramme, ProgressReport
from otvisit.reports.errors import DocumentError
from otvisit.reports.handout import render_handout, render_teacher_advice
from otvisit.reports.letters import render_discharge_letter, render_equipment_letter
from otvisit.reports.progress import render_progress_report
from otvisit.reports.referral_letter import ReferralDeclinedLetter, render_referral_declined_letter
from otvisit.reports.strategy_library import StrategyLibrary


class DocumentKind(enum.Enum):
    """The printable documents."""

    HANDOUT = "handout"
    TEACHER = "teacher"
    EQUIPMENT = "equipment"
    PROGRESS = "progress"
    DISCHARGE = "discharge"
    REFERRAL_DECLINED = "referral-declined"


_RENDERERS: dict[DocumentKind, tuple[type, Callable[..., bytes]]] = {
    DocumentKind.HANDOUT: (HomeProgramme, render_handout),
    DocumentKind.TEACHER: (HomeProgramme, render_teacher_advice),
    DocumentKind.EQUIPMENT: (EquipmentLetter, render_equipment_letter),
    DocumentKind.PROGRESS: (ProgressReport, render_progress_report),
    DocumentKind.DISCHARGE: (DischargeLetter, render_discharge_letter),
    DocumentKind.REFERRAL_DECLINED: (ReferralDeclinedLetter, render_referral_declined_letter),
}


#: Family documents that list the child's goals, so can print their English beside them.
ENGLISH_BESIDE_KINDS = frozenset({DocumentKind.HANDOUT, DocumentKind.DISCHARGE})


def render_document(
    kind: DocumentKind | str,
    data: Any,
    *,
    language: str = "en",
    large_print: bool = False,
    reproducible: bool = False,
    library: StrategyLibrary | None = None,
    english_beside: bool = False,
) -> bytes:
    """Render any document kind to PDF bytes; ``data`` is the matching content dataclass.

    ``library`` (the team's strategy library) is used by the handout and teacher advice.
    ``english_beside`` prints each goal's English under the family's own words in the
    family documents that list goals (the handout and the discharge letter).
    """
    try:
        kind = DocumentKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in DocumentKind)
        raise DocumentError(f"Unknown document kind '{kind}'. Choose one of: {names}.") from None
    expected, renderer = _RENDERERS[kind]
    if not isinstance(data, expected):
        raise DocumentError(
            f"A {kind.value} document needs {expected.__name__} data, not {type(data).__name__}."
        )
    options: dict[str, Any] = {}
    if kind in (DocumentKind.HANDOUT, DocumentKind.TEACHER) and library is not None:
        options["library"] = library
    if kind in ENGLISH_BESIDE_KINDS:
        options["english_beside"] = english_beside
    return renderer(
        data, language=language, large_print=large_print, reproducible=reproducible, **options
    )

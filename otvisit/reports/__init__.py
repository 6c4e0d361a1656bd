"""Printed documents (PDF with reportlab) built from plain content dataclasses."""

from otvisit.reports.errors import DocumentError, StrategyLibraryError, TranslationError
from otvisit.reports.handout import render_handout, render_teacher_advice
from otvisit.reports.i18n import available_languages
from otvisit.reports.letters import render_discharge_letter, render_equipment_letter
from otvisit.reports.pdfbuild import write_pdf
from otvisit.reports.progress import render_progress_report
from otvisit.reports.render import DocumentKind, render_document
from otvisit.reports.strategy_library import load_library

__all__ = [
    "DocumentError",
    "DocumentKind",
    "StrategyLibraryError",
    "TranslationError",
    "available_languages",
    "load_library",
    "render_discharge_letter",
    "render_document",
    "render_equipment_letter",
    "render_handout",
    "render_progress_report",
    "render_teacher_advice",
    "write_pdf",
]

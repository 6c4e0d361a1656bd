"""Errors a therapist can read when a document cannot be produced."""


class DocumentError(Exception):
    """A document could not be produced; the message says why in plain words."""


class StrategyLibraryError(DocumentError):
    """The strategy library files are wrong; the message names file and field."""


class TranslationError(DocumentError):
    """A template language file is missing or wrong."""

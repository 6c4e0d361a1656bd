"""Errors the services raise, each with a message a therapist can read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the service was not met. ``str(error)`` is shown to the therapist as it is."""


class ValidationError(DomainError):
    """Input that cannot be saved (a wrong NHS number, a rating out of range, ...)."""


class NotFound(DomainError):
    """The record asked for does not exist (or is not on this device)."""


class RuleRefused(DomainError):
    """The action breaks a rule of the service (a third reschedule, editing a signed note)."""

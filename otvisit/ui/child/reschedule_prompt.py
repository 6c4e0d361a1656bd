"""The prompt when an appointment was moved more often than the family may ask.

Each laptop refuses a third family reschedule, but two laptops offline can each take one
more; the sync then adds them up (it never drops a request). The therapist is prompted to
look at it with the family: the appointment list shows it in the "Moved" column.
"""

from __future__ import annotations

from otvisit.services.appointments import FAMILY_RESCHEDULES_ALLOWED

#: Red text: something for the therapist to act on.
PROMPT_COLOUR = "#b00020"


def over_the_limit(reschedule_count: int) -> bool:
    return reschedule_count > FAMILY_RESCHEDULES_ALLOWED


def moved_text(reschedule_count: int) -> str:
    """ "1 of 2", "2 of 2", or the prompt when colleagues' laptops together went past it."""
    if not reschedule_count:
        return ""
    text = f"{reschedule_count} of {FAMILY_RESCHEDULES_ALLOWED}"
    if over_the_limit(reschedule_count):
        return f"{text}: over the limit, talk to the family"
    return text


def moved_tooltip(reschedule_count: int) -> str | None:
    if not over_the_limit(reschedule_count):
        return None
    return (
        f"The family asked to move this appointment {reschedule_count} times, recorded on "
        f"different laptops; the service allows {FAMILY_RESCHEDULES_ALLOWED}. Check with the "
        "family and your team lead before booking again."
    )

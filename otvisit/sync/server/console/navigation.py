"""The console's pages, in the order the navigation and the home page list them.

Adding a page is one line here (and its routes): the header, the home page and the keyboard
tests all read this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    path: str
    summary: str


PAGES: list[Page] = [
    Page("Caseload", "/console/caseload",
         "Every child with their therapist, setting and episode; move children to a therapist."),
    Page("Waiting list", "/console/waiting-list",
         "Who is waiting and for how long, the 18-week breaches, and the NHS England return."),
    Page("Outcomes", "/console/outcomes",
         "GAS, COPM, missed appointments and waits: by therapist, setting, language, interpreter."),
    Page("Family experience", "/console/experience",
         "What families said in the experience surveys, question by question, and their comments."),
    Page("Import a referral (FHIR)", "/console/referrals/fhir",
         "A GP system's referral as a FHIR file: the child found by NHS number, or added."),
    Page("Team and people", "/console/people",
         "Accounts and roles: add a therapist, reset a password, deactivate an account."),
    Page("Team details", "/console/team",
         "The team's address, phone and email, printed on every letter and report."),
    Page("Devices", "/console/devices",
         "Each laptop's owner, last sync and unsent changes; withdraw a lost laptop."),
    Page("Sync conflicts", "/console/conflicts",
         "Edits made on two laptops at once: both versions, kept and set aside."),
    Page("Audit", "/console/audit", "One child's audit trail on screen, and as a CSV file."),
]  # fmt: skip

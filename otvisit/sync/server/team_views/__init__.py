"""What the team lead's console reads: caseload, allocation, waiting list, outcomes, experience.

Figures come from small typed tables (``facts``) kept up to date in the same transaction
as every write of a synced record, so a page never decodes the records' JSON.
"""

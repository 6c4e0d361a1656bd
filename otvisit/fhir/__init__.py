"""FHIR R4 (UK Core) exchange: a child's record out as a Bundle, referrals and records in."""

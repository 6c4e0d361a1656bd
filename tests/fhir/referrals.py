"""A referral as a GP system sends it: a Bundle with a ServiceRequest and a Patient."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle


def referral_bundle(
    *,
    nhs_number: str = "9990000026",
    birth_date: date = date(2020, 5, 17),
    subject: str = "urn:uuid:0b0b7a4e-1f0d-4b53-9f39-3f1e0f3a1c01",
    reason: str = "Struggles with dressing and with pencil grip at nursery",
) -> dict[str, Any]:
    patient_url = "urn:uuid:0b0b7a4e-1f0d-4b53-9f39-3f1e0f3a1c01"
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": patient_url,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [
                        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}
                    ],
                    "name": [{"use": "official", "family": "Begum", "given": ["Aisha"]}],
                    "birthDate": birth_date.isoformat(),
                    "address": [{"text": "12 Mill Lane, London", "postalCode": "SE15 4AA"}],
                },
            },
            {
                "fullUrl": "urn:uuid:5d6c8a0e-8a7b-4b55-a5f2-8c1f7b9e2d02",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": subject},
                    "authoredOn": "2026-11-02",
                    "reasonCode": [{"text": reason}],
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "84478008",
                                "display": "Occupational therapy (regime/therapy)",
                            }
                        ]
                    },
                },
            },
        ],
    }
    Bundle.model_validate(data)  # the test data is itself valid FHIR
    return data

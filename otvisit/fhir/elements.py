"""Small builders for the FHIR datatypes every resource uses: references, codes, extensions."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference

from otvisit.fhir import codes
from otvisit.fhir.json_out import shared

#: Ids derived from a record id (a GAS T-score, a COPM score) are stable across exports.
_DERIVED = uuid.UUID("6f1c7a52-3c1e-4c0b-9a51-0e7c2f7f0a11")


def full_url(record_id: str) -> str:
    """The bundle-local address of a resource: ``urn:uuid:<id>``."""
    return f"urn:uuid:{record_id}"


def derived_id(*parts: str) -> str:
    """A stable id for a resource made from one or more records (not a record itself)."""
    return str(uuid.uuid5(_DERIVED, "/".join(parts)))


# Validating an element costs far more than building it, and an export repeats the same few
# thousand (the child's and the therapist's references, the code systems' codings): those are
# built and validated once per process and shared. Nothing changes an element once built.
_SHARED = 4096


@lru_cache(maxsize=_SHARED)
def ref(record_id: str, display: str | None = None) -> Reference:
    return shared(Reference(reference=full_url(record_id), display=display or None))


@lru_cache(maxsize=_SHARED)
def coding(system: str, code: str, display: str | None = None) -> Coding:
    return shared(Coding(system=system, code=code, display=display or None))


def concept(*codings: Coding, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=list(codings) or None, text=text or None)


@lru_cache(maxsize=_SHARED)
def own_concept(system_name: str, code: str, text: str | None = None) -> CodeableConcept:
    """A concept in one of otvisit's own code systems."""
    return shared(concept(coding(codes.own_system(system_name), code, text), text=text))


@lru_cache(maxsize=_SHARED)
def snomed(code_display: tuple[str, str]) -> CodeableConcept:
    code, display = code_display
    return shared(concept(coding(codes.SNOMED, code, display), text=display))


def record_identifier(record_id: str) -> Identifier:
    """The otvisit record id, so an import can recognise the record again."""
    return Identifier(system=codes.own_identifier("record"), value=record_id)


#: Extensions whose value is a code or a number repeat across records: built once, shared.
_SHARED_VALUES = frozenset({"valueCode", "valueBoolean", "valueInteger", "valueDecimal"})


def ext(name: str, **value: Any) -> Extension:
    """One of otvisit's own extensions with a single ``value[x]``."""
    if len(value) == 1:
        [(kind, item)] = value.items()
        if kind in _SHARED_VALUES:
            return _shared_ext(name, kind, item)
    return Extension(url=codes.own_extension(name), **value)


@lru_cache(maxsize=_SHARED)
def _shared_ext(name: str, kind: str, item: Any) -> Extension:
    return shared(Extension(url=codes.own_extension(name), **{kind: item}))


def ext_value(extensions: list[Extension] | None, name: str, kind: str) -> Any:
    """The ``value<kind>`` of otvisit's own extension ``name``, or None when absent."""
    url = codes.own_extension(name)
    for extension in extensions or []:
        if extension.url == url:
            return getattr(extension, f"value{kind}")
    return None


def own_code(value: CodeableConcept | None, system_name: str) -> str | None:
    """The code of ``value`` in one of otvisit's own systems, or None."""
    system = codes.own_system(system_name)
    for item in (value.coding if value is not None else None) or []:
        if item.system == system:
            return str(item.code)
    return None

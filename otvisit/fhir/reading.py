"""Reading a FHIR Bundle from outside: parsed and validated whole, references kept inside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError as PydanticError

from otvisit.fhir.elements import full_url

#: A bundle larger than this is not a child's record or a referral.
MAX_BUNDLE_BYTES = 50 * 1024 * 1024

T = TypeVar("T", bound=Resource)


class FhirError(ValueError):
    """A FHIR file that cannot be used; ``str(error)`` says why, for the person importing it."""


@dataclass
class ReadBundle:
    """A validated Bundle with its resources by their bundle-local address."""

    bundle: Bundle
    by_address: dict[str, Resource] = field(default_factory=dict)

    def of_type(self, kind: type[T]) -> Iterator[T]:
        """Each resource of that type once (a resource is known by several addresses)."""
        seen: set[int] = set()
        for resource in self.by_address.values():
            if isinstance(resource, kind) and id(resource) not in seen:
                seen.add(id(resource))
                yield resource

    def resolve(self, reference: Any, kind: type[T]) -> T:
        """The resource a Reference points at; it must be in the bundle and of that type."""
        address = getattr(reference, "reference", None)
        found = self.by_address.get(address or "")
        if not isinstance(found, kind):
            raise FhirError(
                f"a reference to {address!r} does not point at a {kind.__name__} in this bundle"
            )
        return found


@contextmanager
def missing_parts(what: str) -> Iterator[None]:
    """Turn a resource that lacks an element otvisit needs into one clear refusal."""
    try:
        yield
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
        if isinstance(error, FhirError):
            raise
        raise FhirError(f"{what} lacks something otvisit needs ({error})") from None


def _references(value: Any) -> Iterator[str]:
    """Every ``reference`` string anywhere in a resource's JSON."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def read_bundle(text: str | bytes) -> ReadBundle:
    """Parse and validate a Bundle; refuse anything else with a clear reason."""
    if len(text) > MAX_BUNDLE_BYTES:
        raise FhirError(f"the file is larger than {MAX_BUNDLE_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise FhirError(f"the file is not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirError("the file is not a FHIR Bundle (its resourceType is not 'Bundle')")
    try:
        bundle = Bundle.model_validate(data)
    except (PydanticError, ValueError) as error:
        first = str(error).splitlines()
        raise FhirError(f"the Bundle is not valid FHIR R4: {' '.join(first[:3])}") from None
    read = ReadBundle(bundle)
    for entry in bundle.entry or []:
        resource = entry.resource
        if resource is None:
            raise FhirError("a bundle entry has no resource")
        addresses = {entry.fullUrl} if entry.fullUrl else set()
        if resource.id:
            addresses |= {full_url(resource.id), f"{resource.get_resource_type()}/{resource.id}"}
        if not addresses:
            raise FhirError(f"a {resource.get_resource_type()} has neither fullUrl nor id")
        for address in addresses:
            read.by_address[address] = resource
    for entry in data.get("entry") or []:
        for address in _references(entry.get("resource")):
            if address.startswith("#"):
                continue  # a contained resource of the same resource
            if address not in read.by_address:
                raise FhirError(f"the reference {address!r} points outside the bundle")
    return read

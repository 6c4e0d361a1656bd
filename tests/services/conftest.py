"""Service-test fixtures: a session in a transaction, and a check that refusals write nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from otvisit.models.store import Store
from otvisit.services.errors import DomainError
from tests.factories import counts

Refusal = Callable[..., DomainError]


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """One unit of work, committed when the test ends (as a screen's action would be)."""
    with store.transaction() as active:
        yield active


@pytest.fixture
def refused(store: Store) -> Refusal:
    """Run ``action(session)``; assert it raises and wrote nothing even once committed.

    The transaction is committed after the error is caught (as a screen that shows
    the message and carries on would), so a half-made record would be caught here.
    The data the action needs must already be committed (use ``store.transaction()``).
    Returns the error, so the test can check the therapist's message.
    """

    def check(
        action: Callable[[Session], object], error: type[DomainError] = DomainError, match: str = ""
    ) -> DomainError:
        with store.read_session() as before_session:
            before = counts(before_session)
        with store.transaction() as active, pytest.raises(error, match=match) as caught:
            action(active)
        with store.read_session() as after_session:
            assert counts(after_session) == before
        return caught.value

    return check

"""The team's strategy library records, seeded from the bundled library files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import LibraryStrategy, Team, new_id
from otvisit.services.audit import record_change
from otvisit.services.records import get_live


class TranslationSource(Protocol):
    """A strategy in another language, as the library loader gives it."""

    @property
    def reviewed(self) -> bool: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def home_steps(self) -> Sequence[str]: ...
    @property
    def school_steps(self) -> Sequence[str]: ...
    @property
    def how_often(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def checked_by(self) -> str: ...
    @property
    def checked_on(self) -> date | None: ...


class StrategySource(Protocol):
    """A strategy as the library loader (``otvisit.reports.strategy_library``) gives it.

    The services do not import the reports layer: the caller loads the library
    and passes the strategies in.
    """

    @property
    def strategy_id(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def home_steps(self) -> Sequence[str]: ...
    @property
    def school_steps(self) -> Sequence[str]: ...
    @property
    def translations(self) -> Mapping[str, TranslationSource]: ...


@dataclass(frozen=True)
class SeedResult:
    """Strategies added, and those the team already had (left as the team edited them)."""

    added: tuple[str, ...]
    kept: tuple[str, ...]


def strategy_fields(strategy: StrategySource) -> dict[str, Any]:
    """The LibraryStrategy columns for one loaded strategy."""
    return {
        "slug": strategy.strategy_id,
        "area": strategy.area,
        "title": strategy.title,
        "summary": strategy.summary,
        "home_steps": list(strategy.home_steps),
        "school_steps": list(strategy.school_steps),
        "translations": {
            language: {
                "status": tr.status,
                "reviewed": tr.reviewed,
                "checked_by": tr.checked_by,
                "checked_on": tr.checked_on.isoformat() if tr.checked_on else "",
                "title": tr.title,
                "summary": tr.summary,
                "how_often": tr.how_often,
                "home_steps": list(tr.home_steps),
                "school_steps": list(tr.school_steps),
            }
            for language, tr in sorted(strategy.translations.items())
        },
    }


def seed_strategy_library(
    session: Session,
    *,
    team_id: str,
    strategies: Iterable[StrategySource],
    actor_id: str | None = None,
) -> SeedResult:
    """Add the strategies the team does not have yet; never overwrite the team's own edits."""
    get_live(session, Team, team_id, what="team")
    existing = set(
        session.scalars(select(LibraryStrategy.slug).where(LibraryStrategy.team_id == team_id))
    )
    added: list[str] = []
    kept: list[str] = []
    for strategy in strategies:
        if strategy.strategy_id in existing:
            kept.append(strategy.strategy_id)
            continue
        record = LibraryStrategy(id=new_id(), team_id=team_id, **strategy_fields(strategy))
        session.add(record)
        record_change(session, actor_id=actor_id, record=record, created=True)
        existing.add(strategy.strategy_id)
        added.append(strategy.strategy_id)
    return SeedResult(tuple(added), tuple(kept))


def team_strategy_slugs(session: Session, *, team_id: str) -> set[str]:
    """The slugs of the team's live library strategies."""
    return set(
        session.scalars(
            select(LibraryStrategy.slug).where(
                LibraryStrategy.team_id == team_id, LibraryStrategy.deleted.is_(False)
            )
        )
    )

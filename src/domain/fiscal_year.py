"""A fiscal year, which the adopted jaarrekening closes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import ClosedFiscalYearError, InvalidInputError
from domain.events import Authority, Body, Created, DecisionKind, Event, natural_id
from domain.values import Meta, check_fiscal_year


class FiscalYear(Aggregate):
    """Exists in the log only once something happens to the year itself (it is closed).

    A year with no aggregate is open. A closed year is never rewritten: mutations,
    realisations and taakstelling changes for it are refused (ClosedFiscalYearError).
    """

    def __init__(self, year: int) -> None:
        self.year = year
        self.closed = False

    @staticmethod
    def id_for(year: int) -> UUID:
        return natural_id("fiscal-year", str(year))

    @classmethod
    def begin(cls, *, year: int, meta: Meta, recorded_at: datetime) -> FiscalYear:
        check_fiscal_year(year)
        return cls._create(
            cls.Registered, id=cls.id_for(year), timestamp=recorded_at, meta=meta, year=year
        )

    class Registered(Created):
        year: int

    def close(self, *, authority: Authority, meta: Meta, recorded_at: datetime) -> None:
        if self.closed:
            raise ClosedFiscalYearError(self.year)
        if authority.kind is not DecisionKind.JAARREKENING or authority.body is not Body.RAAD:
            raise InvalidInputError(
                "a fiscal year is closed by the jaarrekening the raad adopted", field="decision"
            )
        self.trigger_event(self.Closed, timestamp=recorded_at, meta=meta, authority=authority)

    class Closed(Event):
        authority: Authority

        def apply(self, aggregate: Any) -> None:
            cast(FiscalYear, aggregate).closed = True

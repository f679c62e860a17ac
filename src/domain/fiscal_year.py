"""A fiscal year, which the adopted jaarrekening closes and only the raad reopens (ADR 0010)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import (
    ClosedFiscalYearError,
    InvalidInputError,
    InvalidTimeError,
    OpenFiscalYearError,
)
from domain.events import Authority, Bestuursorgaan, Created, DecisionKind, Event, Stamp, natural_id
from domain.values import check_fiscal_year

# The raad's decisions that may reopen a closed year: a revised jaarrekening (herziene
# vaststelling, e.g. after the accountant's finding) or a begrotingswijziging for that year.
REOPENING_KINDS = (DecisionKind.JAARREKENING, DecisionKind.BEGROTINGSWIJZIGING)
# The verantwoordingsgrens is a percentage of the year's total lasten that the raad sets
# (since verslagjaar 2023); the Bado allows at most 3% (ADR 0029).
MAX_VERANTWOORDINGSGRENS = Decimal("3")


class FiscalYear(LedgerAggregate):
    """Exists in the log only once something happens to the year itself (it is closed).

    A year with no aggregate is open. A closed year is never rewritten: mutations,
    realisations and taakstelling changes for it are refused (ClosedFiscalYearError),
    until an adopted decision of the raad reopens it (`Reopened`, naming the decision).
    A reopened year is open again and may be closed again.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        self.closed = False
        self.closed_by: Authority | None = None
        self.closed_known_at: datetime | None = None
        self.verantwoordingsgrens: Decimal | None = None

    @staticmethod
    def id_for(year: int) -> UUID:
        return natural_id("fiscal-year", str(year))

    @classmethod
    def begin(cls, *, year: int, stamp: Stamp) -> FiscalYear:
        check_fiscal_year(year)
        return cls._create(
            cls.Registered,
            id=cls.id_for(year),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            year=year,
        )

    class Registered(Created):
        year: int

    def close(self, *, stamp: Stamp) -> None:
        authority = stamp.authorised_by
        if self.closed:
            raise ClosedFiscalYearError(self.year)
        if (
            authority.kind is not DecisionKind.JAARREKENING
            or authority.body is not Bestuursorgaan.RAAD
        ):
            raise InvalidInputError(
                "a fiscal year is closed by the jaarrekening the raad adopted", field="decision"
            )
        self.trigger_event(
            self.Closed, timestamp=stamp.recorded_at, meta=stamp.meta, authority=authority
        )

    class Closed(Event):
        authority: Authority

        def apply(self, aggregate: Any) -> None:
            year = cast(FiscalYear, aggregate)
            year.closed = True
            year.closed_by = self.authority
            year.closed_known_at = self.meta.known_at

    def reopen(self, *, stamp: Stamp) -> None:
        authority = stamp.authorised_by
        if not self.closed:
            raise OpenFiscalYearError(self.year)
        if authority.body is not Bestuursorgaan.RAAD or authority.kind not in REOPENING_KINDS:
            raise InvalidInputError(
                "a fiscal year is reopened by a decision of the raad: "
                "a jaarrekening or a begrotingswijziging",
                field="decision",
            )
        if self.closed_by is not None and authority.decision_id == self.closed_by.decision_id:
            raise InvalidInputError(
                "the decision that closed the year cannot reopen it", field="decision"
            )
        if self.closed_known_at is not None and stamp.meta.known_at < self.closed_known_at:
            raise InvalidTimeError(
                "a reopening cannot be known before the closing it undoes", field="known_at"
            )
        self.trigger_event(
            self.Reopened, timestamp=stamp.recorded_at, meta=stamp.meta, authority=authority
        )

    class Reopened(Event):
        """The raad's decision `authority` reopened the year: it is open again."""

        authority: Authority

        def apply(self, aggregate: Any) -> None:
            cast(FiscalYear, aggregate).closed = False

    def set_verantwoordingsgrens(self, *, percentage: Decimal, stamp: Stamp) -> None:
        """The raad sets (or sets anew) the year's verantwoordingsgrens: the share of the
        year's total lasten up to which onrechtmatigheden do not affect the verantwoording."""
        authority = stamp.authorised_by
        if authority.body is not Bestuursorgaan.RAAD:
            raise InvalidInputError("the raad sets the verantwoordingsgrens", field="decision")
        if not percentage.is_finite() or not Decimal(0) < percentage <= MAX_VERANTWOORDINGSGRENS:
            raise InvalidInputError(
                f"the verantwoordingsgrens is a percentage above 0 and at most "
                f"{MAX_VERANTWOORDINGSGRENS}",
                field="percentage",
            )
        self.trigger_event(
            self.VerantwoordingsgrensSet,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            percentage=percentage,
            authority=authority,
        )

    class VerantwoordingsgrensSet(Event):
        """The raad's decision `authority` set the year's verantwoordingsgrens to
        `percentage` % of its total lasten; a later one replaces it."""

        percentage: Decimal
        authority: Authority

        def apply(self, aggregate: Any) -> None:
            cast(FiscalYear, aggregate).verantwoordingsgrens = self.percentage

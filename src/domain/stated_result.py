"""Stated results: a result per domain that a report states without the budget and
realisation behind it (the Q4 report's "Op het onderdeel Wmo realiseren we over 2019 een
voordelig resultaat van EUR 1,0 miljoen"). Recorded as stated, with its source (ADR 0030)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import InvalidInputError, RealisationError
from domain.events import Created, Event, Stamp, natural_id
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import SHORT_LENGTH, check_fiscal_year, check_text


class StatedResult(LedgerAggregate):
    """One stated result of a fiscal year and domain: positive for a voordeel, negative for
    a nadeel. A restatement names the version it corrects; the figure it replaces stays in
    the log and in every earlier as-of view."""

    def __init__(
        self,
        fiscal_year: int,
        domain: str,
        amount: Money,
        status: RealisationStatus,
    ) -> None:
        self.fiscal_year = fiscal_year
        self.domain = domain
        self.amount = amount
        self.status = status
        self.figure_known_at: datetime | None = None

    @staticmethod
    def id_for(fiscal_year: int, domain: str) -> UUID:
        return natural_id("stated-result", f"{fiscal_year}|{domain.strip().lower()}")

    @classmethod
    def state(
        cls,
        *,
        fiscal_year: int,
        domain: str,
        label: str,
        scope: str,
        amount: Money,
        status: RealisationStatus,
        stamp: Stamp,
    ) -> StatedResult:
        check_fiscal_year(fiscal_year)
        check_text(domain, "domain", max_length=SHORT_LENGTH)
        check_text(label, "label", max_length=2000)
        check_text(scope, "scope", max_length=2000)
        return cls._create(
            cls.Stated,
            id=cls.id_for(fiscal_year, domain),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            fiscal_year=fiscal_year,
            domain=domain,
            label=label,
            scope=scope,
            amount=amount,
            status=status,
        )

    class Stated(Created):
        """The result as the report states it; `scope` is what it covers, in its words."""

        fiscal_year: int
        domain: str
        label: str
        scope: str
        amount: Money
        status: RealisationStatus

        def apply(self, aggregate: Any) -> None:
            cast(StatedResult, aggregate).figure_known_at = self.meta.known_at

    class Restated(Event):
        """Replaces the figure of version `corrects_version` by `amount`."""

        corrects_version: int
        previous_amount: Money
        amount: Money
        status: RealisationStatus
        reason: str

        def apply(self, aggregate: Any) -> None:
            result = cast(StatedResult, aggregate)
            result.amount = self.amount
            result.status = self.status
            result.figure_known_at = self.meta.known_at

    def restate(
        self,
        *,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        corrects_version: int,
        stamp: Stamp,
    ) -> None:
        if corrects_version != self.version:
            raise RealisationError(
                f"the restatement names version {corrects_version}, but the current result"
                f" of {self.domain} {self.fiscal_year} is version {self.version}",
                field="corrects_version",
                current_version=self.version,
            )
        check_text(reason, "reason")
        if self.status is RealisationStatus.DEFINITIEF and status is RealisationStatus.VOORLOPIG:
            raise RealisationError(
                "a definitive result cannot become provisional again", field="status"
            )
        if self.figure_known_at is not None and stamp.meta.known_at < self.figure_known_at:
            raise InvalidInputError(
                "a restatement cannot be known before the result it corrects", field="known_at"
            )
        if amount == self.amount and status is self.status:
            raise RealisationError("the restatement changes nothing", field="amount")
        self.trigger_event(
            self.Restated,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            corrects_version=corrects_version,
            previous_amount=self.amount,
            amount=amount,
            status=status,
            reason=reason,
        )

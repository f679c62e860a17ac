"""Realisations: actual lasten or baten per line or deelproduct and period."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import InvalidInputError, RealisationError
from domain.events import Created, Event, Stamp, natural_id
from domain.iv3 import check_key
from domain.money import Money
from domain.taakvelden import check_taakveld
from domain.values import LineKey, check_text

MONTH = re.compile(r"(\d{4})-(\d{2})")


def check_month(month: str | None, fiscal_year: int, quarter: int | None) -> None:
    """A month a figure covers is "YYYY-MM" of its own fiscal year, inside its quarter if
    it has one (ADR 0020)."""
    if month is None:
        return
    found = MONTH.fullmatch(month) if month.isascii() else None
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise InvalidInputError(f"a month is YYYY-MM, not {month!r}", field="month")
    if int(found.group(1)) != fiscal_year:
        raise InvalidInputError(
            f"month {month} lies outside fiscal year {fiscal_year}", field="month"
        )
    if quarter is not None and (int(found.group(2)) - 1) // 3 + 1 != quarter:
        raise InvalidInputError(f"month {month} lies outside quarter {quarter}", field="month")


class RealisationStatus(Enum):
    VOORLOPIG = "voorlopig"  # provisional: invoices, PGB claims, verevening outstanding
    DEFINITIEF = "definitief"


def month_quarter(month: str) -> int:
    """The quarter of a "YYYY-MM" month (checked by check_month)."""
    return (int(month[5:7]) - 1) // 3 + 1


def realisation_id(key: LineKey, quarter: int | None, month: str | None = None) -> UUID:
    """The id of the figure of a line for a year, a quarter or, with `month` ("YYYY-MM"),
    a month of its own (an imported extract's movement, ADR 0033). Without a month the id
    is what it always was."""
    period = "Y" if quarter is None else f"Q{quarter}"
    parts = [
        str(key.fiscal_year),
        period if month is None else f"M{month}",
        key.programma.strip().lower(),
        key.taakveld or "",
        key.side.value,
        key.deelproduct or "",
        "" if key.interventie is None else str(key.interventie),
        key.fund or "",
    ]
    if key.categorie is not None:  # a realisation of the history before it keeps its id
        parts.append(key.categorie)
    return natural_id("realisation", "|".join(parts))


def late_result_id(mutation_id: UUID) -> UUID:
    """A late result ("resultaat voorgaand jaar") is a realisation of its own: one per fact."""
    return natural_id("realisation", f"prior-year|{mutation_id.hex}")


class Realisation(LedgerAggregate):
    """One reported figure and its corrections. A correction names the version it
    corrects; the figure it replaces stays in the log and in every earlier as-of view."""

    def __init__(
        self,
        key: LineKey,
        quarter: int | None,
        amount: Money,
        status: RealisationStatus,
        origin_year: int | None = None,
    ) -> None:
        self.key = key
        self.quarter = quarter
        self.amount = amount
        self.status = status
        # A late result of a closed year, booked in `key.fiscal_year`: the year it belongs to.
        self.origin_year = origin_year
        self.figure_known_at: datetime | None = None

    @classmethod
    def report(
        cls,
        *,
        key: LineKey,
        quarter: int | None,
        amount: Money,
        status: RealisationStatus,
        stamp: Stamp,
        month: str | None = None,
        own_month: bool = False,
    ) -> Realisation:
        """`month` describes the figure; with `own_month` the month is also its identity:
        the figure of that month alone, one of several in its quarter (ADR 0033)."""
        if own_month and month is None:
            raise InvalidInputError("a figure of its own month names the month", field="month")
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise InvalidInputError("a quarter is 1 to 4", field="quarter")
        check_month(month, key.fiscal_year, quarter)
        if key.taakveld is not None:
            check_taakveld(key.taakveld, key.fiscal_year)
        check_key(key)
        if key.taakveld is None and key.deelproduct is None and key.fund is None:
            raise InvalidInputError(
                "a realisation names a taakveld, a deelproduct or a fund", field="key"
            )
        return cls._create(
            cls.Reported,
            id=realisation_id(key, quarter, month if own_month else None),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            key=key,
            quarter=quarter,
            amount=amount,
            status=status,
            month=month,
        )

    class Reported(Created):
        """A figure for its line and period. Version 2 (ADR 0020) adds `month`, the month
        the figure covers ("YYYY-MM"), None when not given; a version-1 event, recorded
        before, reads with None. Its stored bytes stay as they were."""

        key: LineKey
        quarter: int | None
        amount: Money
        status: RealisationStatus
        month: str | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["month"] = None

        def apply(self, aggregate: Any) -> None:
            cast(Realisation, aggregate).figure_known_at = self.meta.known_at

    @classmethod
    def report_late_result(
        cls,
        *,
        realisation_id: UUID,
        key: LineKey,
        origin_year: int,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        corrects: Realisation | None,
        stamp: Stamp,
    ) -> Realisation:
        """Resultaat voorgaand jaar: a result of the closed `origin_year` that came in late,
        booked on the same line dimensions in the open year `key.fiscal_year`. `corrects` is
        the closed year's figure it corrects, if any; that figure stays as it was."""
        if origin_year >= key.fiscal_year:
            raise InvalidInputError(
                "a late result is booked in a year after the one it belongs to",
                field="fiscal_year",
            )
        if key.taakveld is not None:
            check_taakveld(key.taakveld, key.fiscal_year)
        check_key(key)
        if key.taakveld is None and key.deelproduct is None and key.fund is None:
            raise InvalidInputError(
                "a realisation names a taakveld, a deelproduct or a fund", field="key"
            )
        if not reason.strip():
            raise RealisationError("a late result gives its reason", field="reason")
        if amount.is_zero():
            raise RealisationError("a late result of zero changes nothing", field="amount")
        if (
            corrects is not None
            and corrects.figure_known_at is not None
            and stamp.meta.known_at < corrects.figure_known_at
        ):
            raise RealisationError(
                "a correction cannot be known before the figure it corrects", field="known_at"
            )
        return cls._create(
            cls.LateResultReported,
            id=realisation_id,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            key=key,
            quarter=None,
            amount=amount,
            status=status,
            origin_year=origin_year,
            reason=reason,
            corrects_realisation_id=None if corrects is None else corrects.id,
            corrects_version=None if corrects is None else corrects.version,
        )

    class LateResultReported(Created):
        """A resultaat voorgaand jaar: `amount` belongs to the closed `origin_year` and is
        booked in this realisation's year; it may name the figure (and version) it corrects."""

        key: LineKey
        quarter: int | None
        amount: Money
        status: RealisationStatus
        origin_year: int
        reason: str
        corrects_realisation_id: UUID | None
        corrects_version: int | None

        def apply(self, aggregate: Any) -> None:
            cast(Realisation, aggregate).figure_known_at = self.meta.known_at

    class Corrected(Event):
        """Replaces the figure of version `corrects_version` by `amount`."""

        corrects_version: int
        previous_amount: Money
        amount: Money
        status: RealisationStatus
        reason: str

        def apply(self, aggregate: Any) -> None:
            realisation = cast(Realisation, aggregate)
            realisation.amount = self.amount
            realisation.status = self.status
            realisation.figure_known_at = self.meta.known_at

    def correct(
        self,
        *,
        corrects_version: int,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        stamp: Stamp,
    ) -> None:
        if corrects_version != self.version:
            raise RealisationError(
                f"the correction names version {corrects_version}, but the current figure"
                f" of {self.key.label()} is version {self.version}",
                field="corrects_version",
                current_version=self.version,
            )
        check_text(reason, "reason", required=False)
        if not reason.strip():
            raise RealisationError("a correction gives its reason", field="reason")
        if self.status is RealisationStatus.DEFINITIEF and status is RealisationStatus.VOORLOPIG:
            raise RealisationError(
                "a definitive figure cannot become provisional again", field="status"
            )
        if self.figure_known_at is not None and stamp.meta.known_at < self.figure_known_at:
            raise RealisationError(
                "a correction cannot be known before the figure it corrects", field="known_at"
            )
        if amount == self.amount and status is self.status:
            raise RealisationError("the correction changes nothing", field="amount")
        self.trigger_event(
            self.Corrected,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            corrects_version=corrects_version,
            previous_amount=self.amount,
            amount=amount,
            status=status,
            reason=reason,
        )

"""Realisations: actual lasten or baten per line or deelproduct and period."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidInputError, RealisationError
from domain.events import Created, Event, natural_id
from domain.money import Money
from domain.taakvelden import check_taakveld
from domain.values import LineKey, Meta, check_text


class RealisationStatus(Enum):
    VOORLOPIG = "voorlopig"  # provisional: invoices, PGB claims, verevening outstanding
    DEFINITIEF = "definitief"


def realisation_id(key: LineKey, quarter: int | None) -> UUID:
    parts = [
        str(key.fiscal_year),
        "Y" if quarter is None else f"Q{quarter}",
        key.programma.strip().lower(),
        key.taakveld or "",
        key.side.value,
        key.deelproduct or "",
        "" if key.interventie is None else str(key.interventie),
        key.fund or "",
    ]
    return natural_id("realisation", "|".join(parts))


class Realisation(Aggregate):
    """One reported figure and its corrections. A correction names the version it
    corrects; the figure it replaces stays in the log and in every earlier as-of view."""

    def __init__(
        self, key: LineKey, quarter: int | None, amount: Money, status: RealisationStatus
    ) -> None:
        self.key = key
        self.quarter = quarter
        self.amount = amount
        self.status = status
        self.figure_known_at: datetime | None = None

    @classmethod
    def report(
        cls,
        *,
        key: LineKey,
        quarter: int | None,
        amount: Money,
        status: RealisationStatus,
        meta: Meta,
        recorded_at: datetime,
    ) -> Realisation:
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise InvalidInputError("a quarter is 1 to 4", field="quarter")
        if key.taakveld is not None:
            check_taakveld(key.taakveld, key.fiscal_year)
        if key.taakveld is None and key.deelproduct is None and key.fund is None:
            raise InvalidInputError(
                "a realisation names a taakveld, a deelproduct or a fund", field="key"
            )
        return cls._create(
            cls.Reported,
            id=realisation_id(key, quarter),
            timestamp=recorded_at,
            meta=meta,
            key=key,
            quarter=quarter,
            amount=amount,
            status=status,
        )

    class Reported(Created):
        key: LineKey
        quarter: int | None
        amount: Money
        status: RealisationStatus

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
        meta: Meta,
        recorded_at: datetime,
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
        if self.figure_known_at is not None and meta.known_at < self.figure_known_at:
            raise RealisationError(
                "a correction cannot be known before the figure it corrects", field="known_at"
            )
        if amount == self.amount and status is self.status:
            raise RealisationError("the correction changes nothing", field="amount")
        self.trigger_event(
            self.Corrected,
            timestamp=recorded_at,
            meta=meta,
            corrects_version=corrects_version,
            previous_amount=self.amount,
            amount=amount,
            status=status,
            reason=reason,
        )

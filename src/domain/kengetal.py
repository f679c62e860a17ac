"""Kengetallen: the key figures an interventieplan prints beside its money (visits per year,
hours per client per month). A kengetal is a measured quantity, never money (ADR 0030)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import InvalidInputError
from domain.events import Created, Event, Stamp, natural_id
from domain.values import CODE_LENGTH, NAME_LENGTH, check_fiscal_year, check_interventie, check_text

# The read model keeps a value as decimal text of at most this many characters.
VALUE_LENGTH = 40


def check_value(value: Decimal) -> Decimal:
    """A finite Decimal, written without exponent ("15000", "7.7"): exact, never a float."""
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise InvalidInputError(f"a kengetal's value is a Decimal, not {value!r}", field="value")
    if not value.is_finite():
        raise InvalidInputError("a kengetal's value is a finite number", field="value")
    plain = Decimal(format(value, "f"))
    if len(format(plain, "f")) > VALUE_LENGTH:
        raise InvalidInputError(
            f"a kengetal's value has at most {VALUE_LENGTH} characters", field="value"
        )
    return plain


class Kengetal(LedgerAggregate):
    """One key figure and its measurements per fiscal year. A later measurement of a year
    replaces the earlier one from its known_at on and names the version it replaces; the
    earlier stays in the log and in every earlier as-of view."""

    def __init__(self, reference: str, label: str, unit: str, interventie: int | None) -> None:
        self.reference = reference
        self.label = label
        self.unit = unit
        self.interventie = interventie
        # fiscal year -> (version, value, peildatum, known_at) of its current measurement
        self.measurements: dict[int, tuple[int, Decimal, date | None, datetime]] = {}

    @staticmethod
    def id_for(reference: str) -> UUID:
        return natural_id("kengetal", reference)

    @classmethod
    def define(
        cls,
        *,
        reference: str,
        label: str,
        unit: str,
        interventie: int | None,
        stamp: Stamp,
    ) -> Kengetal:
        check_text(reference, "reference", max_length=NAME_LENGTH)
        check_text(label, "label", max_length=2000)
        check_text(unit, "unit", max_length=CODE_LENGTH)
        check_interventie(interventie)
        return cls._create(
            cls.Defined,
            id=cls.id_for(reference),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            reference=reference,
            label=label,
            unit=unit,
            interventie=interventie,
        )

    class Defined(Created):
        """What the kengetal counts, in which unit (e.g. "count", "hours")."""

        reference: str
        label: str
        unit: str
        interventie: int | None

    class Measured(Event):
        """The value of one fiscal year, at `peildatum` where the document names one;
        `replaces_version` is the version of the year's measurement it replaces, if any."""

        fiscal_year: int
        value: Decimal
        peildatum: date | None
        replaces_version: int | None

        def apply(self, aggregate: Any) -> None:
            kengetal = cast(Kengetal, aggregate)
            kengetal.measurements[self.fiscal_year] = (
                self.originator_version,
                self.value,
                self.peildatum,
                self.meta.known_at,
            )

    def measure(
        self,
        *,
        fiscal_year: int,
        value: Decimal,
        peildatum: date | None,
        stamp: Stamp,
    ) -> None:
        check_fiscal_year(fiscal_year)
        value = check_value(value)
        if peildatum is not None and not isinstance(peildatum, date):
            raise InvalidInputError("a peildatum is a date", field="peildatum")
        if isinstance(peildatum, datetime):
            raise InvalidInputError("a peildatum is a date without a time", field="peildatum")
        current = self.measurements.get(fiscal_year)
        if current is not None:
            _, earlier_value, earlier_peildatum, earlier_known_at = current
            if earlier_value == value and earlier_peildatum == peildatum:
                raise InvalidInputError(
                    f"{self.reference} {fiscal_year} is already {format(earlier_value, 'f')}",
                    field="value",
                )
            if stamp.meta.known_at < earlier_known_at:
                raise InvalidInputError(
                    "a measurement cannot be known before the one it replaces", field="known_at"
                )
        self.trigger_event(
            self.Measured,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            fiscal_year=fiscal_year,
            value=value,
            peildatum=peildatum,
            replaces_version=None if current is None else current[0],
        )

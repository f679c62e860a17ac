"""Exact money. See docs/adr/0003-money-and-rounding.md."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import InvalidAmountError

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)
# Fifteen digits of euros: far beyond any municipal budget, well inside exact arithmetic.
LIMIT = Decimal("1e15")


@dataclass(frozen=True, order=True)
class Money:
    """Euros and cents, exact. Negative values are deltas (a cut, an outflow)."""

    amount: Decimal

    def __post_init__(self) -> None:
        value = self.amount
        # bool is an int; float is never money (binary fractions are not cents).
        if isinstance(value, bool) or not isinstance(value, Decimal):
            raise InvalidAmountError(str(value), "amount must be a Decimal, never a float")
        if not value.is_finite():
            raise InvalidAmountError(str(value), "amount must be finite")
        if abs(value) >= LIMIT:
            raise InvalidAmountError(str(value), "amount is beyond the range of a budget")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2 and value != value.quantize(CENT):
            raise InvalidAmountError(str(value), "amount has more than two decimals")
        object.__setattr__(self, "amount", value.quantize(CENT))

    @classmethod
    def parse(cls, text: str | int | Decimal) -> Money:
        """Parse a decimal string ("1234.50"), an int of euros or a Decimal; never a float."""
        if isinstance(text, float):
            raise InvalidAmountError(repr(text), "amount must be a decimal string, never a float")
        if isinstance(text, bool):
            raise InvalidAmountError(repr(text), "amount must be a number")
        if isinstance(text, int):
            return cls(Decimal(text))
        if isinstance(text, Decimal):
            return cls(text)
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise InvalidAmountError(text, "amount is not a decimal number") from None
        return cls(value)

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal("0.00"))

    @classmethod
    def thousands(cls, value: int | str) -> Money:
        """A figure given in thousands of euros (the seeds' "x € 1.000"), as exact euros."""
        return cls(Decimal(value) * THOUSAND)

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount:.2f}"


def sum_money(values: list[Money]) -> Money:
    total = Decimal("0.00")
    for value in values:
        total += value.amount
    return Money(total)


def in_thousands(amount: Decimal) -> Decimal:
    """Render exact euros as the published "x € 1.000" figure: half-up to whole thousands.

    The rounding rule of every published table (ADR 0003): a cell is the exact sum of its
    euros, divided by 1,000 and rounded half away from zero; a total is rounded from the
    exact sum of its rows, never summed from rounded cells.
    """
    return (amount / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP)


PERCENT = Decimal("0.1")


def percent_of(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part / whole x 100, half away from zero to one decimal (every percentage the views
    and tables show); None when the whole is zero or unknown, never for a zero part."""
    if whole is None or whole == 0:
        return None
    found = (part / whole * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)
    return found if found else abs(found)  # never "-0.0"

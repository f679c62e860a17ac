"""A cell of a row with its own measure (ADR 0025): its value from its fact rows, and the
figure a report publishes for it in the row's unit.

Rounding, each half away from zero from the exact value (never from rounded parts):
- money in EUR_1000 (the default): whole thousands (ADR 0003); EUR_1000000: 0.01 million
  ("1.93"); an exact zero is an empty cell (null);
- relative (percent): the row's taakstellingen over the realised lasten of their base
  deelproducten in the base year, x 100, to 0.1 ("16.8"); null where either is zero;
- kengetal: the value as recorded ("7.7", "15000"); null where none was measured;
- heading: no figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from domain.money import in_thousands, percent_of
from projections.queries.cells import Cell, Fact
from projections.queries.row_facts import succession

MILLION = Decimal(1_000_000)
HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0.00")


def value(cell: Cell, facts: Iterable[Fact]) -> Decimal | None:
    """The cell's exact value from the fact rows visible on a basis: euros (money), a
    percentage (relative) or the measured value (kengetal); None for no figure."""
    mine = [fact for fact in facts if cell.counts(fact)]
    if cell.measure == "heading":
        return None
    if cell.measure == "relative":
        return relative(
            sum((f.delta for f in mine if f.measure == "taakstelling"), start=ZERO),
            sum((f.delta for f in mine if f.measure == "realisation"), start=ZERO),
        )
    if cell.measure == "kengetal" and not mine:
        return None
    return sum((f.delta for f in succession(mine)), start=ZERO)


def relative(taakstelling: Decimal, base: Decimal) -> Decimal | None:
    """Taakstelling as % of its base realisation (domain.money.percent_of); a zero
    taakstelling is no figure too (contract: null where either is zero)."""
    return None if taakstelling == 0 else percent_of(taakstelling, base)


def in_millions(amount: Decimal) -> Decimal:
    """Exact euros as a figure in millions: half away from zero to 0.01 million."""
    return (amount / MILLION).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def money_figure(amount: Decimal, unit: str) -> str | None:
    """A money cell as published in `unit`: EUR_1000000 in millions with two decimals, any
    other unit in whole thousands (ADR 0003); an exact zero is an empty cell."""
    if amount == 0:
        return None
    figure = in_millions(amount) if unit == "EUR_1000000" else in_thousands(amount)
    return str(figure if figure != 0 else abs(figure))  # never "-0"


def figure(cell: Cell, facts: Iterable[Fact], table_unit: str) -> str | None:
    """The published figure of a row-measured cell (or a total of such rows)."""
    mine = [fact for fact in facts if cell.counts(fact)]
    exact = value(cell, mine)
    if exact is None:
        return None
    if cell.measure == "relative":
        return str(exact)
    if cell.measure == "kengetal":
        texts = [f.text for f in _latest(mine)]
        if len(texts) == 1 and texts[0] is not None:
            return texts[0]  # as recorded
        return str(exact)
    return money_figure(exact, cell.unit or table_unit)


def _latest(facts: Iterable[Fact]) -> list[Fact]:
    latest: dict[str | None, Fact] = {}
    for fact in sorted(facts, key=lambda fact: fact.position):
        latest[fact.latest] = fact
    return list(latest.values())

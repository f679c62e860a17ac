"""A table's fact rows indexed once by what `Cell.counts` tests first, so each cell of a
report (or a diff) looks only at the rows that can count for it: rendering a table costs
its facts plus its cells, not their product (ADR 0025).

Every row is kept under its measure and fiscal year with each of the values a cell selects
it by: its taakstelling, deelproduct, reference (kengetal, result, activity), fund, and
fund with interventie. A cell gathers the rows under the keys its own `counts` would
accept, a superset of the rows that count for it, and `counts` has the last word; the rows
come back in the order they were given, so a cell gets exactly the list that filtering all
the rows gives (`succession` and the kengetal's latest row depend on that order)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from projections.queries.cells import Cell, Fact

# What a fact row is indexed under: measure, fiscal year, the field a cell selects by and
# the field's value (fund and interventie together for a row of one interventie).
_Key = tuple[str, int | None, str, object]
Row = TypeVar("Row")


class FactIndex(Generic[Row]):
    """The rows of a table (a `Fact`, or anything `fact_of` turns into one, e.g. a diff's
    fact with the bases it is seen on), by what a cell selects them by."""

    def __init__(self, rows: Sequence[Row], fact_of: Callable[[Row], Fact]) -> None:
        self._rows = rows
        self._facts = [fact_of(row) for row in rows]
        self._by: dict[_Key, list[int]] = {}
        for index, fact in enumerate(self._facts):
            measure, year = fact.measure, fact.fiscal_year
            for field, value in (
                ("taakstelling", fact.taakstelling),
                ("deelproduct", fact.deelproduct),
                ("reference", fact.reference),
                ("fund", fact.fund),
                ("interventie", (fact.fund, fact.interventie)),
            ):
                self._by.setdefault((measure, year, field, value), []).append(index)

    def rows_of(self, cell: Cell) -> list[Row]:
        """The rows that count for the cell (`Cell.counts`), in the order given."""
        return [
            self._rows[index]
            for index in sorted(set(self._candidates(cell)))
            if cell.counts(self._facts[index])
        ]

    def _candidates(self, cell: Cell) -> Iterator[int]:
        # The keys mirror `Cell.counts`, branch for branch: a row under none of them fails
        # the test there.
        if cell.parts is not None:
            for part in cell.parts:
                yield from self._candidates(part)
            return
        if cell.measure == "relative":
            for year in cell.years:
                for member in cell.members or ():
                    yield from self._at(("taakstelling", year, "taakstelling", member))
            for deelproduct in cell.base or ():
                yield from self._at(("realisation", cell.base_year, "deelproduct", deelproduct))
            return
        measure = cell.measure
        for year in cell.years:
            if measure == "taakstelling":
                for member in cell.members or ():
                    yield from self._at((measure, year, "taakstelling", member))
            elif cell.deelproducten is not None:
                for deelproduct in cell.deelproducten:
                    yield from self._at((measure, year, "deelproduct", deelproduct))
            elif measure in ("kengetal", "result", "specification"):
                yield from self._at((measure, year, "reference", cell.reference))
            elif cell.kind == "total":
                yield from self._at((measure, year, "fund", cell.fund))
            else:
                yield from self._at((measure, year, "interventie", (cell.fund, cell.interventie)))

    def _at(self, key: _Key) -> list[int]:
        return self._by.get(key, [])


def facts_index(facts: Sequence[Fact]) -> FactIndex[Fact]:
    """An index of plain fact rows."""
    return FactIndex(facts, _itself)


def _itself(fact: Fact) -> Fact:
    return fact

"""The Iv3 matrix of a fiscal year (ADR 0031): lasten and baten per taakveld x economische
categorie, for review and for the ERP's delivery to the CBS.

A period says which facts count:
- `begroting`: the primitieve begroting (each line's Established amount; every line of the
  year is checked, also one only a wijziging gave an amount);
- `Q1`..`Q4`: the realisations of the year to date, the quarters up to that one (a figure
  with a month and no quarter in its month's quarter);
- `jaarrekening`: every realisation of the year (quarterly, whole-year, late results).
By default the basis is the period's end (a quarter's last day; for begroting and
jaarrekening "now": the primitieve begroting never changes after its adoption and the
jaarrekening is drawn up after the year). Voorlopig and definitief figures both count; each
cell says how much of it is still voorlopig.

Refused, with every offending line or realisation listed, when one in scope has no
categorie, no taakveld, a categorie the model of that year does not know on its side, or a
taakveld x categorie combination the model forbids (a grey cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Integer, case, cast, func, select

from domain import iv3
from domain.errors import InvalidInputError
from domain.iv3 import Iv3Model
from domain.taakvelden import catalogue_for
from projections.queries.basis import Basis, euros
from projections.queries.row_exports import (
    BASIS_COLUMNS,
    Column,
    Export,
    Kind,
    _basis_values,
    _provenance,
)
from projections.store import schema

PERIODS = ("begroting", "Q1", "Q2", "Q3", "Q4", "jaarrekening")
PRIMITIEF = "Established"  # the kind of a line's primitieve begroting in budget_mutations


def default_as_of(fiscal_year: int, period: str) -> str | None:
    """The basis a period is exported on unless one is given: now, for every period. A
    quarter's realisations already count by their quarter and month; its end on the
    known_at axis would leave out its last month, whose extract is dated after it."""
    del fiscal_year, period
    return None


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise InvalidInputError(f"a period is one of {', '.join(PERIODS)}", field="period")
    return period


@dataclass(frozen=True)
class Offence:
    """A line (or realisation) the matrix cannot place, and why."""

    kind: str  # "line" or "realisation"
    id: str
    label: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "label": self.label, "reason": self.reason}


class Iv3Refused(InvalidInputError):
    """The export is refused: `offences` lists every line that keeps it from the model."""

    code = "iv3-refused"

    def __init__(self, fiscal_year: int, period: str, offences: list[Offence]) -> None:
        listed = "".join(f"\n  {o.kind} {o.id} {o.label}: {o.reason}" for o in offences)
        super().__init__(
            f"cannot export Iv3 {fiscal_year} {period}: {len(offences)} line(s) do not fit"
            f" the Iv3 model of that year{listed}",
            field="categorie",
            offences=[offence.to_json() for offence in offences],
        )
        self.offences = offences


@dataclass
class Cell:
    side: str
    taakveld: str
    categorie: str
    cents: int = 0
    voorlopig_cents: int = 0
    lines: int = 0


@dataclass
class Iv3Matrix:
    fiscal_year: int
    period: str
    model: Iv3Model
    cells: list[Cell] = field(default_factory=list)

    def total_cents(self, side: str) -> int:
        return sum(cell.cents for cell in self.cells if cell.side == side)


@dataclass(frozen=True)
class _Fact:
    kind: str
    id: str
    side: str
    programma: str
    taakveld: str | None
    deelproduct: str | None
    interventie: int | None
    fund: str | None
    categorie: str | None
    cents: int
    voorlopig: bool
    placed: bool = True  # holds an amount of the period (else only checked)

    @property
    def label(self) -> str:
        parts = [self.programma]
        for name in ("taakveld", "deelproduct", "interventie", "fund", "categorie"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}")
        parts.append(self.side)
        return " / ".join(parts)


def _budget_facts(conn: Connection, basis: Basis, fiscal_year: int) -> list[_Fact]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    primitief = mutations.c.kind == PRIMITIEF
    # Every line of the year is checked (a line a wijziging opened too: the year's lines
    # must all fit the model); only a primitieve begroting places an amount in a cell.
    query = (
        select(
            lines,
            func.sum(case((primitief, mutations.c.delta_cents), else_=0)).label("total"),
            func.sum(case((primitief, 1), else_=0)).label("established"),
        )
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations), lines.c.fiscal_year == fiscal_year)
        .group_by(*lines.c)
        .order_by(lines.c.position)
    )
    return [
        _fact_of("line", row, voorlopig=False, placed=int(row.established or 0) > 0)
        for row in conn.execute(query)
    ]


def _fact_of(kind: str, row: Any, *, voorlopig: bool, placed: bool = True) -> _Fact:
    """A read-model row of a line or realisation (with its `total` in cents) as a fact."""
    return _Fact(
        kind,
        str(UUID(row.id)),
        row.side,
        row.programma,
        row.taakveld,
        row.deelproduct,
        row.interventie,
        row.fund,
        row.categorie,
        int(row.total or 0),
        voorlopig,
        placed=placed,
    )


def _realised_facts(
    conn: Connection, basis: Basis, fiscal_year: int, quarter: int | None
) -> list[_Fact]:
    """Each realisation of the year (up to `quarter`, if given) as of the basis: the sum of
    its entries, voorlopig if its latest entry is."""
    subjects, entries = schema.realisations, schema.realisation_entries
    latest = (
        select(
            entries.c.realisation_id,
            func.max(entries.c.position).label("latest"),
            func.sum(entries.c.delta_cents).label("total"),
        )
        .where(basis.filter(entries))
        .group_by(entries.c.realisation_id)
        .subquery()
    )
    query = (
        select(subjects, latest.c.total, entries.c.status)
        .join(latest, latest.c.realisation_id == subjects.c.id)
        .join(entries, entries.c.position == latest.c.latest)
        .where(subjects.c.fiscal_year == fiscal_year)
        .order_by(subjects.c.position)
    )
    if quarter is not None:
        # A figure that names its month but no quarter lies in the month's quarter.
        month = cast(func.substr(subjects.c.month, 6, 2), Integer)
        in_quarter = func.coalesce(subjects.c.quarter, (month + 2) // 3)
        query = query.where(in_quarter.is_not(None), in_quarter <= quarter)
    return [
        _fact_of("realisation", row, voorlopig=row.status == "voorlopig")
        for row in conn.execute(query)
    ]


def _offence(fact: _Fact, model: Iv3Model, fiscal_year: int) -> str | None:
    if fact.categorie is None:
        return "no categorie"
    if fact.taakveld is None:
        return "no taakveld"
    side = model.sides[fact.side]
    if fact.categorie not in side.categorieen:
        return (
            f"categorie {fact.categorie} is not among the {fact.side} of the Iv3 model of"
            f" {fiscal_year}"
        )
    if side.is_grey(fact.taakveld, fact.categorie):
        return f"taakveld {fact.taakveld} x categorie {fact.categorie} is a grey cell"
    return None


_PART = re.compile(r"(\d+)(.*)")


def code_order(code: str) -> tuple[tuple[int, str], ...]:
    """Codes in their natural order: 0.9 before 0.10, 6.71a after 6.71."""
    parts = []
    for part in code.split("."):
        found = _PART.fullmatch(part)
        parts.append((int(found.group(1)), found.group(2)) if found else (-1, part))
    return tuple(parts)


def iv3_matrix(conn: Connection, basis: Basis, *, fiscal_year: int, period: str) -> Iv3Matrix:
    """The matrix of `period` of `fiscal_year` on `basis`, or Iv3Refused."""
    check_period(period)
    model = iv3.model_for(fiscal_year)
    if model is None:
        raise InvalidInputError(
            f"the Iv3 model has no boekjaar {fiscal_year}: the first is"
            f" {iv3.models()[0].boekjaren[0]}",
            field="fiscal_year",
        )
    if period == "begroting":
        facts = _budget_facts(conn, basis, fiscal_year)
    else:
        quarter = int(period[1]) if period.startswith("Q") else None
        facts = _realised_facts(conn, basis, fiscal_year, quarter)
    offences = []
    cells: dict[tuple[str, str, str], Cell] = {}
    for fact in facts:
        reason = _offence(fact, model, fiscal_year)
        if reason is not None:
            offences.append(Offence(fact.kind, fact.id, fact.label, reason))
            continue
        if fact.taakveld is None or fact.categorie is None or not fact.placed:
            continue  # an offence is listed above; an unplaced line is only checked
        cell = cells.setdefault(
            (fact.side, fact.taakveld, fact.categorie),
            Cell(fact.side, fact.taakveld, fact.categorie),
        )
        cell.cents += fact.cents
        cell.voorlopig_cents += fact.cents if fact.voorlopig else 0
        cell.lines += 1
    if offences:
        raise Iv3Refused(fiscal_year, period, offences)
    ordered = sorted(
        cells.values(),
        key=lambda c: (iv3.SIDES.index(c.side), code_order(c.taakveld), code_order(c.categorie)),
    )
    return Iv3Matrix(fiscal_year, period, model, ordered)


# -- the export ----------------------------------------------------------------------------

# One row per cell of the matrix that holds a line (the grid is a pivot of these rows, and
# the CBS's own delivery is a list of cells too); amounts exact, in euros and cents.
IV3_COLUMNS = (
    Column("fiscal_year", Kind.INTEGER),
    Column("period"),
    Column("side"),
    Column("taakveld"),
    Column("taakveld_name"),
    Column("categorie"),
    Column("categorie_name"),
    Column("amount", Kind.AMOUNT),
    Column("voorlopig", Kind.AMOUNT),
    Column("lines", Kind.INTEGER),
)


def iv3_export(conn: Connection, basis: Basis, *, fiscal_year: int, period: str) -> Export:
    """The matrix as rows, the basis and chain head on each, or Iv3Refused."""
    matrix = iv3_matrix(conn, basis, fiscal_year=fiscal_year, period=period)
    catalogue = catalogue_for(fiscal_year)
    provenance_values = _basis_values(conn, basis)
    realised = period != "begroting"
    rows = tuple(
        (
            fiscal_year,
            period,
            cell.side,
            cell.taakveld,
            catalogue.get(cell.taakveld),
            cell.categorie,
            matrix.model.sides[cell.side].categorieen[cell.categorie],
            euros(cell.cents),
            euros(cell.voorlopig_cents) if realised else None,
            cell.lines,
            *provenance_values,
        )
        for cell in matrix.cells
    )
    return Export(
        f"iv3-{fiscal_year}-{period.lower()}",
        f"Iv3 {fiscal_year} {period}",
        (*IV3_COLUMNS, *BASIS_COLUMNS),
        rows,
        _provenance(
            conn,
            basis,
            export=f"iv3 {fiscal_year} {period}",
            iv3_model=matrix.model.source,
            # exact decimal text: a spreadsheet number would be a float
            total_lasten=str(euros(matrix.total_cents("lasten"))),
            total_baten=str(euros(matrix.total_cents("baten"))),
        ),
    )

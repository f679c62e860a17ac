"""Budget against realisation (uitputting, ADR 0026): per budget line, programma, taakveld or
interventie of a fiscal year, per side, as of any basis: the primitieve begroting
(`Established`), the wijzigingen (every other budget mutation), the begroting na wijziging,
the realisatie (and how much of it is still voorlopig), the saldo and the uitputting %.

A realisation meets the line of its own dimensions (fiscal year, programma, taakveld, side,
deelproduct, interventie, fund): the line whose id they give, as the domain names lines
(`domain.budget.line_id_of`). A realisation that meets no line is not dropped: it is a row of
its own, budget 0, `no_line: true`. Each figure traces to its events (`figure_lineage`), in
the row shape of the budget and realisation lineage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from domain.budget import line_id_of
from domain.money import percent_of
from projections.queries import authority, backdating, lineage
from projections.queries.basis import Basis, euros, parse_moment
from projections.queries.lineage import BudgetLineageRow, RealisationLineageRow
from projections.queries.uitputting_rows import (
    UitputtingDocument,
    UitputtingFigures,
    UitputtingLine,
    UitputtingRow,
    UitputtingTotal,
)
from projections.store import schema

BYS = ("line", "programma", "taakveld", "interventie")
SIDES = ("lasten", "baten")
FIGURES = ("primitief", "wijzigingen", "realisatie")
PRIMITIEF = "Established"


class UitputtingError(ValueError):
    """A question the query cannot answer: `field` names the parameter at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def percentage(part: Decimal, whole: Decimal) -> str | None:
    """part / whole x 100 as JSON text (domain.money.percent_of); None for a zero whole."""
    found = percent_of(part, whole)
    return None if found is None else str(found)


def saldo(side: str, budget: Decimal, realised: Decimal) -> Decimal:
    """Positive for a voordeel: less spent than budgeted, or more received."""
    return budget - realised if side == "lasten" else realised - budget


# -- the facts of a year as of a basis ---------------------------------------------------


@dataclass
class _Line:
    id: str  # hex
    dims: UitputtingLine
    primitief: int = 0
    wijzigingen: int = 0


@dataclass
class _Realisation:
    id: str  # hex
    dims: UitputtingLine
    line_id: str  # hex: the line its dimensions name (it may not exist)
    cents: int = 0
    voorlopig: bool = False
    version: int = 0


@dataclass
class _Facts:
    lines: dict[str, _Line] = field(default_factory=dict)
    realisations: dict[str, _Realisation] = field(default_factory=dict)


def _dims(row: Any) -> UitputtingLine:
    return {
        "fiscal_year": row.fiscal_year,
        "programma": row.programma,
        "taakveld": row.taakveld,
        "side": row.side,
        "deelproduct": row.deelproduct,
        "interventie": row.interventie,
        "fund": row.fund,
        "categorie": row.categorie,
    }


def _facts(conn: Connection, basis: Basis, fiscal_year: int, side: str | None) -> _Facts:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    subjects, entries = schema.realisations, schema.realisation_entries
    facts = _Facts()
    budget = (
        select(
            lines,
            mutations.c.kind,
            func.sum(mutations.c.delta_cents).label("total"),
        )
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations), lines.c.fiscal_year == fiscal_year)
        .group_by(*lines.c, mutations.c.kind)
    )
    realised = (
        select(
            subjects,
            entries.c.version,
            entries.c.delta_cents,
            entries.c.status,
        )
        .join(entries, entries.c.realisation_id == subjects.c.id)
        .where(basis.filter(entries), subjects.c.fiscal_year == fiscal_year)
        .order_by(entries.c.position)
    )
    if side is not None:
        budget = budget.where(lines.c.side == side)
        realised = realised.where(subjects.c.side == side)
    for row in conn.execute(budget):
        line = facts.lines.setdefault(row.id, _Line(row.id, _dims(row)))
        if row.kind == PRIMITIEF:
            line.primitief += int(row.total or 0)
        else:
            line.wijzigingen += int(row.total or 0)
    for row in conn.execute(realised):
        found = facts.realisations.get(row.id)
        if found is None:
            dims = _dims(row)
            met = line_id_of(
                row.fiscal_year,
                row.programma,
                row.taakveld,
                row.side,
                row.deelproduct,
                row.interventie,
                row.fund,
                row.categorie,
            ).hex
            found = facts.realisations[row.id] = _Realisation(row.id, dims, met)
        found.cents += int(row.delta_cents)
        # The realisation's status is its latest version's as of the basis.
        if row.version >= found.version:
            found.version = row.version
            found.voorlopig = row.status == "voorlopig"
    return facts


# -- grouping ------------------------------------------------------------------------------


def _value(by: str, dims: UitputtingLine, line_hex: str) -> str | None:
    if by == "line":
        return str(UUID(line_hex))
    value = dims[by]  # type: ignore[literal-required]
    return None if value is None else str(value)


def _label(by: str, dims: UitputtingLine, value: str | None) -> str:
    if by == "line":
        parts = [dims["programma"]]
        if dims["taakveld"]:
            parts.append(f"taakveld {dims['taakveld']}")
        if dims["deelproduct"]:
            parts.append(f"deelproduct {dims['deelproduct']}")
        if dims["interventie"] is not None:
            parts.append(f"interventie {dims['interventie']}")
        if dims["fund"]:
            parts.append(f"fund {dims['fund']}")
        if dims["categorie"]:
            parts.append(f"categorie {dims['categorie']}")
        return " / ".join(parts)
    if value is None:
        return {"taakveld": "zonder taakveld", "interventie": "zonder interventie"}.get(by, "–")
    return f"interventie {value}" if by == "interventie" else value


@dataclass
class _Group:
    key: str | None
    label: str
    side: str
    no_line: bool
    line: UitputtingLine | None
    line_ids: set[str] = field(default_factory=set)
    realisation_ids: set[str] = field(default_factory=set)
    primitief: int = 0
    wijzigingen: int = 0
    realisatie: int = 0
    voorlopig: int = 0


GroupId = tuple[str | None, str, bool]  # key, side, no_line


def _groups(facts: _Facts, by: str) -> dict[GroupId, _Group]:
    groups: dict[GroupId, _Group] = {}

    def group(dims: UitputtingLine, line_hex: str, no_line: bool) -> _Group:
        value = _value(by, dims, line_hex)
        gid = (value, dims["side"], no_line)
        if gid not in groups:
            groups[gid] = _Group(
                value,
                _label(by, dims, value),
                dims["side"],
                no_line,
                dims if by == "line" else None,
            )
        return groups[gid]

    for line in facts.lines.values():
        found = group(line.dims, line.id, False)
        found.line_ids.add(line.id)
        found.primitief += line.primitief
        found.wijzigingen += line.wijzigingen
    for realisation in facts.realisations.values():
        met = facts.lines.get(realisation.line_id)
        # A realisation meets its line: it counts in the line's group (the line's own
        # spelling of the programma); one that meets none is a row of its own.
        found = (
            group(met.dims, met.id, False)
            if met is not None
            else group(realisation.dims, realisation.line_id, True)
        )
        found.realisation_ids.add(realisation.id)
        found.realisatie += realisation.cents
        if realisation.voorlopig:
            found.voorlopig += realisation.cents
    return groups


def _figures(
    side: str, primitief: int, wijzigingen: int, realisatie: int, voorlopig: int
) -> UitputtingFigures:
    budget = euros(primitief + wijzigingen)
    realised = euros(realisatie)
    return {
        "primitief": euros(primitief),
        "wijzigingen": euros(wijzigingen),
        "begroting_na_wijziging": budget,
        "realisatie": realised,
        "realisatie_voorlopig": euros(voorlopig),
        "saldo": saldo(side, budget, realised),
        "uitputting": percentage(realised, budget),
    }


def _group_figures(group: _Group) -> UitputtingFigures:
    return _figures(
        group.side, group.primitief, group.wijzigingen, group.realisatie, group.voorlopig
    )


def _row(group: _Group) -> UitputtingRow:
    figures = _group_figures(group)
    return {
        "key": group.key,
        "label": group.label,
        "side": group.side,
        "no_line": group.no_line,
        "line": group.line,
        "primitief": figures["primitief"],
        "wijzigingen": figures["wijzigingen"],
        "begroting_na_wijziging": figures["begroting_na_wijziging"],
        "realisatie": figures["realisatie"],
        "realisatie_voorlopig": figures["realisatie_voorlopig"],
        "saldo": figures["saldo"],
        "uitputting": figures["uitputting"],
    }


def _total(side: str, figures: UitputtingFigures) -> UitputtingTotal:
    return {
        "side": side,
        "primitief": figures["primitief"],
        "wijzigingen": figures["wijzigingen"],
        "begroting_na_wijziging": figures["begroting_na_wijziging"],
        "realisatie": figures["realisatie"],
        "realisatie_voorlopig": figures["realisatie_voorlopig"],
        "saldo": figures["saldo"],
        "uitputting": figures["uitputting"],
    }


def _natural(value: str | None) -> tuple[bool, tuple[tuple[int, str], ...]]:
    # 6.2 before 6.10, interventie 2 before 10; a group without a value last.
    if value is None:
        return (True, ())
    parts: list[tuple[int, str]] = []
    number = ""
    for char in value + "\0":
        if char.isdigit() and char.isascii():
            number += char
            continue
        if number:
            parts.append((int(number), ""))
            number = ""
        if char != "\0":
            parts.append((-1, char))
    return (False, tuple(parts))


def _order(gid: GroupId, group: _Group) -> tuple[Any, ...]:
    key = group.label.lower() if group.line is not None else group.key
    return (SIDES.index(group.side), _natural(key), group.no_line)


def _totals(groups: Iterable[_Group]) -> dict[str, UitputtingFigures]:
    sums: dict[str, list[int]] = {}
    for group in groups:
        total = sums.setdefault(group.side, [0, 0, 0, 0])
        total[0] += group.primitief
        total[1] += group.wijzigingen
        total[2] += group.realisatie
        total[3] += group.voorlopig
    return {side: _figures(side, *sums[side]) for side in SIDES if side in sums}


# -- the bases of the quarter-ends ---------------------------------------------------------


def basis_moment(conn: Connection, basis: Basis) -> datetime | None:
    """The moment a basis stands at: its knowledge cutoff, else the moment of the log it
    reads (as recorded at, or its last event's recorded_at); None on an empty log."""
    if basis.known_at is not None:
        return basis.known_at
    if basis.recorded_at is not None:
        return basis.recorded_at
    last = conn.execute(
        select(schema.audit_log.c.recorded_at).where(schema.audit_log.c.position == basis.position)
    ).scalar()
    return None if last is None else last


def quarter_bases(conn: Connection, basis: Basis, fiscal_year: int) -> dict[str, Basis | None]:
    """The bases of the ends of Q1..Q4 of the year on the basis's log ("2019Q1" ...), None
    for a quarter-end after the basis's own moment (it has not been reached there)."""
    moment = basis_moment(conn, basis)
    found: dict[str, Basis | None] = {}
    for quarter in range(1, 5):
        name = f"{fiscal_year}Q{quarter}"
        end = parse_moment(name)
        found[name] = (
            None
            if moment is None or end > moment
            else replace(basis, as_of=end.isoformat(), known_at=end, report_id=None)
        )
    return found


# -- the answer ------------------------------------------------------------------------------


def check_by(by: str) -> str:
    if by not in BYS:
        raise UitputtingError(f"by must be one of {', '.join(BYS)}, not {by!r}", "by")
    return by


def check_side(side: str | None) -> str | None:
    if side is not None and side not in SIDES:
        raise UitputtingError(f"side must be lasten or baten, not {side!r}", "side")
    return side


def uitputting(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    by: str = "programma",
    side: str | None = None,
    quarters: bool = False,
) -> UitputtingDocument:
    """The year's budget against its realisation as of the basis, grouped `by`, per side,
    with totals per side; with `quarters`, each figure also as of each quarter-end."""
    check_by(by)
    check_side(side)
    groups = _groups(_facts(conn, basis, fiscal_year, side), by)
    ordered = sorted(groups.items(), key=lambda item: _order(*item))
    rows = [_row(group) for _, group in ordered]
    totals = [_total(name, figures) for name, figures in _totals(groups.values()).items()]
    document: UitputtingDocument = {
        "basis": basis.to_json(),
        "fiscal_year": fiscal_year,
        "by": by,
        "side": side,
        "rows": rows,
        "totals": totals,
    }
    if not quarters:
        return document
    bases = quarter_bases(conn, basis, fiscal_year)
    document["quarters"] = list(bases)
    for row in rows:
        row["quarters"] = {}
    for total in totals:
        total["quarters"] = {}
    for name, quarter_basis in bases.items():
        at = (
            None
            if quarter_basis is None
            else _groups(_facts(conn, quarter_basis, fiscal_year, side), by)
        )
        sums = None if at is None else _totals(at.values())
        for (gid, _), row in zip(ordered, rows, strict=True):
            # A row the quarter-end does not know yet had no budget and no realisation then.
            group = None if at is None else at.get(gid)
            row["quarters"][name] = (
                None
                if at is None
                else _group_figures(group or _Group(gid[0], "", gid[1], gid[2], None))
            )
        for total in totals:
            zero = _figures(total["side"], 0, 0, 0, 0)
            total["quarters"][name] = None if sums is None else sums.get(total["side"], zero)
    return document


# -- lineage of one figure -------------------------------------------------------------------


def figure_lineage(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    by: str,
    key: str | None,
    side: str,
    figure: str,
    no_line: bool = False,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[BudgetLineageRow] | list[RealisationLineageRow] | None:
    """The events behind one figure of a row of `uitputting` (the row of `key`, `side` and
    `no_line`): its budget mutations (primitief: the Established; wijzigingen: every other)
    or its realisation entries, in the budget and realisation lineage's row shape. None when
    the basis knows no such row."""
    check_by(by)
    if check_side(side) is None:
        raise UitputtingError("side is required: lasten or baten", "side")
    if figure not in FIGURES:
        raise UitputtingError(
            f"figure must be one of {', '.join(FIGURES)}, not {figure!r}", "figure"
        )
    groups = _groups(_facts(conn, basis, fiscal_year, side), by)
    group = groups.get((key, side, no_line))
    if group is None:
        return None
    if figure == "realisatie":
        if not group.realisation_ids:
            return []
        return lineage.realisation_lineage(
            conn,
            basis,
            fiscal_year=fiscal_year,
            realisation_ids=sorted(group.realisation_ids),
            grace=grace,
        )
    lines, mutations = schema.budget_lines, schema.budget_mutations
    kind = mutations.c.kind == PRIMITIEF if figure == "primitief" else mutations.c.kind != PRIMITIEF
    query = (
        authority.budget_mutations(basis)
        .add_columns(
            (lines.c.programma + " / " + lines.c.taakveld).label("line"),
            backdating.source_of(mutations).label("source"),
        )
        .where(mutations.c.line_id.in_(sorted(group.line_ids)), kind)
        .order_by(mutations.c.known_at, mutations.c.position)
    )
    return lineage.budget_entries(conn, basis, query, grace)

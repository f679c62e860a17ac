"""Reserves as balances (ADR 0027): per reserve and fiscal year as of a basis, the opening
balance, stortingen, onttrekkingen, the earmarks (oormerken) and the closing balance, and
the events behind each figure.

A part of a reserve (its free part or one earmark) has a balance from its last stated
opening on: the statement, then that year's and later years' movements. An earmark starts
empty, so its balance is always known; the free part's is unknown (None, never zero) until
an opening is stated for that year or an earlier one. Where it is unknown and the known
movements go below zero, the row says which opening they imply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, func, select, union_all
from typing_extensions import TypedDict

from domain.events import MutationKind
from projections.queries import authority, backdating
from projections.queries.authority import Links
from projections.queries.basis import Basis, euros
from projections.queries.lineage import LineageRow, _entries
from projections.queries.rows import BasisRow, Euros
from projections.store import schema

FREE = ""  # the free part, as domain.reserve names it
FREE_LABEL = "(vrij)"  # the free part as a lineage row's subject
FIGURES = ("opening", "deposits", "withdrawals", "closing")
EARMARK_FIGURE = "earmark:"


class FigureError(ValueError):
    """A lineage asked for a figure a reserve balance does not have."""


class EarmarkBalanceRow(TypedDict):
    """One earmark in a year: its opening, what was earmarked into it, stortingen into and
    onttrekkingen from it, what was released back to the free part, and its balance."""

    earmark: str
    opening: Euros
    earmarked: Euros
    deposits: Euros
    withdrawals: Euros
    released: Euros
    balance: Euros


class FreePartRow(TypedDict):
    """The part without an earmark; `opening` and `closing` are None while unknown."""

    opening: Euros | None
    deposits: Euros
    withdrawals: Euros
    earmarked: Euros
    released: Euros
    closing: Euros | None


class ImpliedOpening(TypedDict):
    """Where the free part's opening is unknown and its known movements up to this year
    fall below zero: by how much, so an opening of at least that much is implied."""

    shortfall: Euros
    message: str


class ReserveBalanceRow(TypedDict):
    """One reserve in one fiscal year. `closing` = `opening` + `deposits` - `withdrawals`
    (an oormerk moves money within the reserve); both None when the opening is unknown.
    `opening_stated`: the free part's opening of this year is stated (else carried)."""

    code: str
    name: str
    kind: str
    fiscal_year: int
    opening: Euros | None
    opening_known: bool
    opening_stated: bool
    deposits: Euros
    withdrawals: Euros
    closing: Euros | None
    free: FreePartRow
    earmarks: list[EarmarkBalanceRow]
    implied_opening: ImpliedOpening | None


class ReserveFigureLineage(TypedDict):
    """The events behind one figure of a reserve's year; their deltas add up to `value`
    (an unknown figure has no rows). A document, so never paged."""

    basis: BasisRow
    code: str
    fiscal_year: int
    figure: str
    value: Euros | None
    rows: list[LineageRow]


@dataclass(frozen=True)
class _Fact:
    """One event of a reserve as the read model keeps it (the shape `_entries` reads)."""

    position: int
    reserve_id: str
    kind: str  # the event's class name
    fiscal_year: int
    earmark: str
    amount_cents: int
    delta_cents: int
    decision_id: str | None
    decision_reference: str | None
    known_at: datetime
    recorded_at: datetime
    actor: str
    source: str | None
    import_id: str | None


@dataclass(frozen=True)
class _Entry:
    """A fact as it changes one part (a transfer changes two), for lineage."""

    fact: _Fact
    part: str
    delta_cents: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fact, name)


_EVENTS = {
    "storting": "Deposited",
    "onttrekking": "Withdrawn",
    "opening": "OpeningBalanceStated",
    "earmarked": "Earmarked",
    "released": "EarmarkReleased",
}


def _facts(conn: Connection, basis: Basis, reserve_ids: Iterable[str]) -> list[_Fact]:
    ids = list(reserve_ids)
    if not ids:
        return []
    mutations, balances, log = (
        schema.reserve_mutations,
        schema.reserve_balance_events,
        schema.audit_log,
    )
    common = [
        "position",
        "reserve_id",
        "fiscal_year",
        "earmark",
        "decision_id",
        "decision_reference",
        "known_at",
        "recorded_at",
        "actor",
    ]
    moved = select(
        *(mutations.c[name] for name in common),
        mutations.c.direction.label("kind"),
        func.abs(mutations.c.delta_cents).label("amount_cents"),
        mutations.c.delta_cents,
    ).where(basis.filter(mutations), mutations.c.reserve_id.in_(ids))
    stated = select(
        *(balances.c[name] for name in common),
        balances.c.kind,
        balances.c.amount_cents,
        balances.c.delta_cents,
    ).where(basis.filter(balances), balances.c.reserve_id.in_(ids))
    union = union_all(moved, stated).subquery()
    query = (
        select(union, log.c.import_id, log.c.source)
        .join(log, log.c.position == union.c.position)
        .order_by(union.c.known_at, union.c.position)
    )
    facts = []
    for row in conn.execute(query):
        facts.append(
            _Fact(
                position=int(row.position),
                reserve_id=row.reserve_id,
                kind=_EVENTS[row.kind],
                fiscal_year=int(row.fiscal_year),
                earmark=row.earmark,
                amount_cents=int(row.amount_cents),
                delta_cents=int(row.delta_cents),
                decision_id=row.decision_id,
                decision_reference=row.decision_reference,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                actor=row.actor,
                source=row.source,
                import_id=row.import_id,
            )
        )
    return facts


def _part_delta(fact: _Fact, part: str) -> int | None:
    """What a movement changes in `part` (None: not a movement of that part)."""
    if fact.kind == "Deposited":
        return fact.amount_cents if fact.earmark == part else None
    if fact.kind == "Withdrawn":
        return -fact.amount_cents if fact.earmark == part else None
    if fact.kind in ("Earmarked", "EarmarkReleased"):
        into = fact.amount_cents if fact.kind == "Earmarked" else -fact.amount_cents
        if fact.earmark == part:
            return into
        return -into if part == FREE else None
    return None


class _Reserve:
    """The facts of one reserve, and its parts' balances computed from them."""

    def __init__(self, facts: list[_Fact]) -> None:
        self.facts = facts

    def years(self) -> list[int]:
        return sorted({fact.fiscal_year for fact in self.facts})

    def statements(self, part: str, year: int) -> list[_Fact]:
        return [
            f
            for f in self.facts
            if f.kind == "OpeningBalanceStated" and f.earmark == part and f.fiscal_year == year
        ]

    def stated(self, part: str, year: int) -> int | None:
        found = self.statements(part, year)
        return max(found, key=lambda f: f.position).amount_cents if found else None

    def _base_year(self, part: str, year: int) -> int | None:
        years = [
            f.fiscal_year
            for f in self.facts
            if f.kind == "OpeningBalanceStated" and f.earmark == part and f.fiscal_year <= year
        ]
        return max(years, default=None)

    def chain(self, part: str, year: int) -> list[_Entry] | None:
        """The events that make the part's balance at the end of `year`; None if unknown."""
        base = self._base_year(part, year)
        if base is None and part == FREE:
            return None
        entries = (
            []
            if base is None
            else [_Entry(f, part, f.delta_cents) for f in self.statements(part, base)]
        )
        for fact in self.facts:
            delta = _part_delta(fact, part)
            if (
                delta is not None
                and fact.fiscal_year <= year
                and (base is None or fact.fiscal_year >= base)
            ):
                entries.append(_Entry(fact, part, delta))
        return entries

    def balance(self, part: str, year: int) -> int | None:
        base = self._base_year(part, year)
        if base is None and part == FREE:
            return None
        total = 0 if base is None else cast(int, self.stated(part, base))
        for fact in self.facts:
            delta = _part_delta(fact, part)
            if (
                delta is not None
                and fact.fiscal_year <= year
                and (base is None or fact.fiscal_year >= base)
            ):
                total += delta
        return total

    def opening_chain(self, part: str, year: int) -> list[_Entry] | None:
        if self.statements(part, year):
            return [_Entry(f, part, f.delta_cents) for f in self.statements(part, year)]
        return self.chain(part, year - 1)

    def opening(self, part: str, year: int) -> int | None:
        stated = self.stated(part, year)
        return stated if stated is not None else self.balance(part, year - 1)

    def sum_in(self, year: int, kind: str, part: str | None = None) -> int:
        return sum(
            f.amount_cents
            for f in self.facts
            if f.fiscal_year == year and f.kind == kind and (part is None or f.earmark == part)
        )

    def earmarks(self, year: int) -> list[str]:
        return sorted({f.earmark for f in self.facts if f.earmark and f.fiscal_year <= year})

    def shortfall(self, year: int) -> int:
        """How far the free part's known movements up to `year` go below zero at a year's
        end at their lowest (its opening unknown: no statement at or before `year`)."""
        running, lowest = 0, 0
        for y in sorted({f.fiscal_year for f in self.facts if f.fiscal_year <= year}):
            running += sum(
                d
                for f in self.facts
                if f.fiscal_year == y and (d := _part_delta(f, FREE)) is not None
            )
            lowest = min(lowest, running)
        return -lowest


def _sum(values: Iterable[int | None]) -> int | None:
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _maybe(cents: int | None) -> Decimal | None:
    return None if cents is None else euros(cents)


def _year_row(meta: Any, facts: _Reserve, year: int) -> ReserveBalanceRow:
    earmarks = facts.earmarks(year)
    free_opening = facts.opening(FREE, year)
    opening = _sum([free_opening, *(facts.opening(e, year) for e in earmarks)])
    deposits = facts.sum_in(year, "Deposited")
    withdrawals = facts.sum_in(year, "Withdrawn")
    shortfall = facts.shortfall(year) if free_opening is None else 0
    implied: ImpliedOpening | None = None
    if shortfall > 0:
        amount = euros(shortfall)
        implied = {
            "shortfall": amount,
            "message": (
                f"withdrawals exceed the known movements by EUR {amount}: an opening "
                f"balance of at least {amount} is implied"
            ),
        }
    return {
        "code": meta.code,
        "name": meta.name,
        "kind": meta.kind,
        "fiscal_year": year,
        "opening": _maybe(opening),
        "opening_known": opening is not None,
        "opening_stated": bool(facts.statements(FREE, year)),
        "deposits": euros(deposits),
        "withdrawals": euros(withdrawals),
        "closing": _maybe(None if opening is None else opening + deposits - withdrawals),
        "free": {
            "opening": _maybe(free_opening),
            "deposits": euros(facts.sum_in(year, "Deposited", FREE)),
            "withdrawals": euros(facts.sum_in(year, "Withdrawn", FREE)),
            "earmarked": euros(facts.sum_in(year, "Earmarked")),
            "released": euros(facts.sum_in(year, "EarmarkReleased")),
            "closing": _maybe(facts.balance(FREE, year)),
        },
        "earmarks": [
            {
                "earmark": earmark,
                "opening": euros(facts.opening(earmark, year)),
                "earmarked": euros(facts.sum_in(year, "Earmarked", earmark)),
                "deposits": euros(facts.sum_in(year, "Deposited", earmark)),
                "withdrawals": euros(facts.sum_in(year, "Withdrawn", earmark)),
                "released": euros(facts.sum_in(year, "EarmarkReleased", earmark)),
                "balance": euros(facts.balance(earmark, year)),
            }
            for earmark in earmarks
        ],
        "implied_opening": implied,
    }


def _reserves(conn: Connection, basis: Basis, code: str | None = None) -> list[Any]:
    """The reserves known by the basis, by code."""
    reserves, established = schema.reserves, schema.audit_log.alias("established")
    query = (
        select(reserves.c.id, reserves.c.code, reserves.c.name, reserves.c.kind)
        .join(established, established.c.position == reserves.c.position)
        .where(basis.filter(established))
        .order_by(reserves.c.code)
    )
    if code is not None:
        query = query.where(reserves.c.code == code)
    return list(conn.execute(query))


def reserve_balances(
    conn: Connection, basis: Basis, *, fiscal_year: int | None = None, code: str | None = None
) -> list[ReserveBalanceRow]:
    """Per reserve (by code) and fiscal year from its first recorded year to its last (or
    only `fiscal_year`): its balance as of the basis. A reserve without facts in or before
    `fiscal_year` has that year's row with an unknown opening."""
    metas = _reserves(conn, basis, code)
    facts = _facts(conn, basis, (meta.id for meta in metas))
    rows: list[ReserveBalanceRow] = []
    for meta in metas:
        mine = _Reserve([f for f in facts if f.reserve_id == meta.id])
        years = mine.years()
        if fiscal_year is not None:
            years = [fiscal_year]
        elif years:
            years = list(range(years[0], years[-1] + 1))
        rows.extend(_year_row(meta, mine, year) for year in years)
    return rows


def reserve_lineage(
    conn: Connection,
    basis: Basis,
    *,
    code: str,
    fiscal_year: int,
    figure: str,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> ReserveFigureLineage | None:
    """The events behind `figure` (opening, deposits, withdrawals, closing, or
    `earmark:<name>`, the earmark's balance at the year's end); None if the basis does not
    know the reserve. A transfer counts in each part it changes (it nets out in the total)."""
    if figure not in FIGURES and not figure.startswith(EARMARK_FIGURE):
        raise FigureError(
            f"unknown figure {figure!r}: use opening, deposits, withdrawals, closing or "
            "earmark:<name>"
        )
    metas = _reserves(conn, basis, code)
    if not metas:
        return None
    mine = _Reserve(_facts(conn, basis, [metas[0].id]))
    parts = [FREE, *mine.earmarks(fiscal_year)]
    entries: list[_Entry] | None
    if figure in ("deposits", "withdrawals"):
        kind = "Deposited" if figure == "deposits" else "Withdrawn"
        entries = [
            _Entry(f, f.earmark, f.amount_cents)
            for f in mine.facts
            if f.fiscal_year == fiscal_year and f.kind == kind
        ]
    elif figure in ("opening", "closing"):
        pick = mine.opening_chain if figure == "opening" else mine.chain
        chains = [pick(part, fiscal_year) for part in parts]
        entries = None if any(c is None for c in chains) else [e for c in chains for e in c or []]
    else:
        entries = mine.chain(figure.removeprefix(EARMARK_FIGURE), fiscal_year)
    if entries is not None:
        entries.sort(key=lambda e: (e.known_at, e.position, e.part))
    decisions = authority.decisions_as_of(conn, basis)

    def chain(row: Any) -> tuple[Links, list[str]]:
        return authority.chain(
            decisions,
            row.decision_id,
            reference=row.decision_reference,
            known_at=row.known_at,
            kinds=(MutationKind.RESERVE,),
            fund=None,
            fiscal_year=row.fiscal_year,
        )

    rows = _entries(
        cast(Any, entries or []),
        lambda row: row.part or FREE_LABEL,
        chain,
        grace,
    )
    value = None if entries is None else euros(sum(e.delta_cents for e in entries))
    return {
        "basis": basis.to_json(),
        "code": code,
        "fiscal_year": fiscal_year,
        "figure": figure,
        "value": value,
        "rows": rows,
    }

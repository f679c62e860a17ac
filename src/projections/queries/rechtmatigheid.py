"""Begrotingsrechtmatigheid over the read model, as of any basis (ADR 0029).

- `onrechtmatigheid`: per programma and fiscal year with realised lasten, either a data gap
  (`geen-begroting-vastgelegd`: no line of the programma and year has a primitieve
  begroting as of the basis) or, where the realised lasten exceed the begroting na wijziging,
  an `overschrijding` split over the Kadernota Rechtmatigheid's categories.
- `verantwoording`: per fiscal year, the amounts that count toward the opinion against the
  verantwoordingsgrens the raad set, the data gaps apart, and the fund-rule findings.
- `fund_rule_findings` (projections.queries.fund_rules): money of a fund that goes to a line
  without that fund (domain.funds).

Each euro of an overschrijding is classified once, in this order: (1) compensated by baten
realised above their begroting on the same programma and taakveld (directly related baten);
(2) on lines the raad marked open-einde; (3) covered by amendments a raad decision proposes
that is not (yet) adopted as of the basis; (4) the rest, which counts toward the opinion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, Select, case, func, select
from typing_extensions import TypedDict

from domain.values import programma_key
from projections.queries.basis import Basis, euros
from projections.queries.fund_rules import FundRuleFinding, fund_rule_findings
from projections.queries.rows import Euros
from projections.store import rechtmatigheid_tables as tables
from projections.store import schema

GAP = "geen-begroting-vastgelegd"
OVERSCHRIJDING = "overschrijding"
KADERNOTA = "Commissie BBV, Kadernota Rechtmatigheid"


@dataclass(frozen=True)
class CategoryRule:
    category: str
    kadernota: int  # the Kadernota's own category number
    counts_toward_opinion: bool
    source: str


CATEGORIES = (
    CategoryRule(
        "gecompenseerd-door-baten",
        1,
        False,
        f"{KADERNOTA}, categorie 1: kostenoverschrijdingen gecompenseerd door direct "
        "gerelateerde opbrengsten (hier: baten boven hun begroting na wijziging op hetzelfde "
        "programma en taakveld)",
    ),
    CategoryRule(
        "open-einde",
        2,
        False,
        f"{KADERNOTA}, categorie 2: kostenoverschrijdingen bij open-einde regelingen",
    ),
    CategoryRule(
        "nog-niet-geautoriseerd",
        4,
        False,
        f"{KADERNOTA}, categorie 4: passend binnen beleid, de begrotingswijziging ligt (nog) "
        "niet vastgesteld bij de raad; telt mee als de raad haar niet vaststelt",
    ),
    CategoryRule(
        "onrechtmatig-telt-mee",
        5,
        True,
        f"{KADERNOTA}, categorie 5: niet passend binnen beleid of niet anders verklaard; "
        "Gemeentewet art. 189 lid 3 en het begrotingscriterium (Bado)",
    ),
)


class Category(TypedDict):
    category: str
    kadernota: int
    amount: Euros
    counts_toward_opinion: bool
    source: str


class OnrechtmatigheidRow(TypedDict):
    """A programma and fiscal year: an overschrijding with its categories, or a data gap.

    For a data gap (`data_gap` true) `excess` and `counts_toward_opinion` are null: without a
    recorded begroting no euro is an overschrijding; the realised lasten stand apart as
    `lasten_without_begroting`. `realised_voorlopig` is the part of `realised` whose latest
    status as of the basis is voorlopig (no jaarrekening adopted for it yet).

    A programma is one whatever its case or surrounding spaces (`domain.values.programma_key`,
    as a line's id); `programma` is its first recorded line's spelling (else its first
    realisation's)."""

    programma: str
    fiscal_year: int
    budget: Euros
    realised: Euros
    realised_voorlopig: Euros
    excess: Euros | None
    budget_lines: int
    realisations: int
    finding: str
    data_gap: bool
    lasten_without_begroting: Euros | None
    categories: list[Category]
    counts_toward_opinion: Euros | None


class GrensRow(TypedDict):
    percentage: str
    amount: Euros
    decision_reference: str | None
    known_at: str


class YearVerdict(TypedDict):
    """A fiscal year against its verantwoordingsgrens; `verantwoordingsgrens` and `exceeded`
    are null when the raad set none as of the basis (never a grens of 0)."""

    fiscal_year: int
    total_lasten: Euros
    counts_toward_opinion: Euros
    lasten_without_begroting: Euros
    verantwoordingsgrens: GrensRow | None
    exceeded: bool | None
    fund_rules: list[FundRuleFinding]


Dims = tuple[int, str, str | None, str, str | None, int | None, str | None]


@dataclass
class _Programma:
    label: str = ""  # the spelling shown: the first recorded line's, else realisation's
    established: bool = False
    lasten_budget: int = 0
    lasten_lines: int = 0
    realised: int = 0
    realised_voorlopig: int = 0
    realisations: int = 0
    proposed: int = 0
    open_einde_excess: int = 0
    # per taakveld: lasten budget, lasten realised, baten budget, baten realised
    taakvelden: dict[str | None, list[int]] = field(default_factory=dict)

    def taakveld(self, code: str | None) -> list[int]:
        return self.taakvelden.setdefault(code, [0, 0, 0, 0])


def _dims(row: Any) -> Dims:
    return (
        row.fiscal_year,
        programma_key(row.programma),
        row.taakveld,
        row.side,
        row.deelproduct,
        row.interventie,
        row.fund,
    )


def _programmas(
    conn: Connection, basis: Basis, fiscal_year: int | None
) -> dict[tuple[str, int], _Programma]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    subjects, entries = schema.realisations, schema.realisation_entries
    marks = tables.budget_line_regelingen
    found: dict[tuple[str, int], _Programma] = defaultdict(_Programma)

    line_query = (
        select(
            lines,
            func.sum(mutations.c.delta_cents).label("total"),
            func.sum(case((mutations.c.kind == "Established", 1), else_=0)).label("established"),
        )
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations))
        .group_by(*lines.c)
        .order_by(lines.c.position)
    )
    realised_query = (
        select(subjects, func.sum(entries.c.delta_cents).label("total"))
        .join(entries, entries.c.realisation_id == subjects.c.id)
        .where(basis.filter(entries))
        .group_by(*subjects.c)
        .order_by(subjects.c.position)
    )
    # A realisation's status is its latest version's as of the basis.
    status_query = (
        select(entries.c.realisation_id, entries.c.status)
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(basis.filter(entries), subjects.c.side == "lasten")
        .order_by(entries.c.position)
    )
    proposed_query = _proposed(basis)
    if fiscal_year is not None:
        status_query = status_query.where(subjects.c.fiscal_year == fiscal_year)
        line_query = line_query.where(lines.c.fiscal_year == fiscal_year)
        realised_query = realised_query.where(subjects.c.fiscal_year == fiscal_year)
        proposed_query = proposed_query.where(
            tables.proposed_amendments.c.fiscal_year == fiscal_year
        )
    statuses = {row.realisation_id: row.status for row in conn.execute(status_query)}
    open_einde = {
        row.line_id
        for row in conn.execute(
            select(marks.c.line_id).where(basis.filter(marks), marks.c.regeling == "open-einde")
        )
    }

    open_lines: dict[Dims, int] = {}
    for row in conn.execute(line_query):
        subject = _subject(found, row)
        total = int(row.total or 0)
        subject.established = subject.established or bool(row.established)
        sums = subject.taakveld(row.taakveld)
        if row.side == "lasten":
            subject.lasten_budget += total
            subject.lasten_lines += 1
            sums[0] += total
            if row.id in open_einde:
                open_lines[_dims(row)] = total
        else:
            sums[2] += total
    open_realised: dict[Dims, int] = defaultdict(int)
    for row in conn.execute(realised_query):
        subject = _subject(found, row)
        total = int(row.total or 0)
        sums = subject.taakveld(row.taakveld)
        if row.side == "lasten":
            subject.realised += total
            if statuses.get(row.id) == "voorlopig":
                subject.realised_voorlopig += total
            subject.realisations += 1
            sums[1] += total
            if _dims(row) in open_lines:
                open_realised[_dims(row)] += total
        else:
            sums[3] += total
    for dims, budget in open_lines.items():
        found[(dims[1], dims[0])].open_einde_excess += max(0, open_realised[dims] - budget)
    for row in conn.execute(proposed_query):
        found[(programma_key(row.programma), row.fiscal_year)].proposed += int(row.total or 0)
    return found


def _subject(found: dict[tuple[str, int], _Programma], row: Any) -> _Programma:
    subject = found[(programma_key(row.programma), row.fiscal_year)]
    subject.label = subject.label or row.programma
    return subject


def _proposed(basis: Basis) -> Select[tuple[str, int, int]]:
    """Lasten amendments proposed by a decision that is still proposed as of the basis."""
    events, amendments = schema.decision_events, tables.proposed_amendments
    latest = (
        select(events.c.decision_id, func.max(events.c.position).label("latest"))
        .where(basis.filter(events))
        .group_by(events.c.decision_id)
        .subquery()
    )
    return (
        select(
            amendments.c.programma,
            amendments.c.fiscal_year,
            func.sum(amendments.c.delta_cents).label("total"),
        )
        .join(latest, latest.c.decision_id == amendments.c.decision_id)
        .join(events, events.c.position == latest.c.latest)
        .where(
            basis.filter(amendments),
            amendments.c.side == "lasten",
            events.c.status == "proposed",
        )
        .group_by(amendments.c.programma, amendments.c.fiscal_year)
    )


def _categories(subject: _Programma, excess: int) -> list[Category]:
    compensated = sum(
        min(max(0, lr - lb), max(0, br - bb)) for lb, lr, bb, br in subject.taakvelden.values()
    )
    left = excess
    amounts = []
    for cover in (compensated, subject.open_einde_excess, max(0, subject.proposed)):
        part = min(left, cover)
        amounts.append(part)
        left -= part
    amounts.append(left)
    return [
        {
            "category": rule.category,
            "kadernota": rule.kadernota,
            "amount": euros(amount),
            "counts_toward_opinion": rule.counts_toward_opinion,
            "source": rule.source,
        }
        for rule, amount in zip(CATEGORIES, amounts, strict=True)
    ]


def onrechtmatigheid(
    conn: Connection, basis: Basis, *, fiscal_year: int | None = None
) -> list[OnrechtmatigheidRow]:
    """Per programma and fiscal year with realised lasten as of the basis: a data gap where
    no line has a primitieve begroting, else an overschrijding where the realised lasten
    exceed the begroting na wijziging (nothing where they do not)."""
    findings: list[OnrechtmatigheidRow] = []
    for (_, year), subject in _programmas(conn, basis, fiscal_year).items():
        if not subject.realisations:
            continue
        gap = not subject.established
        if gap and subject.realised <= 0:
            continue
        excess = subject.realised - subject.lasten_budget
        if not gap and excess <= 0:
            continue
        categories = [] if gap else _categories(subject, excess)
        counted = sum(
            (c["amount"] for c in categories if c["counts_toward_opinion"]), Decimal("0.00")
        )
        findings.append(
            {
                "programma": subject.label,
                "fiscal_year": year,
                "budget": euros(subject.lasten_budget),
                "realised": euros(subject.realised),
                "realised_voorlopig": euros(subject.realised_voorlopig),
                "excess": None if gap else euros(excess),
                "budget_lines": subject.lasten_lines,
                "realisations": subject.realisations,
                "finding": GAP if gap else OVERSCHRIJDING,
                "data_gap": gap,
                "lasten_without_begroting": euros(subject.realised) if gap else None,
                "categories": categories,
                "counts_toward_opinion": None if gap else counted,
            }
        )
    return sorted(findings, key=lambda f: (f["fiscal_year"], f["programma"]))


def _grenzen(conn: Connection, basis: Basis) -> dict[int, tuple[Decimal, str | None, str]]:
    table = tables.verantwoordingsgrenzen
    query = select(table).where(basis.filter(table)).order_by(table.c.position)
    # The latest decision of the raad replaces an earlier grens for its year.
    return {
        row.fiscal_year: (Decimal(row.percentage), row.decision_reference, row.known_at.isoformat())
        for row in conn.execute(query)
    }


def _total_lasten(conn: Connection, basis: Basis) -> dict[int, int]:
    subjects, entries = schema.realisations, schema.realisation_entries
    query = (
        select(subjects.c.fiscal_year, func.sum(entries.c.delta_cents).label("total"))
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(basis.filter(entries), subjects.c.side == "lasten")
        .group_by(subjects.c.fiscal_year)
    )
    return {row.fiscal_year: int(row.total or 0) for row in conn.execute(query)}


def grens_cents(percentage: Decimal, total_cents: int) -> int:
    """The verantwoordingsgrens in cents: percentage x total lasten, half away from zero."""
    return int((percentage * total_cents / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def verantwoording(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int | None = None,
    findings: Iterable[OnrechtmatigheidRow] | None = None,
) -> list[YearVerdict]:
    """Per fiscal year with realised lasten, a grens or a fund-rule finding as of the basis:
    the counted amounts against the verantwoordingsgrens (percentage x the year's total
    realised lasten), the lasten without a recorded begroting apart, the fund-rule findings."""
    rows = list(findings) if findings is not None else onrechtmatigheid(conn, basis)
    totals = _total_lasten(conn, basis)
    grenzen = _grenzen(conn, basis)
    rules: dict[int, list[FundRuleFinding]] = defaultdict(list)
    for finding in fund_rule_findings(conn, basis, fiscal_year=fiscal_year):
        rules[finding["fiscal_year"]].append(finding)
    years = set(totals) | set(grenzen) | set(rules)
    verdicts: list[YearVerdict] = []
    for year in sorted(y for y in years if fiscal_year is None or y == fiscal_year):
        of_year = [row for row in rows if row["fiscal_year"] == year]
        counted = sum(
            (row["counts_toward_opinion"] or Decimal("0.00") for row in of_year),
            Decimal("0.00"),
        )
        gaps = sum(
            (row["lasten_without_begroting"] or Decimal("0.00") for row in of_year),
            Decimal("0.00"),
        )
        total = totals.get(year, 0)
        grens: GrensRow | None = None
        exceeded: bool | None = None
        if year in grenzen:
            percentage, reference, known_at = grenzen[year]
            amount = euros(grens_cents(percentage, total))
            grens = {
                "percentage": str(percentage),
                "amount": amount,
                "decision_reference": reference,
                "known_at": known_at,
            }
            exceeded = counted > amount
        verdicts.append(
            {
                "fiscal_year": year,
                "total_lasten": euros(total),
                "counts_toward_opinion": counted,
                "lasten_without_begroting": gaps,
                "verantwoordingsgrens": grens,
                "exceeded": exceeded,
                "fund_rules": rules.get(year, []),
            }
        )
    return verdicts

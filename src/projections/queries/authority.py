"""The audit of budgetrecht over the read model, as of any basis (ADR 0008).

- `authority_report`: every budget mutation with its line of authority: the adopted raad
  decision, or the college decision, the mandate it relies on and the raad that granted it;
  each link with its status as of the basis and the known_at of its adoption. A mutation whose
  chain does not hold as of the basis is listed with what is missing.
- `onrechtmatigheid` (projections.queries.rechtmatigheid, ADR 0029): realised lasten above
  the begroting na wijziging per programma and year by the Kadernota's categories, and the
  programmas and years without a recorded begroting (a data gap).

The application refuses an unauthorised change when it is recorded (`domain.decision.
authorise`); this report checks the recorded trail again, independently, with the same rule
(`MandateScope.covers`), so an auditor need not trust the write path.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NotRequired

from sqlalchemy import Connection, Row, Select, case, func, select, type_coerce
from typing_extensions import TypedDict

from domain.decision import MandateScope
from domain.events import MutationKind
from domain.values import Period
from projections.queries import backdating
from projections.queries.backdating import Backdated
from projections.queries.basis import Basis, euros
from projections.queries.fund_rules import fund_rule_findings, fund_rule_problem
from projections.queries.rechtmatigheid import OnrechtmatigheidRow as OnrechtmatigheidRow
from projections.queries.rechtmatigheid import onrechtmatigheid as onrechtmatigheid
from projections.queries.rows import Euros
from projections.store import schema

# Which kind of change each budget mutation event is, for a mandate's scope.
MUTATION_KINDS = {
    "Established": MutationKind.ESTABLISH,
    "Amended": MutationKind.AMEND,
    "TransferredOut": MutationKind.TRANSFER,
    "TransferredIn": MutationKind.TRANSFER,
    "CarriedOver": MutationKind.CARRY_OVER,
    "CarriedIn": MutationKind.CARRY_OVER,
}
_NOT_AUTHORISING = {"motie", "mandate"}
# A budget mutation's row with its line's columns: read by name, typed by the table.
Columns = tuple[object, ...]


class DecisionLink(TypedDict):
    """A decision as of the basis: `status` null where the basis does not know it."""

    reference: str
    body: str
    kind: str
    status: str | None
    adopted_known_at: str | None


class PeriodRow(TypedDict):
    first_year: int
    last_year: int
    quarter: NotRequired[int | None]  # absent in scopes recorded before quarters


class ScopeRow(TypedDict):
    kinds: list[str]
    fund: str | None
    period: PeriodRow


class MandateLink(DecisionLink):
    scope: ScopeRow | None


class Links(TypedDict):
    """The line of authority of one change: its decision and, for a college one, the mandate."""

    decision: DecisionLink | None
    mandate: MandateLink | None


class LineRow(TypedDict):
    fiscal_year: int
    programma: str
    taakveld: str
    side: str
    deelproduct: str | None
    interventie: int | None
    fund: str | None


class AuthorityRow(TypedDict):
    """One budget mutation with its line of authority as of the basis."""

    position: int
    event: str
    delta: Euros
    line: LineRow
    decision: DecisionLink | None
    mandate: MandateLink | None
    authorised: bool
    problems: list[str]
    actor: str
    known_at: str
    recorded_at: str
    import_id: str | None
    backdated: Backdated | None
    backfill: str | None


@dataclass(frozen=True)
class DecisionState:
    id: str
    reference: str
    title: str
    body: str
    kind: str
    mandate_id: str | None
    mandate_scope: str | None
    status: str | None  # None: not known as of the basis
    adopted_known_at: datetime | None

    def to_json(self) -> DecisionLink:
        return {
            "reference": self.reference,
            "body": self.body,
            "kind": self.kind,
            "status": self.status,
            "adopted_known_at": (
                None if self.adopted_known_at is None else self.adopted_known_at.isoformat()
            ),
        }

    def scope(self) -> MandateScope | None:
        if self.mandate_scope is None:
            return None
        plain = json.loads(self.mandate_scope)
        period = plain["period"]
        return MandateScope(
            kinds=tuple(MutationKind(kind) for kind in plain["kinds"]),
            fund=plain["fund"],
            period=Period(period["first_year"], period["last_year"], period.get("quarter")),
        )

    def adopted_by(self, moment: datetime) -> bool:
        return (
            self.status == "adopted"
            and self.adopted_known_at is not None
            and self.adopted_known_at <= moment
        )


def decisions_as_of(
    conn: Connection, basis: Basis, ids: Collection[str] | None = None
) -> dict[str, DecisionState]:
    """Every decision in the read model (or those of `ids`) with its status as of the basis
    (None if the basis does not know it) and the known_at of its adoption, keyed by id."""
    table, events = schema.decisions, schema.decision_events
    latest = (
        select(
            events.c.decision_id,
            func.max(events.c.position).label("latest"),
            type_coerce(
                func.min(case((events.c.status == "adopted", events.c.known_at))),
                schema.UtcDateTime(),
            ).label("adopted"),
        )
        .where(basis.filter(events))
        .group_by(events.c.decision_id)
    )
    query = select(table, events.c.status)
    if ids is not None:
        latest = latest.where(events.c.decision_id.in_(sorted(ids)))
        query = query.where(table.c.id.in_(sorted(ids)))
    behind = latest.subquery()
    query = (
        query.add_columns(behind.c.adopted)
        .outerjoin(behind, behind.c.decision_id == table.c.id)
        .outerjoin(events, events.c.position == behind.c.latest)
    )
    found = {}
    for row in conn.execute(query):
        found[row.id] = DecisionState(
            id=row.id,
            reference=row.reference,
            title=row.title,
            body=row.body,
            kind=row.kind,
            mandate_id=row.mandate_id,
            mandate_scope=row.mandate_scope,
            status=row.status,
            adopted_known_at=row.adopted,
        )
    return found


def decisions_behind(
    conn: Connection, basis: Basis, ids: Iterable[str | None]
) -> dict[str, DecisionState]:
    """What `chain` reads for rows naming the decisions `ids`: those decisions and the mandates
    they rely on, as of the basis. A lineage reads the decisions behind its own rows, so it
    costs what its answer holds, not every decision of the ledger (issue 14)."""
    wanted = {decision_id for decision_id in ids if decision_id is not None}
    if not wanted:
        return {}
    found = decisions_as_of(conn, basis, wanted)
    mandates = {d.mandate_id for d in found.values() if d.mandate_id} - found.keys()
    if mandates:
        found.update(decisions_as_of(conn, basis, mandates))
    return found


def chain(
    decisions: dict[str, DecisionState],
    decision_id: str | None,
    *,
    reference: str | None,
    known_at: datetime,
    kinds: tuple[MutationKind, ...] | None,
    fund: str | None,
    fiscal_year: int,
    raad_only: str | None = None,
) -> tuple[Links, list[str]]:
    """The line of authority of one change and what is wrong with it (empty: it holds).

    `kinds`: the kinds of change the row may be (an amendment from a reserve allocation is an
    amendment or a reserve change); None for a change that a mandate never covers by kind."""
    problems: list[str] = []
    decision = decisions.get(decision_id or "")
    links: Links = {"decision": None, "mandate": None}
    if decision is None:
        what = f"decision {reference!r} is not in the read model" if reference else "no decision"
        return links, [f"{what}: a change takes effect only through an adopted decision"]
    links["decision"] = decision.to_json()
    if decision.status is None:
        problems.append(f"decision {decision.reference!r} is not known as of this basis")
    elif decision.status != "adopted":
        problems.append(f"decision {decision.reference!r} is {decision.status} as of this basis")
    elif not decision.adopted_by(known_at):
        problems.append(f"decision {decision.reference!r} was adopted only after this change")
    if decision.kind in _NOT_AUTHORISING:
        problems.append(
            f"a {decision.kind} ({decision.reference!r}) does not itself authorise a change"
        )
    if decision.body == "raad":
        return links, problems
    if raad_only is not None:
        problems.append(f"{raad_only} needs a decision of the raad")
    mandate = decisions.get(decision.mandate_id or "")
    if mandate is None:
        problems.append(f"college decision {decision.reference!r} relies on no mandate of the raad")
        return links, problems
    plain = mandate.to_json()
    links["mandate"] = {
        "reference": plain["reference"],
        "body": plain["body"],
        "kind": plain["kind"],
        "status": plain["status"],
        "adopted_known_at": plain["adopted_known_at"],
        "scope": None if mandate.mandate_scope is None else json.loads(mandate.mandate_scope),
    }
    scope = mandate.scope()
    if mandate.body != "raad" or mandate.kind != "mandate" or scope is None:
        problems.append(f"{mandate.reference!r} is not a mandate of the raad")
    elif not mandate.adopted_by(known_at):
        status = mandate.status or "not known"
        problems.append(
            f"mandate {mandate.reference!r} is not adopted by the raad "
            f"({status} as of this basis"
            + (", adopted only after this change)" if mandate.status == "adopted" else ")")
        )
    elif kinds is not None and not any(scope.covers(k, fund, fiscal_year) for k in kinds):
        problems.append(
            f"mandate {mandate.reference!r} does not cover a {kinds[0].value} "
            f"on fund {fund!r} in {fiscal_year}"
        )
    return links, problems


def budget_mutations(basis: Basis) -> Select[Columns]:
    """Every budget mutation known as of the basis with what its line of authority needs: its
    line's year, dimensions and fund, the counterpart's fund, and whether it is part of an
    allocation from a reserve (unordered)."""
    lines, mutations = schema.budget_lines, schema.budget_mutations
    counterpart = lines.alias("counterpart")
    withdrawals = schema.reserve_mutations
    # An amendment recorded with a reserve onttrekking under the same decision, in the same
    # save and year, is part of an allocation from a reserve (a reserve change).
    allocation = (
        select(func.count())
        .where(
            withdrawals.c.direction == "onttrekking",
            withdrawals.c.decision_id == mutations.c.decision_id,
            withdrawals.c.recorded_at == mutations.c.recorded_at,
            withdrawals.c.fiscal_year == lines.c.fiscal_year,
            basis.filter(withdrawals),
        )
        .scalar_subquery()
    )
    return (
        select(
            mutations,
            lines.c.fiscal_year,
            lines.c.programma,
            lines.c.taakveld,
            lines.c.side,
            lines.c.deelproduct,
            lines.c.interventie,
            lines.c.fund,
            counterpart.c.fund.label("counterpart_fund"),
            allocation.label("allocations"),
        )
        .join(lines, lines.c.id == mutations.c.line_id)
        .outerjoin(counterpart, counterpart.c.id == mutations.c.counterpart_id)
        .where(basis.filter(mutations))
    )


def budget_chain(decisions: dict[str, DecisionState], row: Row[Columns]) -> tuple[Links, list[str]]:
    """The line of authority of one row of `budget_mutations` and what is wrong with it."""
    kind = MUTATION_KINDS.get(row.kind)
    kinds: tuple[MutationKind, ...] | None = None if kind is None else (kind,)
    if kind is MutationKind.AMEND and row.allocations:
        kinds = (MutationKind.AMEND, MutationKind.RESERVE)
    crossing = row.counterpart_fund is not None and row.counterpart_fund != row.fund
    return chain(
        decisions,
        row.decision_id,
        reference=row.decision_reference,
        known_at=row.known_at,
        kinds=kinds,
        fund=row.fund,
        fiscal_year=row.fiscal_year,
        raad_only="a change between funds" if crossing else None,
    )


def authority_report(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int | None = None,
    without_authority: bool = False,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[AuthorityRow]:
    """Every budget mutation known as of the basis, in log order, with its line of authority;
    `authorised` is false, and `problems` says why, where the chain does not hold; `problems`
    also flags a change that breaks a fund's rule (ADR 0029), which leaves it authorised. Each row
    also says whether it was backdated beyond `grace`, or is a backfill (ADR 0018)."""
    query = budget_mutations(basis).order_by(schema.budget_mutations.c.position)
    if fiscal_year is not None:
        query = query.where(schema.budget_lines.c.fiscal_year == fiscal_year)
    decisions = decisions_as_of(conn, basis)
    fund_rules = {
        finding["position"]: fund_rule_problem(finding)
        for finding in fund_rule_findings(conn, basis, fiscal_year=fiscal_year)
    }
    report: list[AuthorityRow] = []
    for row in conn.execute(query):
        links, problems = budget_chain(decisions, row)
        authorised = not problems
        if row.position in fund_rules:
            # A fund's rule is broken, not the line of authority: flagged, still authorised.
            problems.append(fund_rules[row.position])
        if without_authority and authorised:
            continue
        flag = backdating.verdict(row.known_at, row.recorded_at, row.import_id, grace)
        report.append(
            {
                "position": row.position,
                "event": row.kind,
                "delta": euros(row.delta_cents),
                "line": {
                    "fiscal_year": row.fiscal_year,
                    "programma": row.programma,
                    "taakveld": row.taakveld,
                    "side": row.side,
                    "deelproduct": row.deelproduct,
                    "interventie": row.interventie,
                    "fund": row.fund,
                },
                "decision": links["decision"],
                "mandate": links["mandate"],
                "authorised": authorised,
                "problems": problems,
                "actor": row.actor,
                "known_at": row.known_at.isoformat(),
                "recorded_at": row.recorded_at.isoformat(),
                "import_id": row.import_id,
                "backdated": flag["backdated"],
                "backfill": flag["backfill"],
            }
        )
    return report


def decision_titles(conn: Connection) -> dict[str, str]:
    """Each decision's title by its reference (a title never changes once proposed)."""
    rows = conn.execute(select(schema.decisions.c.reference, schema.decisions.c.title))
    return {row.reference: row.title for row in rows}


def decision_numbers(conn: Connection) -> dict[str, str]:
    """Each numbered begrotingswijziging's number by its reference (ADR 0026)."""
    table = schema.decisions
    rows = conn.execute(
        select(table.c.reference, table.c.number).where(table.c.number.is_not(None))
    )
    return {row.reference: row.number for row in rows}

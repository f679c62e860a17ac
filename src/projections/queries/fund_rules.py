"""Fund-rule findings over the read model, as of any basis (ADR 0029): a change that takes a
fund's money to a line without that fund, by the rules of `domain.funds`."""

from __future__ import annotations

from sqlalchemy import Connection, and_, or_, select
from typing_extensions import TypedDict

from domain.funds import rule_for
from projections.queries.basis import Basis, euros
from projections.queries.rows import Euros
from projections.store import schema

FUND_RULE = "fund-rule"


class LineRef(TypedDict):
    programma: str
    taakveld: str
    deelproduct: str | None
    interventie: int | None
    fund: str | None


class FundRuleFinding(TypedDict):
    """A change that takes a fund's money to a line without that fund."""

    fiscal_year: int
    position: int
    event: str
    amount: Euros
    fund: str
    via: str  # transfer | carry-over | reserve-onttrekking
    line: LineRef  # where the money lands
    decision_reference: str | None
    finding: str
    rule: str
    source: str


def fund_rule_findings(
    conn: Connection, basis: Basis, *, fiscal_year: int | None = None
) -> list[FundRuleFinding]:
    """Changes known as of the basis that take a fund's money to a line without that fund:
    a transfer or carry-over out of a fund line, or an amendment recorded with a withdrawal
    under the fund's earmark (same decision, same save and year), in log order."""
    lines, mutations = schema.budget_lines, schema.budget_mutations
    counterpart = lines.alias("counterpart")
    withdrawals = schema.reserve_mutations
    leaving = (
        select(
            mutations.c.position,
            mutations.c.kind,
            mutations.c.delta_cents,
            mutations.c.decision_reference,
            lines.c.fiscal_year,
            lines.c.fund.label("from_fund"),
            counterpart.c.programma,
            counterpart.c.taakveld,
            counterpart.c.deelproduct,
            counterpart.c.interventie,
            counterpart.c.fund,
        )
        .join(lines, lines.c.id == mutations.c.line_id)
        .join(counterpart, counterpart.c.id == mutations.c.counterpart_id)
        .where(
            basis.filter(mutations),
            mutations.c.kind.in_(("TransferredOut", "CarriedOver")),
            lines.c.fund.is_not(None),
            or_(counterpart.c.fund.is_(None), counterpart.c.fund != lines.c.fund),
        )
    )
    funded = (
        select(
            mutations.c.position,
            mutations.c.kind,
            mutations.c.delta_cents,
            mutations.c.decision_reference,
            lines.c.fiscal_year,
            lines.c.programma,
            lines.c.taakveld,
            lines.c.deelproduct,
            lines.c.interventie,
            lines.c.fund,
            withdrawals.c.earmark.label("from_fund"),
        )
        .join(lines, lines.c.id == mutations.c.line_id)
        .join(
            withdrawals,
            and_(
                withdrawals.c.direction == "onttrekking",
                withdrawals.c.decision_id == mutations.c.decision_id,
                withdrawals.c.recorded_at == mutations.c.recorded_at,
                withdrawals.c.fiscal_year == lines.c.fiscal_year,
                basis.filter(withdrawals),
            ),
        )
        .where(
            basis.filter(mutations),
            mutations.c.kind == "Amended",
            or_(lines.c.fund.is_(None), lines.c.fund != withdrawals.c.earmark),
        )
        .distinct()
    )
    if fiscal_year is not None:
        leaving = leaving.where(lines.c.fiscal_year == fiscal_year)
        funded = funded.where(lines.c.fiscal_year == fiscal_year)
    found: list[FundRuleFinding] = []
    for rows in (conn.execute(leaving), conn.execute(funded)):
        for row in rows:
            rule = rule_for(row.from_fund)
            if rule is None:
                continue
            found.append(
                {
                    "fiscal_year": row.fiscal_year,
                    "position": row.position,
                    "event": row.kind,
                    "amount": euros(abs(int(row.delta_cents))),
                    "fund": rule.fund,
                    "via": _VIA[row.kind],
                    "line": {
                        "programma": row.programma,
                        "taakveld": row.taakveld,
                        "deelproduct": row.deelproduct,
                        "interventie": row.interventie,
                        "fund": row.fund,
                    },
                    "decision_reference": row.decision_reference,
                    "finding": FUND_RULE,
                    "rule": rule.rule,
                    "source": rule.source,
                }
            )
    return sorted(found, key=lambda f: f["position"])


_VIA = {
    "TransferredOut": "transfer",
    "CarriedOver": "carry-over",
    "Amended": "reserve-onttrekking",
}


def fund_rule_problem(finding: FundRuleFinding) -> str:
    """The authority view's problem text for a fund-rule finding."""
    return (
        f"fund-rule: money of the {finding['fund']} goes to a line without that fund "
        f"({finding['via']}); {finding['source']}: {finding['rule']}"
    )

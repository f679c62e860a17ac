"""The rules a fund's money keeps (ADR 0029), as data: one rule per fund.

A fund is named twice in the ledger: as a budget line's `fund` and as the earmark (oormerk) of
a reserve withdrawal. The rule of a fund here is that its money stays with lines of that fund:
money leaving a fund line for a line without the fund (a transfer or a carry-over), or a
withdrawal under the fund's earmark that lands on a line without the fund, breaks it. The
rechtmatigheid and authority views flag such a change; they do not refuse it (the raad may
decide otherwise, and an auditor weighs it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FundRule:
    fund: str  # a budget line's fund, and the earmark of its reserve money
    rule: str  # the rule as the source states it
    source: str  # where the raad laid it down


FUND_RULES: tuple[FundRule, ...] = (
    FundRule(
        fund="transformatiebudget",
        rule=(
            "De budgetten die in het kader van het transformatiebudget beschikbaar worden "
            "gesteld, worden conform afspraak in het coalitieakkoord slechts ingezet ten "
            "behoeve van de transformatie en niet om tekorten in de exploitatie mee te dekken."
        ),
        source="Interventieplan Sociaal Domein fase 4 (S1), §6.2",
    ),
)


def rule_for(fund: str | None) -> FundRule | None:
    """The rule of `fund` (a line's fund or an earmark), None where it has none."""
    return next((rule for rule in FUND_RULES if fund is not None and rule.fund == fund), None)

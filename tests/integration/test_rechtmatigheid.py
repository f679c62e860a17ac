"""Begrotingsrechtmatigheid (ADR 0029) over small histories recorded through the application:
an overschrijding split over the Kadernota's categories, a data gap, the verantwoordingsgrens
exceeded, not exceeded and not recorded, a fund-rule violation; and the demo's data gaps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from api.ledger import Ledger
from domain.events import Bestuursorgaan, DecisionKind
from domain.funds import rule_for
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period
from projections.queries import authority, rechtmatigheid
from projections.queries.basis import Basis, resolve_basis
from projections.store import schema
from support.clock import Clock
from support.rechtmatigheid import (
    FINANCE,
    FUND,
    RAAD,
    ZORG,
    decide,
    k,
    line,
    realise,
    record_2021,
    record_2022,
    set_grens,
)

VOORLOPIG = RealisationStatus.VOORLOPIG


def basis(ledger: Ledger, as_of: str | None = None) -> Basis:
    with ledger.engine.connect() as conn:
        return resolve_basis(conn, as_of, ledger.runner.position())


def findings(ledger: Ledger, year: int | None = None) -> list[Any]:
    with ledger.engine.connect() as conn:
        return list(rechtmatigheid.onrechtmatigheid(conn, basis(ledger), fiscal_year=year))


def verdicts(ledger: Ledger, year: int | None = None, as_of: str | None = None) -> list[Any]:
    with ledger.engine.connect() as conn:
        return list(
            rechtmatigheid.verantwoording(
                conn,
                basis(ledger, as_of),
                fiscal_year=year,
                findings=rechtmatigheid.onrechtmatigheid(conn, basis(ledger, as_of)),
            )
        )


def categories(*amounts: str) -> list[dict[str, Any]]:
    return [
        {
            "category": rule.category,
            "kadernota": rule.kadernota,
            "amount": Decimal(amount),
            "counts_toward_opinion": rule.counts_toward_opinion,
            "source": rule.source,
        }
        for rule, amount in zip(rechtmatigheid.CATEGORIES, amounts, strict=True)
    ]


def test_an_overschrijding_is_split_over_the_kadernota_categories_and_a_gap_stands_apart(
    ledger: Ledger,
) -> None:
    record_2021(ledger)
    ledger.runner.catch_up()

    assert findings(ledger) == [
        {
            "programma": "Overhead",
            "fiscal_year": 2021,
            "budget": Decimal("0.00"),
            "realised": Decimal("700000.00"),
            "realised_voorlopig": Decimal("0.00"),
            "excess": None,
            "budget_lines": 0,
            "realisations": 1,
            "finding": "geen-begroting-vastgelegd",
            "data_gap": True,
            "lasten_without_begroting": Decimal("700000.00"),
            "categories": [],
            "counts_toward_opinion": None,
        },
        {
            "programma": ZORG,
            "fiscal_year": 2021,
            "budget": Decimal("1800000.00"),
            "realised": Decimal("2170000.00"),
            "realised_voorlopig": Decimal("0.00"),
            "excess": Decimal("370000.00"),
            "budget_lines": 3,
            "realisations": 3,
            "finding": "overschrijding",
            "data_gap": False,
            "lasten_without_begroting": None,
            "categories": categories("80000.00", "100000.00", "50000.00", "140000.00"),
            "counts_toward_opinion": Decimal("140000.00"),
        },
    ]


def test_a_programma_spelled_otherwise_is_one_programma_shown_as_its_line_spells_it(
    ledger: Ledger,
) -> None:
    app = ledger.app
    decide(ledger, "begroting-2023", DecisionKind.BEGROTING, Period.year(2023))
    app.establish_budget(RAAD, key=line(2023, "6.1"), amount=k(1000), decision="begroting-2023")
    realise(ledger, LineKey(2023, " zorg ", "6.1"), 1200)
    app.propose_decision(
        RAAD,
        reference="slotwijziging-2023",
        title="Slotwijziging 2023",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.SLOTWIJZIGING,
        period=Period.year(2023),
    )
    app.propose_amendment(
        RAAD, reference="slotwijziging-2023", key=LineKey(2023, "ZORG", "6.1"), amount=k(50)
    )
    ledger.runner.catch_up()

    # One programma, as the line's id has it: no false data gap for " zorg ", the excess kept.
    assert findings(ledger) == [
        {
            "programma": ZORG,
            "fiscal_year": 2023,
            "budget": Decimal("1000000.00"),
            "realised": Decimal("1200000.00"),
            "realised_voorlopig": Decimal("0.00"),
            "excess": Decimal("200000.00"),
            "budget_lines": 1,
            "realisations": 1,
            "finding": "overschrijding",
            "data_gap": False,
            "lasten_without_begroting": None,
            "categories": categories("0.00", "0.00", "50000.00", "150000.00"),
            "counts_toward_opinion": Decimal("150000.00"),
        }
    ]


def test_the_realised_lasten_say_how_much_is_voorlopig_by_the_latest_status_as_of_the_basis(
    ledger: Ledger, clock: Clock
) -> None:
    decide(ledger, "begroting-2021", DecisionKind.BEGROTING, Period.year(2021))
    ledger.app.establish_budget(
        RAAD, key=line(2021, "6.1"), amount=k(1000), decision="begroting-2021"
    )
    realise(ledger, line(2021, "6.71"), 300)
    for taakveld, thousands in (("6.1", 900), ("6.72", 250)):
        ledger.app.report_realisation(
            FINANCE, key=line(2021, taakveld), amount=k(thousands), status=VOORLOPIG
        )
    ledger.runner.catch_up()
    before = clock.now().isoformat()
    clock.advance()
    ledger.app.correct_realisation(
        FINANCE,
        key=line(2021, "6.72"),
        corrects_version=1,
        amount=k(250),
        status=RealisationStatus.DEFINITIEF,
        reason="stadsrekening 2021 vastgesteld",
    )
    ledger.runner.catch_up()

    with ledger.engine.connect() as conn:
        earlier, now = (
            rechtmatigheid.onrechtmatigheid(conn, basis(ledger, moment))
            for moment in (before, None)
        )

    assert [(f["realised"], f["realised_voorlopig"]) for f in earlier] == [
        (Decimal("1450000.00"), Decimal("1150000.00"))
    ]
    assert [(f["realised"], f["realised_voorlopig"]) for f in now] == [
        (Decimal("1450000.00"), Decimal("900000.00"))
    ]


def test_a_proposed_amendment_no_longer_covers_once_the_raad_rejects_its_decision(
    ledger: Ledger, clock: Clock
) -> None:
    record_2021(ledger)
    clock.advance()
    ledger.app.reject_decision(RAAD, reference="slotwijziging-2021")
    ledger.runner.catch_up()

    zorg = findings(ledger, 2021)[1]

    assert zorg["categories"] == categories("80000.00", "100000.00", "0.00", "190000.00")
    assert zorg["counts_toward_opinion"] == Decimal("190000.00")


def test_the_counted_amounts_exceed_the_grens_the_raad_set_and_none_is_null(
    ledger: Ledger, clock: Clock
) -> None:
    record_2021(ledger)
    ledger.runner.catch_up()
    before = clock.now().isoformat()
    clock.advance()
    set_grens(ledger, 2021, "3")
    ledger.runner.catch_up()

    found = verdicts(ledger)
    earlier = verdicts(ledger, as_of=before)

    # 3% of 2,870,000 total lasten (the gap's 700,000 included) is 86,100; 140,000 counts.
    assert found == [
        {
            "fiscal_year": 2021,
            "total_lasten": Decimal("2870000.00"),
            "counts_toward_opinion": Decimal("140000.00"),
            "lasten_without_begroting": Decimal("700000.00"),
            "verantwoordingsgrens": {
                "percentage": "3",
                "amount": Decimal("86100.00"),
                "decision_reference": "verordening-2021-3",
                "known_at": clock.now().isoformat(),
            },
            "exceeded": True,
            "fund_rules": [],
        }
    ]
    assert earlier[0]["verantwoordingsgrens"] is None
    assert earlier[0]["exceeded"] is None


def test_a_fund_rule_is_flagged_and_the_grens_is_not_exceeded(ledger: Ledger) -> None:
    record_2022(ledger)
    set_grens(ledger, 2022, "3")
    ledger.runner.catch_up()
    mutations = schema.budget_mutations
    with ledger.engine.connect() as conn:
        transfer, allocation = (
            conn.execute(select(mutations.c.position).where(mutations.c.kind == kind)).scalar_one()
            for kind in ("TransferredOut", "Amended")
        )
        report = authority.authority_report(conn, basis(ledger), fiscal_year=2022)

    rule = rule_for(FUND)
    assert rule is not None
    target = {"programma": ZORG, "taakveld": "6.1", "deelproduct": None, "interventie": None}
    expected = [
        {
            "fiscal_year": 2022,
            "position": transfer,
            "event": "TransferredOut",
            "amount": Decimal("50000.00"),
            "fund": FUND,
            "via": "transfer",
            "line": {**target, "fund": None},
            "decision_reference": "begroting-2022",
            "finding": "fund-rule",
            "rule": rule.rule,
            "source": "Interventieplan Sociaal Domein fase 4 (S1), §6.2",
        },
        {
            "fiscal_year": 2022,
            "position": allocation,
            "event": "Amended",
            "amount": Decimal("30000.00"),
            "fund": FUND,
            "via": "reserve-onttrekking",
            "line": {**target, "fund": None},
            "decision_reference": "onttrekking-2022",
            "finding": "fund-rule",
            "rule": rule.rule,
            "source": "Interventieplan Sociaal Domein fase 4 (S1), §6.2",
        },
    ]
    assert verdicts(ledger, 2022) == [
        {
            "fiscal_year": 2022,
            "total_lasten": Decimal("1250000.00"),
            "counts_toward_opinion": Decimal("20000.00"),
            "lasten_without_begroting": Decimal("0.00"),
            "verantwoordingsgrens": {
                "percentage": "3",
                "amount": Decimal("37500.00"),
                "decision_reference": "verordening-2022-3",
                "known_at": verdicts(ledger, 2022)[0]["verantwoordingsgrens"]["known_at"],
            },
            "exceeded": False,
            "fund_rules": expected,
        }
    ]
    flagged = {row["position"]: (row["authorised"], row["problems"]) for row in report}
    problem = (
        f"fund-rule: money of the {FUND} goes to a line without that fund ({{}}); "
        f"Interventieplan Sociaal Domein fase 4 (S1), §6.2: {rule.rule}"
    )
    assert flagged[transfer] == (True, [problem.format("transfer")])
    assert flagged[allocation] == (True, [problem.format("reserve-onttrekking")])
    assert sum(1 for _, problems in flagged.values() if problems) == 2


def test_the_demo_has_data_gaps_and_no_overschrijding(demo_ledger: Ledger) -> None:
    found = findings(demo_ledger)

    assert [(f["programma"], f["fiscal_year"], f["finding"]) for f in found] == [
        ("Opgave Sociale Stad", 2017, "geen-begroting-vastgelegd"),
        ("Opgave Sociale Stad", 2018, "geen-begroting-vastgelegd"),
        ("Welzijn, Wijkontwikkeling en Zorg", 2019, "geen-begroting-vastgelegd"),
    ]
    assert [f["lasten_without_begroting"] for f in found] == [
        Decimal("267638000.00"),
        Decimal("267816000.00"),
        Decimal("967000.00"),
    ]
    assert all(f["excess"] is None and f["categories"] == [] for f in found)
    assert [
        (v["fiscal_year"], v["verantwoordingsgrens"], v["fund_rules"])
        for v in verdicts(demo_ledger)
    ] == [(2017, None, []), (2018, None, []), (2019, None, [])]

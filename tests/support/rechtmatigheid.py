"""Small histories for the begrotingsrechtmatigheid tests (ADR 0029), recorded through the
application: Zorg 2021 with an overschrijding over every category and Overhead without a
begroting; Zorg 2022 with two fund-rule violations; a verantwoordingsgrens set by the raad."""

from __future__ import annotations

from decimal import Decimal

from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.reserve import ReserveKind
from domain.values import LineKey, Period, Side

RAAD = Context(actor="griffie")
FINANCE = Context(actor="concern control", source="jaarrekening")
ZORG = "Zorg"
FUND = "transformatiebudget"


def k(thousands: int) -> Money:
    return Money.thousands(thousands)


def line(year: int, taakveld: str, side: Side = Side.LASTEN, fund: str | None = None) -> LineKey:
    return LineKey(year, ZORG, taakveld, side=side, fund=fund)


def decide(ledger: Ledger, reference: str, kind: DecisionKind, years: Period) -> None:
    app = ledger.app
    app.propose_decision(
        RAAD,
        reference=reference,
        title=reference,
        body=Bestuursorgaan.RAAD,
        kind=kind,
        period=years,
    )
    app.adopt_decision(RAAD, reference=reference)


def realise(ledger: Ledger, key: LineKey, thousands: int) -> None:
    ledger.app.report_realisation(
        FINANCE, key=key, amount=k(thousands), status=RealisationStatus.DEFINITIEF
    )


def record_2021(ledger: Ledger) -> None:
    """Zorg 2021: lasten 1,800 budgeted, 2,170 realised (an excess of 370): 80 compensated by
    baten on taakveld 6.71, 100 on the open-einde line, 50 proposed by a pending slotwijziging,
    140 left. Overhead: 700 realised without any begroting."""
    app = ledger.app
    decide(ledger, "begroting-2021", DecisionKind.BEGROTING, Period.year(2021))
    for key, amount, regeling in (
        (line(2021, "6.71"), 1000, None),
        (line(2021, "6.72"), 500, "open-einde"),
        (line(2021, "6.1"), 300, None),
        (line(2021, "6.71", Side.BATEN), 200, None),
    ):
        app.establish_budget(
            RAAD, key=key, amount=k(amount), decision="begroting-2021", regeling=regeling
        )
    for key, amount in (
        (line(2021, "6.71"), 1150),
        (line(2021, "6.71", Side.BATEN), 280),
        (line(2021, "6.72"), 600),
        (line(2021, "6.1"), 420),
        (LineKey(2021, "Overhead", "0.4"), 700),
    ):
        realise(ledger, key, amount)
    app.propose_decision(
        RAAD,
        reference="slotwijziging-2021",
        title="Slotwijziging 2021",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.SLOTWIJZIGING,
        period=Period.year(2021),
    )
    app.propose_amendment(RAAD, reference="slotwijziging-2021", key=line(2021, "6.1"), amount=k(50))


def record_2022(ledger: Ledger) -> None:
    """Zorg 2022: a fund line gives 50 to a line without the fund, and 30 of the fund's
    earmark in a reserve lands there too; 1,250 realised against 1,230 (20 counted)."""
    app = ledger.app
    decide(ledger, "begroting-2022", DecisionKind.BEGROTING, Period.year(2022))
    app.establish_budget(RAAD, key=line(2022, "6.1"), amount=k(1000), decision="begroting-2022")
    app.establish_budget(
        RAAD, key=line(2022, "6.72", fund=FUND), amount=k(200), decision="begroting-2022"
    )
    app.transfer_budget(
        RAAD,
        source=line(2022, "6.72", fund=FUND),
        target=line(2022, "6.1"),
        amount=k(50),
        decision="begroting-2022",
    )
    app.establish_reserve(
        FINANCE,
        code="F022",
        name="Saldireserve",
        kind=ReserveKind.ALGEMEEN,
        purpose="saldi",
        fiscal_year=2022,
    )
    app.deposit_to_reserve(
        RAAD, code="F022", fiscal_year=2022, amount=k(30), decision="begroting-2022", earmark=FUND
    )
    decide(ledger, "onttrekking-2022", DecisionKind.BEGROTINGSWIJZIGING, Period.year(2022))
    app.allocate_from_reserve(
        RAAD,
        code="F022",
        earmark=FUND,
        allocations={line(2022, "6.1"): k(30)},
        decision="onttrekking-2022",
    )
    realise(ledger, line(2022, "6.1"), 1250)


def set_grens(ledger: Ledger, year: int, percentage: str) -> None:
    reference = f"verordening-{year}-{percentage}"
    decide(ledger, reference, DecisionKind.BELEIDSNOTA, Period.year(year))
    ledger.app.set_verantwoordingsgrens(
        RAAD, fiscal_year=year, percentage=Decimal(percentage), decision=reference
    )

"""A small history of taakstellingen and deelproduct realisations, built through the
application's commands, for the tests of taakstellingen achieved (ADR 0028).

Realised lasten per deelproduct (euros; 61296 2018 voorlopig 700,000 known 2019-01-31,
corrected to 650,000 definitief known 2019-06-01; 61307 2018 known 2019-05-01):

    61296  2017 1,000,000  2018 650,000   saving 350,000
    61301  2017   500,000  2018 450,000   saving  50,000
    61290  2017   800,000  2018 900,000   saving -100,000
    61307  2017   300,000  2018 280,000   saving  20,000

Taakstellingen 2018: interventie 1 `t1` [61296] 100,000; interventie 2 `t2` [61296, 61301]
350,000 and `t3` [61301] 50,000; interventie 3 `t4` [61290] 10,000 and `t5` [61307] 20,000;
interventie 4 `t6` [] 5,000; the risico `r1` (interventie 1, [61296]) 70,000. 61296 lies in
the zoekgebied of interventies 1 and 2. 61301's 2018 figure is the sum of its realisations:
a quarter figure of 100,000 (known 2018-04-10) and a whole-year figure of 350,000 (ADR 0008,
ADR 0028). Also recorded, and never counted: a baten figure of 61301 in 2018."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Period, Side, YearAmounts
from support.clock import Clock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DECISION = "raad-2018-03-taakstellingen"
PROGRAMMA = "Zorg en Welzijn"
NAMES = {
    "61296": "Ambulante trajecten volwassenen",
    "61301": "PGB Maatwerkvoorzieningen",
    "61290": "Dagbesteding en ambulante trajecten Jeugd",
    "61307": "Sociale wijkteams (product Welzijn)",
}


def day(text: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(text).date(), time(12), AMSTERDAM)


def known(text: str, source: str = "Stadsrekening") -> Context:
    return Context(actor="concern control", known_at=day(text), source=source)


def euros(amount: str) -> Money:
    return Money(Decimal(amount))


def realise(
    ledger: Ledger,
    code: str,
    year: int,
    amount: str,
    on: str,
    *,
    status: RealisationStatus = RealisationStatus.DEFINITIEF,
    side: Side = Side.LASTEN,
    quarter: int | None = None,
) -> None:
    ledger.app.report_realisation(
        known(on, f"Stadsrekening {year}, deelproduct {code} {NAMES[code]} (tabel 5.2)"),
        key=LineKey(year, PROGRAMMA, None, side=side, deelproduct=code),
        amount=euros(amount),
        status=status,
        quarter=quarter,
    )


def impose(
    ledger: Ledger,
    reference: str,
    interventie: int,
    base: tuple[str, ...],
    amount: str,
    *,
    kind: TaakstellingKind = TaakstellingKind.TARGET,
) -> None:
    ledger.app.impose_taakstelling(
        known("2018-03-07", "Interventieplan fase 2"),
        reference=reference,
        label=f"Taakstelling {reference}",
        interventie=interventie,
        programma=PROGRAMMA,
        taakveld="6.71",
        kind=kind,
        origin="IVP-2",
        amounts=YearAmounts.of({2018: euros(amount)}),
        base_deelproducten=base,
        decision=DECISION if kind is TaakstellingKind.TARGET else None,
    )


def build(ledger: Ledger, clock: Clock | None = None) -> Ledger:
    """The history; with `clock`, the correction of 61296 is recorded a day after the rest
    (for a basis `as_recorded_at` between them)."""
    app = ledger.app
    decided = known("2018-03-07", "Raadsbesluit")
    app.propose_decision(
        decided,
        reference=DECISION,
        title="Interventieplan fase 2",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BELEIDSNOTA,
        period=Period(2018, 2022),
    )
    app.adopt_decision(decided, reference=DECISION)
    for code, amount in (
        ("61296", "1000000"),
        ("61301", "500000"),
        ("61290", "800000"),
        ("61307", "300000"),
    ):
        realise(ledger, code, 2017, amount, "2018-04-17")
    realise(ledger, "61296", 2018, "700000", "2019-01-31", status=RealisationStatus.VOORLOPIG)
    realise(ledger, "61301", 2018, "350000", "2019-04-16")
    realise(ledger, "61290", 2018, "900000", "2019-04-16")
    realise(ledger, "61301", 2018, "999", "2019-04-16", side=Side.BATEN)
    realise(ledger, "61301", 2018, "100000", "2018-04-10", quarter=1)
    impose(ledger, "t1", 1, ("61296",), "100000")
    impose(ledger, "t2", 2, ("61296", "61301"), "350000")
    impose(ledger, "t3", 2, ("61301",), "50000")
    impose(ledger, "t4", 3, ("61290",), "10000")
    impose(ledger, "t5", 3, ("61307",), "20000")
    impose(ledger, "t6", 4, (), "5000")
    impose(ledger, "r1", 1, ("61296",), "70000", kind=TaakstellingKind.RISK)
    realise(ledger, "61307", 2018, "280000", "2019-05-01")
    if clock is not None:
        clock.advance(timedelta(days=1))
    app.correct_realisation(
        known("2019-06-01", "Stadsrekening 2018, vastgesteld"),
        key=LineKey(2018, PROGRAMMA, None, deelproduct="61296"),
        corrects_version=1,
        amount=euros("650000"),
        status=RealisationStatus.DEFINITIEF,
        reason="stadsrekening 2018 vastgesteld",
    )
    ledger.runner.catch_up()
    return ledger

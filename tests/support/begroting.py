"""A small begroting with lasten and baten lines, a numbered begrotingswijziging with its
dekking, voorlopig then definitief realisations and one without a line (ADR 0026): the given
of the uitputting tests (integration, API, CLI, web).

Fiscal year 2019, programma Zorg en Welzijn:
- lasten 6.71/61296: established 1,000,000.00; +150,000.00 under begrotingswijziging 2019-12
  (known 2019-06-20, dekking "Saldireserve, oormerk transformatiebudget"); realised Q1
  300,000.00 (known 2019-03-29), Q2 400,000.00 (known 2019-06-28), both voorlopig; Q2
  corrected to 420,000.00 definitief (known 2020-05-01, the jaarrekening).
- lasten 6.81: established 500,000.00; -50,000.00 under the same wijziging known 2019-11-15.
- baten 6.71/61296: established 200,000.00; realised Q2 250,000.00 voorlopig.
- lasten 6.72/62000: no line; realised Q3 50,000.00 voorlopig (known 2019-09-27).
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.application import Begroting, Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period, Side

PROGRAMMA = "Zorg en Welzijn"
BEGROTING = "raad-2018-11-begroting-2019"
WIJZIGING = "raad-2019-06-begrotingswijziging-2019-12"
NUMBER = "2019-12"
DEKKING = "Saldireserve, oormerk transformatiebudget"
SOURCE = "Stadsrekening 2019"
AMBULANT = LineKey(2019, PROGRAMMA, "6.71", Side.LASTEN, deelproduct="61296")
MAATWERK = LineKey(2019, PROGRAMMA, "6.81", Side.LASTEN)
BATEN = LineKey(2019, PROGRAMMA, "6.71", Side.BATEN, deelproduct="61296")
ZONDER = LineKey(2019, PROGRAMMA, "6.72", Side.LASTEN, deelproduct="62000")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def money(text: str) -> Money:
    return Money.parse(text)


def load(app: Begroting) -> None:
    griffie, finance = "griffie", "concern control"
    for reference, kind, number, known in (
        (BEGROTING, DecisionKind.BEGROTING, None, "2018-11-08T20:00:00"),
        (WIJZIGING, DecisionKind.BEGROTINGSWIJZIGING, NUMBER, "2019-06-20T20:00:00"),
    ):
        app.propose_decision(
            Context(actor=griffie, known_at=at(known)),
            reference=reference,
            title=f"Besluit {reference}",
            body=Bestuursorgaan.RAAD,
            kind=kind,
            period=Period.year(2019),
            number=number,
        )
        app.adopt_decision(Context(actor=griffie, known_at=at(known)), reference=reference)
    established = Context(actor=finance, known_at=at("2018-11-08T20:00:00"))
    for key, amount in ((AMBULANT, "1000000.00"), (MAATWERK, "500000.00"), (BATEN, "200000.00")):
        app.establish_budget(established, key=key, amount=money(amount), decision=BEGROTING)
    app.amend_budget(
        Context(actor=finance, known_at=at("2019-06-20T20:00:00")),
        key=AMBULANT,
        delta=money("150000.00"),
        decision=WIJZIGING,
        dekking=DEKKING,
    )
    app.amend_budget(
        Context(actor=finance, known_at=at("2019-11-15T12:00:00")),
        key=MAATWERK,
        delta=money("-50000.00"),
        decision=WIJZIGING,
    )
    voorlopig = RealisationStatus("voorlopig")
    for key, quarter, amount, known in (
        (AMBULANT, 1, "300000.00", "2019-03-29T12:00:00"),
        (AMBULANT, 2, "400000.00", "2019-06-28T12:00:00"),
        (BATEN, 2, "250000.00", "2019-06-28T12:00:00"),
        (ZONDER, 3, "50000.00", "2019-09-27T12:00:00"),
    ):
        app.report_realisation(
            Context(actor=finance, known_at=at(known), source=SOURCE),
            key=key,
            amount=money(amount),
            status=voorlopig,
            quarter=quarter,
        )
    app.correct_realisation(
        Context(actor=finance, known_at=at("2020-05-01T12:00:00"), source=SOURCE),
        key=AMBULANT,
        corrects_version=1,
        amount=money("420000.00"),
        status=RealisationStatus("definitief"),
        reason="jaarrekening 2019 vastgesteld",
        quarter=2,
    )

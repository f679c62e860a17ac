"""A made-up municipality's 2025 with an Iv3 categorie on every line (ADR 0031): the given
of the Iv3 export tests (integration, API, CLI).

Begroting 2025 (known 2024-11-06), primitief:
- lasten Zorg 6.1 categorie 3.8: 1,000.00; +100.00 under a wijziging (not primitief)
- lasten Jeugd 6.1 categorie 3.8: 0.25 (the same cell as Zorg's: 1,000.25 from 2 lines)
- lasten Wonen 8.3 categorie 3.8: 250.50
- baten Burgerzaken 0.2 categorie 3.7 (leges): 300.00
Realisations, each known at its quarter's end (12:00 UTC):
- Zorg 6.1/3.8: Q1 200.10 voorlopig, Q2 300.00 definitief
- Burgerzaken 0.2/3.7 baten: Q2 50.00 voorlopig
- Jeugd 6.1/3.8: Q3 1.00 definitief
- Wonen 8.3/3.8: the whole year (no quarter) 10.00 definitief, known 2026-03-15
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.application import Begroting, Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period, Side

BEGROTING = "raad-2024-11-begroting-2025"
WIJZIGING = "raad-2025-06-wijziging-2025"
ZORG = LineKey(2025, "Zorg", "6.1", Side.LASTEN, categorie="3.8")
JEUGD = LineKey(2025, "Jeugd", "6.1", Side.LASTEN, categorie="3.8")
WONEN = LineKey(2025, "Wonen", "8.3", Side.LASTEN, categorie="3.8")
LEGES = LineKey(2025, "Burgerzaken", "0.2", Side.BATEN, categorie="3.7")
VOORLOPIG = RealisationStatus.VOORLOPIG
DEFINITIEF = RealisationStatus.DEFINITIEF


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(app: Begroting) -> None:
    griffie, finance = "griffie", "concern control"
    for reference, kind, known in (
        (BEGROTING, DecisionKind.BEGROTING, "2024-11-06T20:00:00"),
        (WIJZIGING, DecisionKind.BEGROTINGSWIJZIGING, "2025-06-25T20:00:00"),
    ):
        app.propose_decision(
            Context(actor=griffie, known_at=at(known)),
            reference=reference,
            title=f"Besluit {reference}",
            body=Bestuursorgaan.RAAD,
            kind=kind,
            period=Period.year(2025),
        )
        app.adopt_decision(Context(actor=griffie, known_at=at(known)), reference=reference)
    established = Context(actor=finance, known_at=at("2024-11-06T20:00:00"))
    for key, amount in ((ZORG, "1000.00"), (JEUGD, "0.25"), (WONEN, "250.50"), (LEGES, "300")):
        app.establish_budget(established, key=key, amount=Money.parse(amount), decision=BEGROTING)
    app.amend_budget(
        Context(actor=finance, known_at=at("2025-06-25T20:00:00")),
        key=ZORG,
        delta=Money.parse("100.00"),
        decision=WIJZIGING,
    )
    for key, quarter, amount, status, known in (
        (ZORG, 1, "200.10", VOORLOPIG, "2025-03-31T12:00:00"),
        (ZORG, 2, "300.00", DEFINITIEF, "2025-06-30T12:00:00"),
        (LEGES, 2, "50.00", VOORLOPIG, "2025-06-30T12:00:00"),
        (JEUGD, 3, "1.00", DEFINITIEF, "2025-09-30T12:00:00"),
        (WONEN, None, "10.00", DEFINITIEF, "2026-03-15T12:00:00"),
    ):
        app.report_realisation(
            Context(actor=finance, known_at=at(known), source="grootboek"),
            key=key,
            amount=Money.parse(amount),
            status=status,
            quarter=quarter,
        )

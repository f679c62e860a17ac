"""Shared givens and readers for the unit tests.

Every test drives the `Begroting` application on the in-memory (POPO) recorder with a fixed
clock, and reads what a command recorded back from the notification log, decoded by the
application's own mapper, so the transcodings are exercised on every assertion.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from domain.application import Begroting, Context
from domain.budget import line_id
from domain.decision import Decision, MandateScope
from domain.events import Authority, Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.reserve import Reserve, ReserveKind
from domain.values import LineKey, Period
from support.clock import Clock

# The clock of every application under test: a real, tz-aware UTC datetime.
CLOCK_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

# Business moments (known_at) of the givens, all before CLOCK_NOW.
PROPOSED_AT = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
ADOPTED_AT = datetime(2024, 2, 1, 20, 0, tzinfo=UTC)

GRIFFIE = "griffie"
FINANCE = "concern control"
SOURCE = "Interventieplan fase 4"


def new_application(clock: Clock) -> Begroting:
    return Begroting({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


def position(app: Begroting) -> int:
    """The log position of the last recorded event (0 when nothing was recorded)."""
    return app.recorder.max_notification_id() or 0


def events_since(app: Begroting, before: int) -> list[object]:
    """The domain events recorded after log position `before`, in log order."""
    notifications = app.notification_log.select(start=before + 1, limit=10)
    assert len(notifications) == position(app) - before, "more events than one page"
    return [app.mapper.to_domain_event(notification) for notification in notifications]


def money(text: str) -> Money:
    return Money(Decimal(text))


def given_decision(
    app: Begroting,
    reference: str,
    *,
    body: Bestuursorgaan = Bestuursorgaan.RAAD,
    kind: DecisionKind = DecisionKind.BEGROTINGSWIJZIGING,
    period: Period | None = None,
    adopted_at: datetime | None = ADOPTED_AT,
    mandate_scope: MandateScope | None = None,
    mandate_reference: str | None = None,
) -> UUID:
    """A decision proposed at PROPOSED_AT and, unless `adopted_at` is None, adopted then."""
    app.propose_decision(
        Context(actor=GRIFFIE, known_at=PROPOSED_AT),
        reference=reference,
        title=f"Besluit {reference}",
        body=body,
        kind=kind,
        period=period or Period.year(2024),
        mandate_scope=mandate_scope,
        mandate_reference=mandate_reference,
    )
    if adopted_at is not None:
        app.adopt_decision(Context(actor=GRIFFIE, known_at=adopted_at), reference=reference)
    return Decision.id_for(reference)


def authority_of(
    reference: str,
    *,
    body: Bestuursorgaan = Bestuursorgaan.RAAD,
    kind: DecisionKind = DecisionKind.BEGROTINGSWIJZIGING,
    mandate_reference: str | None = None,
) -> Authority:
    """The authority an event copies from a decision, built independently of the app."""
    return Authority(
        decision_id=Decision.id_for(reference),
        reference=reference,
        body=body,
        kind=kind,
        mandate_id=None if mandate_reference is None else Decision.id_for(mandate_reference),
    )


def given_line(app: Begroting, key: LineKey, amount: str, *, decision: str) -> UUID:
    """A budget line established (primitieve begroting) with `amount` euros."""
    app.establish_budget(Context(actor=FINANCE), key=key, amount=money(amount), decision=decision)
    return line_id(key)


def given_reserve(app: Begroting, code: str, *, fiscal_year: int = 2024) -> UUID:
    app.establish_reserve(
        Context(actor=FINANCE, source=SOURCE),
        code=code,
        name=f"Reserve {code}",
        kind=ReserveKind.BESTEMMING,
        purpose="Wmo en Jeugd",
        fiscal_year=fiscal_year,
    )
    return Reserve.id_for(code)


def line_total(app: Begroting, key: LineKey) -> Money:
    line = app.repository.get(line_id(key))
    return line.total

"""Two writers on one database (SQLite file and PostgreSQL): a batch whose record another
writer changed first records nothing, and an aggregate a writer keeps in its cache after
saving is brought up to date with the other writer's events (ADR 0012). A batch knows which
records exist as of its start, the other writer's too (ADR 0035)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from tests.unit.support import PROPOSED_AT, events_since, given_decision, given_line

from api.ledger import Ledger
from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import ConcurrentChangeError, DuplicateError
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.values import LineKey, Period
from support.clock import Clock
from support.ledgers import log_size

KEY = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
ACTOR = "concern control"


@pytest.fixture
def other(ledger: Ledger, clock: Clock) -> Iterator[Begroting]:
    """A second writer on the same database, as another process would be."""
    app = Begroting(dict(ledger.app.env), clock=clock.now)
    try:
        yield app
    finally:
        app.close()


def given(app: Begroting) -> None:
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")


def amend(app: Begroting, delta: str) -> None:
    app.amend_budget(
        Context(actor=ACTOR), key=KEY, delta=Money(Decimal(delta)), decision="2024-BW-1"
    )


def test_a_batch_whose_record_another_writer_changed_first_records_nothing(
    ledger: Ledger, other: Begroting
) -> None:
    given(ledger.app)
    before = log_size(ledger)

    def load() -> None:
        with ledger.app.batch():
            given_decision(ledger.app, "2024-BW-2", adopted_at=None)  # proposed only
            amend(ledger.app, "-10.00")
            amend(other, "-20.00")  # committed at once, while the batch is open

    with pytest.raises(ConcurrentChangeError) as caught:
        load()

    assert str(caught.value) == (
        "another change to a record of the batch came first; nothing was recorded"
    )
    assert log_size(ledger) == before + 1  # only the other writer's amendment
    assert Decision.id_for("2024-BW-2") not in ledger.app.repository
    line: BudgetLine = ledger.app.repository.get(line_id(KEY))
    assert (line.total, line.version) == (Money(Decimal("980.00")), 3)


def test_a_writer_that_keeps_its_saved_aggregate_still_sees_the_other_writers_change(
    ledger: Ledger, other: Begroting
) -> None:
    given(ledger.app)
    amend(ledger.app, "-10.00")  # kept in this writer's cache at version 3
    amend(other, "-20.00")  # version 4, by the other writer

    amend(ledger.app, "-30.00")  # fast-forwards its cached line to 4 first

    line: BudgetLine = ledger.app.repository.get(line_id(KEY))
    assert (line.total, line.version) == (Money(Decimal("940.00")), 5)


def propose(app: Begroting, reference: str, title: str) -> None:
    app.propose_decision(
        Context(actor=ACTOR, known_at=PROPOSED_AT),
        reference=reference,
        title=title,
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2024),
    )


def test_what_another_writer_created_before_a_batch_is_a_duplicate_in_it(
    ledger: Ledger, other: Begroting
) -> None:
    # Given a writer that knows which records the log holds (its first batch)
    given(ledger.app)
    with ledger.app.batch():
        amend(ledger.app, "-10.00")
    # And a decision another writer proposed after that
    propose(other, "2024-BW-2", "Besluit van de ander")
    before = log_size(ledger)

    # When the first writer proposes the same decision in its next batch
    with ledger.app.batch():
        with pytest.raises(DuplicateError):
            propose(ledger.app, "2024-BW-2", "Besluit van deze schrijver")
        amend(ledger.app, "-5.00")

    # Then that command is refused, the batch goes on, and only its amendment is recorded
    assert [type(e).__qualname__ for e in events_since(ledger.app, before)] == [
        "BudgetLine.Amended"
    ]
    decision: Decision = ledger.app.repository.get(Decision.id_for("2024-BW-2"))
    assert decision.title == "Besluit van de ander"


def test_what_another_writer_creates_while_a_batch_is_open_fails_the_batch(
    ledger: Ledger, other: Begroting
) -> None:
    given(ledger.app)
    before = log_size(ledger)

    def load() -> None:
        with ledger.app.batch():
            amend(ledger.app, "-10.00")
            propose(other, "2024-BW-2", "Besluit van de ander")  # committed at once
            propose(ledger.app, "2024-BW-2", "Besluit van deze schrijver")

    with pytest.raises(ConcurrentChangeError):
        load()

    assert [type(e).__qualname__ for e in events_since(ledger.app, before)] == ["Decision.Proposed"]
    decision: Decision = ledger.app.repository.get(Decision.id_for("2024-BW-2"))
    assert decision.title == "Besluit van de ander"

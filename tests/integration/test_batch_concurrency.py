"""Two writers on one database (SQLite file and PostgreSQL): a batch whose record another
writer changed first records nothing, and an aggregate a writer keeps in its cache after
saving is brought up to date with the other writer's events (ADR 0012)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from tests.unit.support import given_decision, given_line

from api.ledger import Ledger
from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import ConcurrentChangeError
from domain.money import Money
from domain.values import LineKey
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

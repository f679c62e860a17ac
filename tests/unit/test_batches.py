"""Batches (ADR 0012): commands recorded together in one transaction. Each command is
checked and applied on its own; the batch writes the events in the order of its commands."""

from __future__ import annotations

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import (
    ClosedFiscalYearError,
    DuplicateError,
    InsufficientBudgetError,
    StaleVersionError,
)
from domain.events import Bestuursorgaan, DecisionKind
from domain.fiscal_year import FiscalYear
from domain.values import LineKey, Period

from .support import (
    ADOPTED_AT,
    FINANCE,
    GRIFFIE,
    events_since,
    given_decision,
    given_line,
    line_total,
    money,
    position,
)

KEY = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
TARGET = LineKey(2024, "Zorg", "6.1", interventie=2, fund="transformatie")


def summary(events: list[object]) -> list[tuple[str, object]]:
    return [(type(e).__qualname__, e.originator_id) for e in events]  # type: ignore[attr-defined]


def propose(app: Begroting, reference: str) -> None:
    app.propose_decision(
        Context(actor=GRIFFIE, known_at=ADOPTED_AT),
        reference=reference,
        title=f"Besluit {reference}",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2024),
    )


def test_a_batch_records_nothing_until_it_ends_then_every_event_in_command_order(
    app: Begroting,
) -> None:
    given_decision(app, "2024-BW-1")
    before = position(app)

    with app.batch() as batch:
        first = app.establish_budget(
            Context(actor=FINANCE), key=KEY, amount=money("1000.00"), decision="2024-BW-1"
        )
        propose(app, "2024-BW-2")
        app.adopt_decision(Context(actor=GRIFFIE, known_at=ADOPTED_AT), reference="2024-BW-2")
        last = app.transfer_budget(
            Context(actor=FINANCE),
            source=KEY,
            target=TARGET,
            amount=money("400.00"),
            decision="2024-BW-2",
        )
        assert position(app) == before  # nothing written yet

    assert (first.position, last.position) == (0, 0)
    assert last.versions == {"source": 3, "target": 2}
    assert (batch.commands, batch.position) == (4, before + 7)
    assert summary(events_since(app, before)) == [
        ("BudgetLine.Opened", line_id(KEY)),
        ("BudgetLine.Established", line_id(KEY)),
        ("Decision.Proposed", Decision.id_for("2024-BW-2")),
        ("Decision.Adopted", Decision.id_for("2024-BW-2")),
        ("BudgetLine.TransferredOut", line_id(KEY)),
        ("BudgetLine.Opened", line_id(TARGET)),
        ("BudgetLine.TransferredIn", line_id(TARGET)),
    ]
    assert line_total(app, KEY) == money("600.00")
    assert line_total(app, TARGET) == money("400.00")


def test_a_command_refused_inside_a_batch_changes_nothing_and_the_batch_goes_on(
    app: Begroting,
) -> None:
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")
    before = position(app)

    with app.batch():
        app.amend_budget(
            Context(actor=FINANCE), key=KEY, delta=money("-100.00"), decision="2024-BW-1"
        )
        with pytest.raises(InsufficientBudgetError):
            app.transfer_budget(  # 950 of the 900 left: refused after TARGET was opened
                Context(actor=FINANCE),
                source=KEY,
                target=TARGET,
                amount=money("950.00"),
                decision="2024-BW-1",
            )
        app.amend_budget(
            Context(actor=FINANCE, expected_version=3),
            key=KEY,
            delta=money("-50.00"),
            decision="2024-BW-1",
        )

    assert summary(events_since(app, before)) == [
        ("BudgetLine.Amended", line_id(KEY)),
        ("BudgetLine.Amended", line_id(KEY)),
    ]
    assert line_total(app, KEY) == money("850.00")
    assert line_id(TARGET) not in app.repository


def test_an_exception_that_leaves_the_batch_records_none_of_it(app: Begroting) -> None:
    given_decision(app, "2024-BW-1")
    before = position(app)

    def load() -> None:
        with app.batch():
            given_line(app, KEY, "1000.00", decision="2024-BW-1")
            propose(app, "2024-BW-1")  # refused, and not caught inside the batch

    with pytest.raises(DuplicateError):
        load()

    assert events_since(app, before) == []
    assert line_id(KEY) not in app.repository
    given_line(app, KEY, "1000.00", decision="2024-BW-1")  # the cache holds no trace of it
    assert line_total(app, KEY) == money("1000.00")


def test_later_commands_of_a_batch_see_what_earlier_ones_did(app: Begroting) -> None:
    given_decision(app, "2024-BW-1")
    given_decision(app, "jaarrekening-2024", kind=DecisionKind.JAARREKENING)
    before = position(app)

    with app.batch():
        propose(app, "2024-BW-2")
        with pytest.raises(DuplicateError):
            propose(app, "2024-BW-2")
        given_line(app, KEY, "1000.00", decision="2024-BW-1")
        with pytest.raises(StaleVersionError):
            app.amend_budget(
                Context(actor=FINANCE, expected_version=1),
                key=KEY,
                delta=money("5.00"),
                decision="2024-BW-1",
            )
        app.close_fiscal_year(
            Context(actor=FINANCE), fiscal_year=2024, decision="jaarrekening-2024"
        )
        with pytest.raises(ClosedFiscalYearError):
            app.amend_budget(
                Context(actor=FINANCE), key=KEY, delta=money("5.00"), decision="2024-BW-1"
            )

    assert summary(events_since(app, before)) == [
        ("Decision.Proposed", Decision.id_for("2024-BW-2")),
        ("BudgetLine.Opened", line_id(KEY)),
        ("BudgetLine.Established", line_id(KEY)),
        ("FiscalYear.Registered", FiscalYear.id_for(2024)),
        ("FiscalYear.Closed", FiscalYear.id_for(2024)),
    ]


def test_batches_do_not_nest(app: Begroting) -> None:
    with app.batch(), pytest.raises(RuntimeError, match="batches do not nest"), app.batch():
        pass


def test_an_empty_batch_records_nothing(app: Begroting) -> None:
    with app.batch() as batch:
        pass

    assert (batch.commands, batch.position, position(app)) == (0, 0, 0)


def test_an_aggregate_copy_shares_no_container_with_its_original(app: Begroting) -> None:
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")
    cached: BudgetLine = app.repository.get(line_id(KEY))

    copied: BudgetLine = app.repository.get(line_id(KEY))  # the repository copies
    copied.mutation_ids.clear()

    assert copied is not cached
    assert len(cached.mutation_ids) == 1
    assert (copied.key, copied.total, copied.version) == (cached.key, cached.total, 2)

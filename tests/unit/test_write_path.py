"""The write path's shortcuts (ADR 0035): what a command only reads is not copied, natural
ids are derived once, and a batch knows which records exist without reading each. None
changes what is recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.application import Begroting, Context, known_ids
from domain.budget import line_id
from domain.decision import Decision
from domain.errors import UnauthorisedMutationError
from domain.fiscal_year import FiscalYear
from domain.values import LineKey

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


def summary(events: list[object]) -> list[tuple[str, object]]:
    return [(type(e).__qualname__, e.originator_id) for e in events]  # type: ignore[attr-defined]


def test_natural_ids_are_what_they_always_were_however_often_derived() -> None:
    # Given the ids recorded before they were derived once (ADR 0035)
    # When they are derived again, twice
    ids = [(Decision.id_for("2024-BW-1"), FiscalYear.id_for(2024)) for _ in range(2)]

    # Then they are the same ids
    assert (
        ids
        == [
            (
                UUID("894146ab-7164-5205-8029-79ff420c9ce6"),
                UUID("a9f28026-32a7-5735-bbbc-0b31791458d1"),
            )
        ]
        * 2
    )


@pytest.mark.parametrize("batched", [False, True], ids=["one per transaction", "batch"])
def test_a_decision_a_refused_command_only_read_is_changed_by_the_next_command(
    app: Begroting, batched: bool
) -> None:
    # Given a line and a proposed decision that a change names before it is adopted
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")
    given_decision(app, "2024-BW-2", adopted_at=None)
    before = position(app)

    def commands() -> None:
        with pytest.raises(UnauthorisedMutationError, match="is proposed"):
            app.amend_budget(
                Context(actor=FINANCE), key=KEY, delta=money("5.00"), decision="2024-BW-2"
            )
        # When the decision the refused change read is adopted, and the change given again
        app.adopt_decision(Context(actor=GRIFFIE, known_at=ADOPTED_AT), reference="2024-BW-2")
        app.amend_budget(Context(actor=FINANCE), key=KEY, delta=money("5.00"), decision="2024-BW-2")

    if batched:
        with app.batch():
            commands()
    else:
        commands()

    # Then the adoption and the change are recorded, the refused change not at all
    assert summary(events_since(app, before)) == [
        ("Decision.Adopted", Decision.id_for("2024-BW-2")),
        ("BudgetLine.Amended", line_id(KEY)),
    ]
    assert line_total(app, KEY) == money("1005.00")
    # And the decision as the next command reads it is the adopted one
    decision: Decision = app.repository.get(Decision.id_for("2024-BW-2"))
    assert (decision.status.value, decision.version) == ("adopted", 2)


def store_reads(app: Begroting, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """The aggregates whose events the application reads from its store, from now on."""
    read: list[UUID] = []
    select = app.recorder.select_events

    def counted(originator_id: UUID, **kwargs: Any) -> Any:
        read.append(originator_id)
        return select(originator_id, **kwargs)

    monkeypatch.setattr(app.recorder, "select_events", counted)
    return read


def load(app: Begroting) -> None:
    with app.batch():
        given_decision(app, "2024-BW-1")
        given_line(app, KEY, "1000.00", decision="2024-BW-1")


def test_a_batch_knows_without_reading_them_that_new_records_do_not_exist(
    app: Begroting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a ledger whose log the application has seen from its start
    read = store_reads(app, monkeypatch)

    # When a batch creates a decision and a line (and checks the year's lock)
    load(app)

    # Then none of them was looked for in the store, and all were recorded
    assert read == []
    assert summary(events_since(app, 0)) == [
        ("Decision.Proposed", Decision.id_for("2024-BW-1")),
        ("Decision.Adopted", Decision.id_for("2024-BW-1")),
        ("BudgetLine.Opened", line_id(KEY)),
        ("BudgetLine.Established", line_id(KEY)),
    ]


def test_a_batch_on_a_log_longer_than_it_catches_up_reads_the_store_as_before(
    app: Begroting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a log longer than a batch reads to learn which records it holds
    monkeypatch.setattr(known_ids, "CATCH_UP_LIMIT", 1)
    given_decision(app, "2024-BW-0")
    read = store_reads(app, monkeypatch)
    before = position(app)

    # When a batch creates a decision and a line
    load(app)

    # Then it looked for each in the store (the year's lock too), and recorded them
    assert read == [Decision.id_for("2024-BW-1"), FiscalYear.id_for(2024), line_id(KEY)]
    assert summary(events_since(app, before)) == [
        ("Decision.Proposed", Decision.id_for("2024-BW-1")),
        ("Decision.Adopted", Decision.id_for("2024-BW-1")),
        ("BudgetLine.Opened", line_id(KEY)),
        ("BudgetLine.Established", line_id(KEY)),
    ]

"""BudgetLine.Specified: an activity's part of a budget line (tabel 5.2 of the
interventieplan). It moves no money; the parts never exceed the line (ADR 0030)."""

from __future__ import annotations

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.errors import (
    InsufficientBudgetError,
    InvalidInputError,
    NotFoundError,
    UnauthorisedMutationError,
)
from domain.events import DecisionKind
from domain.values import LineKey, Meta, Period

from .support import (
    ADOPTED_AT,
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    line_total,
    money,
    position,
)

BEGROTING = "raad-2024-begroting"
IVP = "raad-2024-interventieplan"
LINE = LineKey(2024, "Zorg", "6.71a", interventie=2)
LINE_ID = line_id(LINE)


def specify(app: Begroting, activity: str, amount: str, decision: str = IVP) -> None:
    app.specify_budget(
        Context(actor=FINANCE, known_at=ADOPTED_AT),
        key=LINE,
        activity=activity,
        amount=money(amount),
        decision=decision,
    )


@pytest.fixture
def line(app: Begroting) -> Begroting:
    """Given: interventie 2's transformatiebudget line of 309,000.00 and the raad's
    interventieplan decision."""
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA)
    given_line(app, LINE, "309000.00", decision=BEGROTING)
    return app


def test_specifying_records_the_activity_amount_and_its_authority(line: Begroting) -> None:
    before = position(line)

    specify(line, "Opstart Stip Nijmegen-zuid", "64000.00")

    assert events_since(line, before) == [
        BudgetLine.Specified(
            originator_id=LINE_ID,
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=Meta(
                actor=FINANCE,
                known_at=ADOPTED_AT,
                period=Period.year(2024),
                decision_id=authority_of(IVP).decision_id,
                source=None,
                import_id=None,
            ),
            activity="Opstart Stip Nijmegen-zuid",
            amount=money("64000.00"),
            authority=authority_of(IVP, kind=DecisionKind.BELEIDSNOTA),
        )
    ]


def test_a_specification_moves_no_money(line: Begroting) -> None:
    specify(line, "Opstart Stip Nijmegen-zuid", "64000.00")
    specify(line, "Opbouwwerk", "76000.00")

    assert line_total(line, LINE) == money("309000.00")


def test_the_parts_may_come_to_the_whole_line(line: Begroting) -> None:
    specify(line, "Opstart Stip Nijmegen-zuid", "64000.00")
    specify(line, "Opbouwwerk", "76000.00")
    specify(line, "Innovatie- en knelpuntenbudget", "169000.00")

    assert line.repository.get(LINE_ID).specifications == {
        "Opstart Stip Nijmegen-zuid": money("64000.00"),
        "Opbouwwerk": money("76000.00"),
        "Innovatie- en knelpuntenbudget": money("169000.00"),
    }


def test_parts_beyond_the_line_are_refused(line: Begroting) -> None:
    specify(line, "Opstart Stip Nijmegen-zuid", "64000.00")
    specify(line, "Opbouwwerk", "76000.00")
    before = position(line)

    with pytest.raises(InsufficientBudgetError) as caught:
        specify(line, "Innovatie- en knelpuntenbudget", "169000.01")

    assert (caught.value.field, caught.value.data) == (
        "amount",
        {"available": "169000.00", "requested": "169000.01"},
    )
    assert position(line) == before


def test_a_new_amount_of_an_activity_replaces_its_old_one_in_the_rule(line: Begroting) -> None:
    specify(line, "Opbouwwerk", "300000.00")

    specify(line, "Opbouwwerk", "309000.00")

    assert line.repository.get(LINE_ID).specifications == {"Opbouwwerk": money("309000.00")}


def test_a_negative_part_is_refused(line: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        specify(line, "Opbouwwerk", "-1.00")

    assert (caught.value.field, caught.value.message) == (
        "amount",
        "a specified amount cannot be negative",
    )


def test_the_same_amount_again_is_refused(line: Begroting) -> None:
    specify(line, "Opbouwwerk", "76000.00")

    with pytest.raises(InvalidInputError) as caught:
        specify(line, "Opbouwwerk", "76000.00")

    assert caught.value.field == "amount"


def test_a_specification_without_an_adopted_decision_is_refused(line: Begroting) -> None:
    given_decision(line, "raad-2024-voorstel", adopted_at=None)

    with pytest.raises(UnauthorisedMutationError) as caught:
        specify(line, "Opbouwwerk", "76000.00", decision="raad-2024-voorstel")

    assert caught.value.field == "decision"


def test_a_specification_of_a_line_that_does_not_exist_is_refused(line: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        line.specify_budget(
            Context(actor=FINANCE),
            key=LineKey(2024, "Zorg", "6.71a", interventie=3),
            activity="Opbouwwerk",
            amount=money("1.00"),
            decision=IVP,
        )

    assert caught.value.field == "key"

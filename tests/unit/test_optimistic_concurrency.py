"""Optimistic concurrency: a change made on the basis of a version that is no longer current
is refused and records nothing; the version a command leaves is in its result."""

from __future__ import annotations

import pytest

from domain.application import Begroting, Context
from domain.budget import line_id
from domain.decision import Decision
from domain.errors import StaleVersionError
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import LineKey, Period

from .support import FINANCE, GRIFFIE, events_since, given_decision, given_line, money, position

KEY = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
TARGET = LineKey(2024, "Zorg", "6.1", interventie=2, fund="transformatie")


def test_a_change_on_the_current_version_is_recorded_and_returns_the_new_versions(
    app: Begroting,
) -> None:
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")  # opened (1), established (2)

    recorded = app.transfer_budget(
        Context(actor=FINANCE, expected_version=2),
        source=KEY,
        target=TARGET,
        amount=money("400.00"),
        decision="2024-BW-1",
    )

    assert recorded.versions == {"source": 3, "target": 2}
    assert recorded.ids == {"source": line_id(KEY), "target": line_id(TARGET)}


def test_a_change_on_a_stale_version_is_refused_and_records_nothing(app: Begroting) -> None:
    given_decision(app, "2024-BW-1")
    given_line(app, KEY, "1000.00", decision="2024-BW-1")
    before = position(app)

    with pytest.raises(StaleVersionError) as caught:
        app.amend_budget(
            Context(actor=FINANCE, expected_version=1),
            key=KEY,
            delta=money("-100.00"),
            decision="2024-BW-1",
        )

    assert str(caught.value) == (
        "the record is at version 2, not 1: it changed since it was read; read it again"
    )
    assert caught.value.field == "expected_version"
    assert caught.value.data == {"version": 2}
    assert caught.value.code == "stale-version"
    assert events_since(app, before) == []


def test_a_decision_is_adopted_only_on_the_version_its_reader_saw(app: Begroting) -> None:
    app.propose_decision(
        Context(actor=GRIFFIE, source="agenda"),
        reference="2024-BW-2",
        title="Begrotingswijziging",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2024),
    )

    with pytest.raises(StaleVersionError):
        app.adopt_decision(Context(actor=GRIFFIE, expected_version=0), reference="2024-BW-2")
    recorded = app.adopt_decision(Context(actor=GRIFFIE, expected_version=1), reference="2024-BW-2")

    assert recorded.versions == {"decision": 2}
    assert recorded.ids == {"decision": Decision.id_for("2024-BW-2")}

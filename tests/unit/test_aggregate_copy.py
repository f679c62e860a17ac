"""The rule `LedgerAggregate.__deepcopy__` relies on (ADR 0012): an aggregate's state is
immutable values and flat dicts, sets and lists of them. Checked on every aggregate of the
demo history and of a synthetic one, so a new mutable attribute fails here first."""

from __future__ import annotations

import dataclasses
from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from api.demo import nijmegen
from bench.synthetic import Generator, Shape, SyntheticClock
from domain.aggregate import CONTAINERS, LedgerAggregate
from domain.application import Begroting

from .support import position

SCALARS = (str, int, bool, Decimal, date, datetime, UUID, Enum, type(None))


def immutable(value: Any) -> bool:
    if isinstance(value, SCALARS):
        return True
    if isinstance(value, tuple):
        return all(immutable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        frozen = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        return frozen and all(immutable(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def flat(value: Any) -> bool:
    if isinstance(value, dict):
        return all(immutable(k) and immutable(v) for k, v in value.items())
    return all(immutable(item) for item in value)


def aggregates(app: Begroting) -> list[LedgerAggregate]:
    notifications = app.recorder.select_notifications(start=1, limit=position(app))
    ids = dict.fromkeys(n.originator_id for n in notifications)
    return [app.repository.get(aggregate_id) for aggregate_id in ids]


def histories() -> list[LedgerAggregate]:
    demo = Begroting({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=SyntheticClock())
    nijmegen.load(demo)
    synthetic = Begroting({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=SyntheticClock())
    Generator(synthetic, Shape(years=2, lines=10)).run()
    return aggregates(demo) + aggregates(synthetic)


def test_every_aggregate_holds_only_immutable_values_and_flat_containers_of_them() -> None:
    found = histories()
    kinds = {type(aggregate).__name__ for aggregate in found}

    wrong = [
        (type(aggregate).__name__, name)
        for aggregate in found
        for name, value in vars(aggregate).items()
        if not (immutable(value) or (isinstance(value, CONTAINERS) and flat(value)))
    ]

    assert kinds == {
        "BudgetLine",
        "Decision",
        "FiscalYear",
        "Kengetal",
        "Realisation",
        "Report",
        "Reserve",
        "StatedResult",
        "Taakstelling",
    }
    assert wrong == []


def test_a_copy_equals_its_original_and_shares_none_of_its_containers() -> None:
    for aggregate in histories():
        copied = deepcopy(aggregate)

        assert type(copied) is type(aggregate)
        assert vars(copied) == vars(aggregate)
        for name, value in vars(aggregate).items():
            if isinstance(value, CONTAINERS):
                assert getattr(copied, name) is not value, name

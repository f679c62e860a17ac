"""The base of every Begroting aggregate."""

from __future__ import annotations

from copy import copy
from typing import Any, Self

from eventsourcing.domain import Aggregate

# The containers an aggregate's state may hold; everything else in it is an immutable value.
CONTAINERS = (dict, set, list)


class LedgerAggregate(Aggregate):
    """An aggregate whose state is immutable values (str, int, Money, enums, frozen
    dataclasses, pending events) and flat dicts, sets and lists of them.

    That makes a copy of each container a full copy. The repository copies every aggregate
    it takes from its cache, for every command; the generic deepcopy of that state cost a
    seventh of a command (ADR 0012). tests/unit/test_aggregate_copy.py checks the rule
    on every aggregate of a recorded history.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        clone = object.__new__(type(self))
        clone.__dict__.update(
            (name, copy(value) if isinstance(value, CONTAINERS) else value)
            for name, value in self.__dict__.items()
        )
        return clone

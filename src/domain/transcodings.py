"""JSON transcodings for our value objects, so every event can be stored and read back."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.decision import MandateScope
from domain.events import Authority, Bestuursorgaan, DecisionKind, MutationKind, omitted_fields
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.reserve import ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Meta, Period, Side, YearAmounts


class MoneyAsStr(Transcoding):
    type = Money
    name = "money"

    def encode(self, obj: Money) -> str:
        return str(obj)

    def decode(self, data: str) -> Money:
        return Money.parse(data)


class DateAsISO(Transcoding):
    """A day without a time (a kengetal's peildatum). The default transcodings have
    datetime only; the transcoder looks a value up by its exact type, so a datetime is
    never taken for a date."""

    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# A class renamed after its values were stored keeps the tag they were stored under.
STORED_TAGS: dict[type[Any], str] = {Bestuursorgaan: "Body"}


class EnumAsValue(Transcoding):
    def __init__(self, enum: type[Enum]) -> None:
        self.type = enum
        self.name = STORED_TAGS.get(enum, enum.__name__)

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        decoded: Enum = self.type(data)
        return decoded


def _tuples(value: Any) -> Any:
    # JSON has no tuple: our value objects hold tuples, so lists come back as tuples.
    # (It also writes str-mixin enums as bare strings, which is why our enums are plain.)
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value


class DataclassAsDict(Transcoding):
    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = STORED_TAGS.get(cls, cls.__name__)
        # Looked up once: dataclasses.fields() on every value was a twentieth of a batched
        # command (ADR 0035).
        self.fields = tuple(field.name for field in dataclasses.fields(cls))
        self.values = attrgetter(*self.fields) if len(self.fields) > 1 else None
        self.omitted = omitted_fields(cls)

    def encode(self, obj: Any) -> dict[str, Any]:
        # A field added later (with a default) is left out while unset, so an event
        # without it is stored exactly as before it existed.
        if self.values is None:
            values = {name: getattr(obj, name) for name in self.fields}
        else:
            values = dict(zip(self.fields, self.values(obj), strict=True))
        for name in self.omitted:
            if values[name] is None:
                del values[name]
        return values

    def decode(self, data: dict[str, Any]) -> Any:
        # A recorded fact is read back as it was recorded, without its constructor's checks:
        # the rules are checked when a command is given, so a rule made stricter later (the
        # text rule of ADR 0006) never makes the log unreadable.
        obj: Any = object.__new__(self.type)
        for field in dataclasses.fields(self.type):
            if field.name in data:
                value = _tuples(data[field.name])
            elif field.default is not dataclasses.MISSING:
                value = field.default
            else:
                raise ValueError(f"{self.name} without {field.name}: {data!r}")
            object.__setattr__(obj, field.name, value)
        return obj


ENUMS: tuple[type[Enum], ...] = (
    Bestuursorgaan,
    DecisionKind,
    MutationKind,
    Side,
    TaakstellingKind,
    RealisationStatus,
    ReserveKind,
    Measure,
)
VALUE_OBJECTS: tuple[type[Any], ...] = (
    Meta,
    Period,
    LineKey,
    YearAmounts,
    Authority,
    MandateScope,
    TableSpec,
    ColumnSpec,
    RowSpec,
    TotalSpec,
)


def register(transcoder: JSONTranscoder) -> None:
    transcoder.register(MoneyAsStr())
    transcoder.register(DateAsISO())
    for enum in ENUMS:
        transcoder.register(EnumAsValue(enum))
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))

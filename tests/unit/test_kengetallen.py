"""Kengetallen: a key figure defined once, measured per fiscal year; a later measurement of
a year replaces the earlier one and names the version it replaces (ADR 0030)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.application import Begroting, Context
from domain.errors import DuplicateError, InvalidInputError, NotFoundError
from domain.kengetal import Kengetal
from domain.values import Meta, Period

from .support import CLOCK_NOW, FINANCE, SOURCE, events_since, position

REFERENCE = "ivp-2-bezoeken-stips"
LABEL = "Aantal bezoeken Stips per jaar"
DEFINED_AT = datetime(2019, 5, 8, 12, 0, tzinfo=UTC)
MEASURED_AT = datetime(2019, 5, 8, 12, 0, tzinfo=UTC)
REMEASURED_AT = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)
KENGETAL_ID = Kengetal.id_for(REFERENCE)


def meta(known_at: datetime, year: int, source: str = SOURCE) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=known_at,
        period=Period.year(year),
        decision_id=None,
        source=source,
        import_id=None,
    )


def define(app: Begroting, reference: str = REFERENCE) -> None:
    app.define_kengetal(
        Context(actor=FINANCE, known_at=DEFINED_AT, source=SOURCE),
        reference=reference,
        label=LABEL,
        unit="count",
        fiscal_year=2017,
        interventie=2,
    )


def measure(
    app: Begroting,
    value: str,
    *,
    year: int = 2017,
    peildatum: date | None = None,
    known_at: datetime = MEASURED_AT,
    source: str = SOURCE,
) -> None:
    app.measure_kengetal(
        Context(actor=FINANCE, known_at=known_at, source=source),
        reference=REFERENCE,
        fiscal_year=year,
        value=Decimal(value),
        peildatum=peildatum,
    )


@pytest.fixture
def defined(app: Begroting) -> Begroting:
    """Given: the kengetal "Aantal bezoeken Stips per jaar" (a count) of interventie 2."""
    define(app)
    return app


def test_defining_a_kengetal_records_what_it_counts_and_its_unit(app: Begroting) -> None:
    define(app)

    assert events_since(app, 0) == [
        Kengetal.Defined(
            originator_id=KENGETAL_ID,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.kengetal:Kengetal",
            meta=meta(DEFINED_AT, 2017),
            reference=REFERENCE,
            label=LABEL,
            unit="count",
            interventie=2,
        )
    ]


def test_defining_a_kengetal_twice_is_refused(defined: Begroting) -> None:
    with pytest.raises(DuplicateError) as caught:
        define(defined)

    assert (caught.value.field, caught.value.message) == (
        "reference",
        f"kengetal {REFERENCE!r} already exists",
    )
    assert position(defined) == 1


def test_a_kengetal_without_a_source_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.define_kengetal(
            Context(actor=FINANCE), reference=REFERENCE, label=LABEL, unit="count", fiscal_year=2017
        )

    assert caught.value.field == "source"
    assert position(app) == 0


def test_measuring_records_the_exact_value_of_its_year(defined: Begroting) -> None:
    measure(defined, "15000")

    assert events_since(defined, 1) == [
        Kengetal.Measured(
            originator_id=KENGETAL_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=meta(MEASURED_AT, 2017),
            fiscal_year=2017,
            value=Decimal("15000"),
            peildatum=None,
            replaces_version=None,
        )
    ]


def test_a_value_with_decimals_and_a_peildatum_is_stored_as_text_and_a_day(
    defined: Begroting,
) -> None:
    measure(defined, "7.7", year=2019, peildatum=date(2019, 1, 31))

    [event] = events_since(defined, 1)
    assert isinstance(event, Kengetal.Measured)
    assert (event.value, event.peildatum) == (Decimal("7.7"), date(2019, 1, 31))
    [stored] = defined.notification_log.select(start=2, limit=1)
    state = json.loads(stored.state)
    assert (state["value"], state["peildatum"]) == (
        {"_type_": "decimal_str", "_data_": "7.7"},
        {"_type_": "date", "_data_": "2019-01-31"},
    )


def test_a_value_in_exponent_form_is_recorded_plain(defined: Begroting) -> None:
    measure(defined, "1.5E+4")

    [event] = events_since(defined, 1)
    assert isinstance(event, Kengetal.Measured)
    assert format(event.value, "f") == "15000"


def test_a_later_measurement_of_the_year_names_the_version_it_replaces(
    defined: Begroting,
) -> None:
    measure(defined, "15000")

    measure(defined, "15200", known_at=REMEASURED_AT, source="Jaarverslag 2017")

    [event] = events_since(defined, 2)
    assert isinstance(event, Kengetal.Measured)
    assert (event.value, event.replaces_version, event.originator_version) == (
        Decimal("15200"),
        2,
        3,
    )


def test_another_year_replaces_nothing(defined: Begroting) -> None:
    measure(defined, "15000")

    measure(defined, "16000", year=2018)

    [event] = events_since(defined, 2)
    assert isinstance(event, Kengetal.Measured)
    assert (event.fiscal_year, event.replaces_version) == (2018, None)


def test_the_same_value_again_is_refused(defined: Begroting) -> None:
    measure(defined, "15000")

    with pytest.raises(InvalidInputError) as caught:
        measure(defined, "15000.0", known_at=REMEASURED_AT)

    assert (caught.value.field, caught.value.message) == (
        "value",
        f"{REFERENCE} 2017 is already 15000",
    )
    assert position(defined) == 2


def test_a_replacement_known_before_the_measurement_it_replaces_is_refused(
    defined: Begroting,
) -> None:
    measure(defined, "15000", known_at=REMEASURED_AT)

    with pytest.raises(InvalidInputError) as caught:
        measure(defined, "15200", known_at=MEASURED_AT)

    assert (caught.value.field, caught.value.message) == (
        "known_at",
        "a measurement cannot be known before the one it replaces",
    )


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1" * 41])
def test_a_value_that_is_no_finite_number_of_at_most_40_characters_is_refused(
    defined: Begroting, value: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        measure(defined, value)

    assert caught.value.field == "value"
    assert position(defined) == 1


def test_a_float_value_is_refused(defined: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        defined.measure_kengetal(
            Context(actor=FINANCE, source=SOURCE),
            reference=REFERENCE,
            fiscal_year=2017,
            value=7.7,  # type: ignore[arg-type]
        )

    assert (caught.value.field, caught.value.message) == (
        "value",
        "a kengetal's value is a Decimal, not 7.7",
    )


def test_measuring_an_unknown_kengetal_is_refused(app: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        measure(app, "1")

    assert (caught.value.field, caught.value.message) == (
        "reference",
        f"kengetal {REFERENCE!r} does not exist",
    )

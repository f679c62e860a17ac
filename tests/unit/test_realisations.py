"""Realisations: a reported figure per period, corrected by naming the version it corrects."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.application import Begroting, Context
from domain.errors import (
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    RealisationError,
    UnknownTaakveldError,
)
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus, realisation_id
from domain.values import LineKey, Meta, Period

from .support import CLOCK_NOW, FINANCE, events_since, money, position

KEY = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-101")
LABEL = "2024 / Zorg / taakveld 6.71a / deelproduct DP-101 / lasten"
Q3_REPORT = "Voortgangsrapportage Q3 2024"
CORRECTION = "Correctie zorgaanbieders"
REPORTED_AT = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)
CORRECTED_AT = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)
PROVISIONAL = RealisationStatus.VOORLOPIG
DEFINITIVE = RealisationStatus.DEFINITIEF


def meta(known_at: datetime, source: str, quarter: int | None = 1) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=known_at,
        period=Period.year(2024, quarter),
        decision_id=None,
        source=source,
        import_id=None,
    )


def report(
    app: Begroting,
    amount: str,
    *,
    key: LineKey = KEY,
    quarter: int | None = 1,
    status: RealisationStatus = PROVISIONAL,
) -> None:
    app.report_realisation(
        Context(actor=FINANCE, known_at=REPORTED_AT, source=Q3_REPORT),
        key=key,
        amount=money(amount),
        status=status,
        quarter=quarter,
    )


def correct(
    app: Begroting,
    corrects_version: int,
    amount: str,
    *,
    status: RealisationStatus = PROVISIONAL,
    reason: str = "late invoices",
    known_at: datetime = CORRECTED_AT,
) -> None:
    app.correct_realisation(
        Context(actor=FINANCE, known_at=known_at, source=CORRECTION),
        key=KEY,
        corrects_version=corrects_version,
        amount=money(amount),
        status=status,
        reason=reason,
        quarter=1,
    )


def figure(app: Begroting) -> tuple[Money, RealisationStatus]:
    realisation = app.repository.get(realisation_id(KEY, 1))
    return realisation.amount, realisation.status


@pytest.fixture
def reported(app: Begroting) -> Begroting:
    """Given: a provisional Q1 figure of 1000.00."""
    report(app, "1000.00")
    return app


def test_reporting_a_provisional_figure_records_it_for_its_period(app: Begroting) -> None:
    report(app, "1000.00")

    assert events_since(app, 0) == [
        Realisation.Reported(
            originator_id=realisation_id(KEY, 1),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.realisation:Realisation",
            meta=meta(REPORTED_AT, Q3_REPORT),
            key=LineKey(2024, "Zorg", "6.71a", deelproduct="DP-101"),
            quarter=1,
            amount=money("1000.00"),
            status=PROVISIONAL,
            month=None,
        )
    ]


def test_reporting_the_same_period_twice_is_refused(reported: Begroting) -> None:
    before = position(reported)

    with pytest.raises(DuplicateError) as caught:
        report(reported, "2000.00")

    assert caught.value.field == "key"
    assert caught.value.message == (
        f"a realisation for {LABEL} in that period exists; correct it instead"
    )
    assert position(reported) == before


def test_another_quarter_of_the_same_line_is_a_figure_of_its_own(reported: Begroting) -> None:
    before = position(reported)

    report(reported, "2000.00", quarter=2)

    [event] = events_since(reported, before)
    assert isinstance(event, Realisation.Reported)
    assert event.originator_id == realisation_id(KEY, 2)
    assert event.originator_id != realisation_id(KEY, 1)
    assert event.meta.period == Period(2024, 2024, 2)


def test_a_realisation_per_deelproduct_needs_no_taakveld(app: Begroting) -> None:
    key = LineKey(2024, "Zorg", None, deelproduct="DP-101")

    report(app, "10.00", key=key, quarter=None)

    [event] = events_since(app, 0)
    assert isinstance(event, Realisation.Reported)
    assert (event.key, event.quarter, event.meta.period) == (key, None, Period.year(2024))


def test_a_realisation_naming_no_taakveld_deelproduct_or_fund_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        report(app, "10.00", key=LineKey(2024, "Zorg", None))

    assert caught.value.field == "key"
    assert caught.value.message == "a realisation names a taakveld, a deelproduct or a fund"
    assert position(app) == 0


def test_a_realisation_on_a_taakveld_unknown_in_its_year_is_refused(app: Begroting) -> None:
    with pytest.raises(UnknownTaakveldError) as caught:
        report(app, "10.00", key=LineKey(2024, "Zorg", "6.71"))

    assert caught.value.field == "taakveld"
    assert caught.value.message == (
        "taakveld '6.71' does not exist in the catalogue of fiscal year 2024"
    )
    assert position(app) == 0


def test_a_realisation_in_a_fifth_quarter_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        report(app, "10.00", quarter=5)

    assert caught.value.field == "quarter"
    assert caught.value.message == "a quarter is 1 to 4 of a single year"
    assert position(app) == 0


# -- version 2 of Reported: the month a figure covers (ADR 0020) ---------------------------


def test_a_figure_may_name_the_month_it_covers_and_is_stored_as_version_2(app: Begroting) -> None:
    app.report_realisation(
        Context(actor=FINANCE, known_at=REPORTED_AT, source=Q3_REPORT),
        key=KEY,
        amount=money("1000.00"),
        status=PROVISIONAL,
        quarter=1,
        month="2024-02",
    )

    [event] = events_since(app, 0)
    assert isinstance(event, Realisation.Reported)
    assert (event.quarter, event.month, event.amount) == (1, "2024-02", money("1000.00"))
    [stored] = app.notification_log.select(start=1, limit=1)
    state = json.loads(stored.state)
    assert (state["class_version"], state["month"]) == (2, "2024-02")


def test_a_figure_without_a_month_is_stored_as_version_2_with_none(app: Begroting) -> None:
    report(app, "1000.00")

    [stored] = app.notification_log.select(start=1, limit=1)
    state = json.loads(stored.state)
    assert (state["class_version"], state["month"]) == (2, None)


def test_a_version_1_figure_reads_with_no_month(app: Begroting) -> None:
    report(app, "1000.00")
    [stored] = app.notification_log.select(start=1, limit=1)
    state = json.loads(stored.state)
    del state["class_version"], state["month"]  # as the code before version 2 stored it
    v1 = replace(stored, state=json.dumps(state).encode())

    event = app.mapper.to_domain_event(v1)

    assert isinstance(event, Realisation.Reported)
    assert event.month is None
    assert event == events_since(app, 0)[0]  # the same fact as version 2 without a month


@pytest.mark.parametrize(
    ("month", "quarter", "message"),
    [
        ("2024-13", 1, "a month is YYYY-MM, not '2024-13'"),
        ("2024-00", None, "a month is YYYY-MM, not '2024-00'"),
        ("2024-2", 1, "a month is YYYY-MM, not '2024-2'"),
        ("2024-02-01", 1, "a month is YYYY-MM, not '2024-02-01'"),
        ("٢٠٢٤-02", 1, "a month is YYYY-MM, not '٢٠٢٤-02'"),
        ("2024-02\n", 1, "a month is YYYY-MM, not '2024-02\\n'"),
        ("2023-12", None, "month 2023-12 lies outside fiscal year 2024"),
        ("2024-04", 1, "month 2024-04 lies outside quarter 1"),
        ("2024-12", 3, "month 2024-12 lies outside quarter 3"),
    ],
)
def test_a_month_that_is_malformed_or_outside_the_figures_period_is_refused(
    app: Begroting, month: str, quarter: int | None, message: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.report_realisation(
            Context(actor=FINANCE, known_at=REPORTED_AT, source=Q3_REPORT),
            key=KEY,
            amount=money("1000.00"),
            status=PROVISIONAL,
            quarter=quarter,
            month=month,
        )

    assert (caught.value.field, caught.value.message) == ("month", message)
    assert position(app) == 0


def test_a_correction_names_the_version_it_corrects_and_the_previous_amount(
    reported: Begroting,
) -> None:
    before = position(reported)

    correct(reported, 1, "1250.00")

    assert events_since(reported, before) == [
        Realisation.Corrected(
            originator_id=realisation_id(KEY, 1),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=meta(CORRECTED_AT, CORRECTION),
            corrects_version=1,
            previous_amount=money("1000.00"),
            amount=money("1250.00"),
            status=PROVISIONAL,
            reason="late invoices",
        )
    ]
    assert figure(reported) == (money("1250.00"), PROVISIONAL)


def test_a_second_correction_names_the_first_correction(reported: Begroting) -> None:
    correct(reported, 1, "1250.00")
    before = position(reported)

    correct(reported, 2, "1300.00", status=DEFINITIVE, reason="stadsrekening")

    assert events_since(reported, before) == [
        Realisation.Corrected(
            originator_id=realisation_id(KEY, 1),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=meta(CORRECTED_AT, CORRECTION),
            corrects_version=2,
            previous_amount=money("1250.00"),
            amount=money("1300.00"),
            status=DEFINITIVE,
            reason="stadsrekening",
        )
    ]


def test_correcting_a_stale_version_is_refused(reported: Begroting) -> None:
    correct(reported, 1, "1250.00")
    before = position(reported)

    with pytest.raises(RealisationError) as caught:
        correct(reported, 1, "1300.00")

    assert caught.value.field == "corrects_version"
    assert caught.value.message == (
        f"the correction names version 1, but the current figure of {LABEL} is version 2"
    )
    assert caught.value.data == {"current_version": 2}
    assert position(reported) == before


def test_a_definitive_figure_cannot_become_provisional_again(reported: Begroting) -> None:
    correct(reported, 1, "1250.00", status=DEFINITIVE)
    before = position(reported)

    with pytest.raises(RealisationError) as caught:
        correct(reported, 2, "1300.00", status=PROVISIONAL)

    assert caught.value.field == "status"
    assert caught.value.message == "a definitive figure cannot become provisional again"
    assert position(reported) == before
    assert figure(reported) == (money("1250.00"), DEFINITIVE)


def test_a_correction_known_before_the_figure_it_corrects_is_refused(
    reported: Begroting,
) -> None:
    before = position(reported)

    with pytest.raises(RealisationError) as caught:
        correct(reported, 1, "1250.00", known_at=datetime(2024, 4, 10, 8, 59, tzinfo=UTC))

    assert caught.value.field == "known_at"
    assert caught.value.message == "a correction cannot be known before the figure it corrects"
    assert position(reported) == before


def test_a_correction_without_a_reason_is_refused(reported: Begroting) -> None:
    before = position(reported)

    with pytest.raises(RealisationError) as caught:
        correct(reported, 1, "1250.00", reason=" ")

    assert caught.value.field == "reason"
    assert caught.value.message == "a correction gives its reason"
    assert position(reported) == before


def test_a_correction_that_changes_nothing_is_refused(reported: Begroting) -> None:
    before = position(reported)

    with pytest.raises(RealisationError) as caught:
        correct(reported, 1, "1000.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "the correction changes nothing"
    assert position(reported) == before


def test_making_a_figure_definitive_without_changing_the_amount_is_a_correction(
    reported: Begroting,
) -> None:
    correct(reported, 1, "1000.00", status=DEFINITIVE, reason="vastgesteld")

    assert figure(reported) == (money("1000.00"), DEFINITIVE)


def test_correcting_a_figure_that_was_never_reported_is_refused(app: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        correct(app, 1, "1250.00")

    assert caught.value.field == "key"
    assert caught.value.message == f"realisation for {LABEL} does not exist"
    assert position(app) == 0

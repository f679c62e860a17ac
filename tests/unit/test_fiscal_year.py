"""A fiscal year closed by the adopted jaarrekening is never rewritten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.decision import Decision, MandateScope
from domain.errors import (
    ClosedFiscalYearError,
    DuplicateError,
    InvalidInputError,
    InvalidTimeError,
    NotFoundError,
    OpenFiscalYearError,
    RealisationError,
    UnauthorisedMutationError,
    UnknownTaakveldError,
)
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.fiscal_year import FiscalYear
from domain.realisation import (
    Realisation,
    RealisationStatus,
    late_result_id,
    realisation_id,
)
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Meta, Period, YearAmounts

from .support import (
    ADOPTED_AT,
    CLOCK_NOW,
    FINANCE,
    SOURCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    given_reserve,
    line_total,
    money,
    position,
)

JAARREKENING = "2023-JR"
SLOTWIJZIGING = "2023-SW-1"
IVP = "2019-IVP-4"
RESERVE = "BR-WMO-JEUGD"
A_2023 = LineKey(2023, "Zorg", "6.1", interventie=1)
B_2023 = LineKey(2023, "Zorg", "6.1", interventie=2)
A_2024 = LineKey(2024, "Zorg", "6.1", interventie=1)
REALISED = LineKey(2023, "Zorg", "6.71a", deelproduct="DP-101")
CLOSED_MESSAGE = "fiscal year 2023 is closed; a late result goes to the next open year"
YEAR_ID = FiscalYear.id_for(2023)


def finance_meta(decision: str, period: Period) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=CLOCK_NOW,
        period=period,
        decision_id=Decision.id_for(decision),
        source=None,
        import_id=None,
    )


def close(app: Begroting, decision: str = JAARREKENING) -> None:
    app.close_fiscal_year(Context(actor=FINANCE), fiscal_year=2023, decision=decision)


@pytest.fixture
def year_2023(app: Begroting) -> Begroting:
    """Given: a 2023 with lines, a reserve, taakstellingen and a realisation, and the
    jaarrekening 2023 adopted by the raad (not yet used to close the year)."""
    given_decision(app, "2023-B-1", kind=DecisionKind.BEGROTING, period=Period.year(2023))
    given_decision(app, SLOTWIJZIGING, kind=DecisionKind.SLOTWIJZIGING, period=Period(2023, 2024))
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA, period=Period(2023, 2024))
    given_decision(app, JAARREKENING, kind=DecisionKind.JAARREKENING, period=Period.year(2023))
    for key in (A_2023, B_2023, A_2024):
        given_line(app, key, "1000.00", decision="2023-B-1")
    given_reserve(app, RESERVE, fiscal_year=2023)
    app.deposit_to_reserve(
        Context(actor=FINANCE),
        code=RESERVE,
        fiscal_year=2023,
        amount=money("500.00"),
        decision=SLOTWIJZIGING,
        earmark="",
    )
    for reference in ("IVP2-3", "CA-7"):
        app.impose_taakstelling(
            Context(actor=FINANCE),
            reference=reference,
            label=reference,
            interventie=1,
            programma="Zorg",
            taakveld="6.1",
            kind=TaakstellingKind.TARGET,
            origin="IVP-2",
            amounts=YearAmounts.of({2023: money("100.00"), 2024: money("100.00")}),
            decision=IVP,
        )
    app.report_realisation(
        Context(actor=FINANCE, source="Stadsrekening 2023"),
        key=REALISED,
        amount=money("900.00"),
        status=RealisationStatus.VOORLOPIG,
    )
    return app


@pytest.fixture
def closed(year_2023: Begroting) -> Begroting:
    close(year_2023)
    return year_2023


def test_the_adopted_jaarrekening_closes_the_year(year_2023: Begroting) -> None:
    before = position(year_2023)

    close(year_2023)

    assert events_since(year_2023, before) == [
        FiscalYear.Registered(
            originator_id=YEAR_ID,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.fiscal_year:FiscalYear",
            meta=finance_meta(JAARREKENING, Period.year(2023)),
            year=2023,
        ),
        FiscalYear.Closed(
            originator_id=YEAR_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(JAARREKENING, Period.year(2023)),
            authority=authority_of(JAARREKENING, kind=DecisionKind.JAARREKENING),
        ),
    ]


def test_closing_a_year_with_a_decision_that_is_not_a_jaarrekening_is_refused(
    year_2023: Begroting,
) -> None:
    before = position(year_2023)

    with pytest.raises(InvalidInputError) as caught:
        close(year_2023, decision=SLOTWIJZIGING)

    assert caught.value.field == "decision"
    assert caught.value.message == "a fiscal year is closed by the jaarrekening the raad adopted"
    assert position(year_2023) == before


def test_closing_a_year_with_a_jaarrekening_not_yet_adopted_is_refused(app: Begroting) -> None:
    given_decision(app, JAARREKENING, kind=DecisionKind.JAARREKENING, adopted_at=None)
    before = position(app)

    with pytest.raises(UnauthorisedMutationError) as caught:
        close(app)

    assert caught.value.field == "decision"
    assert position(app) == before


def test_the_college_cannot_close_a_year_even_under_a_mandate(app: Begroting) -> None:
    given_decision(
        app,
        "2023-M-1",
        kind=DecisionKind.MANDATE,
        mandate_scope=MandateScope(
            kinds=(MutationKind.CLOSE_YEAR,), fund=None, period=Period.year(2023)
        ),
    )
    given_decision(
        app,
        "2023-C-9",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.JAARREKENING,
        mandate_reference="2023-M-1",
    )
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        close(app, decision="2023-C-9")

    assert caught.value.message == "a fiscal year is closed by the jaarrekening the raad adopted"
    assert position(app) == before


def test_closing_a_closed_year_again_is_refused(closed: Begroting) -> None:
    before = position(closed)

    with pytest.raises(ClosedFiscalYearError) as caught:
        close(closed)

    assert caught.value.field == "fiscal_year"
    assert caught.value.message == CLOSED_MESSAGE
    assert position(closed) == before


def ctx() -> Context:
    return Context(actor=FINANCE)


COMMANDS_ON_2023: list[object] = [
    pytest.param(
        lambda app: app.amend_budget(
            ctx(), key=A_2023, delta=money("1.00"), decision=SLOTWIJZIGING
        ),
        id="amend",
    ),
    pytest.param(
        lambda app: app.establish_budget(
            ctx(),
            key=LineKey(2023, "Zorg", "6.1", interventie=9),
            amount=money("1.00"),
            decision=SLOTWIJZIGING,
        ),
        id="establish",
    ),
    pytest.param(
        lambda app: app.transfer_budget(
            ctx(), source=A_2023, target=B_2023, amount=money("1.00"), decision=SLOTWIJZIGING
        ),
        id="transfer",
    ),
    pytest.param(
        lambda app: app.carry_over_budget(
            ctx(),
            source=A_2023,
            target=A_2024,
            amount=money("1.00"),
            reserve=RESERVE,
            decision=SLOTWIJZIGING,
        ),
        id="carry-over",
    ),
    pytest.param(
        lambda app: app.report_realisation(
            Context(actor=FINANCE, source="late invoice"),
            key=REALISED,
            quarter=4,
            amount=money("1.00"),
            status=RealisationStatus.VOORLOPIG,
        ),
        id="report-realisation",
    ),
    pytest.param(
        lambda app: app.correct_realisation(
            Context(actor=FINANCE, source="late invoice"),
            key=REALISED,
            corrects_version=1,
            amount=money("950.00"),
            status=RealisationStatus.DEFINITIEF,
            reason="late invoice",
        ),
        id="correct-realisation",
    ),
    pytest.param(
        lambda app: app.adjust_taakstelling(
            ctx(),
            reference="IVP2-3",
            fiscal_year=2023,
            delta=money("-1.00"),
            decision=SLOTWIJZIGING,
        ),
        id="adjust-taakstelling",
    ),
    pytest.param(
        lambda app: app.shift_taakstelling(
            ctx(),
            source="IVP2-3",
            target="CA-7",
            fiscal_year=2023,
            amount=money("1.00"),
            decision=SLOTWIJZIGING,
        ),
        id="shift-taakstelling",
    ),
    pytest.param(
        lambda app: app.cancel_taakstelling_year(
            ctx(),
            reference="IVP2-3",
            fiscal_year=2023,
            coverage="BUIG",
            decision=SLOTWIJZIGING,
        ),
        id="cancel-taakstelling-year",
    ),
    pytest.param(
        lambda app: app.impose_taakstelling(
            ctx(),
            reference="IVP2-9",
            label="Nieuw",
            interventie=1,
            programma="Zorg",
            taakveld="6.1",
            kind=TaakstellingKind.TARGET,
            origin="IVP-2",
            amounts=YearAmounts.of({2023: money("1.00")}),
            decision=IVP,
        ),
        id="impose-taakstelling",
    ),
    pytest.param(
        lambda app: app.deposit_to_reserve(
            ctx(), code=RESERVE, fiscal_year=2023, amount=money("1.00"), decision=SLOTWIJZIGING
        ),
        id="deposit",
    ),
    pytest.param(
        lambda app: app.withdraw_from_reserve(
            ctx(), code=RESERVE, fiscal_year=2023, amount=money("1.00"), decision=SLOTWIJZIGING
        ),
        id="withdraw",
    ),
    pytest.param(
        lambda app: app.allocate_from_reserve(
            ctx(),
            code=RESERVE,
            earmark="",
            allocations={A_2023: money("1.00")},
            decision=SLOTWIJZIGING,
        ),
        id="allocate",
    ),
]


# A command about several years names the input holding the closed one (ADR 0006): an
# allocation by its index (the API makes that `allocations.0.key.fiscal_year`).
FIELD_AT_FAULT = {"carry-over": "source.fiscal_year"}
ITEM_AT_FAULT = {"allocate": ("allocations", 0)}


@pytest.mark.parametrize("command", COMMANDS_ON_2023)
def test_a_change_to_a_closed_year_is_refused(
    closed: Begroting, command: Callable[[Begroting], object], request: pytest.FixtureRequest
) -> None:
    before = position(closed)

    with pytest.raises(ClosedFiscalYearError) as caught:
        command(closed)

    assert caught.value.field == FIELD_AT_FAULT.get(request.node.callspec.id, "fiscal_year")
    assert caught.value.item == ITEM_AT_FAULT.get(request.node.callspec.id)
    assert caught.value.message == CLOSED_MESSAGE
    assert caught.value.data == {"fiscal_year": 2023}
    assert position(closed) == before


@pytest.mark.parametrize("command", COMMANDS_ON_2023)
def test_the_same_change_is_accepted_while_the_year_is_open(
    year_2023: Begroting, command: Callable[[Begroting], object]
) -> None:
    before = position(year_2023)

    command(year_2023)

    assert position(year_2023) > before


def test_closing_one_year_leaves_the_next_year_open(closed: Begroting) -> None:
    before = position(closed)

    closed.amend_budget(ctx(), key=A_2024, delta=money("1.00"), decision=SLOTWIJZIGING)

    assert position(closed) == before + 1
    assert line_total(closed, A_2024) == money("1001.00")


def test_a_risk_for_a_closed_year_is_refused(closed: Begroting) -> None:
    before = position(closed)

    with pytest.raises(ClosedFiscalYearError) as caught:
        closed.impose_taakstelling(
            Context(actor=FINANCE, source=SOURCE),
            reference="RISICO-BW",
            label="Verdeelmodel BW",
            interventie=None,
            programma="Zorg",
            taakveld="6.1",
            kind=TaakstellingKind.RISK,
            origin="IVP-2",
            amounts=YearAmounts.of({2023: money("1.00")}),
        )

    assert caught.value.message == CLOSED_MESSAGE
    assert position(closed) == before


# -- reopening (ADR 0010) --------------------------------------------------------------

REOPENING = "2023-BW-herstel"
REVISED_JAARREKENING = "2023-JR-herzien"
NOT_CLOSED_MESSAGE = "fiscal year 2023 is not closed; there is nothing to reopen"
REOPEN_KINDS_MESSAGE = (
    "a fiscal year is reopened by a decision of the raad: a jaarrekening or a begrotingswijziging"
)


def reopen(app: Begroting, decision: str = REOPENING, known_at: datetime | None = None) -> None:
    app.reopen_fiscal_year(
        Context(actor=FINANCE, known_at=known_at), fiscal_year=2023, decision=decision
    )


@pytest.fixture
def reopenable(closed: Begroting) -> Begroting:
    """Given: 2023 closed, and a begrotingswijziging and a revised jaarrekening for 2023
    adopted by the raad."""
    given_decision(
        closed, REOPENING, kind=DecisionKind.BEGROTINGSWIJZIGING, period=Period.year(2023)
    )
    given_decision(
        closed, REVISED_JAARREKENING, kind=DecisionKind.JAARREKENING, period=Period.year(2023)
    )
    return closed


def test_an_adopted_begrotingswijziging_of_the_raad_reopens_a_closed_year(
    reopenable: Begroting,
) -> None:
    before = position(reopenable)

    reopen(reopenable)

    assert events_since(reopenable, before) == [
        FiscalYear.Reopened(
            originator_id=YEAR_ID,
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(REOPENING, Period.year(2023)),
            authority=authority_of(REOPENING, kind=DecisionKind.BEGROTINGSWIJZIGING),
        )
    ]
    assert reopenable.repository.get(YEAR_ID).closed is False


def test_a_revised_jaarrekening_of_the_raad_reopens_a_closed_year(reopenable: Begroting) -> None:
    before = position(reopenable)

    reopen(reopenable, REVISED_JAARREKENING)

    assert events_since(reopenable, before) == [
        FiscalYear.Reopened(
            originator_id=YEAR_ID,
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(REVISED_JAARREKENING, Period.year(2023)),
            authority=authority_of(REVISED_JAARREKENING, kind=DecisionKind.JAARREKENING),
        )
    ]


@pytest.mark.parametrize("command", COMMANDS_ON_2023)
def test_a_reopened_year_accepts_the_change_the_locked_year_refused(
    reopenable: Begroting, command: Callable[[Begroting], object]
) -> None:
    with pytest.raises(ClosedFiscalYearError):
        command(reopenable)
    reopen(reopenable)
    before = position(reopenable)

    command(reopenable)

    assert position(reopenable) > before


def test_a_reopened_year_is_closed_again_by_a_jaarrekening_and_then_refuses_changes(
    reopenable: Begroting,
) -> None:
    reopen(reopenable)
    before = position(reopenable)

    close(reopenable, REVISED_JAARREKENING)

    assert events_since(reopenable, before) == [
        FiscalYear.Closed(
            originator_id=YEAR_ID,
            originator_version=4,
            timestamp=CLOCK_NOW,
            meta=finance_meta(REVISED_JAARREKENING, Period.year(2023)),
            authority=authority_of(REVISED_JAARREKENING, kind=DecisionKind.JAARREKENING),
        )
    ]
    with pytest.raises(ClosedFiscalYearError):
        reopenable.amend_budget(ctx(), key=A_2023, delta=money("1.00"), decision=SLOTWIJZIGING)


def test_reopening_a_year_that_was_never_closed_is_refused(year_2023: Begroting) -> None:
    given_decision(year_2023, REOPENING, period=Period.year(2023))
    before = position(year_2023)

    with pytest.raises(OpenFiscalYearError) as caught:
        reopen(year_2023)

    assert (caught.value.code, caught.value.field) == ("fiscal-year-open", "fiscal_year")
    assert caught.value.message == NOT_CLOSED_MESSAGE
    assert caught.value.data == {"fiscal_year": 2023}
    assert position(year_2023) == before


def test_reopening_a_reopened_year_again_is_refused(reopenable: Begroting) -> None:
    reopen(reopenable)
    before = position(reopenable)

    with pytest.raises(OpenFiscalYearError) as caught:
        reopen(reopenable, REVISED_JAARREKENING)

    assert caught.value.message == NOT_CLOSED_MESSAGE
    assert position(reopenable) == before


def test_the_jaarrekening_that_closed_the_year_cannot_reopen_it(reopenable: Begroting) -> None:
    before = position(reopenable)

    with pytest.raises(InvalidInputError) as caught:
        reopen(reopenable, JAARREKENING)

    assert caught.value.field == "decision"
    assert caught.value.message == "the decision that closed the year cannot reopen it"
    assert position(reopenable) == before


def test_reopening_with_a_raad_decision_of_another_kind_is_refused(reopenable: Begroting) -> None:
    before = position(reopenable)

    with pytest.raises(InvalidInputError) as caught:
        reopen(reopenable, SLOTWIJZIGING)

    assert caught.value.field == "decision"
    assert caught.value.message == REOPEN_KINDS_MESSAGE
    assert position(reopenable) == before


def test_a_motie_cannot_reopen_a_year(reopenable: Begroting) -> None:
    given_decision(reopenable, "2023-MO-1", kind=DecisionKind.MOTIE, period=Period.year(2023))
    before = position(reopenable)

    with pytest.raises(UnauthorisedMutationError) as caught:
        reopen(reopenable, "2023-MO-1")

    assert caught.value.message == "a motie ('2023-MO-1') does not itself authorise a change"
    assert position(reopenable) == before


def test_the_college_cannot_reopen_a_year_even_under_a_mandate(reopenable: Begroting) -> None:
    given_decision(
        reopenable,
        "2023-M-2",
        kind=DecisionKind.MANDATE,
        mandate_scope=MandateScope(
            kinds=(MutationKind.REOPEN_YEAR,), fund=None, period=Period.year(2023)
        ),
    )
    given_decision(
        reopenable,
        "2023-C-10",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        mandate_reference="2023-M-2",
    )
    before = position(reopenable)

    with pytest.raises(InvalidInputError) as caught:
        reopen(reopenable, "2023-C-10")

    assert caught.value.message == REOPEN_KINDS_MESSAGE
    assert position(reopenable) == before


def test_reopening_with_a_decision_not_yet_adopted_is_refused(closed: Begroting) -> None:
    given_decision(closed, REOPENING, period=Period.year(2023), adopted_at=None)
    before = position(closed)

    with pytest.raises(UnauthorisedMutationError) as caught:
        reopen(closed)

    assert caught.value.field == "decision"
    assert caught.value.message == (
        f"decision {REOPENING!r} is proposed; a change takes effect only through an adopted "
        "decision"
    )
    assert position(closed) == before


def test_a_reopening_known_before_the_closing_it_undoes_is_refused(
    reopenable: Begroting,
) -> None:
    before = position(reopenable)

    with pytest.raises(InvalidTimeError) as caught:
        reopen(reopenable, known_at=ADOPTED_AT)

    assert caught.value.field == "known_at"
    assert caught.value.message == "a reopening cannot be known before the closing it undoes"
    assert position(reopenable) == before


# -- resultaat voorgaand jaar: a late result goes to the next open year -----------------

LATE = UUID("0e0a7e00-0000-4000-8000-000000002023")
EINDAFREKENING = "Eindafrekening zorgaanbieders 2023"
REASON = "nagekomen eindafrekening 2023"
REALISED_2024 = replace(REALISED, fiscal_year=2024)
CORRECTED_ID = realisation_id(REALISED, None)


def late(
    app: Begroting,
    amount: str = "60.00",
    *,
    corrects_version: int | None = 1,
    reason: str = REASON,
    quarter: int | None = None,
) -> None:
    app.report_late_result(
        Context(actor=FINANCE, source=EINDAFREKENING),
        key=REALISED,
        amount=money(amount),
        status=RealisationStatus.DEFINITIEF,
        reason=reason,
        corrects_version=corrects_version,
        quarter=quarter,
        mutation_id=LATE,
    )


def late_result(year: int, *, corrects: bool = True) -> Realisation.LateResultReported:
    return Realisation.LateResultReported(
        originator_id=late_result_id(LATE),
        originator_version=1,
        timestamp=CLOCK_NOW,
        originator_topic="domain.realisation:Realisation",
        meta=Meta(
            actor=FINANCE,
            known_at=CLOCK_NOW,
            period=Period.year(year),
            decision_id=None,
            source=EINDAFREKENING,
            import_id=None,
        ),
        key=replace(REALISED, fiscal_year=year),
        quarter=None,
        amount=money("60.00"),
        status=RealisationStatus.DEFINITIEF,
        origin_year=2023,
        reason=REASON,
        corrects_realisation_id=CORRECTED_ID if corrects else None,
        corrects_version=1 if corrects else None,
    )


def test_a_late_result_for_a_closed_year_is_booked_in_the_next_open_year(
    closed: Begroting,
) -> None:
    before = position(closed)

    late(closed)

    assert events_since(closed, before) == [late_result(2024)]
    corrected = closed.repository.get(CORRECTED_ID)
    assert (corrected.version, corrected.amount, corrected.key) == (1, money("900.00"), REALISED)
    booked = closed.repository.get(late_result_id(LATE))
    assert (booked.key, booked.origin_year, booked.amount) == (REALISED_2024, 2023, money("60.00"))


def test_a_late_result_that_corrects_nothing_names_only_its_year(closed: Begroting) -> None:
    before = position(closed)

    late(closed, corrects_version=None)

    assert events_since(closed, before) == [late_result(2024, corrects=False)]


def test_a_late_result_skips_a_next_year_that_is_closed_too(closed: Begroting) -> None:
    given_decision(closed, "2024-JR", kind=DecisionKind.JAARREKENING, period=Period.year(2024))
    closed.close_fiscal_year(Context(actor=FINANCE), fiscal_year=2024, decision="2024-JR")
    deelproduct = LineKey(2023, "Zorg", None, deelproduct="DP-101")
    before = position(closed)

    closed.report_late_result(
        Context(actor=FINANCE, source=EINDAFREKENING),
        key=deelproduct,
        amount=money("60.00"),
        status=RealisationStatus.DEFINITIEF,
        reason=REASON,
        mutation_id=LATE,
    )

    (booked,) = events_since(closed, before)
    assert booked == replace(
        late_result(2025, corrects=False), key=replace(deelproduct, fiscal_year=2025)
    )


def test_a_late_result_on_a_taakveld_the_next_open_year_no_longer_has_is_refused(
    closed: Begroting,
) -> None:
    given_decision(closed, "2024-JR", kind=DecisionKind.JAARREKENING, period=Period.year(2024))
    closed.close_fiscal_year(Context(actor=FINANCE), fiscal_year=2024, decision="2024-JR")
    before = position(closed)

    with pytest.raises(UnknownTaakveldError) as caught:
        late(closed)  # 6.71a was renumbered in the catalogue of 2025

    assert caught.value.message == (
        "taakveld '6.71a' does not exist in the catalogue of fiscal year 2025"
    )
    assert position(closed) == before


def test_a_late_result_for_an_open_year_is_refused(year_2023: Begroting) -> None:
    before = position(year_2023)

    with pytest.raises(RealisationError) as caught:
        late(year_2023)

    assert (caught.value.field, caught.value.message) == (
        "fiscal_year",
        "fiscal year 2023 is open: report or correct its realisation itself",
    )
    assert position(year_2023) == before


def test_a_late_result_naming_a_version_that_is_not_the_figure_is_refused(
    closed: Begroting,
) -> None:
    before = position(closed)

    with pytest.raises(RealisationError) as caught:
        late(closed, corrects_version=2)

    assert caught.value.field == "corrects_version"
    assert caught.value.message == (
        "the late result names version 2, but the figure of "
        "2023 / Zorg / taakveld 6.71a / deelproduct DP-101 / lasten is version 1"
    )
    assert position(closed) == before


def test_a_late_result_correcting_a_figure_that_does_not_exist_is_refused(
    closed: Begroting,
) -> None:
    before = position(closed)

    with pytest.raises(NotFoundError) as caught:
        late(closed, quarter=3)

    assert caught.value.field == "key"
    assert position(closed) == before


@pytest.mark.parametrize(
    ("amount", "reason", "field", "message"),
    [
        ("0.00", REASON, "amount", "a late result of zero changes nothing"),
        ("60.00", "  ", "reason", "a late result gives its reason"),
    ],
)
def test_a_late_result_without_substance_is_refused(
    closed: Begroting, amount: str, reason: str, field: str, message: str
) -> None:
    before = position(closed)

    with pytest.raises(RealisationError) as caught:
        late(closed, amount, reason=reason)

    assert (caught.value.field, caught.value.message) == (field, message)
    assert position(closed) == before


def test_the_same_late_result_is_not_booked_twice(closed: Begroting) -> None:
    late(closed)
    before = position(closed)

    with pytest.raises(DuplicateError) as caught:
        late(closed)

    assert caught.value.field == "mutation_id"
    assert position(closed) == before


def test_a_quarter_without_the_version_it_corrects_is_refused(closed: Begroting) -> None:
    before = position(closed)

    with pytest.raises(InvalidInputError) as caught:
        late(closed, corrects_version=None, quarter=4)

    assert caught.value.field == "quarter"
    assert position(closed) == before

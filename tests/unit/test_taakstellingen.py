"""Taakstellingen: imposed by decision (targets) or named from a source (risks), adjusted,
shifted between measures (the year's total is conserved) and cancelled for a year."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.decision import Decision
from domain.errors import (
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    TaakstellingError,
    UnauthorisedMutationError,
    UnknownTaakveldError,
)
from domain.events import DecisionKind
from domain.money import Money
from domain.taakstelling import Taakstelling, TaakstellingKind
from domain.values import Meta, Period, YearAmounts

from .support import (
    CLOCK_NOW,
    FINANCE,
    SOURCE,
    authority_of,
    events_since,
    given_decision,
    money,
    position,
)

IVP = "2019-IVP-4"
WIJZIGING = "2024-BW-2"
SOURCE_REF = "IVP2-3"
TARGET_REF = "CA-7"
MUTATION = UUID("00000000-0000-4000-8000-000000000001")
IVP_AUTHORITY = authority_of(IVP, kind=DecisionKind.BELEIDSNOTA)
BW_AUTHORITY = authority_of(WIJZIGING)


def finance_meta(decision: str | None, period: Period, source: str | None = None) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=CLOCK_NOW,
        period=period,
        decision_id=None if decision is None else Decision.id_for(decision),
        source=source,
        import_id=None,
    )


def impose(
    app: Begroting,
    reference: str,
    amounts: dict[int, str],
    *,
    kind: TaakstellingKind = TaakstellingKind.TARGET,
    taakveld: str = "6.1",
    decision: str | None = IVP,
    source: str | None = None,
) -> None:
    app.impose_taakstelling(
        Context(actor=FINANCE, source=source),
        reference=reference,
        label=f"Maatregel {reference}",
        interventie=3,
        programma="Zorg",
        taakveld=taakveld,
        kind=kind,
        origin="IVP-2",
        amounts=YearAmounts.of({year: money(text) for year, text in amounts.items()}),
        base_deelproducten=("DP-101", "DP-102"),
        decision=decision,
    )


def held(app: Begroting, reference: str, year: int) -> Money:
    taakstelling = app.repository.get(Taakstelling.id_for(reference))
    return taakstelling.amount_for(year)


@pytest.fixture
def targets(app: Begroting) -> Begroting:
    """Given: two targets imposed by the interventieplan, and an adopted wijziging."""
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA, period=Period(2024, 2025))
    given_decision(app, WIJZIGING)
    impose(app, SOURCE_REF, {2024: "150000.00", 2025: "300000.00"})
    impose(app, TARGET_REF, {2024: "40000.00"})
    return app


# -- impose -------------------------------------------------------------------------------


def test_a_target_imposed_by_an_adopted_decision_records_its_amounts_per_year(
    app: Begroting,
) -> None:
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA, period=Period(2024, 2025))
    before = position(app)

    app.impose_taakstelling(
        Context(actor=FINANCE),
        reference=SOURCE_REF,
        label="Aanvullende efficiencyslag",
        interventie=3,
        programma="Zorg",
        taakveld="6.1",
        kind=TaakstellingKind.TARGET,
        origin="IVP-2",
        amounts=YearAmounts.of({2025: money("300000.00"), 2024: money("150000.00")}),
        base_deelproducten=("DP-101", "DP-102"),
        decision=IVP,
    )

    assert events_since(app, before) == [
        Taakstelling.Imposed(
            originator_id=Taakstelling.id_for(SOURCE_REF),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.taakstelling:Taakstelling",
            meta=finance_meta(IVP, Period(2024, 2025)),
            reference=SOURCE_REF,
            label="Aanvullende efficiencyslag",
            interventie=3,
            programma="Zorg",
            taakveld="6.1",
            kind=TaakstellingKind.TARGET,
            origin="IVP-2",
            # A bare tuple field comes back from JSON as a list.
            base_deelproducten=["DP-101", "DP-102"],
            amounts=YearAmounts(((2024, money("150000.00")), (2025, money("300000.00")))),
            authority=IVP_AUTHORITY,
        )
    ]


def test_a_target_without_a_decision_is_refused(app: Begroting) -> None:
    with pytest.raises(TaakstellingError) as caught:
        impose(app, SOURCE_REF, {2024: "1.00"}, decision=None, source=SOURCE)

    assert caught.value.field == "decision"
    assert caught.value.message == "a taakstelling is imposed by an adopted decision"
    assert position(app) == 0


def test_a_target_through_a_decision_not_yet_adopted_is_refused(app: Begroting) -> None:
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA, adopted_at=None)
    before = position(app)

    with pytest.raises(UnauthorisedMutationError) as caught:
        impose(app, SOURCE_REF, {2024: "1.00"})

    assert caught.value.field == "decision"
    assert position(app) == before


def test_a_risk_is_recorded_with_its_source_document_and_no_authority(app: Begroting) -> None:
    impose(
        app,
        "RISICO-BW",
        {2024: "13639000.00"},
        kind=TaakstellingKind.RISK,
        decision=None,
        source=SOURCE,
    )

    assert events_since(app, 0) == [
        Taakstelling.Imposed(
            originator_id=Taakstelling.id_for("RISICO-BW"),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.taakstelling:Taakstelling",
            meta=finance_meta(None, Period.year(2024), source=SOURCE),
            reference="RISICO-BW",
            label="Maatregel RISICO-BW",
            interventie=3,
            programma="Zorg",
            taakveld="6.1",
            kind=TaakstellingKind.RISK,
            origin="IVP-2",
            base_deelproducten=["DP-101", "DP-102"],
            amounts=YearAmounts(((2024, money("13639000.00")),)),
            authority=None,
        )
    ]


def test_a_risk_without_a_decision_or_a_source_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        impose(app, "RISICO-BW", {2024: "1.00"}, kind=TaakstellingKind.RISK, decision=None)

    assert caught.value.field == "source"
    assert caught.value.message == "every change names its decision or source document"
    assert position(app) == 0


def test_imposing_the_same_reference_twice_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(DuplicateError) as caught:
        impose(targets, SOURCE_REF, {2024: "1.00"})

    assert caught.value.field == "reference"
    assert caught.value.message == "taakstelling 'IVP2-3' already exists"
    assert position(targets) == before


def test_a_negative_taakstelling_is_refused(app: Begroting) -> None:
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA)

    with pytest.raises(InvalidInputError) as caught:
        impose(app, SOURCE_REF, {2024: "10.00", 2025: "-0.01"})

    assert caught.value.field == "amounts.2025"
    assert caught.value.message == "a taakstelling is a positive saving"


def test_a_taakstelling_without_amounts_is_refused(app: Begroting) -> None:
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        impose(app, SOURCE_REF, {})

    assert caught.value.field == "amounts"
    assert caught.value.message == "a taakstelling needs amounts per year"
    assert position(app) == before


def test_a_taakstelling_on_a_taakveld_missing_from_one_of_its_years_is_refused(
    app: Begroting,
) -> None:
    given_decision(app, IVP, kind=DecisionKind.BELEIDSNOTA, period=Period(2022, 2023))
    before = position(app)

    with pytest.raises(UnknownTaakveldError) as caught:
        impose(app, SOURCE_REF, {2022: "10.00", 2023: "10.00"}, taakveld="6.71")

    assert caught.value.field == "taakveld"
    assert caught.value.message == (
        "taakveld '6.71' does not exist in the catalogue of fiscal year 2023"
    )
    assert position(app) == before


# -- adjust -------------------------------------------------------------------------------


def adjust(app: Begroting, year: int, delta: str, reference: str = SOURCE_REF) -> None:
    app.adjust_taakstelling(
        Context(actor=FINANCE),
        reference=reference,
        fiscal_year=year,
        delta=money(delta),
        decision=WIJZIGING,
        mutation_id=MUTATION,
    )


def test_an_adjustment_changes_the_amount_of_one_year(targets: Begroting) -> None:
    before = position(targets)

    adjust(targets, 2024, "-50000.00")

    assert events_since(targets, before) == [
        Taakstelling.Adjusted(
            originator_id=Taakstelling.id_for(SOURCE_REF),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING, Period.year(2024)),
            mutation_id=MUTATION,
            fiscal_year=2024,
            authority=BW_AUTHORITY,
            amount=money("-50000.00"),
        )
    ]
    assert held(targets, SOURCE_REF, 2024) == money("100000.00")
    assert held(targets, SOURCE_REF, 2025) == money("300000.00")


def test_an_adjustment_below_zero_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(TaakstellingError) as caught:
        adjust(targets, 2024, "-150000.01")

    assert caught.value.field == "amount"
    assert caught.value.message == (
        "'IVP2-3' holds 150000.00 for 2024; it cannot fall by 150000.01"
    )
    assert position(targets) == before


def test_an_adjustment_of_zero_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(InvalidInputError) as caught:
        adjust(targets, 2024, "0.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "an adjustment changes the amount"
    assert position(targets) == before


def test_repeating_an_adjustment_is_refused(targets: Begroting) -> None:
    adjust(targets, 2024, "1000.00")
    before = position(targets)

    with pytest.raises(DuplicateError) as caught:
        adjust(targets, 2024, "1000.00")

    assert caught.value.field == "mutation_id"
    assert caught.value.message == f"mutation {MUTATION} was already applied to 'IVP2-3'"
    assert position(targets) == before


def test_adjusting_an_unknown_taakstelling_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(NotFoundError) as caught:
        adjust(targets, 2024, "1000.00", reference="IVP2-404")

    assert caught.value.field == "reference"
    assert caught.value.message == "taakstelling 'IVP2-404' does not exist"
    assert position(targets) == before


# -- shift --------------------------------------------------------------------------------


def shift(app: Begroting, amount: str, target: str = TARGET_REF) -> None:
    app.shift_taakstelling(
        Context(actor=FINANCE),
        source=SOURCE_REF,
        target=target,
        fiscal_year=2024,
        amount=money(amount),
        decision=WIJZIGING,
        mutation_id=MUTATION,
    )


def test_a_shift_records_out_and_in_with_one_amount_and_one_mutation_id(
    targets: Begroting,
) -> None:
    before = position(targets)

    shift(targets, "30000.00")

    assert events_since(targets, before) == [
        Taakstelling.ShiftedOut(
            originator_id=Taakstelling.id_for(SOURCE_REF),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING, Period.year(2024)),
            mutation_id=MUTATION,
            fiscal_year=2024,
            authority=BW_AUTHORITY,
            amount=money("30000.00"),
            to_taakstelling=Taakstelling.id_for(TARGET_REF),
        ),
        Taakstelling.ShiftedIn(
            originator_id=Taakstelling.id_for(TARGET_REF),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING, Period.year(2024)),
            mutation_id=MUTATION,
            fiscal_year=2024,
            authority=BW_AUTHORITY,
            amount=money("30000.00"),
            from_taakstelling=Taakstelling.id_for(SOURCE_REF),
        ),
    ]


def test_a_shift_conserves_the_total_of_the_year(targets: Begroting) -> None:
    shift(targets, "30000.00")

    assert held(targets, SOURCE_REF, 2024) == money("120000.00")
    assert held(targets, TARGET_REF, 2024) == money("70000.00")
    assert held(targets, SOURCE_REF, 2024) + held(targets, TARGET_REF, 2024) == money("190000.00")
    assert held(targets, SOURCE_REF, 2025) == money("300000.00")


def test_shifting_more_than_the_taakstelling_holds_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(TaakstellingError) as caught:
        shift(targets, "150000.01")

    assert caught.value.field == "amount"
    assert caught.value.message == "'IVP2-3' holds 150000.00 for 2024; it cannot shift 150000.01"
    assert position(targets) == before


def test_shifting_a_taakstelling_to_itself_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(TaakstellingError) as caught:
        shift(targets, "1.00", target=SOURCE_REF)

    assert caught.value.field == "target"
    assert caught.value.message == "a taakstelling cannot shift to itself"
    assert position(targets) == before


def test_shifting_nothing_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(InvalidInputError) as caught:
        shift(targets, "0.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "the amount must be more than zero"
    assert position(targets) == before


def test_repeating_a_shift_is_refused(targets: Begroting) -> None:
    shift(targets, "1000.00")
    before = position(targets)

    with pytest.raises(DuplicateError) as caught:
        shift(targets, "1000.00")

    assert caught.value.field == "mutation_id"
    assert position(targets) == before
    assert held(targets, SOURCE_REF, 2024) == money("149000.00")


# -- cancel a year ------------------------------------------------------------------------


def cancel(app: Begroting, year: int, coverage: str) -> None:
    app.cancel_taakstelling_year(
        Context(actor=FINANCE),
        reference=SOURCE_REF,
        fiscal_year=year,
        coverage=coverage,
        decision=WIJZIGING,
        mutation_id=MUTATION,
    )


def test_cancelling_a_year_records_the_full_amount_and_its_coverage(targets: Begroting) -> None:
    adjust(targets, 2024, "-10000.00")  # the year now holds 140000.00
    before = position(targets)
    mutation = UUID("00000000-0000-4000-8000-000000000002")

    targets.cancel_taakstelling_year(
        Context(actor=FINANCE),
        reference=SOURCE_REF,
        fiscal_year=2024,
        coverage="meevallers BUIG",
        decision=WIJZIGING,
        mutation_id=mutation,
    )

    assert events_since(targets, before) == [
        Taakstelling.YearCancelled(
            originator_id=Taakstelling.id_for(SOURCE_REF),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING, Period.year(2024)),
            mutation_id=mutation,
            fiscal_year=2024,
            authority=BW_AUTHORITY,
            amount=money("140000.00"),
            coverage="meevallers BUIG",
        )
    ]
    assert held(targets, SOURCE_REF, 2024) == Money.zero()
    assert held(targets, SOURCE_REF, 2025) == money("300000.00")


@pytest.mark.parametrize("coverage", ["", "   "])
def test_cancelling_a_year_without_naming_its_coverage_is_refused(
    targets: Begroting, coverage: str
) -> None:
    before = position(targets)

    with pytest.raises(TaakstellingError) as caught:
        cancel(targets, 2024, coverage)

    assert caught.value.field == "coverage"
    assert caught.value.message == "cancelling a year names the coverage that replaces it"
    assert position(targets) == before


def test_cancelling_a_year_with_nothing_to_cancel_is_refused(targets: Begroting) -> None:
    before = position(targets)

    with pytest.raises(TaakstellingError) as caught:
        cancel(targets, 2026, "meevallers BUIG")

    assert caught.value.field == "fiscal_year"
    assert caught.value.message == "'IVP2-3' has nothing to cancel in 2026"
    assert position(targets) == before

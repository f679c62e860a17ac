"""The stated facts in the read model (ADR 0030): kengetal values, stated results and budget
specifications, each as of a basis (the latest row the basis sees), on both databases."""

from __future__ import annotations

from decimal import Decimal

from api.demo.nijmegen import day
from api.ledger import Ledger
from domain.application import Context
from domain.budget import line_id
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period
from projections.queries.basis import Basis, resolve_basis
from projections.queries.stated_facts import kengetal_values, specifications, stated_results
from support.clock import Clock

ACTOR = "test:concern-control"
IVP = "raad-2019-05-interventieplan"
LINE = LineKey(2019, "Welzijn, Wijkontwikkeling en Zorg", "6.1", interventie=2, fund="T")
LINE_HEX = line_id(LINE).hex


def basis(ledger: Ledger, as_of: str | None = None, as_recorded_at: str | None = None) -> Basis:
    with ledger.engine.connect() as conn:
        return resolve_basis(conn, as_of, ledger.runner.catch_up(), as_recorded_at=as_recorded_at)


def record_history(ledger: Ledger, clock: Clock) -> None:
    """Two kengetallen, the Wmo result stated in February and restated in May 2020, and
    interventie 2's line specified in May 2019 and again in June."""
    app = ledger.app
    ivp = Context(actor=ACTOR, known_at=day("2019-05-08"), source="Interventieplan fase 4")
    app.define_kengetal(
        ivp,
        reference="ivp-2-bezoeken-stips",
        label="Aantal bezoeken Stips per jaar",
        unit="count",
        fiscal_year=2017,
        interventie=2,
    )
    app.define_kengetal(
        ivp,
        reference="ivp-3-uren-begeleiding",
        label="Uren reguliere begeleiding per cliënt per maand (stand januari)",
        unit="hours",
        fiscal_year=2017,
        interventie=3,
    )
    app.measure_kengetal(
        ivp, reference="ivp-2-bezoeken-stips", fiscal_year=2017, value=Decimal("15000")
    )
    app.measure_kengetal(
        ivp,
        reference="ivp-3-uren-begeleiding",
        fiscal_year=2019,
        value=Decimal("7.7"),
        peildatum=day("2019-01-31").date(),
    )
    app.state_result(
        Context(actor=ACTOR, known_at=day("2020-02-10"), source="Q4 2019"),
        fiscal_year=2019,
        domain="wmo",
        label="Wmo",
        scope="Op het onderdeel Wmo",
        amount=Money.thousands(1000),
        status=RealisationStatus.VOORLOPIG,
    )
    app.state_result(
        Context(actor=ACTOR, known_at=day("2020-02-10"), source="Q4 2019"),
        fiscal_year=2019,
        domain="jeugd",
        label="Jeugd",
        scope="Op het onderdeel Jeugd",
        amount=Money.thousands(-3400),
        status=RealisationStatus.VOORLOPIG,
    )
    app.propose_decision(
        ivp,
        reference=IVP,
        title="Interventieplan fase 4",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2019),
    )
    app.adopt_decision(Context(actor=ACTOR, known_at=day("2019-05-08")), reference=IVP)
    app.establish_budget(
        Context(actor=ACTOR, known_at=day("2019-05-08")),
        key=LINE,
        amount=Money.thousands(309),
        decision=IVP,
    )
    for activity, amount in (
        ("Opstart Stip Nijmegen-zuid", 64),
        ("Opbouwwerk", 76),
        ("Innovatie- en knelpuntenbudget", 160),
    ):
        app.specify_budget(
            Context(actor=ACTOR, known_at=day("2019-05-08")),
            key=LINE,
            activity=activity,
            amount=Money.thousands(amount),
            decision=IVP,
        )
    clock.advance()
    app.specify_budget(
        Context(actor=ACTOR, known_at=day("2019-06-30")),
        key=LINE,
        activity="Innovatie- en knelpuntenbudget",
        amount=Money.thousands(169),
        decision=IVP,
    )
    app.measure_kengetal(
        Context(actor=ACTOR, known_at=day("2020-05-01"), source="Jaarverslag 2017"),
        reference="ivp-2-bezoeken-stips",
        fiscal_year=2017,
        value=Decimal("15200"),
    )
    app.restate_result(
        Context(actor=ACTOR, known_at=day("2020-05-01"), source="Jaarrekening 2019"),
        fiscal_year=2019,
        domain="wmo",
        amount=Money.thousands(1100),
        status=RealisationStatus.DEFINITIEF,
        reason="jaarrekening",
        corrects_version=1,
    )


def values(ledger: Ledger, seen: Basis, **filters: object) -> list[tuple[str, int, str, int]]:
    with ledger.engine.connect() as conn:
        rows = kengetal_values(conn, seen, **filters)  # type: ignore[arg-type]
    return [
        (r["reference"], r["fiscal_year"], format(r["value"], "f"), r["position"]) for r in rows
    ]


def test_a_kengetal_value_is_the_latest_measurement_the_basis_sees(
    ledger: Ledger, clock: Clock
) -> None:
    record_history(ledger, clock)

    assert values(ledger, basis(ledger)) == [
        ("ivp-2-bezoeken-stips", 2017, "15200", 15),
        ("ivp-3-uren-begeleiding", 2019, "7.7", 4),
    ]
    assert values(ledger, basis(ledger, "2020-04-30")) == [
        ("ivp-2-bezoeken-stips", 2017, "15000", 3),
        ("ivp-3-uren-begeleiding", 2019, "7.7", 4),
    ]
    assert values(ledger, basis(ledger, "2019-05-07")) == []


def test_kengetal_values_are_chosen_by_reference_and_year_with_their_row(
    ledger: Ledger, clock: Clock
) -> None:
    record_history(ledger, clock)

    with ledger.engine.connect() as conn:
        rows = kengetal_values(
            conn, basis(ledger), references=["ivp-3-uren-begeleiding"], years=[2019]
        )
        none = kengetal_values(
            conn, basis(ledger), references=["ivp-2-bezoeken-stips"], years=[2019]
        )

    assert rows == [
        {
            "reference": "ivp-3-uren-begeleiding",
            "label": "Uren reguliere begeleiding per cliënt per maand (stand januari)",
            "unit": "hours",
            "interventie": 3,
            "fiscal_year": 2019,
            "value": Decimal("7.7"),
            "peildatum": "2019-01-31",
            "position": 4,
            "source": "Interventieplan fase 4",
        }
    ]
    assert none == []


def test_a_stated_result_is_the_latest_statement_the_basis_sees(
    ledger: Ledger, clock: Clock
) -> None:
    record_history(ledger, clock)

    with ledger.engine.connect() as conn:
        now = stated_results(conn, basis(ledger), fiscal_year=2019)
        before = stated_results(conn, basis(ledger, "2020-04-30"))
        other_year = stated_results(conn, basis(ledger), fiscal_year=2018)

    assert now == [
        {
            "fiscal_year": 2019,
            "domain": "jeugd",
            "label": "Jeugd",
            "scope": "Op het onderdeel Jeugd",
            "amount": Decimal("-3400000.00"),
            "status": "voorlopig",
            "position": 6,
            "source": "Q4 2019",
        },
        {
            "fiscal_year": 2019,
            "domain": "wmo",
            "label": "Wmo",
            "scope": "Op het onderdeel Wmo",
            "amount": Decimal("1100000.00"),
            "status": "definitief",
            "position": 16,
            "source": "Jaarrekening 2019",
        },
    ]
    assert [(r["domain"], str(r["amount"]), r["status"]) for r in before] == [
        ("jeugd", "-3400000.00", "voorlopig"),
        ("wmo", "1000000.00", "voorlopig"),
    ]
    assert other_year == []


def test_a_specification_is_the_latest_part_of_each_activity_the_basis_sees(
    ledger: Ledger, clock: Clock
) -> None:
    record_history(ledger, clock)

    def parts(seen: Basis) -> list[tuple[str, str, int]]:
        with ledger.engine.connect() as conn:
            rows = specifications(conn, seen, line_ids=[str(line_id(LINE))])
        assert {row["line_id"] for row in rows} <= {LINE_HEX}
        assert {row["decision_reference"] for row in rows} <= {IVP}
        return [(row["activity"], str(row["amount"]), row["position"]) for row in rows]

    assert parts(basis(ledger)) == [
        ("Opstart Stip Nijmegen-zuid", "64000.00", 11),
        ("Opbouwwerk", "76000.00", 12),
        ("Innovatie- en knelpuntenbudget", "169000.00", 14),
    ]
    assert parts(basis(ledger, "2019-06-01")) == [
        ("Opstart Stip Nijmegen-zuid", "64000.00", 11),
        ("Opbouwwerk", "76000.00", 12),
        ("Innovatie- en knelpuntenbudget", "160000.00", 13),
    ]
    with ledger.engine.connect() as conn:
        assert specifications(conn, basis(ledger), line_ids=["0" * 32]) == []


def test_a_basis_on_the_recorded_axis_sees_the_log_as_it_stood(
    ledger: Ledger, clock: Clock
) -> None:
    """Everything after the clock's one advance (the June part, the 2020 measurement and
    restatement) was recorded later: the log as it stood at the start holds none of it."""
    record_history(ledger, clock)

    seen = basis(ledger, as_recorded_at="2026-11-23T09:00:00+00:00")

    assert seen.position == 13
    with ledger.engine.connect() as conn:
        assert [str(r["amount"]) for r in stated_results(conn, seen)] == [
            "-3400000.00",
            "1000000.00",
        ]
        assert [str(r["amount"]) for r in specifications(conn, seen)] == [
            "64000.00",
            "76000.00",
            "160000.00",
        ]
    assert values(ledger, seen, references=["ivp-2-bezoeken-stips"]) == [
        ("ivp-2-bezoeken-stips", 2017, "15000", 3)
    ]

"""A small ledger for the report tables whose rows carry their own measure (ADR 0025):
realisations per deelproduct, taakstellingen, budget, kengetal measurements, stated results
and a budget specification, all recorded through the application commands (ADR 0030), and
a report of four tables over them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from api.demo.nijmegen import FUND, SOCIALE_STAD, WWZ, day, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Period, YearAmounts

REPORT = "kerngegevens-test"
DECISION = "raad-2018-interventieplan"
ACTOR = "test:financien"
KNOWN = day("2019-02-01")
PUBLISHED = day("2019-05-08")

YEARS = tuple(ColumnSpec(str(year), Measure.REALISATION, year) for year in range(2017, 2021))
TOTAAL = ColumnSpec("totaal", Measure.REALISATION, 2018, last_year=2019)


def relative(references: tuple[str, ...], key: str) -> RowSpec:
    return RowSpec(
        2,
        "Relatief t.o.v. Realisatie 2017",
        references,
        measure=Measure.RELATIVE,
        key=key,
        unit="percent",
    )


KERNGEGEVENS = TableSpec(
    id="tabel-5.2",
    title="Kerngegevens Interventie Wijkaanpak Sociaal Domein",
    unit="EUR_1000",
    fund=None,
    columns=(*YEARS, TOTAAL),
    rows=(
        RowSpec(2, "Realisatie stadsrekening", measure=Measure.HEADING),
        RowSpec(2, "Deelproduct (61296)", measure=Measure.REALISATION, deelproducten=("61296",)),
        RowSpec(2, "Taakstellingen", measure=Measure.HEADING),
        RowSpec(2, "Kwartaalgesprekken", ("T-1",), measure=Measure.TAAKSTELLING),
        relative(("T-1",), "rel-t-1"),
        RowSpec(2, "Efficiencyslag", ("T-2",), measure=Measure.TAAKSTELLING),
        relative(("T-2",), "rel-t-2"),
        RowSpec(2, "Uren per cliënt", measure=Measure.KENGETAL, kengetal="uren", unit="hours"),
        RowSpec(2, "Opbouwwerk", measure=Measure.SPECIFICATION, activity="opbouwwerk", fund=FUND),
        RowSpec(2, "Transformatiebudget", measure=Measure.BUDGET, fund=FUND),
    ),
    totals=(),
)
FINANCIEEL_BEELD = TableSpec(
    id="financieel-beeld",
    title="Financieel beeld",
    unit="EUR_1000",
    fund=None,
    columns=(ColumnSpec("2019", Measure.REALISATION, 2019),),
    rows=(
        RowSpec(None, "Wmo", measure=Measure.RESULT, result="wmo"),
        RowSpec(None, "Jeugd", measure=Measure.RESULT, result="jeugd"),
    ),
    totals=(TotalSpec("Totaal"),),
)
OPBRENGSTEN = TableSpec(
    id="tabel-4.1",
    title="Opbrengsten maatregelen",
    unit="EUR_1000000",
    fund=None,
    columns=(ColumnSpec("2018", Measure.TAAKSTELLING, 2018),),
    rows=(
        RowSpec(1, "Jeugd", ("T-3",)),
        RowSpec(2, "2.1 Beschikbaarheid", ("T-4",)),
        RowSpec(2, "2.2 Groepsbegeleiding", ("T-2",)),
    ),
    totals=(TotalSpec("Beoogde opbrengst"),),
)
BEROEP = TableSpec(
    id="tabel-7.2",
    title="Beroep op het transformatiebudget",
    unit="EUR_1000",
    fund=FUND,
    columns=(
        ColumnSpec("2019", Measure.BUDGET, 2019),
        ColumnSpec("2020", Measure.BUDGET, 2020),
        ColumnSpec("totaal", Measure.BUDGET, 2019, last_year=2020),
    ),
    rows=(RowSpec(2, "2. Wijkaanpak"),),
    totals=(TotalSpec("Totaal"),),
)


def context(known: datetime = KNOWN) -> Context:
    return Context(actor=ACTOR, known_at=known, source="test: Interventieplan fase 4")


def record(ledger: Ledger) -> None:
    app = ledger.app
    app.propose_decision(
        context(),
        reference=DECISION,
        title="Interventieplan",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period(2017, 2022),
    )
    app.adopt_decision(context(), reference=DECISION)
    for code, year, thousands in (
        ("61296", 2017, 16664),
        ("61296", 2018, 11561),
        ("61301", 2017, 3749),
    ):
        app.report_realisation(
            context(),
            key=LineKey(year, SOCIALE_STAD, None, deelproduct=code),
            amount=Money.thousands(thousands),
            status=RealisationStatus.DEFINITIEF,
        )
    for reference, interventie, amounts, base in (
        ("T-1", 2, {2018: 2800, 2019: 3100}, ("61296",)),
        ("T-2", 2, {2019: 100}, ("61301",)),
        ("T-3", 1, {2018: 1925}, ()),
        ("T-4", 2, {2018: 20}, ()),
    ):
        app.impose_taakstelling(
            context(),
            reference=reference,
            label=reference,
            interventie=interventie,
            programma=WWZ,
            taakveld="6.71",
            kind=TaakstellingKind.TARGET,
            origin="IVP-2",
            amounts=YearAmounts.of({y: Money.thousands(a) for y, a in amounts.items()}),
            base_deelproducten=base,
            decision=DECISION,
        )
    for year, thousands in ((2019, 309), (2020, 101)):
        app.amend_budget(
            context(), key=fund_line(year, 2), delta=Money.thousands(thousands), decision=DECISION
        )
    ledger.runner.catch_up()


def stated_facts(ledger: Ledger) -> None:
    """Kengetal measurements (one year measured twice), stated results (one restated) and
    an activity's part of two budget lines, through their commands (ADR 0030)."""
    app = ledger.app
    app.define_kengetal(
        context(), reference="uren", label="Uren", unit="hours", fiscal_year=2017, interventie=2
    )
    for year, value, known, peildatum in (
        (2017, "7.7", KNOWN, None),
        (2018, "7.5", KNOWN, None),
        (2018, "7.3", KNOWN + timedelta(days=1), date(2019, 1, 1)),
    ):
        app.measure_kengetal(
            context(known),
            reference="uren",
            fiscal_year=year,
            value=Decimal(value),
            peildatum=peildatum,
        )
    for domain, thousands in (("wmo", 1000), ("jeugd", -3000)):
        app.state_result(
            context(),
            fiscal_year=2019,
            domain=domain,
            label=domain,
            scope="Q4",
            amount=Money.thousands(thousands),
            status=RealisationStatus.VOORLOPIG,
        )
    restate(ledger, "jeugd", -3400, KNOWN, "herzien", 1)
    for year, thousands in ((2019, 76), (2020, 25)):
        app.specify_budget(
            context(),
            key=fund_line(year, 2),
            activity="opbouwwerk",
            amount=Money.thousands(thousands),
            decision=DECISION,
        )


def restate(
    ledger: Ledger, domain: str, thousands: int, known: datetime, reason: str, version: int
) -> None:
    ledger.app.restate_result(
        context(known),
        fiscal_year=2019,
        domain=domain,
        amount=Money.thousands(thousands),
        status=RealisationStatus.VOORLOPIG,
        reason=reason,
        corrects_version=version,
    )


def publish(ledger: Ledger) -> Ledger:
    """The ledger with its facts recorded and the report published, caught up."""
    record(ledger)
    stated_facts(ledger)
    ledger.app.publish_report(
        context(PUBLISHED),
        report_id=REPORT,
        title="Kerngegevens",
        published_at=PUBLISHED,
        knowledge_cutoff=PUBLISHED,
        tables=(KERNGEGEVENS, FINANCIEEL_BEELD, OPBRENGSTEN, BEROEP),
        period=Period(2017, 2022),
    )
    ledger.runner.catch_up()
    return ledger

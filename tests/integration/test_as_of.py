"""As of, on all three axes (ADR 0002): the fiscal year a figure is valid for, the moment
a fact became known (known_at), and the log position at which it was recorded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from api.demo.nijmegen import ACTOR, FUND, IMPORT_ID, WWZ, day, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.values import Period
from projections.queries import lineage
from projections.queries.basis import Basis, BasisError, UnknownReportError, resolve_basis
from projections.queries.figures import budget_lines, budget_rollup
from projections.queries.reports import render_report
from projections.store import schema
from support.clock import Clock
from support.demo import DEMO_HEAD

INTERVENTIEPLAN = "interventieplan-fase-4"
VOORTGANG = "voortgangsrapportage-2019-q4"
RECORDED_AT = "2026-11-23T09:00:00+00:00"  # the fixed clock of every demo ledger

# The sources of the demo's budget mutations (the lineage reads them from the audit log).
IVP4_SOURCE = (
    "Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), \u00a76.2 en tabel 7.2"
)
CARRY_SOURCE = (
    "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4), uitputting "
    "transformatiebudget (Figuur 1)"
)


def render(ledger: Ledger, report_id: str, as_of: str | None = None) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return render_report(conn, report_id, as_of, ledger.runner.position())


def figures(report: dict[str, Any], table_id: str) -> dict[str, list[str | None]]:
    """label -> the row's (or total's) figures in column order."""
    table = next(t for t in report["tables"] if t["id"] == table_id)
    return {
        row["label"]: [row["values"][column] for column in table["columns"]]
        for row in table["rows"] + table["totals"]
    }


def basis(ledger: Ledger, as_of: str | None) -> Basis:
    with ledger.engine.connect() as conn:
        return resolve_basis(conn, as_of, ledger.runner.position())


def fund_budget(ledger: Ledger, fiscal_year: int, as_of: str | None = None) -> dict[int, str]:
    """interventie -> amount of the transformatiebudget lines valid in `fiscal_year`."""
    with ledger.engine.connect() as conn:
        seen = resolve_basis(conn, as_of, ledger.runner.position())
        rows = budget_lines(conn, seen, fiscal_year=fiscal_year, fund=FUND)
    assert {row["fiscal_year"] for row in rows} <= {fiscal_year}
    return {row["interventie"]: str(row["amount"]) for row in rows}


TOTAL_7_2 = "Totaal beroep op transformatiebudget"
WIJKAANPAK = "2. Wijkaanpak sociaal domein"
KWARTAALGESPREKKEN = "Kwartaalgesprekken (IVP-2 - 2.5)"
EFFICIENCYSLAG = "Aanvullende efficiëncyslag keten zorg en welzijn (CA)"
RISICO = "Risico nieuw verdeelmodel"
TOTAL_6_1_EXCL = "Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)"
TOTAL_6_1_INCL = "Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)"


# -- (1) the valid period: which fiscal year a figure belongs to -------------------------


def test_the_budget_of_each_fiscal_year_holds_only_that_years_lines(demo_ledger: Ledger) -> None:
    assert fund_budget(demo_ledger, 2019) == {
        1: "0.00",
        4: "70000.00",
        2: "291000.00",
        9: "25000.00",
        10: "125000.00",
        5: "123000.00",
        8: "334000.00",
    }
    assert fund_budget(demo_ledger, 2020) == {
        1: "50000.00",
        4: "80000.00",
        2: "119000.00",
        9: "70000.00",
        10: "125000.00",
        5: "242000.00",
        8: "206000.00",
    }
    assert fund_budget(demo_ledger, 2021) == {9: "40000.00", 10: "100000.00"}
    assert fund_budget(demo_ledger, 2018) == {}
    assert fund_budget(demo_ledger, 2022) == {}


def test_a_budget_line_lists_its_dimensions_and_counts_its_mutations(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        now = resolve_basis(conn, "now", demo_ledger.runner.position())
        rows = budget_lines(conn, now, fiscal_year=2019, fund=FUND)
    line = next(row for row in rows if row["interventie"] == 2)

    assert {k: v for k, v in line.items() if k != "line_id"} == {
        "fiscal_year": 2019,
        "programma": WWZ,
        "taakveld": "6.71",
        "side": "lasten",
        "deelproduct": None,
        "interventie": 2,
        "fund": FUND,
        "categorie": None,
        "amount": Decimal("291000.00"),
        "mutations": 2,
    }


def test_the_valid_period_and_the_knowledge_cutoff_combine(demo_ledger: Ledger) -> None:
    # The allocations of tabel 7.2 became known on 8 May 2019, the carry-overs in December.
    assert fund_budget(demo_ledger, 2020, "2019-05-07") == {}
    assert fund_budget(demo_ledger, 2020, "2019-05-08") == {
        1: "25000.00",
        2: "101000.00",
        9: "70000.00",
        10: "125000.00",
        5: "175000.00",
        8: "140000.00",
    }
    assert fund_budget(demo_ledger, 2020, "2019-12-18")[2] == "119000.00"
    assert fund_budget(demo_ledger, 2019, "2019-12-17")[2] == "309000.00"
    assert fund_budget(demo_ledger, 2019, "2019-12-18")[2] == "291000.00"


def test_budget_lines_come_in_the_same_order_on_every_backend(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        now = resolve_basis(conn, None, demo_ledger.runner.position())
        lines = budget_lines(conn, now, fiscal_year=2019)
        rollup = budget_rollup(conn, now, "interventie", fiscal_year=2019)

    assert [(row["taakveld"], row["interventie"]) for row in lines] == [
        ("6.1", 1),
        ("6.1", 4),
        ("6.71", 2),
        ("6.71", 9),
        ("6.71", 10),
        ("6.72", 5),
        ("6.72", None),
        ("6.82", 8),
    ]
    assert [row["interventie"] for row in rollup] == [1, 2, 4, 5, 8, 9, 10, None]


def test_every_event_of_a_budget_line_is_valid_for_the_lines_own_fiscal_year(
    demo_ledger: Ledger,
) -> None:
    log, lines = schema.audit_log, schema.budget_lines
    with demo_ledger.engine.connect() as conn:
        rows = conn.execute(
            select(
                log.c.event_type, log.c.period, log.c.fiscal_year_first, lines.c.fiscal_year
            ).join(lines, lines.c.id == log.c.originator_id)
        ).all()

    # 17 lines opened, 16 amendments, 5 carry-overs out and in, 25 activity specifications
    assert len(rows) == 68
    assert [
        (row.event_type, row.period)
        for row in rows
        if (row.fiscal_year_first, row.period) != (row.fiscal_year, str(row.fiscal_year))
    ] == []


# -- (2) known_at: what was known at a moment --------------------------------------------


def test_tabel_7_2_as_known_the_day_before_the_raad_decided_is_empty(demo_ledger: Ledger) -> None:
    report = render(demo_ledger, INTERVENTIEPLAN, as_of="2019-05-07")

    assert report["basis"] == {
        "as_of": "2019-05-07T23:59:59.999999+02:00",
        "report": None,
        "knowledge_cutoff": "2019-05-07T23:59:59.999999+02:00",
        "log_position": demo_ledger.runner.position(),
        "chain_head": DEMO_HEAD,
    }
    tabel = figures(report, "tabel-7.2")
    assert len(tabel) == 11
    assert all(values == [None, None, None, None] for values in tabel.values())


def test_tabel_7_2_as_of_the_voortgangsrapportage_shows_the_carry_over(
    demo_ledger: Ledger,
) -> None:
    tabel = figures(render(demo_ledger, INTERVENTIEPLAN, as_of=VOORTGANG), "tabel-7.2")

    # 309 budgeted for 2019, 18 of it carried over to 2020 (101 + 18); the totaal column
    # sums 2019..2021.
    assert tabel[WIJKAANPAK] == ["291", "119", None, "410"]
    assert tabel["1. Welzijn, vrijwilligers, leefbare wijken gericht versterken"] == [
        None,
        "50",
        None,
        "50",
    ]
    assert tabel[TOTAL_7_2] == ["968", "892", "140", "2000"]


def test_tabel_6_1_as_known_before_the_shift_of_the_efficiencyslag(demo_ledger: Ledger) -> None:
    published = figures(render(demo_ledger, INTERVENTIEPLAN), "tabel-6.1")
    before = figures(render(demo_ledger, INTERVENTIEPLAN, as_of="2019-05-07"), "tabel-6.1")

    assert published[KWARTAALGESPREKKEN] == ["3100", "3100", "2800", "2800"]
    assert published[EFFICIENCYSLAG] == [None, None, "300", "300"]
    assert before[KWARTAALGESPREKKEN] == ["2800", "2800", "2800", "2800"]
    assert before[EFFICIENCYSLAG] == ["300", "300", "300", "300"]
    # A shift moves a target; it does not change the year's total.
    assert (
        before[TOTAL_6_1_EXCL] == published[TOTAL_6_1_EXCL] == ["6070", "10042", "13142", "15392"]
    )
    assert (
        before[TOTAL_6_1_INCL] == published[TOTAL_6_1_INCL] == ["6070", "10042", "26781", "29031"]
    )


def test_the_risk_of_the_new_verdeelmodel_was_unknown_at_the_end_of_2018(
    demo_ledger: Ledger,
) -> None:
    tabel = figures(render(demo_ledger, INTERVENTIEPLAN, as_of="2018-12-31"), "tabel-6.1")

    assert tabel[RISICO] == [None, None, None, None]
    assert tabel[TOTAL_6_1_INCL] == tabel[TOTAL_6_1_EXCL] == ["6070", "10042", "13142", "15392"]


# -- (3) the recorded axis: what the log held at a position ------------------------------


def record_late_amendment(
    ledger: Ledger, clock: Clock, *, reference: str, adopted: str, known: str, thousands: int
) -> int:
    """Today (the clock), record a raad decision and an amendment known in the past."""
    clock.advance(timedelta(days=1))
    app = ledger.app
    app.propose_decision(
        Context(actor="griffie", known_at=day(adopted) - timedelta(days=5), source="raadsvoorstel"),
        reference=reference,
        title="Begrotingswijziging wijkaanpak",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2019),
    )
    app.adopt_decision(Context(actor="griffie", known_at=day(adopted)), reference=reference)
    recorded = app.amend_budget(
        Context(actor="concern control", known_at=day(known)),
        key=fund_line(2019, 2),
        delta=Money.thousands(thousands),
        decision=reference,
    )
    assert ledger.runner.catch_up() == recorded.position
    return recorded.position


def test_a_late_recorded_amendment_shows_as_of_a_moment_but_not_in_the_published_report(
    demo_ledger: Ledger, clock: Clock
) -> None:
    published = render(demo_ledger, INTERVENTIEPLAN)
    at_year_end = figures(render(demo_ledger, INTERVENTIEPLAN, as_of="2019-12-31"), "tabel-7.2")

    record_late_amendment(
        demo_ledger,
        clock,
        reference="raad-2019-05-20-begrotingswijziging-wijkaanpak",
        adopted="2019-05-20",
        known="2019-06-01",
        thousands=40,
    )

    now_at_year_end = figures(render(demo_ledger, INTERVENTIEPLAN, as_of="2019-12-31"), "tabel-7.2")
    assert at_year_end[WIJKAANPAK] == ["291", "119", None, "410"]
    assert now_at_year_end[WIJKAANPAK] == ["331", "119", None, "450"]
    assert now_at_year_end[TOTAL_7_2] == ["1008", "892", "140", "2040"]
    assert render(demo_ledger, INTERVENTIEPLAN) == published


def test_a_backdated_fact_is_kept_out_of_the_report_by_its_log_position_alone(
    demo_ledger: Ledger, clock: Clock
) -> None:
    published = render(demo_ledger, INTERVENTIEPLAN)
    cutoff = published["basis"]["knowledge_cutoff"]
    assert cutoff == "2019-05-08T10:00:00+00:00"

    position = record_late_amendment(
        demo_ledger,
        clock,
        reference="raad-2019-04-10-begrotingswijziging-wijkaanpak",
        adopted="2019-04-10",
        known="2019-04-15",
        thousands=12,
    )

    # Same knowledge cutoff, but everything recorded so far: the backdated fact shows.
    same_moment = render(demo_ledger, INTERVENTIEPLAN, as_of=cutoff)
    assert same_moment["basis"]["knowledge_cutoff"] == cutoff
    assert same_moment["basis"]["log_position"] == position
    assert figures(same_moment, "tabel-7.2")[WIJKAANPAK] == ["321", "101", None, "422"]
    assert figures(same_moment, "tabel-7.2")[TOTAL_7_2] == ["1236", "636", "140", "2012"]
    # The report's own basis stops at its log position: reproduced exactly as published.
    assert render(demo_ledger, INTERVENTIEPLAN) == published
    assert render(demo_ledger, INTERVENTIEPLAN, as_of=INTERVENTIEPLAN) == published


def test_as_of_now_sees_everything_recorded(demo_ledger: Ledger) -> None:
    seen = basis(demo_ledger, "now")

    assert seen == basis(demo_ledger, None)
    assert seen.known_at is None
    assert seen.position == demo_ledger.app.recorder.max_notification_id()
    assert seen.to_json() == {
        "as_of": "now",
        "report": None,
        "knowledge_cutoff": None,
        "log_position": demo_ledger.app.recorder.max_notification_id(),
    }


@pytest.mark.parametrize(
    ("as_of", "moment"),
    [
        ("2019-12-31", "2019-12-31T23:59:59.999999+01:00"),
        ("31-12-2019", "2019-12-31T23:59:59.999999+01:00"),
        ("1-7-2019", "2019-07-01T23:59:59.999999+02:00"),
        ("2019Q4", "2019-12-31T23:59:59.999999+01:00"),
        ("2019q3", "2019-09-30T23:59:59.999999+02:00"),
        ("2020Q1", "2020-03-31T23:59:59.999999+02:00"),
        ("2020Q2", "2020-06-30T23:59:59.999999+02:00"),
    ],
)
def test_a_date_a_dutch_date_or_a_quarter_is_the_end_of_that_day_in_amsterdam(
    demo_ledger: Ledger, as_of: str, moment: str
) -> None:
    seen = basis(demo_ledger, as_of)

    assert seen.as_of == moment
    assert seen.known_at is not None
    assert seen.known_at.isoformat() == moment
    assert seen.report_id is None


def test_nu_is_now(demo_ledger: Ledger) -> None:
    assert basis(demo_ledger, "nu") == basis(demo_ledger, "now")
    assert basis(demo_ledger, "NU") == basis(demo_ledger, None)


@pytest.mark.parametrize("as_of", ["2019Q5", "2019Q0", "32-12-2019", "31-13-2019"])
def test_a_malformed_quarter_or_dutch_date_is_refused(demo_ledger: Ledger, as_of: str) -> None:
    with pytest.raises(BasisError, match=f"malformed moment '{as_of}'") as raised:
        basis(demo_ledger, as_of)
    assert not isinstance(raised.value, UnknownReportError)


def test_a_malformed_moment_is_refused(demo_ledger: Ledger) -> None:
    with pytest.raises(BasisError, match=r"malformed moment '2019-13-45'") as raised:
        render(demo_ledger, INTERVENTIEPLAN, as_of="2019-13-45")
    assert not isinstance(raised.value, UnknownReportError)

    with pytest.raises(BasisError, match=r"malformed moment '2019-05-08T25:00'"):
        basis(demo_ledger, "2019-05-08T25:00")


def test_an_unknown_report_is_refused(demo_ledger: Ledger) -> None:
    with pytest.raises(UnknownReportError, match=r"unknown report 'begroting-2030'"):
        render(demo_ledger, "begroting-2030")
    with pytest.raises(UnknownReportError, match=r"unknown report 'begroting-2030'"):
        render(demo_ledger, INTERVENTIEPLAN, as_of="begroting-2030")


# -- lineage: the events behind one figure ----------------------------------------------


def test_the_lineage_of_a_2020_figure_lists_its_events_in_order_with_running_totals(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        now = resolve_basis(conn, None, demo_ledger.runner.position())
        entries = lineage.budget_lineage(
            conn, now, fiscal_year=2020, fund="transformatiebudget", interventie=2
        )

    assert entries == [
        {
            "position": 98,
            "event": "Amended",
            "subject": f"{WWZ} / 6.71",
            "delta": Decimal("101000.00"),
            "running_total": Decimal("101000.00"),
            "decision": {
                "reference": "raad-2019-05-08-interventieplan-fase-4",
                "body": "raad",
                "kind": "beleidsnota",
                "status": "adopted",
                "adopted_known_at": "2019-05-08T10:00:00+00:00",
            },
            "actor": ACTOR,
            "period": 2020,
            "known_at": "2019-05-08T10:00:00+00:00",
            "recorded_at": RECORDED_AT,
            "import_id": IMPORT_ID,
            "mandate": None,
            "authorised": True,
            "problems": [],
            "source": IVP4_SOURCE,
            "backdated": None,
            "backfill": IMPORT_ID,
            "dekking": None,  # a budget lineage row names its dekking (ADR 0026)
        },
        {
            "position": 145,
            "event": "CarriedIn",
            "subject": f"{WWZ} / 6.71",
            "delta": Decimal("18000.00"),
            "running_total": Decimal("119000.00"),
            "decision": {
                "reference": "raad-2019-12-nota-slotwijzigingen-2019",
                "body": "raad",
                "kind": "slotwijziging",
                "status": "adopted",
                "adopted_known_at": "2019-12-18T11:00:00+00:00",
            },
            "actor": ACTOR,
            "period": 2020,
            "known_at": "2019-12-18T11:00:00+00:00",
            "recorded_at": RECORDED_AT,
            "import_id": IMPORT_ID,
            "mandate": None,
            "authorised": True,
            "problems": [],
            "source": CARRY_SOURCE,
            "backdated": None,
            "backfill": IMPORT_ID,
            "dekking": None,  # a budget lineage row names its dekking (ADR 0026)
        },
    ]


def test_the_lineage_as_of_the_interventieplan_stops_before_the_carry_over(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        report = resolve_basis(conn, INTERVENTIEPLAN, demo_ledger.runner.position())
        entries = lineage.budget_lineage(
            conn, report, fiscal_year=2020, fund="transformatiebudget", interventie=2
        )

    assert [(e["event"], e["delta"], e["running_total"]) for e in entries] == [
        ("Amended", Decimal("101000.00"), Decimal("101000.00"))
    ]


def test_the_lineage_orders_a_late_recorded_fact_by_when_it_became_known(
    demo_ledger: Ledger, clock: Clock
) -> None:
    position = record_late_amendment(
        demo_ledger,
        clock,
        reference="raad-2019-05-20-begrotingswijziging-wijkaanpak",
        adopted="2019-05-20",
        known="2019-06-01",
        thousands=40,
    )
    with demo_ledger.engine.connect() as conn:
        now = resolve_basis(conn, None, demo_ledger.runner.position())
        entries = lineage.budget_lineage(conn, now, fiscal_year=2019, fund=FUND, interventie=2)

    assert [
        (e["position"], e["event"], e["delta"], e["running_total"], e["known_at"], e["actor"])
        for e in entries
    ] == [
        (
            84,
            "Amended",
            Decimal("309000.00"),
            Decimal("309000.00"),
            "2019-05-08T10:00:00+00:00",
            ACTOR,
        ),
        (
            position,
            "Amended",
            Decimal("40000.00"),
            Decimal("349000.00"),
            "2019-06-01T10:00:00+00:00",
            "concern control",
        ),
        (
            142,
            "CarriedOver",
            Decimal("-18000.00"),
            Decimal("331000.00"),
            "2019-12-18T11:00:00+00:00",
            ACTOR,
        ),
    ]
    assert entries[1]["recorded_at"] == "2026-11-24T09:00:00+00:00"
    assert entries[1]["import_id"] is None

"""Report tables whose rows carry their own measure (ADR 0025), on SQLite and PostgreSQL,
over a small ledger recorded through the application commands (support.row_measures): a
report of such tables, its exact JSON, one cell's lineage per measure, a summing column,
and the diff of a restated result."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from api.demo.nijmegen import WWZ
from api.ledger import Ledger
from projections.queries import cells, diff, lineage
from projections.queries.basis import report_basis, resolve_basis
from projections.queries.reports import render_report
from support.row_measures import PUBLISHED, REPORT, publish, restate


@pytest.fixture
def published(ledger: Ledger) -> Ledger:
    return publish(ledger)


def tables(ledger: Ledger) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        document = render_report(conn, REPORT, None, ledger.runner.position())
    return {table["id"]: table for table in document["tables"]}


def values(**figures: str | None) -> dict[str, str | None]:
    return {key.lstrip("_"): value for key, value in figures.items()}


def cells_of(*figures: str | None) -> dict[str, str | None]:
    return dict(zip(("2017", "2018", "2019", "2020", "totaal"), figures, strict=True))


def test_rows_with_their_own_measure_render_each_by_its_rule(published: Ledger) -> None:
    rendered = tables(published)

    assert rendered["tabel-5.2"] == {
        "id": "tabel-5.2",
        "title": "Kerngegevens Interventie Wijkaanpak Sociaal Domein",
        "unit": "EUR_1000",
        "columns": ["2017", "2018", "2019", "2020", "totaal"],
        "rows": [
            {
                "interventie": 2,
                "label": "Realisatie stadsrekening",
                "values": cells_of(None, None, None, None, None),
            },
            {
                "interventie": 2,
                "label": "Deelproduct (61296)",
                "values": cells_of("16664", "11561", None, None, "11561"),
            },
            {
                "interventie": 2,
                "label": "Taakstellingen",
                "values": cells_of(None, None, None, None, None),
            },
            {
                "interventie": 2,
                "label": "Kwartaalgesprekken",
                "values": cells_of(None, "2800", "3100", None, "5900"),
            },
            {
                "interventie": 2,
                "label": "Relatief t.o.v. Realisatie 2017",
                "key": "rel-t-1",
                "unit": "percent",
                "values": cells_of(None, "16.8", "18.6", None, "35.4"),
            },
            {
                "interventie": 2,
                "label": "Efficiencyslag",
                "values": cells_of(None, None, "100", None, "100"),
            },
            {
                "interventie": 2,
                "label": "Relatief t.o.v. Realisatie 2017",
                "key": "rel-t-2",
                "unit": "percent",
                "values": cells_of(None, None, "2.7", None, "2.7"),
            },
            {
                "interventie": 2,
                "label": "Uren per cliënt",
                "unit": "hours",
                "values": cells_of("7.7", "7.3", None, None, "7.3"),
            },
            {
                "interventie": 2,
                "label": "Opbouwwerk",
                "values": cells_of(None, None, "76", "25", "76"),
            },
            {
                "interventie": 2,
                "label": "Transformatiebudget",
                "values": cells_of(None, None, "309", "101", "309"),
            },
        ],
        "totals": [],
    }
    assert rendered["financieel-beeld"] == {
        "id": "financieel-beeld",
        "title": "Financieel beeld",
        "unit": "EUR_1000",
        "columns": ["2019"],
        "rows": [
            {"interventie": None, "label": "Wmo", "values": {"2019": "1000"}},
            {"interventie": None, "label": "Jeugd", "values": {"2019": "-3400"}},
        ],
        "totals": [{"label": "Totaal", "values": {"2019": "-2400"}}],
    }


def test_a_table_in_millions_rounds_each_cell_and_total_to_two_decimals(published: Ledger) -> None:
    assert tables(published)["tabel-4.1"] == {
        "id": "tabel-4.1",
        "title": "Opbrengsten maatregelen",
        "unit": "EUR_1000000",
        "columns": ["2018"],
        "rows": [
            {"interventie": 1, "label": "Jeugd", "values": {"2018": "1.93"}},
            {"interventie": 2, "label": "2.1 Beschikbaarheid", "values": {"2018": "0.02"}},
            {"interventie": 2, "label": "2.2 Groepsbegeleiding", "values": {"2018": None}},
        ],
        "totals": [{"label": "Beoogde opbrengst", "values": {"2018": "1.95"}}],
    }


def test_a_summing_column_adds_its_years_in_a_table_measured_by_its_columns(
    published: Ledger,
) -> None:
    assert tables(published)["tabel-7.2"] == {
        "id": "tabel-7.2",
        "title": "Beroep op het transformatiebudget",
        "unit": "EUR_1000",
        "columns": ["2019", "2020", "totaal"],
        "rows": [
            {
                "interventie": 2,
                "label": "2. Wijkaanpak",
                "values": {"2019": "309", "2020": "101", "totaal": "410"},
            }
        ],
        "totals": [{"label": "Totaal", "values": {"2019": "309", "2020": "101", "totaal": "410"}}],
    }


def traced(ledger: Ledger, table: str, row: str, column: str) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        found = lineage.cell_lineage(
            conn, REPORT, report_basis(conn, REPORT), table=table, row=row, column=column
        )
    return {
        **{key: value for key, value in found.items() if key not in ("rows", "basis", "report")},
        "rows": [(r["event"], r["subject"], r["delta"], r["running_total"]) for r in found["rows"]],
    }


def test_the_lineage_of_a_realisation_row_is_its_deelproducts_entries(published: Ledger) -> None:
    found = traced(published, "tabel-5.2", "Deelproduct (61296)", "2017")
    assert found["amount"] == Decimal("16664000.00")
    assert (found["published"], found["measure"], found["unit"]) == (
        "16664",
        "realisation",
        "EUR_1000",
    )
    assert [(event, delta) for event, _, delta, _ in found["rows"]] == [
        ("Reported", Decimal("16664000.00"))
    ]


def test_the_lineage_of_a_relative_cell_is_its_taakstelling_and_its_base_realisation(
    published: Ledger,
) -> None:
    found = traced(published, "tabel-5.2", "rel-t-1", "2018")
    assert found["cell"] == {
        "table": "tabel-5.2",
        "row": "Relatief t.o.v. Realisatie 2017",
        "kind": "row",
        "interventie": 2,
        "column": "2018",
        "key": "rel-t-1",
    }
    assert (found["amount"], found["base"], found["published"], found["unit"]) == (
        Decimal("2800000.00"),
        Decimal("16664000.00"),
        "16.8",
        "percent",
    )
    assert [(event, delta, running) for event, _, delta, running in found["rows"]] == [
        ("Imposed", Decimal("2800000.00"), Decimal("2800000.00")),
        ("Reported", Decimal("16664000.00"), Decimal("16664000.00")),
    ]


def test_the_lineage_of_a_kengetal_is_its_measurements_each_with_its_change(
    published: Ledger,
) -> None:
    found = traced(published, "tabel-5.2", "Uren per cliënt", "2018")
    assert (found["amount"], found["published"], found["unit"]) == (Decimal("7.3"), "7.3", "hours")
    assert found["rows"] == [
        ("Measured", "uren 2018", Decimal("7.5"), Decimal("7.5")),
        ("Measured", "uren 2018 (peildatum 2019-01-01)", Decimal("-0.2"), Decimal("7.3")),
    ]


def test_the_lineage_of_a_stated_result_and_its_total(published: Ledger) -> None:
    jeugd = traced(published, "financieel-beeld", "Jeugd", "2019")
    assert (jeugd["amount"], jeugd["published"]) == (Decimal("-3400000.00"), "-3400")
    assert jeugd["rows"] == [
        ("Stated", "jeugd 2019 voorlopig", Decimal("-3000000.00"), Decimal("-3000000.00")),
        ("Restated", "jeugd 2019 voorlopig", Decimal("-400000.00"), Decimal("-3400000.00")),
    ]
    total = traced(published, "financieel-beeld", "Totaal", "2019")
    assert (total["amount"], total["published"], len(total["rows"])) == (
        Decimal("-2400000.00"),
        "-2400",
        3,
    )


def test_the_lineage_of_a_specification_is_the_activitys_parts(published: Ledger) -> None:
    found = traced(published, "tabel-5.2", "Opbouwwerk", "totaal")
    assert (found["amount"], found["published"]) == (Decimal("76000.00"), "76")
    assert found["rows"] == [
        ("Specified", f"{WWZ} / 6.71: opbouwwerk", Decimal("76000.00"), Decimal("76000.00"))
    ]


def test_a_heading_has_no_lineage_and_a_repeated_label_needs_its_key(published: Ledger) -> None:
    with pytest.raises(cells.CellError) as heading:
        traced(published, "tabel-5.2", "Taakstellingen", "2018")
    assert (str(heading.value), heading.value.field, heading.value.status) == (
        "row 'Taakstellingen' of table 'tabel-5.2' is a heading: it has no figures to trace",
        "row",
        422,
    )
    with pytest.raises(cells.CellError) as repeated:
        traced(published, "tabel-5.2", "Relatief t.o.v. Realisatie 2017", "2018")
    assert (str(repeated.value), repeated.value.status) == (
        "table 'tabel-5.2' has 2 rows labelled 'Relatief t.o.v. Realisatie 2017': give the "
        "row's key (rel-t-1, rel-t-2)",
        404,
    )


def test_the_diff_names_a_restated_result(published: Ledger) -> None:
    restate(published, "wmo", 1200, PUBLISHED + timedelta(days=30), "Q4 herzien", 1)
    published.runner.catch_up()
    with published.engine.connect() as conn:
        found = diff.report_diff(
            conn,
            REPORT,
            report_basis(conn, REPORT),
            resolve_basis(conn, "now", published.runner.position()),
        )
    assert [
        (
            c["table"],
            c["row"],
            c["column"],
            c["from"],
            c["to"],
            c["published"],
            [(k["cause"], k["delta"]) for k in c["causes"]],
        )
        for c in found["cells"]
    ] == [
        (
            "financieel-beeld",
            "Wmo",
            "2019",
            Decimal("1000000.00"),
            Decimal("1200000.00"),
            {"from": "1000", "to": "1200", "difference": "200"},
            [("result-restatement", Decimal("200000.00"))],
        ),
        (
            "financieel-beeld",
            "Totaal",
            "2019",
            Decimal("-2400000.00"),
            Decimal("-2200000.00"),
            {"from": "-2400", "to": "-2200", "difference": "200"},
            [("result-restatement", Decimal("200000.00"))],
        ),
    ]

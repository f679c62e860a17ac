"""Table specs whose rows carry their own measure (ADR 0025): what each row needs, keys,
repeated labels, summing columns and totals."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInputError
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec

YEARS = (
    ColumnSpec("2017", Measure.REALISATION, 2017),
    ColumnSpec("2018", Measure.TAAKSTELLING, 2018),
)


def spec(
    *rows: RowSpec,
    fund: str | None = None,
    totals: tuple[TotalSpec, ...] = (),
    columns: tuple[ColumnSpec, ...] = YEARS,
) -> TableSpec:
    return TableSpec(
        id="tabel-5.2",
        title="Kerngegevens",
        unit="EUR_1000",
        fund=fund,
        columns=columns,
        rows=rows,
        totals=totals,
    )


def fault(*rows: RowSpec, **kwargs: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as raised:
        spec(*rows, **kwargs)
    return raised.value


def test_a_table_whose_rows_all_carry_their_measure_needs_no_fund() -> None:
    table = spec(
        RowSpec(2, "Realisatie stadsrekening", measure=Measure.HEADING),
        RowSpec(2, "Deelproduct 61296", measure=Measure.REALISATION, deelproducten=("61296",)),
        RowSpec(
            2, "Kwartaalgesprekken", taakstellingen=("IVP2-2.4",), measure=Measure.TAAKSTELLING
        ),
        RowSpec(
            2,
            "Relatief",
            taakstellingen=("IVP2-2.4",),
            measure=Measure.RELATIVE,
            key="rel-2-4",
            unit="percent",
        ),
        RowSpec(
            2,
            "Relatief",
            taakstellingen=("CA-1",),
            measure=Measure.RELATIVE,
            key="rel-ca-1",
            base_year=2017,
        ),
        RowSpec(
            2, "Aantal cliënten", measure=Measure.KENGETAL, kengetal="wmo-regulier", unit="count"
        ),
        RowSpec(None, "Wmo", measure=Measure.RESULT, result="wmo"),
        RowSpec(
            2,
            "Opbouwwerk",
            measure=Measure.SPECIFICATION,
            activity="opbouwwerk",
            fund="transformatiebudget",
        ),
        RowSpec(2, "Budget", measure=Measure.BUDGET, fund="transformatiebudget"),
    )
    assert table.fund is None
    assert [row.measure for row in table.rows][:2] == [Measure.HEADING, Measure.REALISATION]


def test_a_row_without_its_own_measure_still_needs_the_tables_fund() -> None:
    error = fault(
        RowSpec(2, "Interventie 2"), RowSpec(2, "Kop", measure=Measure.HEADING, key="kop")
    )
    assert (str(error), error.field) == (
        "a budget or realisation table names its fund",
        "tables.fund",
    )


def test_a_column_measures_only_what_a_column_can_where_a_row_has_no_measure() -> None:
    error = fault(
        RowSpec(2, "Interventie 2"), columns=(ColumnSpec("2019", Measure.KENGETAL, 2019),)
    )
    assert error.field == "tables.columns.measure"
    assert str(error) == (
        "column '2019' measures 'kengetal', which only a row can: a column measures "
        "taakstelling, budget or realisation"
    )


@pytest.mark.parametrize(
    ("row", "message", "field"),
    [
        (
            RowSpec(2, "Relatief", measure=Measure.RELATIVE),
            "a relative row names its taakstellingen (row 'Relatief')",
            "tables.rows.taakstellingen",
        ),
        (
            RowSpec(2, "Aantal", measure=Measure.KENGETAL),
            "a kengetal row names its kengetal (row 'Aantal')",
            "tables.rows.kengetal",
        ),
        (
            RowSpec(None, "Wmo", measure=Measure.RESULT),
            "a result row names its result (row 'Wmo')",
            "tables.rows.result",
        ),
        (
            RowSpec(2, "Opbouw", measure=Measure.SPECIFICATION, fund="f"),
            "a specification row names its activity (row 'Opbouw')",
            "tables.rows.activity",
        ),
        (
            RowSpec(2, "Opbouw", measure=Measure.SPECIFICATION, activity="opbouw"),
            "row 'Opbouw' measures specification: it or its table names the fund",
            "tables.rows.fund",
        ),
        (
            RowSpec(2, "Budget", measure=Measure.BUDGET),
            "row 'Budget' measures budget: it or its table names the fund",
            "tables.rows.fund",
        ),
        (
            RowSpec(2, "Real", measure=Measure.REALISATION, deelproducten=()),
            "row 'Real' names no deelproducten",
            "tables.rows.deelproducten",
        ),
        (
            RowSpec(2, "Real", deelproducten=("61296",)),
            "row 'Real': deelproducten belongs to a row measuring realisation",
            "tables.rows.deelproducten",
        ),
        (
            RowSpec(2, "Aantal", measure=Measure.RESULT, result="wmo", kengetal="k"),
            "row 'Aantal': kengetal belongs to a row measuring kengetal",
            "tables.rows.kengetal",
        ),
        (
            RowSpec(2, "Rel", measure=Measure.RELATIVE, taakstellingen=("A",), unit="count"),
            "row 'Rel' is relative: its unit is percent, not 'count'",
            "tables.rows.unit",
        ),
        (
            RowSpec(2, "Wmo", measure=Measure.RESULT, result="wmo", unit="percent"),
            "row 'Wmo' is money (EUR_1000, EUR_1000000), not 'percent'",
            "tables.rows.unit",
        ),
        (
            RowSpec(2, "Kop", measure=Measure.HEADING, unit="count"),
            "row 'Kop' is a heading: a label, no figures",
            "tables.rows.measure",
        ),
        (
            RowSpec(2, "Rel", measure=Measure.RELATIVE, taakstellingen=("A",), base_year=1899),
            None,
            "tables.rows.base_year",
        ),
        (
            RowSpec(2, "Rij", measure=Measure.HEADING, key="Niet Een Slug"),
            "row key 'Niet Een Slug' is not a slug",
            "tables.rows.key",
        ),
    ],
)
def test_a_row_measure_needs_its_fields(row: RowSpec, message: str | None, field: str) -> None:
    error = fault(row)
    assert error.field == field
    if message is not None:
        assert str(error) == message


def test_keys_are_unique() -> None:
    error = fault(
        RowSpec(2, "A", measure=Measure.HEADING, key="a"),
        RowSpec(2, "B", measure=Measure.HEADING, key="a"),
    )
    assert (str(error), error.field) == ("row key 'a' repeats", "tables.rows.key")


def test_a_label_repeats_only_where_its_rows_have_keys() -> None:
    def relative(reference: str, key: str | None) -> RowSpec:
        return RowSpec(2, "Relatief", (reference,), measure=Measure.RELATIVE, key=key)

    error = fault(relative("A", "rel-a"), relative("B", None))
    assert (str(error), error.field) == (
        "row label 'Relatief' repeats: give each of those rows a key",
        "tables.rows.key",
    )
    keyed = spec(relative("A", "rel-a"), relative("B", "rel-b"))
    assert [row.key for row in keyed.rows] == ["rel-a", "rel-b"]


def test_a_total_adds_rows_of_one_money_measure() -> None:
    results = (
        RowSpec(None, "Wmo", measure=Measure.RESULT, result="wmo"),
        RowSpec(None, "Jeugd", measure=Measure.RESULT, result="jeugd"),
    )
    assert spec(*results, totals=(TotalSpec("Totaal"),)).totals == (TotalSpec("Totaal"),)
    error = fault(
        *results,
        RowSpec(None, "Aantal", measure=Measure.KENGETAL, kengetal="k"),
        totals=(TotalSpec("Totaal"),),
    )
    assert (str(error), error.field) == (
        "a total adds rows of one money measure: this table's rows measure kengetal, result",
        "tables.totals",
    )


def test_a_summing_column_ends_after_it_starts() -> None:
    totaal = ColumnSpec("totaal", Measure.BUDGET, 2019, last_year=2021)
    table = spec(RowSpec(1, "Interventie 1"), fund="transformatiebudget", columns=(totaal,))
    assert table.columns[0].last_year == 2021
    error = fault(
        RowSpec(1, "Interventie 1"),
        fund="transformatiebudget",
        columns=(ColumnSpec("totaal", Measure.BUDGET, 2021, last_year=2019),),
    )
    assert (str(error), error.field) == (
        "column 'totaal' sums 2021..2019: its last year comes before its first",
        "tables.columns.last_year",
    )

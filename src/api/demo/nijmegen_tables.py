"""A published table's spec as nijmegen.toml gives it: the demo's reports are data."""

from __future__ import annotations

from typing import Any

from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec


def table_spec(spec: dict[str, Any]) -> TableSpec:
    return TableSpec(
        id=spec["id"],
        title=spec["title"],
        unit=spec["unit"],
        fund=spec.get("fund"),
        columns=tuple(
            ColumnSpec(
                column["key"],
                Measure(column["measure"]),
                column["fiscal_year"],
                last_year=column.get("last_year"),
            )
            for column in spec["columns"]
        ),
        rows=tuple(_row_spec(row) for row in spec["rows"]),
        totals=tuple(TotalSpec(total["label"], total["include_risks"]) for total in spec["totals"]),
    )


def _row_spec(row: dict[str, Any]) -> RowSpec:
    """A row as the file gives it; a field the file leaves out stays unset (and unstored)."""
    measure = row.get("measure")
    deelproducten = row.get("deelproducten")
    return RowSpec(
        row.get("interventie"),
        row["label"],
        tuple(row.get("taakstellingen", ())),
        measure=None if measure is None else Measure(measure),
        key=row.get("key"),
        unit=row.get("unit"),
        deelproducten=None if deelproducten is None else tuple(deelproducten),
        fund=row.get("fund"),
        activity=row.get("activity"),
        kengetal=row.get("kengetal"),
        result=row.get("result"),
        base_year=row.get("base_year"),
    )

"""A chart's marks are computed from the figure's events as known now (report_pages.value_at)
instead of one lineage query per published report: for every cell of every published table,
on both backends, the mark equals the cell's amount as of that report's basis."""

from __future__ import annotations

from api.ledger import Ledger
from api.web.report_pages import value_at
from projections.queries import lineage
from projections.queries.basis import report_basis, resolve_basis
from projections.queries.cells import report_specs, table_cells
from projections.queries.reports import list_reports


def test_a_mark_is_the_cells_amount_as_of_the_reports_basis(demo_ledger: Ledger) -> None:
    checked = cells = 0
    with demo_ledger.engine.connect() as conn:
        now = resolve_basis(conn, None, demo_ledger.runner.position())
        published = [report_basis(conn, listed["report"]) for listed in list_reports(conn)]
        for report in published:
            assert report.report_id is not None
            _, specs = report_specs(conn, report.report_id)
            for spec in specs:
                for cell in table_cells(conn, spec):
                    if cell.measure == "heading" or cell.unit is not None:
                        # A heading has no figure; a percentage or a count is no running
                        # sum of its events, so its chart draws no step line (ADR 0025).
                        continue
                    cells += 1
                    address = {
                        "table": spec["id"],
                        "row": cell.key or cell.row,
                        "column": cell.column,
                    }
                    known_now = lineage.cell_lineage(conn, report.report_id, now, **address)
                    for basis in published:
                        as_published = lineage.cell_lineage(
                            conn, report.report_id, basis, **address
                        )
                        assert value_at(known_now["rows"], basis) == as_published["amount"]
                        checked += 1
    # every euro cell of every published table, at every report's basis
    assert cells > 400
    assert checked == cells * len(published)

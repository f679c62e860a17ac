"""A report table reads the taakstellingen its rows count, not every one of the ledger: a
ledger's taakstellingen grow with its history, a table's do not (issue 14). Given the demo
and a taakstelling of an interventie no table shows, the rendered reports are the same and
no table, nor the lineage of a cell, reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from api.ledger import Ledger
from projections.queries import cells, reports
from projections.queries.basis import resolve_basis
from projections.store import schema

ELSEWHERE = "ts-elders"  # interventie 99: in no table of the demo


def render_all(ledger: Ledger) -> list[reports.ReportDocument]:
    with ledger.engine.connect() as conn:
        end = ledger.runner.position()
        ids = conn.execute(schema.reports.select().with_only_columns(schema.reports.c.report_id))
        return [reports.render_report(conn, rid, None, end) for rid in sorted(ids.scalars())]


def test_a_table_reads_only_the_taakstellingen_its_rows_count(demo_ledger: Ledger) -> None:
    before = render_all(demo_ledger)
    with demo_ledger.engine.begin() as conn:
        conn.execute(
            insert(schema.taakstellingen).values(
                id="e" * 32,
                reference=ELSEWHERE,
                label="Elders",
                interventie=99,
                programma="Bestuur",
                taakveld="0.1",
                kind="taakstelling",
                origin="test",
                base_deelproducten="[]",
                position=1,
            )
        )
        conn.execute(
            insert(schema.taakstelling_mutations).values(
                position=1,
                fiscal_year=2019,
                taakstelling_id="e" * 32,
                kind="Imposed",
                delta_cents=-100_000_00,
                known_at=datetime(2019, 1, 1, tzinfo=UTC),
                recorded_at=datetime(2019, 1, 1, tzinfo=UTC),
                actor="test",
            )
        )

    assert render_all(demo_ledger) == before
    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, demo_ledger.runner.position())
        read: set[str] = set()
        for report_id in ("interventieplan-fase-4", "voortgangsrapportage-2019-q4"):
            for spec in cells.report_specs(conn, report_id)[1]:
                counted = cells.members_of(cells.table_cells(conn, spec))
                read |= counted
                facts = cells.facts(conn, spec, basis.filter, taakstellingen=counted)
                assert ELSEWHERE not in {fact.taakstelling for fact, _ in facts}
                assert ELSEWHERE not in cells._taakstelling_kinds(conn, spec)
    assert ELSEWHERE not in read
    assert len(read) == 23  # the demo's taakstellingen the two reports count

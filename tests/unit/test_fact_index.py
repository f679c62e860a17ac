"""The fact index (`projections.queries.fact_index`) against the path it replaced: for every
cell of every table of the demo's reports and of the row-measure report
(support.row_measures), as of several bases, the indexed facts are exactly those filtering
all the table's facts with `Cell.counts` gives, in the same order, and so is the figure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine

from projections.queries import cells, row_measures
from projections.queries.basis import Basis, report_basis
from projections.queries.cells import Cell, Fact
from projections.queries.fact_index import facts_index
from projections.queries.reports import list_reports
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION
from support.ledgers import ledger_on
from support.row_measures import publish


def filter_all(cell: Cell, facts: list[Fact]) -> list[Fact]:
    """The old path, the oracle: every fact of the table tested against the cell."""
    return [fact for fact in facts if cell.counts(fact)]


def bases(conn: Connection, reached: int) -> list[Basis]:
    """Each report's own basis, now, a knowledge cutoff, and two earlier log positions."""
    return [
        *(report_basis(conn, report["report"]) for report in list_reports(conn)),
        Basis(as_of="now", known_at=None, position=reached),
        Basis(as_of="2019-01-01", known_at=datetime(2019, 1, 1, tzinfo=UTC), position=reached),
        Basis(as_of="now", known_at=None, position=reached * 2 // 3),
        Basis(as_of="now", known_at=None, position=reached // 3),
    ]


def compare(engine: Engine, reached: int) -> tuple[int, int]:
    """How many cells (on how many bases) were compared, and how many had facts."""
    compared = with_facts = 0
    with engine.connect() as conn:
        on = bases(conn, reached)
        for report in list_reports(conn):
            _, specs = cells.report_specs(conn, report["report"])
            for spec in specs:
                table = cells.table_cells(conn, spec)
                for basis in on:
                    facts = [fact for fact, _ in cells.facts(conn, spec, basis.filter)]
                    index = facts_index(facts)
                    for cell in table:
                        expected = filter_all(cell, facts)
                        indexed = index.rows_of(cell)
                        assert indexed == expected, cell
                        assert [id(fact) for fact in indexed] == [id(f) for f in expected]
                        assert row_measures.figure(
                            cell, indexed, spec["unit"]
                        ) == row_measures.figure(cell, facts, spec["unit"])
                        compared += 1
                        with_facts += bool(expected)
    return compared, with_facts


def test_the_demo_reports_cells_get_exactly_the_facts_of_the_filter(demo_db: str) -> None:
    engine = create_engine(demo_db)
    try:
        assert compare(engine, DEMO_LAST_POSITION) == (6792, 2557)
    finally:
        engine.dispose()


def test_the_row_measure_reports_cells_get_exactly_the_facts_of_the_filter(
    tmp_path: Path,
) -> None:
    with ledger_on("sqlite", tmp_path, Clock()) as ledger:
        publish(ledger)
        assert compare(ledger.engine, ledger.runner.position()) == (315, 127)

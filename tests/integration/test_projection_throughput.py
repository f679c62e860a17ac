"""The shortcuts the runner takes for speed store exactly what the plain way stores
(ADR 0014): rows written straight to the driver, projections asked only about the events
they read, chain digests computed without an Entry per event, statistics refreshed before a
seal on PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Table, delete, event, insert, select, text
from sqlalchemy.exc import IntegrityError

import projections.readmodel.runner as runner_module
from api.demo import nijmegen
from api.ledger import Ledger
from domain.events import Event
from projections.audit import chain
from projections.audit.seals import SEAL_READS
from projections.queries.reports import render_report
from projections.readmodel import projectors, rechtmatigheid_rows
from projections.store import schema
from projections.store.writer import RowWriter


def demo_events(ledger: Ledger) -> list[tuple[Any, Any]]:
    notifications = ledger.app.recorder.select_notifications(start=1, limit=100_000)
    return [(n, ledger.app.mapper.to_domain_event(n)) for n in notifications]


def demo_rows(ledger: Ledger) -> dict[Table, list[dict[str, Any]]]:
    rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for notification, domain_event in demo_events(ledger):
        for projection in projectors.PROJECTIONS:
            for table, row in projection.rows(domain_event, notification.id, notification.state):
                rows[table].append(row)
    return rows


def stored(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them, unconverted: on SQLite a moment is the text
    SQLAlchemy stored, so a different rendering of the same moment would show."""
    preparer = conn.dialect.identifier_preparer
    order = ", ".join(preparer.quote(c.name) for c in table.primary_key.columns)
    result = conn.exec_driver_sql(f"SELECT * FROM {preparer.format_table(table)} ORDER BY {order}")
    return [tuple(row) for row in result]


def test_rows_written_straight_to_the_driver_are_stored_as_sqlalchemy_stores_them(
    ledger: Ledger,
) -> None:
    nijmegen.load(ledger.app)
    rows = demo_rows(ledger)
    # The demo fills every projection table but the closed years' and the rechtmatigheid
    # facts (ADR 0029: the documents set no verantwoordingsgrens, open-einde or proposal).
    assert set(rows) == {table for p in projectors.PROJECTIONS for table in p.tables} - {
        schema.fiscal_year_events,
        *rechtmatigheid_rows.TABLES,
        # Derived from a batch's rows (batch_rows, ADR 0034), not from events one by one.
        schema.running_series,
        schema.running_steps,
    }

    with ledger.engine.begin() as conn:
        for table, table_rows in rows.items():
            conn.execute(insert(table), table_rows)
        expected = {table: stored(conn, table) for table in rows}
        for table in rows:
            conn.execute(delete(table))
        writer = RowWriter(conn)
        for table, table_rows in rows.items():
            writer.insert(table, table_rows)
        written = {table: stored(conn, table) for table in rows}

    assert written == expected
    assert all(expected.values())


def test_a_duplicate_row_written_straight_to_the_driver_raises_sqlalchemys_integrity_error(
    ledger: Ledger,
) -> None:
    nijmegen.load(ledger.app)
    audit = demo_rows(ledger)[schema.audit_log][:3]

    with pytest.raises(IntegrityError), ledger.engine.begin() as conn:
        RowWriter(conn).insert(schema.audit_log, [*audit, audit[1]])

    with ledger.engine.connect() as conn:
        assert conn.execute(select(schema.audit_log)).all() == []


def test_a_projection_yields_no_row_for_an_event_it_does_not_declare_to_read(
    demo_ledger: Ledger,
) -> None:
    unread = 0
    for notification, domain_event in demo_events(demo_ledger):
        assert isinstance(domain_event, Event)
        for projection in projectors.PROJECTIONS:
            if isinstance(domain_event, projection.reads):
                continue
            unread += 1
            assert list(projection.rows(domain_event, notification.id, notification.state)) == []
    assert unread > 0


def test_the_runners_digest_of_each_event_is_the_digest_of_its_chain_entry(
    demo_ledger: Ledger,
) -> None:
    digester = chain.Digester()
    events = demo_events(demo_ledger)

    for notification, domain_event in events:
        expected = chain.entry_for(notification, domain_event).digest()
        assert digester.digest(notification, domain_event) == expected
    # An undecodable state frames no decoded fields, as `entry_for` does.
    notification = events[0][0]
    assert digester.digest(notification, None) == chain.entry_for(notification, None).digest()


def read_model_tables_named_in(statements: list[str]) -> set[str]:
    names = {table.name for table in schema.metadata.sorted_tables}
    return {
        name
        for statement in statements
        for name in names
        if f" {name} " in f" {statement} ".replace("\n", " ").replace('"', " ")
    }


def test_sealing_a_report_reads_only_the_tables_the_runner_refreshes_statistics_for(
    demo_ledger: Ledger,
) -> None:
    statements: list[str] = []

    def collect(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine: Engine = demo_ledger.engine
    with engine.connect() as conn:
        report = conn.execute(select(schema.reports.c.report_id, schema.reports.c.position)).first()
        assert report is not None
        event.listen(engine, "before_cursor_execute", collect)
        try:
            render_report(conn, report.report_id, None, report.position)
        finally:
            event.remove(engine, "before_cursor_execute", collect)

    read = read_model_tables_named_in(statements)
    assert read <= {t.name for t in SEAL_READS} | {schema.chain_links.name}
    assert {schema.reports.name, schema.budget_mutations.name} <= read


@pytest.mark.postgres
@pytest.mark.parametrize("ledger", ["postgres"], indirect=True)
def test_on_postgresql_a_first_catch_up_analyses_the_tables_before_sealing_from_them(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ledger.engine.dialect.name == "postgresql"
    monkeypatch.setattr(runner_module, "ANALYZE_AFTER_ROWS", 1)
    nijmegen.load(ledger.app)
    statements: list[str] = []

    def collect(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("ANALYZE"):
            statements.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", collect)
    try:
        ledger.runner.catch_up()
    finally:
        event.remove(ledger.engine, "before_cursor_execute", collect)

    # The demo is one batch: one ANALYZE of every table a seal reads, before the seals.
    assert statements == ["ANALYZE " + ", ".join(t.name for t in SEAL_READS)]
    with ledger.engine.connect() as conn:
        analysed = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('budget_mutations')")
        ).scalar_one()
        seals = conn.execute(select(schema.report_seals)).all()
    assert analysed > 0
    assert len(seals) > 0

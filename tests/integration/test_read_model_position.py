"""Where the read model stands, read without the application (ADR 0037): `position.current`
gives the runner's own answer to "nothing to catch up", on both backends, and nothing when
the runner would have work to do."""

from __future__ import annotations

from api.demo import nijmegen
from api.ledger import Ledger
from projections.audit import chain
from projections.readmodel import position
from projections.readmodel.projectors import PROJECTIONS
from support.demo import DEMO_LAST_POSITION


def test_the_tracked_rows_are_the_runners_projections_and_the_chain() -> None:
    assert (*(p.name for p in PROJECTIONS), chain.TRACKING_NAME) == position.TRACKED


def test_a_new_ledger_is_current_at_zero_as_the_runner_finds_it(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        found = (position.reached(conn), position.log_head(conn), position.current(conn))

    assert found == (0, 0, 0)
    assert ledger.runner.catch_up() == 0


def test_a_log_ahead_of_the_read_model_is_not_current_until_caught_up(ledger: Ledger) -> None:
    nijmegen.load(ledger.app)
    with ledger.engine.connect() as conn:
        behind = (position.reached(conn), position.log_head(conn), position.current(conn))

    reached = ledger.runner.catch_up()
    with ledger.engine.connect() as conn:
        current = position.current(conn)

    assert behind == (0, DEMO_LAST_POSITION, None)
    assert (reached, current, ledger.runner.position()) == (DEMO_LAST_POSITION,) * 3


def test_a_schema_not_at_the_migrations_head_is_not_current(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.begin() as conn:
        (head,) = conn.exec_driver_sql("SELECT version_num FROM alembic_version").one()
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    with demo_ledger.engine.connect() as conn:
        behind = position.current(conn)
    with demo_ledger.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head}'")
    with demo_ledger.engine.connect() as conn:
        current = position.current(conn)

    assert (behind, current) == (None, DEMO_LAST_POSITION)


def test_a_database_without_the_tables_is_not_current(ledger: Ledger) -> None:
    database = ledger.database
    assert database is not None
    empty = database.of_ledger("GM0001").create_engine()  # nothing created there yet
    try:
        with empty.connect() as conn:
            found = position.current(conn)
    finally:
        empty.dispose()

    assert found is None

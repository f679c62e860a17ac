"""The read model's indexes, as the migrations create them, are the ones `projections.store.schema`
declares (ADR 0013): a query planned against the declared schema meets the same indexes on
SQLite and PostgreSQL, and a downgrade restores the indexes it replaced."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

import migrations
from api.ledger import Ledger
from projections.store import schema

Indexes = set[tuple[str, str, tuple[str, ...]]]


def migrated(engine: Engine) -> Indexes:
    inspector = inspect(engine)
    return {
        (table.name, str(index["name"]), tuple(str(c) for c in index["column_names"]))
        for table in schema.metadata.sorted_tables
        if inspector.has_table(table.name)  # a downgrade removes the later migrations' tables
        for index in inspector.get_indexes(table.name)
        if not index.get("unique")
    }


def declared() -> Indexes:
    return {
        (table.name, str(index.name), tuple(column.name for column in index.columns))
        for table in schema.metadata.sorted_tables
        for index in table.indexes
    }


def test_the_migrated_indexes_are_the_declared_ones(ledger: Ledger) -> None:
    assert migrated(ledger.engine) == declared()


def test_the_as_of_indexes_name_the_log_position(ledger: Ledger) -> None:
    as_of = {name: columns for _, name, columns in migrated(ledger.engine) if "_as_of" in name}
    assert as_of == {
        "ix_budget_mutations_as_of": ("line_id", "known_at", "position", "delta_cents"),
        "ix_taakstelling_mutations_as_of": (
            "taakstelling_id",
            "fiscal_year",
            "known_at",
            "position",
            "delta_cents",
        ),
        "ix_realisation_entries_as_of": ("realisation_id", "known_at", "position", "delta_cents"),
        "ix_reserve_mutations_as_of": ("reserve_id", "known_at", "position"),
        "ix_reserve_balance_events_as_of": ("reserve_id", "known_at", "position"),
        "ix_decision_events_as_of": ("decision_id", "known_at", "position"),
        "ix_kengetal_measurements_as_of": ("kengetal_id", "fiscal_year", "known_at", "position"),
        "ix_stated_result_entries_as_of": ("result_id", "known_at", "position"),
        "ix_budget_specifications_as_of": ("line_id", "known_at", "position"),
    }


def test_downgrading_0006_restores_the_indexes_it_replaced(ledger: Ledger) -> None:
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    with ledger.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    replaced = {
        (table, name, columns)
        for table, name, columns in migrated(ledger.engine)
        if table
        in (
            "budget_mutations",
            "taakstelling_mutations",
            "realisation_entries",
            "reserve_mutations",
            "decision_events",
        )
    }
    assert replaced == {
        ("budget_mutations", "ix_budget_mutations_line_known", ("line_id", "known_at")),
        (
            "taakstelling_mutations",
            "ix_taakstelling_mutations_subject",
            ("taakstelling_id", "fiscal_year", "known_at"),
        ),
        ("realisation_entries", "ix_realisation_entries_subject", ("realisation_id", "known_at")),
        ("reserve_mutations", "ix_reserve_mutations_reserve", ("reserve_id", "known_at")),
        ("decision_events", "ix_decision_events_decision", ("decision_id", "known_at")),
    }
    with ledger.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert migrated(ledger.engine) == declared()

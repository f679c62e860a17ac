"""The ledger directory's `is_known` (ADR 0032): a ledger a database lacks is unknown, but
a database that cannot be reached is an outage (503), never "unknown" (401/404)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from api.ledgers import is_known


def test_a_database_without_the_directory_knows_no_ledger(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/empty.sqlite3")

    assert is_known(engine, "GM0268") is False


def test_an_unreachable_database_is_an_outage_not_an_unknown_ledger(tmp_path: Path) -> None:
    # A directory that cannot be created: SQLite cannot open the file.
    engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")

    with pytest.raises(OperationalError, match="unable to open database file"):
        is_known(engine, "GM0268")

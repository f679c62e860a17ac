"""`begroting demo` on a database that holds the earlier, thinner demo history refuses: that
database keeps its history and its sealed reports, and the fuller history goes into a new
database (src/api/demo/README.md, "Loading it")."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from support.processes import begroting

pytestmark = pytest.mark.e2e

EARLIER = Path(__file__).resolve().parents[1] / "fixtures" / "ledger-pre-whole-budget.sqlite3"


def stored_events(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM stored_events").fetchone()
    return int(count)


def test_the_demo_refuses_a_database_holding_the_earlier_demo_and_records_nothing(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "earlier.db"
    shutil.copyfile(EARLIER, copy)
    before = stored_events(copy)

    result = begroting("demo", "--db", f"sqlite:///{copy}", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "begroting: this database holds the earlier Nijmegen demo history (import "
        "nijmegen-demo-v1); it keeps that history and its reports as they were sealed. Load "
        "the fuller history (import nijmegen-demo-v2) into a new database: begroting demo "
        "--db <new database>\n"
    )
    assert (before, stored_events(copy)) == (141, 141)

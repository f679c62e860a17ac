"""A database recorded by older code opens with today's code, verifies, and renders the same
published figures with the tables it was sealed with.

Each database is a fixture recorded once by older code, with the figures that code rendered:
- tests/fixtures/ledger-pre-restructure.sqlite3, recorded at commit 73ad812 (before the
  restructuring of issue #15) by tests/fixtures/record_pre_restructure_ledger.py; the code
  has moved since (packages, names, the application's use cases), the stored topics, the
  bytes and the chain have not;
- tests/fixtures/ledger-pre-whole-budget.sqlite3, recorded at commit 8cc5b76 (before the
  whole budget of issue #11) by tests/fixtures/record_pre_whole_budget_ledger.py; today's
  demo history is fuller, a database recorded before keeps its own history, reports, seals.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.ledger import Ledger, open_ledger
from projections.audit import verification
from projections.queries import basis, reports
from support.clock import Clock
from support.ledgers import read_model_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The chain head at position 141 as both older codes recorded the demo history.
HEAD = "1dcac53dbb04a113dfb06b90b4704cd0141442e0021ba63225f4ab38a6acd091"
OLDER = ["pre-restructure", "pre-whole-budget"]


@pytest.fixture(params=OLDER)
def older(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    copy = tmp_path / "ledger.db"
    shutil.copyfile(FIXTURES / f"ledger-{request.param}.sqlite3", copy)
    ledger = open_ledger(f"sqlite:///{copy}", clock=Clock().now)
    figures = json.loads((FIXTURES / f"{request.param}-figures.json").read_text())
    try:
        yield ledger, figures
    finally:
        ledger.close()


def published(ledger: Ledger, report_id: str, as_of: str | None) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        rendered = reports.render_report(conn, report_id, as_of, ledger.runner.catch_up())
    return {
        "chain_head": rendered["basis"]["chain_head"],
        "cells": [
            [table["id"], row.get("interventie", row["label"]), key, value]
            for table in rendered["tables"]
            for row in table["rows"] + table["totals"]
            for key, value in row["values"].items()
        ],
    }


def test_it_opens_and_verifies_with_the_head_it_had(older: Any) -> None:
    ledger, _ = older
    verdict = verification.full_verify(ledger.app, ledger.engine)
    assert verdict.ok
    with ledger.engine.connect() as conn:
        assert basis.head_at(conn, 141) == HEAD


def test_it_renders_the_figures_it_published(older: Any) -> None:
    ledger, figures = older
    rendered = {
        f"{report_id}@{name}": published(ledger, report_id, as_of)
        for report_id in ("interventieplan-fase-4", "voortgangsrapportage-2019-q4")
        for name, as_of in (("own", None), ("now", "now"))
    }
    assert rendered == figures


def test_its_read_model_rebuilds_to_the_rows_it_holds(older: Any) -> None:
    ledger, _ = older
    # A projection added after the fixture was recorded (the running totals, migration 0018)
    # is derived by the first catch-up; the rows the read model holds are those once current.
    ledger.runner.catch_up()
    kept = read_model_rows(ledger)
    ledger.runner.rebuild()
    assert read_model_rows(ledger) == kept

"""A database recorded before the restructuring (issue #15) opens with today's code,
verifies, and renders the same published figures.

The database is tests/fixtures/ledger-pre-restructure.sqlite3, recorded at commit 73ad812
by tests/fixtures/record_pre_restructure_ledger.py, with the figures that code rendered in
tests/fixtures/pre-restructure-figures.json. The code has moved since (packages, names,
the application's use cases); the stored topics, the bytes and the chain have not.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from api.ledger import Ledger, open_ledger
from projections.audit import verification
from projections.queries import basis, reports
from support.clock import Clock
from support.ledgers import read_model_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATABASE = FIXTURES / "ledger-pre-restructure.sqlite3"
# The chain head at position 141 as that code recorded the demo history.
HEAD = "1dcac53dbb04a113dfb06b90b4704cd0141442e0021ba63225f4ab38a6acd091"
FIGURES = json.loads((FIXTURES / "pre-restructure-figures.json").read_text())


def opened(tmp_path: Path) -> Ledger:
    copy = tmp_path / "ledger.db"
    shutil.copyfile(DATABASE, copy)
    return open_ledger(f"sqlite:///{copy}", clock=Clock().now)


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


def test_it_opens_and_verifies_with_the_head_it_had(tmp_path: Path) -> None:
    ledger = opened(tmp_path)
    try:
        verdict = verification.full_verify(ledger.app, ledger.engine)
        assert verdict.ok
        with ledger.engine.connect() as conn:
            assert basis.head_at(conn, 141) == HEAD
    finally:
        ledger.close()


def test_it_renders_the_figures_it_published(tmp_path: Path) -> None:
    ledger = opened(tmp_path)
    try:
        rendered = {
            f"{report_id}@{name}": published(ledger, report_id, as_of)
            for report_id in ("interventieplan-fase-4", "voortgangsrapportage-2019-q4")
            for name, as_of in (("own", None), ("now", "now"))
        }
        assert rendered == FIGURES
    finally:
        ledger.close()


def test_its_read_model_rebuilds_to_the_rows_it_holds(tmp_path: Path) -> None:
    ledger = opened(tmp_path)
    try:
        kept = read_model_rows(ledger)
        ledger.runner.rebuild()
        assert read_model_rows(ledger) == kept
    finally:
        ledger.close()

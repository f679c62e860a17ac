"""The benchmark suite keeps working: a tiny run end to end (no timing is asserted), and
the synthetic history is the same for the same seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.ledger import open_ledger
from bench import run
from bench.synthetic import Generator, Shape, SyntheticClock
from projections import queries

pytestmark = pytest.mark.e2e


def test_a_tiny_benchmark_run_writes_its_table_as_json_and_markdown(tmp_path: Path) -> None:
    assert run.main(["--sizes", "300", "--backends", "sqlite", "--out", str(tmp_path)]) == 0

    report = json.loads((tmp_path / "latest.json").read_text())
    (result,) = report["results"]
    assert (result["backend"], result["size"]) == ("sqlite", 300)
    assert result["http report"]["errors"] == 0
    assert result["events"] > result["commands"] > 0  # some commands record two events
    assert set(result) >= {
        "command_events_per_s",
        "raw_insert_1_per_s",
        "rebuild_events_per_s",
        "rebuild_peak_rss_mib",
        "query report as of old report",
        "naive replay as of old report",
    }
    assert (tmp_path / "latest.md").read_text().startswith("# Benchmark ")


def _history(directory: Path) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
    ledger = open_ledger(f"sqlite:///{directory}/x.db", clock=SyntheticClock())
    try:
        Generator(ledger.app, Shape(years=2, lines=10)).run()
        ledger.runner.catch_up()
        with ledger.engine.connect() as conn:
            log = queries.audit_log(conn, limit=10_000)
            basis = queries.resolve_basis(conn, None, ledger.runner.position())
            budget = queries.budget_lines(conn, basis)
    finally:
        ledger.close()
    return [(e["event_type"], e["aggregate_id"], e["version"]) for e in log], budget


def test_the_same_seed_records_the_same_history(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    first, second = _history(tmp_path / "a"), _history(tmp_path / "b")

    assert first == second
    events, budget = first
    assert len(events) == 373
    assert len(budget) == 20  # ten lines in each of two years

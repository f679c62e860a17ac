"""The benchmark's summary (bench/run.py): each query's p50 / p99 by size side by side with
its growth, and every goal of issue 14 with its verdict; and the varied bases the queries
are measured on, the same for the same seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.ledger import open_ledger
from bench import queries, tables
from bench.synthetic import Generator, Shape, SyntheticClock

pytestmark = pytest.mark.e2e


def _figures(scale: float, *, http: bool) -> dict[str, Any]:
    """Fake figures: every query's p50 `scale` times 1, 2, 3... ms and its p99 twice that."""
    figures: dict[str, Any] = {
        "events": round(10_000 * scale),
        "batch_vs_raw_100": 0.25,
        "command_vs_raw_1": 0.5,
        "rebuild_vs_raw": 0.4,
        "bytes_per_event": 2_598,
    }
    step = 0
    for query in tables.MEASURED_QUERIES:
        for basis in queries.BASES:
            step += 1
            p50 = round(step * scale, 2)
            figures[f"query {query} as of {basis}"] = {"p50_ms": p50, "p99_ms": p50 * 2}
    if http:
        figures["http report"] = {
            "clients": 8,
            "requests_per_s": 520,
            "p50_ms": 10.0,
            "p99_ms": 60.5,
            "errors": 0,
        }
    return figures


def test_the_summary_puts_each_querys_sizes_side_by_side_with_its_growth() -> None:
    results = [
        tables.Result("sqlite", 10_000, _figures(1, http=True)),
        tables.Result("postgres", 10_000, _figures(0.5, http=False)),
        tables.Result("sqlite", 100_000, _figures(1.5, http=True)),
    ]

    assert tables.latency_table(results) == "\n".join(
        [
            "| query as of basis (p50 / p99 ms) | sqlite 10,000 | sqlite 100,000 "
            "| sqlite growth | postgres 10,000 |",
            "|---|---|---|---|---|",
            "| budget overview as of now | 1 / 2 | 1.5 / 3 | 1.5x | 0.5 / 1 |",
            "| budget overview as of old report | 2 / 4 | 3 / 6 | 1.5x | 1 / 2 |",
            "| budget overview as of a moment | 3 / 6 | 4.5 / 9 | 1.5x | 1.5 / 3 |",
            "| lineage as of now | 4 / 8 | 6 / 12 | 1.5x | 2 / 4 |",
            "| lineage as of old report | 5 / 10 | 7.5 / 15 | 1.5x | 2.5 / 5 |",
            "| lineage as of a moment | 6 / 12 | 9 / 18 | 1.5x | 3 / 6 |",
            "| lineage of a fund and interventie as of now | 7 / 14 | 10.5 / 21 |  | 3.5 / 7 |",
            "| lineage of a fund and interventie as of old report | 8 / 16 | 12 / 24 |  | 4 / 8 |",
            "| lineage of a fund and interventie as of a moment | 9 / 18 | 13.5 / 27 |  "
            "| 4.5 / 9 |",
            "| report as of now | 10 / 20 | 15 / 30 | 1.5x | 5 / 10 |",
            "| report as of old report | 11 / 22 | 16.5 / 33 | 1.5x | 5.5 / 11 |",
            "| report as of a moment | 12 / 24 | 18 / 36 | 1.5x | 6 / 12 |",
        ]
    )


def test_the_summary_judges_every_goal_of_the_issue() -> None:
    results = [
        tables.Result("sqlite", 10_000, _figures(1, http=True)),
        tables.Result("sqlite", 100_000, _figures(3, http=True)),
    ]
    cli = {"begroting --help s": 0.25, "begroting report interventieplan-fase-4 s": 2.0}

    assert tables.goals_table(results, cli) == "\n".join(
        [
            "| goal (issue 14) | target | sqlite 10,000 | sqlite 100,000 |",
            "|---|---|---|---|",
            "| budget overview p99 ms, worst basis | <= 10 | 6: met | 18: missed by 80.0% |",
            "| lineage of one figure p99 ms, worst basis | <= 20 | 12: met | 36: missed by 80.0% |",
            "| report p99 ms, worst basis | <= 50 | 24: met | 72: missed by 44.0% |",
            "| growth of a query's p50, smallest to largest size, worst | <= 2x |  "
            "| 3: missed by 50.0% (budget overview as of now, from 10,000) |",
            "| HTTP report, 8 clients: req/s, p99 ms, errors | >= 500, <= 50, 0 "
            "| 520, 60.5, 0: p99_ms missed by 21.0% | 520, 60.5, 0: p99_ms missed by 21.0% |",
            "| batched commands / raw batch insert | >= 0.5 | 0.25: missed by 50.0% "
            "| 0.25: missed by 50.0% |",
            "| one command per txn / raw single insert | >= 0.5 | 0.5: met | 0.5: met |",
            "| rebuild / raw read and decode | >= 0.5 | 0.4: missed by 20.0% "
            "| 0.4: missed by 20.0% |",
            "| stored bytes per event | <= 2,000 | 2598: missed by 29.9% | 2598: missed by 29.9% |",
            "| `begroting --help`, s | <= 0.3 | 0.25: met (whole process, demo on SQLite, "
            "median of 5) | |",
            "| `begroting report interventieplan-fase-4`, s | <= 1 | 2: missed by 100.0% "
            "(whole process, demo on SQLite, median of 5) | |",
        ]
    )


def test_the_growth_and_its_target_are_figures_of_the_largest_size() -> None:
    least, most = (
        tables.Result("sqlite", 10_000, _figures(1, http=False)),
        tables.Result("sqlite", 100_000, _figures(2.5, http=False)),
    )

    tables.growth([least, most])

    assert "growth lineage as of now p50, from 10,000 events" not in least.figures
    assert most.figures["growth lineage as of now p50, from 10,000 events"] == 2.5
    assert most.figures["target growth report as of a moment"] == (
        "2.5 (goal <= 2): missed by 25.0%"
    )


def test_each_repeat_asks_as_of_a_basis_of_its_own_the_same_for_the_same_seed(
    tmp_path: Path,
) -> None:
    ledger = open_ledger(f"sqlite:///{tmp_path}/x.db", clock=SyntheticClock())
    try:
        Generator(ledger.app, Shape(years=2, lines=10)).run()
        ledger.runner.catch_up()
        end = ledger.runner.position()
        with ledger.engine.connect() as conn:
            first, again = queries.probes(conn, end, 30), queries.probes(conn, end, 30)
            other = queries.probes(conn, end, 30, seed=15)
            reports = sorted(conn.exec_driver_sql("SELECT report_id FROM reports").scalars())
    finally:
        ledger.close()

    assert first == again
    assert other != first
    now, old, moment = first["now"], first["old report"], first["a moment"]
    assert {p.basis.position for p in now} == {end}
    assert {p.as_of for p in now} == {"now"}
    # Each report on its own basis (never the kept-report cache), every one before any again.
    assert len(reports) == 8
    assert sorted(p.report for p in old[:8]) == reports
    assert {p.as_of for p in old} == {None}
    assert all(p.basis.as_of == f"report:{p.report}" for p in old)
    # Thirty distinct days, across both years of the history.
    days = [p.as_of or "" for p in moment]
    assert len(set(days)) == 30
    assert {day[:4] for day in days} == {"2019", "2020"}
    assert [p.basis.as_of[:10] for p in moment] == days
    # The subjects vary with the bases: each of the 20 figures (ten lines, two years) once
    # before any again, and the years.
    assert len({p.figure for p in moment[:20]}) == 20
    assert {p.year for p in moment} == {2019, 2020}

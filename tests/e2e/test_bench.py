"""The benchmark suite keeps working: a tiny run end to end (no timing is asserted), and
the synthetic history is the same for the same seed."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import psycopg
import pytest

from api.ledger import open_ledger
from bench import ledgers, pages, run
from bench.synthetic import Generator, Shape, SyntheticClock
from domain.fiscal_year import FiscalYear
from projections.queries import event_log, figures
from projections.queries.basis import resolve_basis
from support.demo import DEMO_LAST_POSITION
from support.ledgers import POSTGRES_URL, require_postgres

pytestmark = pytest.mark.e2e


def test_a_tiny_benchmark_run_writes_its_table_as_json_and_markdown(tmp_path: Path) -> None:
    assert run.main(["--sizes", "300", "--backends", "sqlite", "--out", str(tmp_path)]) == 0

    report = json.loads((tmp_path / "latest.json").read_text())
    (result,) = report["results"]
    assert (result["backend"], result["size"]) == ("sqlite", 300)
    assert result["http report"]["errors"] == 0
    assert result["batched_commands"].endswith(" events in batches of 100")
    assert result["commands"].endswith(" events one per transaction (the last year)")
    assert set(result) >= {
        "batch_events_per_s",
        "batch_vs_raw_100",
        "command_events_per_s",
        "command_vs_raw_1",
        "raw_insert_1_per_s",
        "rebuild_events_per_s",
        "rebuild_peak_rss_mib",
        "query report as of old report",
        "naive replay as of old report",
        "target rebuild / raw decode",
        "target report as of a moment p99 ms",
        "query lineage of a fund and interventie as of now",
        "target bytes per event",
        "bytes_per_event_recorded",
        "target http report requests_per_s",
        "slowest report as of old report",
        "pauses during the queries",
    }
    assert set(result["slowest report as of old report"]) == {"ms", "gc_ms", "gc_generations"}
    assert set(report["cli_start_s"]) == {
        "begroting --help s",
        "begroting report interventieplan-fase-4 s",
    }
    markdown = (tmp_path / "latest.md").read_text()
    assert markdown.startswith("# Benchmark ")
    assert "\n| query as of basis (p50 / p99 ms) | sqlite 300 |\n" in markdown
    assert "\n| `begroting --help`, s | <= 0.3 | " in markdown
    assert "\n## Page timings\n" in markdown
    assert "| `/rapporten/interventieplan-fase-4?peildatum=2019Q4` | " in markdown


def test_a_tiny_run_of_many_ledgers_serves_each_and_reopens_what_its_cap_closed(
    tmp_path: Path,
) -> None:
    require_postgres()
    before = _ledger_databases()
    args = ["--sizes", "--ledgers", "3", "--ledger-events", "50", "--ledger-cap", "2"]
    assert run.main([*args, "--out", str(tmp_path)]) == 0

    assert not (tmp_path / "latest.json").exists()  # no size: the ledgers alone
    report = json.loads((tmp_path / "ledgers.json").read_text())
    figures = report["ledgers"]
    assert figures["ledgers"] == 3
    assert figures["max open ledgers (the setting)"] == 2
    # The smallest shape (two years, eight lines): 305 to 373 events, by the seed.
    assert 300 <= figures["events per ledger, least"] <= figures["events, all ledgers"] / 3
    for label in ("first ledger GM0001", "last ledger GM0003"):
        assert figures[f"{label}: report, warm"]["requests"] == ledgers.REPEATS
        assert figures[f"{label}: report, warm"]["errors"] == 0
        assert figures[f"{label}: report, cold (opens it), ms"] > 0
    one, eight = (figures[f"sweep of every ledger, {n}"] for n in ("1 client", "8 clients"))
    # GM0001 and GM0003 open, the cap 2: GM0002 opens and GM0003 (least recently used)
    # closes, then GM0003 reopens and GM0001 closes.
    assert (one["requests"], one["errors"], one["ledgers opened"], one["closed"]) == (3, 0, 2, 2)
    assert (eight["requests"], eight["errors"]) == (3, 0)
    assert eight["ledgers opened"] == eight["closed"] >= 1
    assert figures["server peak RSS (VmHWM), MiB"] >= figures["server RSS at start, MiB"] > 0
    assert figures["server's PostgreSQL connections, most"] > 0
    assert _ledger_databases() <= before  # its database is gone
    markdown = (tmp_path / "ledgers.md").read_text()
    assert markdown.startswith("# Many ledgers ")
    assert "| sweep of every ledger, 1 client | requests 3, " in markdown


def _ledger_databases() -> set[str]:
    with psycopg.connect(POSTGRES_URL) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_ledgers_%'")
        return {row[0] for row in rows}


def test_the_page_timings_cover_every_workspace_page_in_a_ledger_of_the_size(
    tmp_path: Path,
) -> None:
    args = [
        "--sizes",
        "300",
        "--backends",
        "sqlite",
        "--no-http",
        "--no-cli",
        "--page-repeats",
        "3",
    ]
    assert run.main([*args, "--out", str(tmp_path)]) == 0

    (result,) = json.loads((tmp_path / "latest.json").read_text())["results"]
    timed = {name: value for name, value in result.items() if name.startswith("page ")}
    reports = [
        f"page /rapporten/{name}"
        for name in ("interventieplan-fase-4", "voortgangsrapportage-2019-q4")
    ]
    synthetic = [
        f"page /rapporten/synthetisch-voortgang-{year}-q{quarter}"
        for year in (2019, 2020)
        for quarter in (1, 2, 3, 4)
    ]
    assert list(timed)[: 1 + len(reports) + len(synthetic)] == [
        "page /rapporten",
        *reports,
        *synthetic,
    ]
    cell = (
        "page /figuur/cel?rapport=voortgangsrapportage-2019-q4&tabel=figuur-1&rij=2"
        "&kolom=beschikbaar-2020"
    )
    for name in ["page /rapporten", *reports, *synthetic, cell]:
        assert timed[name]["status"] == "200", name
        assert timed[name]["requests"] == 3
        assert 0 < timed[name]["p50_ms"] <= timed[name]["p95_ms"], name
    assert timed["page /rapporten/interventieplan-fase-4?peildatum=2019Q4"]["status"] == "200"
    for area in pages.LATER_PAGES:  # every area of the workspace is served and timed
        assert timed[f"page {area}"]["status"] == "200", area
    # The demo's events, and the smallest synthetic municipality (two years, eight lines).
    assert result["pages events"] == DEMO_LAST_POSITION + 367
    assert result["pages section s"] > 0
    assert result["events"] == 373  # the history of the other sections is its own


def test_a_run_without_page_timings_says_so(tmp_path: Path) -> None:
    args = ["--sizes", "300", "--backends", "sqlite", "--no-http", "--no-cli", "--no-pages"]
    assert run.main([*args, "--out", str(tmp_path)]) == 0

    (result,) = json.loads((tmp_path / "latest.json").read_text())["results"]
    assert [name for name in result if name.startswith("page")] == []
    markdown = (tmp_path / "latest.md").read_text()
    assert "## Page timings\n\n" in markdown
    assert "\nNo page timings in this run (--no-pages).\n" in markdown


def test_kept_histories_are_measured_again_without_recording_them_anew(tmp_path: Path) -> None:
    kept = [
        "--sizes",
        "300",
        "400",
        "--backends",
        "sqlite",
        "--no-http",
        "--no-cli",
        "--keep",
        str(tmp_path),
    ]
    kept += ["--page-repeats", "1"]
    assert run.main([*kept, "--out", str(tmp_path / "first")]) == 0

    assert run.main([*kept, "--out", str(tmp_path / "second")]) == 0

    first, second = (
        json.loads((tmp_path / name / "latest.json").read_text())["results"]
        for name in ("first", "second")
    )
    assert [r["size"] for r in second] == [300, 400]
    for recorded, measured in zip(first, second, strict=True):
        assert "recorded" not in recorded
        assert measured["recorded"] == "by an earlier run (--keep)"
        for name in ("events", "batch_events_per_s", "raw_insert_1_per_s", "command_vs_raw_1"):
            assert measured[name] == recorded[name], name  # a ratio never mixes two runs
        assert measured["rebuild_events_per_s"] > 0  # measured again
        assert measured["pages events"] == recorded["pages events"]  # the pages' ledger too
        assert measured["page /rapporten"]["requests"] == 1


def _history(
    directory: Path, *, batch: int = 0, municipality: str = ""
) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
    """The log (event type, aggregate, version) and the budget lines of a small history,
    recorded one command per transaction, or `batch` commands per batch."""
    ledger = open_ledger(f"sqlite:///{directory}/x.db", clock=SyntheticClock())
    try:
        generator = Generator(ledger.app, Shape(years=2, lines=10), municipality=municipality)
        if batch:
            steps = generator.commands()
            while True:
                with ledger.app.batch() as recorded:
                    for _ in islice(steps, batch):
                        pass
                if not recorded.commands:
                    break
        else:
            generator.run()
        ledger.runner.catch_up()
        with ledger.engine.connect() as conn:
            log = event_log.audit_log(conn, limit=10_000)
            basis = resolve_basis(conn, None, ledger.runner.position())
            budget = figures.budget_lines(conn, basis)
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


def test_a_history_recorded_in_batches_is_the_history_recorded_command_by_command(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    one_by_one, batched = _history(tmp_path / "a"), _history(tmp_path / "b", batch=7)

    assert batched == one_by_one


def test_each_municipality_has_its_own_history_and_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    (events, budget), (other_events, other_budget) = (
        _history(tmp_path / "a", municipality="nijmegen"),
        _history(tmp_path / "b", municipality="arnhem"),
    )

    assert (len(events), len(other_events)) == (365, 367)  # seeds of their own
    shared = {e[1] for e in events} & {e[1] for e in other_events}
    assert shared == {str(FiscalYear.id_for(2019)), str(FiscalYear.id_for(2020))}  # the ledger's
    assert {line["deelproduct"][:9] for line in budget} == {"nijmegen-"}
    assert {line["fund"] for line in other_budget} == {
        None,
        "arnhem-transformatiebudget",
        "arnhem-wijkbudget",
    }
    assert [line["amount"] for line in budget] != [line["amount"] for line in other_budget]

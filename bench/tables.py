"""The benchmark's summary (bench/run.py): each query's p50 / p99 by size side by side with
its growth, every goal of issue 14 with its verdict, and the figures across backends and
sizes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import pages
from bench.queries import BASES


@dataclass
class Result:
    backend: str
    size: int
    figures: dict[str, Any] = field(default_factory=dict)


QUERIES = ("budget overview", "lineage", "report")
# The goals (issue 14) for the p99 of each query as of any basis, in ms.
QUERY_GOALS = {"budget overview": 10, "lineage": 20, "report": 50}
GROWTH_GOAL = 2  # each query's p50 from the smallest size to the largest
HTTP_GOALS = {"requests_per_s": 500, "p99_ms": 50, "errors": 0}
BYTES_GOAL = 2_000
CLI_GOALS = {"begroting --help": 0.3, "begroting report interventieplan-fase-4": 1.0}


def verdict(value: float, goal: float, higher_is_better: bool) -> str:
    """Met, or missed by how much (of the goal; by the value itself for a goal of 0)."""
    if value >= goal if higher_is_better else value <= goal:
        return "met"
    return f"missed by {abs(value - goal) / goal:.1%}" if goal else f"missed by {value:g}"


def growth_factors(results: list[Result]) -> dict[str, tuple[Result, Result, dict[str, float]]]:
    """Per backend of more than one size: its smallest and largest result and, for each
    query as of each basis, the p50 at the largest size over the p50 at the smallest."""
    found: dict[str, tuple[Result, Result, dict[str, float]]] = {}
    for backend in dict.fromkeys(r.backend for r in results):
        sized = sorted((r for r in results if r.backend == backend), key=lambda r: r.size)
        if len(sized) < 2:
            continue
        least, most = sized[0].figures, sized[-1].figures
        factors = {
            f"{query} as of {basis}": round(
                most[f"query {query} as of {basis}"]["p50_ms"]
                / max(least[f"query {query} as of {basis}"]["p50_ms"], 0.01),
                2,
            )
            for query in QUERIES
            for basis in BASES
        }
        found[backend] = (sized[0], sized[-1], factors)
    return found


def growth(results: list[Result]) -> None:
    """The growth of each query's p50 from the smallest size to the largest, with its target,
    in the largest result's figures (`growth ...`, `target growth ...`)."""
    for least, most, factors in growth_factors(results).values():
        for name, factor in factors.items():
            most.figures[f"growth {name} p50, from {least.size:,} events"] = factor
            most.figures[f"target growth {name}"] = (
                f"{factor:g} (goal <= {GROWTH_GOAL:g}): {verdict(factor, GROWTH_GOAL, False)}"
            )


MEASURED_QUERIES = ("budget overview", "lineage", "lineage of a fund and interventie", "report")


def latency_table(results: list[Result]) -> str:
    """Each query as of each basis kind, p50 / p99 ms, the sizes of a backend side by side
    and the growth of the p50 from its smallest size to its largest."""
    growths = growth_factors(results)
    columns: list[tuple[str, Callable[[str, str], str]]] = []
    for backend in dict.fromkeys(r.backend for r in results):
        for r in sorted((r for r in results if r.backend == backend), key=lambda r: r.size):

            def cell(query: str, basis: str, f: dict[str, Any] = r.figures) -> str:
                found = f.get(f"query {query} as of {basis}")
                return "" if found is None else "{p50_ms:g} / {p99_ms:g}".format(**found)

            columns.append((f"{backend} {r.size:,}", cell))
        if backend in growths:

            def grew(
                query: str, basis: str, factors: dict[str, float] = growths[backend][2]
            ) -> str:
                factor = factors.get(f"{query} as of {basis}")
                return "" if factor is None else f"{factor:g}x"

            columns.append((f"{backend} growth", grew))
    lines = [
        "| query as of basis (p50 / p99 ms) | " + " | ".join(n for n, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for query in MEASURED_QUERIES:
        for basis in BASES:
            cells = [cell(query, basis) for _, cell in columns]
            if any(cells):
                lines.append(f"| {query} as of {basis} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals_table(results: list[Result], cli: dict[str, float] | None = None) -> str:
    """Every goal of issue 14 with what each backend and size measured: met, or missed by
    how much. The growth is a backend's (in its largest size's column); the CLI's is the
    whole process on the demo (SQLite), once per run."""
    growths = growth_factors(results)

    def judged(value: float, goal: float, higher_is_better: bool = False) -> str:
        return f"{value:g}: {verdict(value, goal, higher_is_better)}"

    def worst(query: str) -> Callable[[Result], str]:
        return lambda r: judged(
            max(r.figures[f"query {query} as of {b}"]["p99_ms"] for b in BASES),
            QUERY_GOALS[query],
        )

    def grew(r: Result) -> str:
        least, most, factors = growths.get(r.backend, (r, None, {}))
        if most is not r or not factors:
            return ""
        name, factor = max(factors.items(), key=lambda item: item[1])
        return f"{judged(factor, GROWTH_GOAL)} ({name}, from {least.size:,})"

    def served(r: Result) -> str:
        http = r.figures.get("http report")
        if http is None:
            return ""
        missed = [
            f"{name} {verdict(http[name], goal, name == 'requests_per_s')}"
            for name, goal in HTTP_GOALS.items()
            if verdict(http[name], goal, name == "requests_per_s") != "met"
        ]
        figures = "{requests_per_s}, {p99_ms:g}, {errors}".format(**http)
        return f"{figures}: " + ("; ".join(missed) if missed else "met")

    def ratio(key: str) -> Callable[[Result], str]:
        return lambda r: judged(r.figures[key], 0.5, True)

    rows: list[tuple[str, str, Callable[[Result], str]]] = [
        ("budget overview p99 ms, worst basis", "<= 10", worst("budget overview")),
        ("lineage of one figure p99 ms, worst basis", "<= 20", worst("lineage")),
        ("report p99 ms, worst basis", "<= 50", worst("report")),
        ("growth of a query's p50, smallest to largest size, worst", "<= 2x", grew),
        ("HTTP report, 8 clients: req/s, p99 ms, errors", ">= 500, <= 50, 0", served),
        ("batched commands / raw batch insert", ">= 0.5", ratio("batch_vs_raw_100")),
        ("one command per txn / raw single insert", ">= 0.5", ratio("command_vs_raw_1")),
        ("rebuild / raw read and decode", ">= 0.5", ratio("rebuild_vs_raw")),
        (
            "stored bytes per event",
            "<= 2,000",
            lambda r: judged(r.figures["bytes_per_event"], BYTES_GOAL),
        ),
    ]
    lines = [
        "| goal (issue 14) | target | "
        + " | ".join(f"{r.backend} {r.size:,}" for r in results)
        + " |",
        "|---|---|" + "---|" * len(results),
    ]
    for name, goal, cell in rows:
        lines.append(f"| {name} | {goal} | " + " | ".join(cell(r) for r in results) + " |")
    for name, seconds in (cli or {}).items():
        command = name.removesuffix(" s")
        limit = CLI_GOALS[command]
        shown = f"{judged(seconds, limit)} (whole process, demo on SQLite, median of 5)"
        lines.append(f"| `{command}`, s | <= {limit:g} | {shown} |" + " |" * (len(results) - 1))
    return "\n".join(lines)


def summary(
    results: list[Result], demo: dict[str, float], cli: dict[str, float] | None = None
) -> str:
    """The queries side by side by size with their growth, every goal of issue 14 with its
    verdict, then one table of the figures the targets are about."""
    return (
        f"{latency_table(results)}\n\n{goals_table(results, cli)}\n\n"
        f"{measures_table(results, demo)}"
    )


def measures_table(results: list[Result], demo: dict[str, float]) -> str:
    """One table for all backends and sizes: the figures the targets are about."""

    def worst_p99(f: dict[str, Any], query: str) -> str:
        return f"{max(f[f'query {query} as of {b}']['p99_ms'] for b in BASES):g}"

    def speed_up(f: dict[str, Any]) -> str:
        return (
            f"{min(float(f[f'target speed-up over naive as of {b}'].split()[0]) for b in BASES):g}x"
        )

    def slowest_page(f: dict[str, Any]) -> str:
        timed = [(v["p95_ms"], path) for path, v in pages.page_rows(f) if isinstance(v, dict)]
        if not timed:
            return ""
        p95, path = max(timed)
        return f"{p95:g} ({path})"

    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("events", lambda f: f"{f['events']:,}"),
        (
            "batched commands, events/s (ratio to raw, 100 per txn)",
            lambda f: f"{f['batch_events_per_s']:,} ({f['batch_vs_raw_100']:g})",
        ),
        (
            "one command per txn, events/s (ratio to raw, 1 per txn)",
            lambda f: f"{f['command_events_per_s']:,} ({f['command_vs_raw_1']:g})",
        ),
        (
            "command latency p50 / p99 ms",
            lambda f: "{p50_ms:g} / {p99_ms:g}".format(**f["command_latency"]),
        ),
        ("catch-up, events/s", lambda f: f"{f['catch_up_events_per_s']:,}"),
        (
            "rebuild, events/s (ratio to raw read and decode)",
            lambda f: f"{f['rebuild_events_per_s']:,} ({f['rebuild_vs_raw']:g})",
        ),
        ("rebuild peak RSS, MiB", lambda f: f"{f['rebuild_peak_rss_mib']:g}"),
        ("budget overview p99 ms (worst basis)", lambda f: worst_p99(f, "budget overview")),
        ("lineage p99 ms (worst basis)", lambda f: worst_p99(f, "lineage")),
        ("report p99 ms (worst basis)", lambda f: worst_p99(f, "report")),
        ("speed-up over naive replay (least)", speed_up),
        ("bytes per event", lambda f: f"{f['bytes_per_event']:,}"),
        (
            "bytes per event as recorded, before the rebuilds",
            lambda f: (
                f"{f['bytes_per_event_recorded']:,}" if "bytes_per_event_recorded" in f else ""
            ),
        ),
        ("slowest page p95 ms (bench/pages.py)", slowest_page),
        (
            "HTTP report, 8 clients: req/s, p99 ms, errors",
            lambda f: (
                "{requests_per_s}, {p99_ms:g}, {errors}".format(**f["http report"])
                if "http report" in f
                else ""
            ),
        ),
    ]
    header = [f"{r.backend} {r.size:,}" for r in results]
    lines = [
        "| measure | " + " | ".join(header) + " |",
        "|---|" + "---|" * len(results),
    ]
    for name, cell in rows:
        lines.append(f"| {name} | " + " | ".join(cell(r.figures) for r in results) + " |")
    loads = ", ".join(f"{backend} {seconds:g} s" for backend, seconds in demo.items())
    lines.append(f"| demo load | {loads} |" + " |" * (len(results) - 1))
    return "\n".join(lines)

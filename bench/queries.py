"""The query measures' probes (bench/run.py): for each basis kind, the repeats' bases and
subjects, varied and seeded (issue 14), and the queries asked of each."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection, text

from projections.queries import lineage, reports
from projections.queries.basis import Basis, resolve_basis
from projections.queries.figures import budget_rollup

BASES = ("now", "old report", "a moment")
QUERY_NOTE = (
    "Queries (since issue 14): each of the 30 repeats asks as of a basis of its own, seeded "
    "(QUERY_SEED): 'now' the current position with a varied year, figure and report; 'old "
    "report' each report in turn as of its own basis, rendered by render_report, never the "
    "kept-report cache of the server (a cache hit is not a query); 'a moment' thirty distinct "
    "days across the history's years. 'lineage' is now the lineage of one figure (fiscal "
    "year, programma, taakveld, fund, interventie, as /lineage/budget names it: at most a few "
    "dozen events behind it, 'lineage events behind one figure ... most'); before issue 14 it "
    "was a (fiscal year, fund, interventie) aggregate, now 'lineage of a fund and "
    "interventie'. Earlier runs measured one fixed basis 30 times: their figures are not "
    "comparable row for row."
)
QUERY_SEED = 14  # the probes' bases and subjects (`probes`): the same every run


@dataclass(frozen=True)
class Probe:
    """One repeat of the query measures: a basis of its kind and what is asked as of it, a
    fiscal year (the overview), one figure's key (its lineage: fiscal year, programma,
    taakveld, fund, interventie, as the API's /lineage/budget names it), a (fiscal year, fund,
    interventie) aggregate, and a report rendered as of the basis (`as_of` None: its own)."""

    basis: Basis
    as_of: str | None
    report: str
    year: int
    figure: tuple[int, str, str, str | None, int | None]
    aggregate: tuple[int, str, int | None]


def _cycled(rng: random.Random, items: list[Any], count: int) -> list[Any]:
    """`count` picks, every item once before any comes again, in a seeded order."""
    picked: list[Any] = []
    while len(picked) < count:
        picked += rng.sample(items, len(items))
    return picked[:count]


def probes(
    conn: Connection, end: int, repeats: int, seed: int = QUERY_SEED
) -> dict[str, list[Probe]]:
    """For each basis kind, `repeats` probes on varied bases, the same for the same seed and
    history: "now" the current position; "old report" each report on its own basis (every
    report once before one comes again); "a moment" distinct days across the history's
    years. The subjects (year, figure, aggregate, report) vary with them."""
    rng = random.Random(seed)
    reports = list(conn.execute(text("SELECT report_id FROM reports ORDER BY position")).scalars())
    figures = [
        tuple(row)
        for row in conn.execute(
            text(
                "SELECT DISTINCT fiscal_year, programma, taakveld, fund, interventie "
                "FROM budget_lines ORDER BY fiscal_year, programma, taakveld, fund, interventie"
            )
        )
    ]
    aggregates = [
        tuple(row)
        for row in conn.execute(
            text(
                "SELECT DISTINCT fiscal_year, fund, interventie FROM budget_lines "
                "WHERE fund IS NOT NULL ORDER BY fiscal_year, fund, interventie"
            )
        )
    ]
    years = sorted({figure[0] for figure in figures})
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    days = rng.sample(range((last - first).days + 1), repeats)  # distinct days
    moments = [(first + timedelta(days=day)).isoformat() for day in days]
    found: dict[str, list[Probe]] = {}
    for label in BASES:
        asked: list[tuple[Basis, str | None, str]] = []
        if label == "now":
            now = resolve_basis(conn, None, end)
            asked = [(now, "now", report) for report in _cycled(rng, reports, repeats)]
        elif label == "old report":
            asked = [
                (resolve_basis(conn, report, end), None, report)
                for report in _cycled(rng, reports, repeats)
            ]
        else:
            asked = [
                (resolve_basis(conn, moment, end), moment, report)
                for moment, report in zip(moments, _cycled(rng, reports, repeats), strict=True)
            ]
        found[label] = [
            Probe(basis, as_of, report, year, figure, aggregate)
            for (basis, as_of, report), year, figure, aggregate in zip(
                asked,
                _cycled(rng, years, repeats),
                _cycled(rng, figures, repeats),
                _cycled(rng, aggregates, repeats),
                strict=True,
            )
        ]
    return found


def query_cases(conn: Connection, probe: Probe, end: int) -> dict[str, Callable[[], Any]]:
    """The measured queries of one probe, by the name of their figure. The report goes
    through `reports.render_report`, never the served kept-report cache (OwnBasisReports):
    a cache hit is not a query."""
    year, programma, taakveld, fund, interventie = probe.figure
    aggregate_year, aggregate_fund, aggregate_interventie = probe.aggregate
    return {
        "budget overview": partial(
            budget_rollup, conn, probe.basis, "programma", fiscal_year=probe.year
        ),
        "lineage": partial(
            lineage.budget_lineage,
            conn,
            probe.basis,
            fiscal_year=year,
            programma=programma,
            taakveld=taakveld,
            fund=fund,
            interventie=interventie,
        ),
        "lineage of a fund and interventie": partial(
            lineage.budget_lineage,
            conn,
            probe.basis,
            fiscal_year=aggregate_year,
            fund=aggregate_fund,
            interventie=aggregate_interventie,
        ),
        "report": partial(reports.render_report, conn, probe.report, probe.as_of, end),
    }

"""Rapporten and Figuurhistorie (ADR 0022): each published report rendered as published,
as of any Peildatum, every figure a link to its history; a figure's history as a step line
(as known at each published report and as known now) and the events behind it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api.problems import Problem
from api.web.charts import Mark, step_chart
from api.web.formatting import datum
from api.web.workspace import ReaderDep, basis_or, basis_text, page, peildatum_fout, reading_now
from projections.queries import authority, lineage, reports
from projections.queries.basis import (
    Basis,
    BasisError,
    report_basis,
)
from projections.queries.cells import CellError, report_specs
from projections.queries.lineage import LineageRow
from projections.queries.reports import ReportRow

router = APIRouter(include_in_schema=False)

ReportId = Annotated[str, Path(max_length=64)]
Text = Annotated[str | None, Query(max_length=200)]
UNITS = {"EUR_1000": "x € 1.000", "EUR_1000000": "x € 1 mln", "EUR": "€"}


def cell_link(report_id: str, table: str, row: str, column: str, as_of: str | None) -> str:
    query = {"rapport": report_id, "tabel": table, "rij": row, "kolom": column}
    if as_of:
        query["peildatum"] = as_of
    return "/figuur/cel?" + urlencode(query)


@router.get("/rapporten", response_class=HTMLResponse)
def report_list(request: Request, viewer: ReaderDep) -> HTMLResponse:
    with reading_now(viewer) as (conn, _):
        found = reports.list_reports(conn)
    return page(request, "rapporten.html", viewer, {"title": "Rapporten", "reports": found})


@router.get("/rapporten/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, viewer: ReaderDep, report_id: ReportId, peildatum: Text = None
) -> HTMLResponse:
    """The report as published (its own basis), or as of the Peildatum in the URL."""
    as_of = (peildatum or "").strip() or None
    error = None
    with reading_now(viewer) as (conn, now):
        report_basis(conn, report_id)  # an unknown report is a 404 page
        listed = reports.list_reports(conn)
        try:
            document = reports.render_report(conn, report_id, as_of, now.position)
        except BasisError as failed:
            error = peildatum_fout(as_of or "", failed)
            document = reports.render_report(conn, report_id, None, now.position)
        # A section heading of a table (ADR 0025) is a row of the spec, not of the figures.
        headings = {
            spec["id"]: [row.get("measure") == "heading" for row in spec["rows"]]
            for spec in report_specs(conn, report_id)[1]
        }
    rows = {table["id"]: row_addresses(table["rows"]) for table in document["tables"]}
    context = {
        "title": document["title"],
        "document": document,
        "units": UNITS,
        "headings": headings,
        "rows": rows,
        "reports": listed,
        "keep": {},
        "peildatum_text": as_of or "",
        "peildatum_error": error,
        "basis_text": basis_text(document["basis"]["as_of"]),
        "link": lambda table, row, column: cell_link(
            report_id, table, row, column, as_of or report_id
        ),
    }
    return page(request, "rapport.html", viewer, context, 422 if error else 200)


def row_addresses(rows: Sequence[ReportRow]) -> list[str]:
    """How each row's figures link to their history: by the row's key (ADR 0025), else by
    its interventie where that names one row, else by its label."""
    counts = Counter(row["interventie"] for row in rows)
    return [
        row["key"]
        if "key" in row
        else str(row["interventie"])
        if row["interventie"] is not None and counts[row["interventie"]] == 1
        else row["label"]
        for row in rows
    ]


def history_rows(conn: Connection, rows: list[LineageRow]) -> list[dict[str, object]]:
    """The events behind a figure as the page shows them: each with its decision's title
    and, for a numbered begrotingswijziging, its number."""
    titles = authority.decision_titles(conn)
    numbers = authority.decision_numbers(conn)
    return [
        {
            **row,
            "decision_title": None
            if row["decision"] is None
            else titles.get(row["decision"]["reference"]),
            "decision_number": None
            if row["decision"] is None
            else numbers.get(row["decision"]["reference"]),
        }
        for row in rows
    ]


def _known_by(row: LineageRow, cutoff: datetime | None) -> bool:
    return cutoff is None or datetime.fromisoformat(row["known_at"]) <= cutoff


def value_at(rows: Sequence[LineageRow], basis: Basis) -> Decimal:
    """The figure as of `basis`, from its events as known now: the facts `basis.filter`
    admits (recorded by its position, known by its cutoff), without asking the read model
    again for every published report."""
    return sum(
        (
            Decimal(row["delta"])
            for row in rows
            if row["position"] <= basis.position and _known_by(row, basis.known_at)
        ),
        Decimal("0.00"),
    )


def steps_of(rows: list[LineageRow]) -> list[tuple[datetime, Decimal]]:
    """The figure after each moment something about it became known."""
    steps: dict[datetime, Decimal] = {}
    for row in sorted(rows, key=lambda row: (row["known_at"], row["position"])):
        steps[datetime.fromisoformat(row["known_at"])] = Decimal(row["running_total"])
    return sorted(steps.items())


@router.get("/figuur/cel", response_class=HTMLResponse)
def cell_history(
    request: Request,
    viewer: ReaderDep,
    rapport: Annotated[str, Query(max_length=64)],
    tabel: Annotated[str, Query(max_length=64)],
    rij: Annotated[str, Query(max_length=200)],
    kolom: Annotated[str, Query(max_length=64)],
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of one report cell: the events behind it as of the Peildatum (the
    report's own basis when none is given), and its step line as known at each published
    report and as known now."""
    as_of = (peildatum or "").strip() or rapport
    with reading_now(viewer) as (conn, now):
        own = report_basis(conn, rapport)
        listed = reports.list_reports(conn)
        basis, error = basis_or(conn, as_of, now.position, own)
        try:
            shown = lineage.cell_lineage(
                conn,
                rapport,
                basis,
                table=tabel,
                row=rij,
                column=kolom,
                grace=viewer.services.backdating_grace,
            )
        except CellError as failed:
            raise Problem(failed.status, "unknown-cell", str(failed)) from None
        known_now = lineage.cell_lineage(
            conn,
            rapport,
            now,
            table=tabel,
            row=rij,
            column=kolom,
            grace=viewer.services.backdating_grace,
        )
        marks = [
            Mark(
                datetime.fromisoformat(listed_report["published_at"]),
                value_at(known_now["rows"], report_basis(conn, listed_report["report"])),
                f"{listed_report['title']} ({datum(listed_report['published_at'])})",
            )
            for listed_report in listed
        ]
        rows = history_rows(conn, shown["rows"])
    cell = shown["cell"]
    label = f"{cell['row']} · {cell['column']}"
    steps = steps_of(known_now["rows"])
    # The line runs a little past the last thing known or published, not to today.
    end = max([at for at, _ in steps] + [mark.at for mark in marks]) + timedelta(days=120)
    chart = step_chart(f"{label}: verloop in de tijd", steps, marks, end)
    context = {
        "title": f"Figuurhistorie: {label}",
        "heading": label,
        "subject": f"{own.report_id} · {tabel}",
        "figure": shown,
        "rows": rows,
        "chart": chart,
        "marks": marks,
        "now_amount": known_now["amount"],
        "reports": listed,
        "keep": {"rapport": rapport, "tabel": tabel, "rij": rij, "kolom": kolom},
        "peildatum_text": as_of,
        "peildatum_error": error,
        "basis_text": basis_text(shown["basis"]["as_of"]),
        "back": f"/rapporten/{rapport}",
    }
    return page(request, "figuur.html", viewer, context, 422 if error else 200)

"""Figuurhistorie of a budget figure, a taakstelling and a realisation (ADR 0022), as
report_pages shows a report cell's: the events behind the figure as of the Peildatum, its step
line as known now, and a mark per published report with the figure as of that report's basis.
A figure is chosen by the filters the lineage API takes (api.routes.lineage_reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api.problems import Problem
from api.web.charts import Mark, step_chart
from api.web.formatting import datum
from api.web.report_pages import history_rows, steps_of, value_at
from api.web.workspace import (
    ReaderDep,
    Viewer,
    basis_or,
    basis_text,
    page,
    reading_now,
)
from domain.taakstelling import Taakstelling
from domain.taakvelden import taakveld_name
from domain.values import MAX_FISCAL_YEAR, MAX_INTERVENTIE, MIN_FISCAL_YEAR
from projections.queries import figures, lineage, reports
from projections.queries.basis import (
    Basis,
    report_basis,
)
from projections.queries.lineage import LineageRow

router = APIRouter(include_in_schema=False)

NeededYear = Annotated[int, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
Text = Annotated[str | None, Query(max_length=200)]
Interventie = Annotated[int | None, Query(ge=1, le=MAX_INTERVENTIE)]
Side = Annotated[str | None, Query(pattern="^(lasten|baten)$")]


def link(path: str, **query: object) -> str:
    """A page's URL with its query in the order given; empty values are left out."""
    kept = {name: str(value) for name, value in query.items() if value is not None and value != ""}
    return path + ("?" + urlencode(kept) if kept else "")


def taakveld_text(code: str | None, year: int) -> str:
    """`6.71 Maatwerkdienstverlening 18+`: a code with its name in that year's catalogue."""
    if not code:
        return "–"
    name = taakveld_name(code, year)
    return code if name is None else f"{code} {name}"


Lineage = Callable[[Connection, Basis, timedelta], Sequence[LineageRow]]


def _amount(rows: Sequence[LineageRow]) -> Decimal:
    return sum((row["delta"] for row in rows), Decimal("0.00"))


@dataclass(frozen=True)
class Figure:
    """Which figure a history page shows: how it is named, where it came from, its URL's
    filters (kept when the Peildatum changes) and its lineage on a basis."""

    heading: str
    subject: str
    back: str
    keep: dict[str, object]
    lineage_of: Lineage


def _history(
    request: Request, viewer: Viewer, figure: Figure, peildatum: str | None
) -> HTMLResponse:
    """A figure's events as of the Peildatum (now when none is given), its step line as
    known now and a mark per published report: the figure as of that report's basis."""
    text = (peildatum or "").strip()
    grace = viewer.services.backdating_grace
    with reading_now(viewer) as (conn, now):
        listed = reports.list_reports(conn)
        basis, error = basis_or(conn, text, now.position, now)
        known_now = list(figure.lineage_of(conn, now, grace))
        if not known_now:
            raise Problem(404, "not-found", f"{figure.heading}: het grootboek kent hier niets van")
        shown = known_now if basis == now else list(figure.lineage_of(conn, basis, grace))
        marks = [
            Mark(
                datetime.fromisoformat(report["published_at"]),
                value_at(known_now, report_basis(conn, report["report"])),
                f"{report['title']} ({datum(report['published_at'])})",
            )
            for report in listed
        ]
        rows = history_rows(conn, shown)
    steps = steps_of(known_now)
    # The line runs a little past the last thing known or published, not to today.
    end = max([at for at, _ in steps] + [mark.at for mark in marks]) + timedelta(days=120)
    context = {
        "title": f"Figuurhistorie: {figure.heading}",
        "heading": figure.heading,
        "subject": figure.subject,
        "figure": {"basis": basis.to_json(), "amount": _amount(shown), "published": None},
        "rows": rows,
        "chart": step_chart(f"{figure.heading}: verloop in de tijd", steps, marks, end),
        "marks": marks,
        "marks_caption": "De punten: het bedrag zoals het bekend was op elk gepubliceerd rapport.",
        "now_amount": _amount(known_now),
        "reports": listed,
        "keep": {name: value for name, value in figure.keep.items() if value is not None},
        "peildatum_text": text,
        "peildatum_error": error,
        "basis_text": basis_text(basis.as_of),
        "back": figure.back,
    }
    return page(request, "figuur.html", viewer, context, 422 if error else 200)


def _named(year: int, parts: Iterable[tuple[str, object]]) -> str:
    named = []
    for name, value in parts:
        if value is None:
            continue
        if name == "taakveld":
            named.append(f"taakveld {taakveld_text(str(value), year)}")
        elif name == "programma" or name == "kant":
            named.append(str(value))
        else:
            named.append(f"{name} {value}")
    return " · ".join(named)


@router.get("/figuur/begroting", response_class=HTMLResponse)
def budget_history(
    request: Request,
    viewer: ReaderDep,
    jaar: NeededYear,
    programma: Text = None,
    taakveld: Text = None,
    interventie: Interventie = None,
    fonds: Text = None,
    kant: Side = None,
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of a budget figure: a line or a group of lines of a year, chosen by
    the filters GET /api/v1/lineage/budget takes (and the side)."""
    filters: dict[str, object] = {
        "programma": programma,
        "taakveld": taakveld,
        "interventie": interventie,
        "fonds": fonds,
    }
    indeling = next((name for name, value in filters.items() if value is not None), "programma")
    name = _named(jaar, [*filters.items(), ("kant", kant)])
    figure = Figure(
        heading=f"Begroting {jaar}" + (f" · {name}" if name else ""),
        subject=f"Begroting {jaar}",
        back=link(
            "/begroting",
            jaar=jaar,
            indeling="fund" if indeling == "fonds" else indeling,
            peildatum=peildatum,
        ),
        keep={"jaar": jaar, **filters, "kant": kant},
        lineage_of=lambda conn, basis, grace: lineage.budget_lineage(
            conn,
            basis,
            fiscal_year=jaar,
            programma=programma,
            taakveld=taakveld,
            interventie=interventie,
            fund=fonds,
            side=kant,
            grace=grace,
        ),
    )
    return _history(request, viewer, figure, peildatum)


@router.get("/figuur/taakstelling", response_class=HTMLResponse)
def taakstelling_history(
    request: Request,
    viewer: ReaderDep,
    referentie: Annotated[str, Query(max_length=200)],
    jaar: NeededYear,
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of a taakstelling's amount in a year (GET
    /api/v1/lineage/taakstellingen/{reference})."""
    with reading_now(viewer) as (conn, now):
        if figures.version_of(conn, Taakstelling.id_for(referentie), now) is None:
            raise Problem(404, "not-found", f"taakstelling {referentie!r} bestaat niet")
        label = next(
            row["label"]
            for row in figures.taakstelling_amounts(conn, now)
            if row["reference"] == referentie
        )
    figure = Figure(
        heading=f"{label} · {jaar}",
        subject=f"Taakstellingen {jaar}",
        back=link("/begroting/taakstellingen", jaar=jaar, peildatum=peildatum),
        keep={"referentie": referentie, "jaar": jaar},
        lineage_of=lambda conn, basis, grace: lineage.taakstelling_lineage(
            conn,
            basis,
            reference=referentie,
            fiscal_year=jaar,
            grace=grace,
        ),
    )
    return _history(request, viewer, figure, peildatum)


@router.get("/figuur/realisatie", response_class=HTMLResponse)
def realisation_history(
    request: Request,
    viewer: ReaderDep,
    jaar: NeededYear,
    deelproduct: Text = None,
    fonds: Text = None,
    interventie: Interventie = None,
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of a realised amount: the entries GET /api/v1/lineage/realisations
    answers for the year and the filters."""
    filters: dict[str, object] = {
        "deelproduct": deelproduct,
        "fonds": fonds,
        "interventie": interventie,
    }
    name = _named(jaar, filters.items())
    figure = Figure(
        heading=f"Realisatie {jaar}" + (f" · {name}" if name else ""),
        subject=f"Realisaties {jaar}",
        back=link("/begroting/realisaties", jaar=jaar, peildatum=peildatum),
        keep={"jaar": jaar, **filters},
        lineage_of=lambda conn, basis, grace: lineage.realisation_lineage(
            conn,
            basis,
            fiscal_year=jaar,
            deelproduct=deelproduct,
            fund=fonds,
            interventie=interventie,
            grace=grace,
        ),
    )
    return _history(request, viewer, figure, peildatum)

"""Uitputting (ADR 0026): the year's begroting against its realisation per line, programma,
taakveld or interventie, as of any Peildatum, each side with its total and, beside the
Peildatum's figures, the realisatie per quarter-end; every figure (primitief, wijzigingen,
realisatie) a link to its Figuurhistorie (/figuur/uitputting)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.web import budget_history
from api.web.budget_history import Figure, NeededYear, Text, link, taakveld_text
from api.web.budget_pages import INDELINGEN, SIDES, VIEWS, Indeling, Year, _budget_years
from api.web.workspace import ReaderDep, basis_or, basis_text, page, reading_now
from projections.queries import reports, uitputting
from projections.queries.uitputting_rows import UitputtingRow

router = APIRouter(include_in_schema=False)

PER = {
    "programma": "Programma",
    "taakveld": "Taakveld",
    "interventie": "Interventie",
    "line": "Begrotingsregel",
}
Per = Annotated[str, Query(pattern="^(line|programma|taakveld|interventie)$")]
FIGUREN = {
    "primitief": "Primitieve begroting",
    "wijzigingen": "Wijzigingen",
    "realisatie": "Realisatie",
}


def _label(per: str, row: UitputtingRow, year: int) -> str:
    if per == "taakveld":
        return taakveld_text(row["key"], year)
    if per == "interventie":
        return "Zonder interventie" if row["key"] is None else f"Interventie {row['key']}"
    return row["label"]


@router.get("/begroting/uitputting", response_class=HTMLResponse)
def uitputting_page(
    request: Request,
    viewer: ReaderDep,
    jaar: Year = None,
    per: Per = "programma",
    indeling: Indeling = "programma",
    peildatum: Text = None,
) -> HTMLResponse:
    """Begroting against realisatie of a year (the query behind GET
    /api/v1/budget/uitputting), with the quarter-ends of the year beside it."""
    text = (peildatum or "").strip()
    with reading_now(viewer) as (conn, now):
        listed = reports.list_reports(conn)
        basis, error = basis_or(conn, text, now.position, now)
        years = _budget_years(conn, basis) or _budget_years(conn, now)
        year = jaar or max(years, default=None)
        shown = None if error else (text or None)
        document = (
            None
            if year is None
            else uitputting.uitputting(conn, basis, fiscal_year=year, by=per, quarters=True)
        )
    here: dict[str, object] = {"jaar": year, "indeling": indeling}

    def history(row: UitputtingRow, figure: str, amount: object) -> str | None:
        # A figure of zero links nowhere: most often there is nothing behind it.
        if not amount:
            return None
        return link(
            "/figuur/uitputting",
            jaar=year,
            per=per,
            sleutel=row["key"],
            kant=row["side"],
            figuur=figure,
            zonder_regel="ja" if row["no_line"] else None,
            peildatum=shown,
        )

    sides: list[dict[str, object]] = []
    if document is not None and year is not None:
        for side, name in SIDES.items():
            total = next((t for t in document["totals"] if t["side"] == side), None)
            if total is None:
                continue
            rows = [
                {
                    **row,
                    "text": _label(per, row, year),
                    "links": {f: history(row, f, row[f]) for f in FIGUREN},  # type: ignore[literal-required]
                }
                for row in document["rows"]
                if row["side"] == side
            ]
            sides.append({"side": side, "name": name, "rows": rows, "total": total})
    quarters: list[str] = [] if document is None else document.get("quarters", [])
    context = {
        "title": "Uitputting" if year is None else f"Uitputting {year}",
        "view": "/begroting/uitputting",
        "views": [(path, label, link(path, **here, peildatum=shown)) for path, label in VIEWS],
        "years": sorted(years | ({year} if year else set())),
        "jaar": year,
        "per": per,
        "pers": PER,
        "indeling": indeling,
        "indelingen": INDELINGEN,
        "sides": sides,
        "quarter_names": quarters,
        "quarter_links": [
            (name[-2:], name, link("/begroting/uitputting", **here, per=per, peildatum=name))
            for name in quarters
        ]
        + [("nu", "nu", link("/begroting/uitputting", **here, per=per, peildatum="nu"))],
        "reports": listed,
        "keep": {"jaar": year, "per": per, "indeling": indeling},
        "peildatum_text": text,
        "peildatum_error": error,
        "basis_text": basis_text(basis.as_of),
        "basis": basis.to_json(),
    }
    return page(request, "uitputting.html", viewer, context, 422 if error else 200)


@router.get("/figuur/uitputting", response_class=HTMLResponse)
def uitputting_history(
    request: Request,
    viewer: ReaderDep,
    jaar: NeededYear,
    kant: Annotated[str, Query(pattern="^(lasten|baten)$")],
    figuur: Annotated[str, Query(pattern="^(primitief|wijzigingen|realisatie)$")],
    per: Per = "programma",
    sleutel: Text = None,
    zonder_regel: Annotated[str | None, Query(pattern="^ja$")] = None,
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of one figure of an uitputting row: the events GET
    /api/v1/lineage/uitputting answers for it."""
    no_line = zonder_regel == "ja"
    name = sleutel if sleutel is not None else f"zonder {PER[per].lower()}"
    if per == "line":
        name = "begrotingsregel"
    figure = Figure(
        heading=f"{FIGUREN[figuur]} {jaar} · {name} · {kant}"
        + (" · zonder begrotingsregel" if no_line else ""),
        subject=f"Uitputting {jaar}",
        back=link("/begroting/uitputting", jaar=jaar, per=per, peildatum=peildatum),
        keep={
            "jaar": jaar,
            "kant": kant,
            "figuur": figuur,
            "per": per,
            "sleutel": sleutel,
            "zonder_regel": zonder_regel,
        },
        lineage_of=lambda conn, basis, grace: (
            uitputting.figure_lineage(
                conn,
                basis,
                fiscal_year=jaar,
                by=per,
                key=sleutel,
                side=kant,
                figure=figuur,
                no_line=no_line,
                grace=grace,
            )
            or []
        ),
    )
    return budget_history._history(request, viewer, figure, peildatum)

"""Begroting (ADR 0022): the budget of a year by programma, taakveld, interventie or fund as
of any Peildatum, with quarter-end shortcuts, and the year's taakstellingen, realisations and
reserve mutations as tabs that are links; every amount a link to its Figuurhistorie
(budget_history.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api.web import budget_history
from api.web.budget_history import Text, link, taakveld_text
from api.web.workspace import (
    ReaderDep,
    Viewer,
    basis_or,
    basis_text,
    page,
    paged,
    reading_now,
)
from domain.values import BASE_YEAR, MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from projections.queries import figures, reports
from projections.queries.basis import Basis
from projections.queries.figure_rows import TaakstellingRow
from projections.queries.reserve_balances import reserve_balances

router = APIRouter(include_in_schema=False)
# The figures' histories are this page's links: one router, one line in create_app.
router.include_router(budget_history.router)

Year = Annotated[int | None, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
Indeling = Annotated[str, Query(pattern="^(programma|taakveld|interventie|fund)$")]
Pagina = Annotated[int, Query(ge=1, le=2**31 - 1)]

INDELINGEN = {
    "programma": "Programma",
    "taakveld": "Taakveld",
    "interventie": "Interventie",
    "fund": "Fonds",
}
SIDES = {"lasten": "Lasten", "baten": "Baten"}
# The views of one year, tabs that are links: (path, label).
VIEWS = (
    ("/begroting", "Begroting"),
    ("/begroting/taakstellingen", "Taakstellingen"),
    ("/begroting/realisaties", "Realisaties"),
    ("/begroting/reserves", "Reserves"),
    ("/begroting/uitputting", "Uitputting"),
)
# A figure's link: its kind (begroting, taakstelling, realisatie) and its filters.
FigureLink = Callable[[str, dict[str, object]], str]
Rows = list[dict[str, object]]


def _natural(value: object) -> tuple[bool, tuple[tuple[int, str], ...]]:
    # 6.2 before 6.10 and 6.71a after 6.71, as the taakveld catalogue orders them; none last.
    if value is None or value == "":
        return (True, ())
    parts = re.split(r"(\d+)", str(value))
    return (False, tuple((int(part), "") if part.isdigit() else (-1, part) for part in parts))


def group_text(by: str, value: object, year: int) -> str:
    if by == "taakveld":
        return taakveld_text(None if value is None else str(value), year)
    if value is None or value == "":
        return {"interventie": "Zonder interventie", "fund": "Zonder fonds"}.get(by, "–")
    return f"Interventie {value}" if by == "interventie" else str(value)


@dataclass(frozen=True)
class Asked:
    """What the URL of a view of a year asks: the basis and the links are made of it."""

    path: str
    jaar: int | None
    indeling: str
    peildatum: str
    pagina: int


def asked_view(
    request: Request,
    jaar: Year = None,
    indeling: Indeling = "programma",
    peildatum: Text = None,
    pagina: Pagina = 1,
) -> Asked:
    """The query every view of a year takes, read once for all four."""
    return Asked(request.url.path, jaar, indeling, peildatum or "", pagina)


AskedDep = Annotated[Asked, Depends(asked_view)]


# A view's content: (conn, basis, year, figure link) -> its rows and whatever else it shows.
Build = Callable[[Connection, Basis, int, FigureLink], dict[str, object]]


def _budget_years(conn: Connection, basis: Basis) -> set[int]:
    return {row["fiscal_year"] for row in figures.budget_rollup(conn, basis, "fund")}


def _overview(
    request: Request,
    viewer: Viewer,
    asked: Asked,
    build: Build,
    own_years: Callable[[Connection, Basis], Iterable[int]],
) -> HTMLResponse:
    """A view of a year as of the Peildatum. A bad Peildatum is shown at its field (422)
    and the view shows the ledger as it is now. The year is the latest with a budget unless
    the URL names one."""
    text = asked.peildatum.strip()
    with reading_now(viewer) as (conn, now):
        listed = reports.list_reports(conn)
        basis, error = basis_or(conn, text, now.position, now)
        with_budget = _budget_years(conn, basis) or _budget_years(conn, now)
        years = with_budget | set(own_years(conn, basis))
        jaar = asked.jaar or max(with_budget, default=None) or max(years, default=None)
        shown = None if error else (text or None)

        def figure_link(kind: str, query: dict[str, object]) -> str:
            return link(f"/figuur/{kind}", jaar=jaar, **query, peildatum=shown)

        content = {} if jaar is None else build(conn, basis, jaar, figure_link)
    here: dict[str, object] = {"jaar": jaar, "indeling": asked.indeling}
    rows = content.pop("rows", [])
    if not isinstance(rows, list):  # a builder's contract; survives python -O, unlike assert
        raise TypeError(f"the rows of {asked.path} are not a list")
    context = {
        "title": "Begroting" if jaar is None else f"Begroting {jaar}",
        "view": asked.path,
        "views": [(path, label, link(path, **here, peildatum=shown)) for path, label in VIEWS],
        "years": sorted(years | ({jaar} if jaar else set())),
        "jaar": jaar,
        "indeling": asked.indeling,
        "indelingen": INDELINGEN,
        "quarters": []
        if jaar is None
        else [
            (
                f"Q{quarter}",
                f"{jaar}Q{quarter}",
                link(asked.path, **here, peildatum=f"{jaar}Q{quarter}"),
            )
            for quarter in range(1, 5)
        ]
        + [("nu", "nu", link(asked.path, **here, peildatum="nu"))],
        "listing": paged(request, rows, asked.pagina),
        "reports": listed,
        "keep": {name: value for name, value in here.items() if value is not None},
        "peildatum_text": text,
        "peildatum_error": error,
        "basis_text": basis_text(basis.as_of),
        "basis": basis.to_json(),
        "sides": SIDES,
        **content,
    }
    return page(request, "begroting.html", viewer, context, 422 if error else 200)


def _param(by: str) -> str:
    return "fonds" if by == "fund" else by


def _side_order(row: tuple[str, Decimal]) -> int:
    return list(SIDES).index(row[0])


def _totals(
    rows: Sequence[tuple[str, Decimal]], figure: Callable[[str], str | None]
) -> list[tuple[str, Decimal, str | None]]:
    """A total per kind (side, or taakstelling and risico): they do not add up together."""
    kinds = list(dict.fromkeys(kind for kind, _ in rows))
    return [
        (kind, sum((amount for of, amount in rows if of == kind), Decimal(0)), figure(kind))
        for kind in kinds
    ]


@router.get("/begroting", response_class=HTMLResponse)
def budget_page(request: Request, viewer: ReaderDep, asked: AskedDep) -> HTMLResponse:
    """The budget of a year summed per programma, taakveld, interventie or fund (the query
    behind GET /api/v1/budget/rollup), a column per side with its total."""

    def build(conn: Connection, basis: Basis, year: int, figure: FigureLink) -> dict[str, object]:
        indeling = asked.indeling
        found = figures.budget_rollup(conn, basis, indeling, fiscal_year=year)
        sides = [side for side in SIDES if any(row["side"] == side for row in found)]
        groups: dict[object, dict[str, object]] = {}
        for row in found:
            value = row.get(indeling)
            amounts = groups.setdefault(value, {"label": group_text(indeling, value, year)})
            # The lineage cannot ask for a group without a value: its amount has no link.
            amounts[row["side"]] = (
                row["amount"],
                None
                if value is None
                else figure("begroting", {_param(indeling): value, "kant": row["side"]}),
            )
        return {
            "rows": [groups[value] for value in sorted(groups, key=_natural)],
            "budget_sides": sides,
            "unlinked": None in groups,
            "totals": _totals(  # in the columns' order, whichever side a group shows first
                sorted(((row["side"], row["amount"]) for row in found), key=_side_order),
                lambda side: figure("begroting", {"kant": side}),
            ),
        }

    return _overview(request, viewer, asked, build, lambda conn, basis: ())


@router.get("/begroting/taakstellingen", response_class=HTMLResponse)
def taakstellingen_page(request: Request, viewer: ReaderDep, asked: AskedDep) -> HTMLResponse:
    """The taakstellingen with an amount in the year (the query behind GET
    /api/v1/taakstellingen), with their weight against the realised base."""
    overview: dict[int, list[TaakstellingRow]] = {}

    def found(conn: Connection, basis: Basis) -> list[TaakstellingRow]:
        if basis.position not in overview:
            overview[basis.position] = figures.taakstelling_overview(conn, basis, BASE_YEAR)
        return overview[basis.position]

    def build(conn: Connection, basis: Basis, year: int, figure: FigureLink) -> dict[str, object]:
        rows: Rows = [
            {
                "reference": row["reference"],
                "label": row["label"],
                "interventie": row["interventie"],
                "taakveld": taakveld_text(row["taakveld"], year),
                "kind": row["kind"],
                "amount": row["amounts"][str(year)],
                "relative": row["relative"].get(str(year)),
                "link": figure("taakstelling", {"referentie": row["reference"]}),
            }
            for row in found(conn, basis)
            if str(year) in row["amounts"]
        ]
        return {
            "rows": rows,
            "base_year": BASE_YEAR,
            "totals": _totals(
                [(str(row["kind"]), Decimal(str(row["amount"]))) for row in rows],
                lambda kind: None,
            ),
        }

    def years(conn: Connection, basis: Basis) -> set[int]:
        return {int(year) for row in found(conn, basis) for year in row["amounts"]}

    return _overview(request, viewer, asked, build, years)


@router.get("/begroting/realisaties", response_class=HTMLResponse)
def realisations_page(request: Request, viewer: ReaderDep, asked: AskedDep) -> HTMLResponse:
    """The realised amounts of the year (the query behind GET /api/v1/realisations), a
    deelproduct with the name the stadsrekening gives it."""

    def build(conn: Connection, basis: Basis, year: int, figure: FigureLink) -> dict[str, object]:
        found = figures.realisation_amounts(conn, basis, fiscal_year=year)
        names = figures.deelproduct_names(
            conn, basis, {row["deelproduct"] for row in found if row["deelproduct"]}
        )
        rows: Rows = [
            {
                **row,
                "deelproduct_name": names.get(row["deelproduct"] or ""),
                "taakveld": taakveld_text(row["taakveld"], year),
                "link": figure(
                    "realisatie",
                    {
                        "deelproduct": row["deelproduct"],
                        "fonds": row["fund"],
                        "interventie": row["interventie"],
                    },
                ),
            }
            for row in found
        ]
        return {
            "rows": rows,
            "totals": _totals([(row["side"], row["amount"]) for row in found], lambda _: None),
        }

    def years(conn: Connection, basis: Basis) -> set[int]:
        return {row["fiscal_year"] for row in figures.realisation_amounts(conn, basis)}

    return _overview(request, viewer, asked, build, years)


@router.get("/begroting/reserves", response_class=HTMLResponse)
def reserves_page(request: Request, viewer: ReaderDep, asked: AskedDep) -> HTMLResponse:
    """The reserves' mutations in the year per earmark (the query behind GET
    /api/v1/reserves)."""

    def build(conn: Connection, basis: Basis, year: int, figure: FigureLink) -> dict[str, object]:
        rows: Rows = [
            {**row} for row in figures.reserve_balances(conn, basis) if row["fiscal_year"] == year
        ]
        # The balances (ADR 0027): an unknown opening shows as "onbekend", never as 0.
        return {"rows": rows, "balances": reserve_balances(conn, basis, fiscal_year=year)}

    def years(conn: Connection, basis: Basis) -> set[int]:
        return {
            row["fiscal_year"]
            for row in figures.reserve_balances(conn, basis)
            if row["fiscal_year"] is not None
        }

    return _overview(request, viewer, asked, build, years)

"""Vergelijken, Besluiten and Rechtmatigheid (ADR 0022): the auditor's questions as pages,
read through the queries the API's analysis routes use (api.routes.analysis, api.routes.reads):
why a report's figures changed between two bases, which decisions authorised what, which
mutations lack valid authority, and begrotingsrechtmatigheid per programma."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from api.web.bevoegdheid import KINDS, MUTATION_KINDS, STATUS, in_dutch
from api.web.report_pages import cell_link
from api.web.workspace import (
    PeildatumError,
    ReaderDep,
    Viewer,
    page,
    paged,
    peildatum,
    peildatum_fout,
    reading_now,
)
from api.web.workspace import basis_text as workspace_basis_text
from domain.taakvelden import taakveld_name
from domain.values import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from projections.queries import authority, diff, figures, rechtmatigheid, reports
from projections.queries.authority import AuthorityRow, OnrechtmatigheidRow
from projections.queries.basis import Basis, BasisError, resolve_basis
from projections.queries.rechtmatigheid import YearVerdict
from projections.queries.reports import ReportListRow
from projections.queries.rows import BasisRow

router = APIRouter(include_in_schema=False)

Text = Annotated[str | None, Query(max_length=200)]
Pagina = Annotated[int, Query(ge=1, le=1_000_000)]
T = TypeVar("T")

CAUSES = {
    "budget-establishment": "vaststelling van de begroting",
    "budget-amendment": "begrotingswijziging",
    "transfer": "overboeking",
    "carry-over": "overheveling",
    "realisation": "realisatie",
    "late-realisation": "laat bekende realisatie",
    "realisation-correction": "correctie van een realisatie",
    "taakstelling-imposed": "taakstelling opgelegd",
    "taakstelling-adjustment": "taakstelling bijgesteld",
    "taakstelling-shift": "taakstelling verschoven",
    "taakstelling-cancellation": "taakstelling vervallen",
}
DEFAULTS_TEXT = (
    "Zonder keuze: het eerste gepubliceerde rapport, van zijn eigen peildatum (zoals "
    "gepubliceerd) naar het rapport dat daarna is gepubliceerd, of naar nu als er geen later "
    "rapport is."
)


def basis_text(basis: BasisRow) -> str:
    return workspace_basis_text(basis["as_of"])


# -- Vergelijken -----------------------------------------------------------------------


def _later(listed: list[ReportListRow], report_id: str) -> str:
    """The report published after `report_id`, or nu when it is the last."""
    ids = [listed_report["report"] for listed_report in listed]
    at = ids.index(report_id)
    return ids[at + 1] if at + 1 < len(ids) else "nu"


def _basis_at(
    conn: Connection, field: str, text: str, position: int, errors: dict[str, str]
) -> Basis | None:
    """A basis as the API's diff reads its `from` and `to`; a wrong one named at its field."""
    try:
        return resolve_basis(conn, text, position)
    except BasisError as error:
        errors[field] = peildatum_fout(text, error)
    return None


@router.get("/vergelijken", response_class=HTMLResponse)
def compare(
    request: Request,
    viewer: ReaderDep,
    rapport: Text = None,
    van: Text = None,
    naar: Text = None,
) -> Response:
    """A report's figures on two bases: the cells that changed and the events that caused
    each change. Both bases are in the URL; a missing one is filled in by a redirect, so the
    address always reproduces the view."""
    chosen, old_text, new_text = ((text or "").strip() for text in (rapport, van, naar))
    errors: dict[str, str] = {}
    found = None
    with reading_now(viewer) as (conn, now):
        listed = reports.list_reports(conn)
        known = {listed_report["report"] for listed_report in listed}
        if listed and (chosen in known or not chosen) and not (old_text and new_text):
            chosen = chosen or listed[0]["report"]
            filled = {
                "rapport": chosen,
                "van": old_text or chosen,
                "naar": new_text or _later(listed, chosen),
            }
            return RedirectResponse("/vergelijken?" + urlencode(filled), status_code=303)
        if listed:  # with no report published there is nothing to compare, and no error
            if chosen not in known:
                errors["rapport"] = f"onbekend rapport {chosen!r}: kies een gepubliceerd rapport"
            old = _basis_at(conn, "van", old_text, now.position, errors)
            new = _basis_at(conn, "naar", new_text, now.position, errors)
            if not errors and old is not None and new is not None:
                grace = viewer.services.backdating_grace
                found = diff.report_diff(conn, chosen, old, new, grace=grace)
        titles = authority.decision_titles(conn)
    context = {
        "title": "Vergelijken",
        "reports": listed,
        "chosen": chosen,
        "van": old_text,
        "naar": new_text,
        "errors": errors,
        "defaults": DEFAULTS_TEXT,
        "found": found,
        "from_text": None if found is None else basis_text(found["from"]),
        "to_text": None if found is None else basis_text(found["to"]),
        "titles": titles,
        "causes": CAUSES,
        "link": lambda table, row, column, as_of: cell_link(chosen, table, row, column, as_of),
    }
    return page(request, "vergelijken.html", viewer, context, 422 if errors else 200)


# -- Besluiten -------------------------------------------------------------------------


@dataclass(frozen=True)
class Authorised:
    """The budget mutations that cite a decision (as their decision or as its mandate)."""

    rows: list[AuthorityRow]

    @property
    def up(self) -> Decimal:
        return sum((row["delta"] for row in self.rows if row["delta"] > 0), start=Decimal(0))

    @property
    def down(self) -> Decimal:
        return sum((row["delta"] for row in self.rows if row["delta"] < 0), start=Decimal(0))


def by_decision(rows: list[AuthorityRow]) -> dict[str, Authorised]:
    cited: dict[str, list[AuthorityRow]] = {}
    for row in rows:
        for link in (row["decision"], row["mandate"]):
            if link is not None:
                cited.setdefault(link["reference"], []).append(row)
    return {reference: Authorised(found) for reference, found in cited.items()}


def line_text(row: AuthorityRow) -> str:
    """A budget line as a reader names it: its year, programma, taakveld with its name,
    interventie, side and fund."""
    line = row["line"]
    name = taakveld_name(line["taakveld"], line["fiscal_year"])
    parts = [
        str(line["fiscal_year"]),
        line["programma"],
        f"taakveld {line['taakveld']}" + (f" {name}" if name else ""),
    ]
    if line["interventie"] is not None:
        parts.append(f"interventie {line['interventie']}")
    parts.append(line["side"])
    if line["fund"]:
        parts.append(f"fonds {line['fund']}")
    return " · ".join(parts)


def scope_text(scope: object) -> str:
    """A mandate's scope in words: what kinds of change, on which fund, in which years."""
    if not isinstance(scope, dict):
        return "–"
    kinds = ", ".join(MUTATION_KINDS.get(kind, kind) for kind in scope["kinds"])
    period = scope["period"]
    years = f"{period['first_year']}–{period['last_year']}"
    if period.get("quarter"):
        years += f", kwartaal {period['quarter']}"
    fund = f"fonds {scope['fund']}" if scope["fund"] else "elk fonds"
    return f"{kinds}; {fund}; {years}"


LABELS = {
    "status": STATUS,
    "kinds": KINDS,
    "line": line_text,
    "scope": scope_text,
    "problem": in_dutch,
}


@dataclass(frozen=True)
class AsOf(Generic[T]):
    """What a page read as of its Peildatum, or what is wrong with the Peildatum."""

    typed: str
    reports: list[ReportListRow]
    error: str | None
    basis: BasisRow | None
    found: T | None

    def context(self) -> dict[str, object]:
        return {
            "reports": self.reports,
            "keep": {},
            "peildatum_text": self.typed,
            "peildatum_error": self.error,
            "basis": self.basis,
            "basis_text": None if self.basis is None else basis_text(self.basis),
        }


def as_of(viewer: Viewer, text: str | None, read: Callable[[Connection, Basis], T]) -> AsOf[T]:
    """`read` as of the Peildatum typed; a Peildatum the ledger cannot read reads nothing."""
    typed = (text or "").strip()
    try:
        with peildatum(viewer, typed) as (conn, basis):
            found = read(conn, basis)
            return AsOf(typed, reports.list_reports(conn), None, basis.to_json(), found)
    except PeildatumError as error:
        with reading_now(viewer) as (conn, _):
            return AsOf(typed, reports.list_reports(conn), str(error), None, None)


def _authority(viewer: Viewer) -> Callable[[Connection, Basis], list[AuthorityRow]]:
    grace = viewer.services.backdating_grace
    return lambda conn, basis: authority.authority_report(conn, basis, grace=grace)


@router.get("/besluiten", response_class=HTMLResponse)
def decision_list(
    request: Request,
    viewer: ReaderDep,
    peildatum: Text = None,
    pagina: Pagina = 1,
    pagina_onbevoegd: Pagina = 1,
) -> HTMLResponse:
    """The decisions with their status as of the Peildatum and what each authorised; then
    every budget mutation whose line of authority does not hold."""
    mutations = _authority(viewer)
    read = as_of(
        viewer,
        peildatum,
        lambda conn, basis: (figures.decisions(conn, basis), mutations(conn, basis)),
    )
    context = {"title": "Besluiten", "labels": LABELS, **read.context()}
    if read.found is not None:
        decisions, rows = read.found
        context |= {
            "decisions": paged(request, decisions, pagina),
            "authorised": by_decision(rows),
            "unauthorised": paged(
                request,
                [row for row in rows if row["problems"]],
                pagina_onbevoegd,
                "pagina_onbevoegd",
            ),
        }
    return page(request, "besluiten.html", viewer, context, 422 if read.error else 200)


@router.get("/besluiten/{reference}", response_class=HTMLResponse)
def decision_page(
    request: Request,
    viewer: ReaderDep,
    reference: Annotated[str, Path(max_length=200)],
    peildatum: Text = None,
    pagina: Pagina = 1,
) -> HTMLResponse:
    """One decision as of the Peildatum: its status, body, kind and mandate, and every budget
    mutation that cites it, with whether its line of authority holds. A decision the
    Peildatum does not know yet is a 404 that keeps the Peildatum control."""
    mutations = _authority(viewer)
    read = as_of(
        viewer,
        peildatum,
        lambda conn, basis: (
            figures.decisions(conn, basis, reference=reference),
            mutations(conn, basis),
        ),
    )
    context = {
        "title": f"Besluit {reference}",
        "reference": reference,
        "labels": LABELS,
        "decision": None,
        **read.context(),
    }
    if read.found is None:
        return page(request, "besluit.html", viewer, context, 422)
    found, rows = read.found
    cited = by_decision(rows).get(reference, Authorised([]))
    context |= {
        "decision": found[0] if found else None,
        "cited": cited,
        "mutations": paged(request, cited.rows, pagina),
    }
    return page(request, "besluit.html", viewer, context, 200 if found else 404)


# -- Rechtmatigheid --------------------------------------------------------------------


YEAR = re.compile(r"^[0-9]{4}$")  # ASCII digits: str.isdigit() takes ² and int() does not


def _year(text: str) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    if YEAR.match(text) and MIN_FISCAL_YEAR <= int(text) <= MAX_FISCAL_YEAR:
        return int(text), None
    return (
        None,
        f"een begrotingsjaar is een jaartal van {MIN_FISCAL_YEAR} tot en met {MAX_FISCAL_YEAR}",
    )


def _lawfulness(
    conn: Connection, basis: Basis, year: int | None
) -> tuple[list[OnrechtmatigheidRow], list[YearVerdict]]:
    rows = authority.onrechtmatigheid(conn, basis, fiscal_year=year)
    return rows, rechtmatigheid.verantwoording(conn, basis, fiscal_year=year, findings=rows)


@router.get("/rechtmatigheid", response_class=HTMLResponse)
def lawfulness(
    request: Request,
    viewer: ReaderDep,
    peildatum: Text = None,
    jaar: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    """Begrotingsrechtmatigheid per programma and fiscal year as of the Peildatum (ADR 0029):
    each overschrijding by the Kadernota's categories, the data gaps (no begroting recorded)
    apart, and per year the counted amounts against the verantwoordingsgrens and the
    fund-rule findings."""
    year_text = (jaar or "").strip()
    year, year_error = _year(year_text)
    read = as_of(
        viewer,
        peildatum,
        lambda conn, basis: None if year_error else _lawfulness(conn, basis, year),
    )
    years: dict[int, list[OnrechtmatigheidRow]] = {}
    gaps: dict[int, list[OnrechtmatigheidRow]] = {}
    found, verdicts = read.found or ([], [])
    for finding in found:
        (gaps if finding["data_gap"] else years).setdefault(finding["fiscal_year"], []).append(
            finding
        )
    context = {
        "gaps": gaps,
        "verdicts": verdicts,
        "title": "Rechtmatigheid",
        "jaar": year_text,
        "jaar_error": year_error,
        "years": years,
        "read": read.found is not None,
        **read.context(),
    }
    bad = read.error is not None or year_error is not None
    return page(request, "rechtmatigheid.html", viewer, context, 422 if bad else 200)

"""The auditor's questions over HTTP (ADR 0008): the authority behind every budget mutation,
begrotingsonrechtmatigheid, why a report's figures changed between two bases, and the events
that add up to one cell. Read roles only; every answer names its basis."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlalchemy import Connection

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.pages import Page, PageDep, paged
from api.parameters import (
    FiscalYearQ,
    MinPosition,
)
from api.problems import Problem, field_error
from api.reading import BasisDep, reached, reading
from projections.queries import authority, diff, lineage, rechtmatigheid
from projections.queries.authority import AuthorityRow, OnrechtmatigheidRow
from projections.queries.basis import (
    Basis,
    BasisError,
    UnknownReportError,
    report_basis,
    resolve_basis,
)
from projections.queries.cells import CellError
from projections.queries.diff import ReportDiff
from projections.queries.lineage import CellLineage
from projections.queries.rechtmatigheid import YearVerdict

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="the token's role may not read",
        _404="the report named in the URL does not exist",
        _422="an invalid parameter: `errors` names it",
        _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
        "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
    ),
    dependencies=[Depends(require(*READERS))],
)
ReportId = Annotated[str, Path(max_length=64)]
BasisText = Annotated[str | None, Query(max_length=100)]
CellPart = Annotated[str, Query(min_length=1, max_length=200)]


@router.get("/audit/authority", response_model=Page[AuthorityRow], tags=["audit"])
def authority_report(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: FiscalYearQ = None,
    without_authority: bool = False,
) -> Response:
    """Every budget mutation with its line of authority as of the basis: the adopted raad
    decision, or the college decision, its mandate and the raad that granted it.
    `authorised` is false, and `problems` says why, where the chain does not hold.
    `backdated` flags a person's mutation known more than the grace (the `backdating_grace`
    setting) before it was recorded; `backfill` names the import of a backfilled one."""
    with reading(found, wanted) as (conn, basis):
        found_rows = authority.authority_report(
            conn,
            basis,
            fiscal_year=fiscal_year,
            without_authority=without_authority,
            grace=found.backdating_grace,
        )
    return paged(basis, found_rows, page)


class RechtmatigheidPage(Page[OnrechtmatigheidRow]):
    """The findings per programma and year (`rows`, paged), and per fiscal year the counted
    amounts against the verantwoordingsgrens with the fund-rule findings (`years`, whole)."""

    years: list[YearVerdict]


@router.get("/audit/onrechtmatigheid", response_model=RechtmatigheidPage, tags=["audit"])
def onrechtmatigheid(
    found: ServicesDep, wanted: BasisDep, page: PageDep, fiscal_year: FiscalYearQ = None
) -> Response:
    """Begrotingsrechtmatigheid (ADR 0029) per programma and fiscal year: an `overschrijding`
    of the begroting na wijziging split over the Kadernota's categories, or
    `geen-begroting-vastgelegd` (a data gap, never counted) where no begroting is recorded;
    `years`: per year the amounts that count against the raad's verantwoordingsgrens (null
    where none is recorded) and the fund-rule findings."""
    with reading(found, wanted) as (conn, basis):
        found_rows = authority.onrechtmatigheid(conn, basis, fiscal_year=fiscal_year)
        years = rechtmatigheid.verantwoording(
            conn, basis, fiscal_year=fiscal_year, findings=found_rows
        )
    response = paged(basis, found_rows, page)
    body = json.loads(bytes(response.body))
    body["years"] = years
    return JSON(body)


def _basis_named(conn: Connection, field: str, text: str, position: int) -> Basis:
    try:
        return resolve_basis(conn, text, position)
    except UnknownReportError as error:
        code, detail = "unknown-report", str(error)
    except BasisError as error:
        code, detail = "invalid-basis", str(error)
    raise Problem(422, code, detail, errors=[field_error("query", field, detail, code)])


@router.get("/reports/{report_id}/diff", response_model=ReportDiff, tags=["reports"])
def report_diff(
    report_id: ReportId,
    found: ServicesDep,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            max_length=100,
            description="the earlier basis: a report id, now or a moment (default: the "
            "report's own basis)",
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(max_length=100, description="the later basis: a report id, now or a moment"),
    ] = "now",
    min_position: MinPosition = None,
) -> Response:
    """Every figure of the report's tables that differs between two bases, split into its
    causes, each with its events and delta; the causes of a figure add up to its difference
    in exact euros. `published` gives the x € 1.000 rendering. A document, not a list: its
    cells are never paged."""
    position = reached(found, min_position)
    with found.ledger.engine.connect() as conn:
        report_basis(conn, report_id)  # an unknown report is a 404
        old = _basis_named(conn, "from", from_ or f"report:{report_id}", position)
        new = _basis_named(conn, "to", to or "now", position)
        return JSON(diff.report_diff(conn, report_id, old, new, grace=found.backdating_grace))


@router.get("/reports/{report_id}/cells", response_model=CellLineage, tags=["reports"])
def report_cell(
    report_id: ReportId,
    found: ServicesDep,
    wanted: BasisDep,
    table: CellPart,
    row: CellPart,
    column: CellPart,
) -> Response:
    """The events that add up to one cell, in order, with running totals, each with its
    decision and authority, actor and the three times; as of the report's own basis, or of
    `as_of`. `row` is a row's or total's label, or an interventie that names one row. A
    document, not a list: its rows add up to `amount`, so they are never paged."""
    position = reached(found, wanted.min_position)
    with found.ledger.engine.connect() as conn:
        own = report_basis(conn, report_id)
        basis = (
            own
            if wanted.as_of is None and wanted.as_recorded_at is None
            else resolve_basis(
                conn,
                wanted.as_of or f"report:{report_id}",
                position,
                as_recorded_at=wanted.as_recorded_at,
            )
        )
        try:
            return JSON(
                lineage.cell_lineage(
                    conn,
                    report_id,
                    basis,
                    table=table,
                    row=row,
                    column=column,
                    grace=found.backdating_grace,
                )
            )
        except CellError as error:
            raise Problem(
                422,
                "unknown-cell",
                str(error),
                errors=[field_error("query", error.field, str(error), "unknown-cell")],
            ) from None

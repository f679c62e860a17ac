"""Every projection over HTTP. Each answer names its basis: the knowledge cutoff and the log
position it was computed on (ADR 0002); `as_of`, `as_recorded_at` and `min_position` choose
it. Single records carry their version as an ETag, for `If-Match` on the next write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.pages import Page, PageDep, Record, page_of, paged
from api.parameters import (
    BaseYear,
    Dimension,
    FiscalYearQ,
    MinPosition,
    Position,
)
from api.problems import Problem
from api.reading import BasisDep, etag, reached, reading
from domain.decision import Decision
from domain.reserve import Reserve
from domain.taakstelling import Taakstelling
from domain.values import BASE_YEAR
from projections.queries import event_log, figures, reports
from projections.queries.basis import Basis, resolve_basis
from projections.queries.figure_rows import (
    BudgetLineRow,
    BudgetRollupRow,
    DecisionRow,
    EventRow,
    FiscalYearRow,
    RealisationRow,
    ReserveRow,
    SlotwijzigingRow,
    TaakstellingRow,
)
from projections.queries.reports import ReportListRow

READ_ERRORS = problem_responses(
    _401="no token, or an unknown or revoked one",
    _403="the token's role may not read",
    _404="the record named in the URL does not exist",
    _422="an invalid parameter: `errors` names it",
    _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
    "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
)
router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=READ_ERRORS,
    dependencies=[Depends(require(*READERS))],
)


def _one(
    basis: Basis, version: int | None, found: Sequence[Mapping[str, object]], what: str
) -> Response:
    if version is None or not found:
        raise Problem(404, "not-found", f"{what} does not exist as of this basis")
    return JSON(
        {"basis": basis.to_json(), "version": version, "rows": found},
        headers={"ETag": etag(version)},
    )


@router.get("/decisions", response_model=Page[DecisionRow], tags=["decisions"])
def list_decisions(found: ServicesDep, wanted: BasisDep, page: PageDep) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.decisions(conn, basis), page)


@router.get("/decisions/{decision}", response_model=Record[DecisionRow], tags=["decisions"])
def get_decision(
    decision: Annotated[str, Path(max_length=200)], found: ServicesDep, wanted: BasisDep
) -> Response:
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, Decision.id_for(decision), basis)
        records = figures.decisions(conn, basis, reference=decision)
    return _one(basis, version, records, f"decision {decision!r}")


@router.get("/budget/lines", response_model=Page[BudgetLineRow], tags=["budget"])
def list_budget_lines(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: FiscalYearQ = None,
    fund: Dimension = None,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        found_lines = figures.budget_lines(conn, basis, fiscal_year=fiscal_year, fund=fund)
    return paged(basis, found_lines, page)


@router.get("/budget/lines/{line_id}", response_model=Record[BudgetLineRow], tags=["budget"])
def get_budget_line(
    line_id: Annotated[
        str,
        Path(
            pattern=r"^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
            description="the line's id as rows and commands answer it (dashed); plain hex too",
        ),
    ],
    found: ServicesDep,
    wanted: BasisDep,
) -> Response:
    line = UUID(line_id)
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, line, basis)
        records = figures.budget_lines(conn, basis, line_id=line)
    return _one(basis, version, records, f"budget line {line_id}")


@router.get("/budget/rollup", response_model=Page[BudgetRollupRow], tags=["budget"])
def budget_rollup(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    by: Annotated[str, Query(pattern="^(programma|taakveld|interventie|fund)$")] = "programma",
    fiscal_year: FiscalYearQ = None,
) -> Response:
    """The budget per year and side, summed per value of `by`: each row carries `by`."""
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.budget_rollup(conn, basis, by, fiscal_year=fiscal_year), page)


@router.get("/budget/slotwijzigingen", response_model=Page[SlotwijzigingRow], tags=["budget"])
def slotwijzigingen(
    found: ServicesDep, wanted: BasisDep, page: PageDep, fiscal_year: FiscalYearQ = None
) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.slotwijzigingen(conn, basis, fiscal_year=fiscal_year), page)


@router.get("/taakstellingen", response_model=Page[TaakstellingRow], tags=["taakstellingen"])
def list_taakstellingen(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    base_year: BaseYear = BASE_YEAR,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.taakstelling_overview(conn, basis, base_year), page)


@router.get(
    "/taakstellingen/{reference}",
    response_model=Record[TaakstellingRow],
    tags=["taakstellingen"],
)
def get_taakstelling(
    reference: Annotated[str, Path(max_length=200)],
    found: ServicesDep,
    wanted: BasisDep,
    base_year: BaseYear = BASE_YEAR,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, Taakstelling.id_for(reference), basis)
        records = [
            row
            for row in figures.taakstelling_overview(conn, basis, base_year)
            if row["reference"] == reference
        ]
    return _one(basis, version, records, f"taakstelling {reference!r}")


@router.get("/realisations", response_model=Page[RealisationRow], tags=["realisations"])
def list_realisations(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: FiscalYearQ = None,
    fund: Dimension = None,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(
            basis,
            figures.realisation_amounts(conn, basis, fiscal_year=fiscal_year, fund=fund),
            page,
        )


@router.get("/reserves", response_model=Page[ReserveRow], tags=["reserves"])
def list_reserves(found: ServicesDep, wanted: BasisDep, page: PageDep) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.reserve_balances(conn, basis), page)


@router.get("/reserves/{code}", response_model=Record[ReserveRow], tags=["reserves"])
def get_reserve(
    code: Annotated[str, Path(max_length=200)], found: ServicesDep, wanted: BasisDep
) -> Response:
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, Reserve.id_for(code), basis)
        records = [row for row in figures.reserve_balances(conn, basis) if row["code"] == code]
    return _one(basis, version, records, f"reserve {code!r}")


@router.get("/fiscal-years", response_model=Page[FiscalYearRow], tags=["fiscal years"])
def list_fiscal_years(found: ServicesDep, wanted: BasisDep, page: PageDep) -> Response:
    with reading(found, wanted) as (conn, basis):
        return paged(basis, figures.fiscal_years(conn, basis), page)


# -- the log and reports ---------------------------------------------------------------


@router.get("/events", response_model=Page[EventRow], tags=["audit"])
def list_events(
    found: ServicesDep,
    page: PageDep,
    after: Position = 0,
    min_position: MinPosition = None,
) -> Response:
    """The audit log, one row per event, in log order, up to the log position the read
    model has reached (the basis). `after` keeps only the events after that log position,
    for a client that follows the log: ask again with the last position you have."""
    position = reached(found, min_position)
    with found.ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, position)
        total = event_log.audit_log_count(conn, after=after, until=position)
        events = event_log.audit_log(
            conn, after=after, until=position, offset=page.offset, limit=page.limit
        )
    return page_of(basis, events, total, page)


@router.get("/reports", response_model=Page[ReportListRow], tags=["reports"])
def list_reports(found: ServicesDep, page: PageDep) -> Response:
    """The published reports, oldest first, as the log stands now."""
    position = reached(found, None)
    with found.ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, position)
        return paged(basis, reports.list_reports(conn), page)

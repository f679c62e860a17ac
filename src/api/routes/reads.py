"""Every projection over HTTP. Each answer names its basis: the knowledge cutoff and the log
position it was computed on (ADR 0002); `as_of`, `as_recorded_at` and `min_position` choose
it. Single records carry their version as an ETag, for `If-Match` on the next write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.auth import READERS
from api.http import (
    JSON,
    MAX_POSITION,
    BasisDep,
    Guarded,
    ServicesDep,
    etag,
    problem_responses,
    reached,
    reading,
    require,
    rows,
)
from api.pages import Page, PageDep, paged
from api.problems import Problem
from api.schemas import QueryResult
from domain.decision import Decision
from domain.reserve import Reserve
from domain.taakstelling import Taakstelling
from domain.values import MAX_INTERVENTIE
from projections.queries import figures, reports
from projections.queries.basis import Basis
from projections.queries.figures import BudgetLineRow

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
FiscalYearQ = Annotated[int | None, Query(ge=2000, le=2100)]
Dimension = Annotated[str | None, Query(max_length=200)]
Interventie = Annotated[int | None, Query(ge=1, le=MAX_INTERVENTIE)]
# Log positions are BIGINT on both databases.
Position = Annotated[int, Query(ge=0, le=MAX_POSITION, description="the last position you have")]


def _one(basis: Basis, version: int | None, found: Sequence[Any], what: str) -> Response:
    if version is None or not found:
        raise Problem(404, "not-found", f"{what} does not exist as of this basis")
    return JSON(
        {"basis": basis.to_json(), "version": version, "rows": found},
        headers={"ETag": etag(version)},
    )


@router.get("/decisions", response_model=QueryResult, tags=["decisions"])
def list_decisions(found: ServicesDep, wanted: BasisDep) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.decisions(conn, basis))


@router.get("/decisions/{decision}", tags=["decisions"])
def get_decision(
    decision: Annotated[str, Path(max_length=200)], found: ServicesDep, wanted: BasisDep
) -> Any:
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


@router.get("/budget/lines/{line_id}", tags=["budget"])
def get_budget_line(
    line_id: Annotated[
        str,
        Path(
            pattern=r"^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
            description="the line's id, as a command answered it (with dashes) or a row shows it",
        ),
    ],
    found: ServicesDep,
    wanted: BasisDep,
) -> Any:
    line = UUID(line_id)
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, line, basis)
        records = figures.budget_lines(conn, basis, line_id=line.hex)
    return _one(basis, version, records, f"budget line {line_id}")


@router.get("/budget/rollup", response_model=QueryResult, tags=["budget"])
def budget_rollup(
    found: ServicesDep,
    wanted: BasisDep,
    by: Annotated[str, Query(pattern="^(programma|taakveld|interventie|fund)$")] = "programma",
    fiscal_year: FiscalYearQ = None,
) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.budget_rollup(conn, basis, by, fiscal_year=fiscal_year))


@router.get("/budget/slotwijzigingen", response_model=QueryResult, tags=["budget"])
def slotwijzigingen(found: ServicesDep, wanted: BasisDep, fiscal_year: FiscalYearQ = None) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.slotwijzigingen(conn, basis, fiscal_year=fiscal_year))


@router.get("/taakstellingen", response_model=QueryResult, tags=["taakstellingen"])
def list_taakstellingen(
    found: ServicesDep,
    wanted: BasisDep,
    base_year: Annotated[int, Query(ge=2000, le=2100)] = 2017,
) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.taakstelling_overview(conn, basis, base_year))


@router.get("/taakstellingen/{reference}", tags=["taakstellingen"])
def get_taakstelling(
    reference: Annotated[str, Path(max_length=200)],
    found: ServicesDep,
    wanted: BasisDep,
    base_year: Annotated[int, Query(ge=2000, le=2100)] = 2017,
) -> Any:
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, Taakstelling.id_for(reference), basis)
        records = [
            row
            for row in figures.taakstelling_overview(conn, basis, base_year)
            if row["reference"] == reference
        ]
    return _one(basis, version, records, f"taakstelling {reference!r}")


@router.get("/realisations", response_model=QueryResult, tags=["realisations"])
def list_realisations(
    found: ServicesDep, wanted: BasisDep, fiscal_year: FiscalYearQ = None, fund: Dimension = None
) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(
            basis, figures.realisation_amounts(conn, basis, fiscal_year=fiscal_year, fund=fund)
        )


@router.get("/reserves", response_model=QueryResult, tags=["reserves"])
def list_reserves(found: ServicesDep, wanted: BasisDep) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.reserve_balances(conn, basis))


@router.get("/reserves/{code}", tags=["reserves"])
def get_reserve(
    code: Annotated[str, Path(max_length=200)], found: ServicesDep, wanted: BasisDep
) -> Any:
    with reading(found, wanted) as (conn, basis):
        version = figures.version_of(conn, Reserve.id_for(code), basis)
        records = [row for row in figures.reserve_balances(conn, basis) if row["code"] == code]
    return _one(basis, version, records, f"reserve {code!r}")


@router.get("/fiscal-years", response_model=QueryResult, tags=["fiscal years"])
def list_fiscal_years(found: ServicesDep, wanted: BasisDep) -> Any:
    with reading(found, wanted) as (conn, basis):
        return rows(basis, figures.fiscal_years(conn, basis))


# -- the log and reports ---------------------------------------------------------------


@router.get("/events", tags=["audit"])
def list_events(
    found: ServicesDep,
    after: Position = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    min_position: Annotated[int | None, Query(ge=0, le=MAX_POSITION)] = None,
) -> Any:
    """The audit log, one row per event, in log order; page with `after` = `next_after`."""
    position = reached(found, min_position)
    with found.ledger.engine.connect() as conn:
        events = figures.audit_log(conn, after=after, limit=limit)
    next_after = events[-1]["position"] if events else after
    return JSON(
        {
            "log_position": position,
            "after": after,
            "next_after": next_after,
            "more": bool(events) and next_after < position,
            "events": events,
        }
    )


@router.get("/reports", tags=["reports"])
def list_reports(found: ServicesDep) -> Any:
    found.guard()
    found.catch_up()
    with found.ledger.engine.connect() as conn:
        return JSON({"reports": reports.list_reports(conn)})

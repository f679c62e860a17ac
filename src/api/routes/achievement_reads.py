"""Taakstellingen achieved over HTTP (ADR 0028): per taakstelling and interventie the target
of a year against the realised change of its zoekgebied since the base year, the overlap of
zoekgebieden and the compensated opgave; and the events behind those figures. Read roles
only; every answer names its basis (ADR 0002).

Registered before `reads.router`: its `/taakstellingen/{reference}` would otherwise take
`/taakstellingen/achievement` for a reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.parameters import BaseYear, Interventie, RequiredYear
from api.problems import Problem, field_error
from api.reading import BasisDep, reading
from domain.values import BASE_YEAR
from projections.queries import achievement
from projections.queries.achievement import (
    Achievement,
    AchievementError,
    AchievementLineage,
)

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="the token's role may not read",
        _404="no taakstelling of the year matches (lineage only)",
        _422="an invalid parameter, or a base year not before the fiscal year: `errors` names it",
        _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
        "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
    ),
    dependencies=[Depends(require(*READERS))],
)
Reference = Annotated[str | None, Query(max_length=200, description="a taakstelling reference")]


def _refused(error: AchievementError) -> Problem:
    detail = str(error)
    return Problem(
        422, "invalid-input", detail, errors=[field_error("query", error.field, detail, "invalid")]
    )


@router.get(
    "/taakstellingen/achievement",
    response_model=Achievement,
    tags=["taakstellingen"],
)
def taakstelling_achievement(
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    base_year: BaseYear = BASE_YEAR,
    interventie: Interventie = None,
) -> Response:
    """Per taakstelling and interventie with a target in `fiscal_year`: the target, the
    realised lasten of its zoekgebied in `base_year` and in the year, the saving (base -
    year), the difference (saving - target) and the status: `achieved`, `not-yet`, `over`,
    or `unknown` where a year figure is missing (a data gap, never a zero). Risico's are
    listed apart, never in a target. `overlap` lists the deelproducten in more than one
    interventie's zoekgebied; `opgave` counts each deelproduct's saving once against the sum
    of all targets: the result after compensation between interventies. `interventie`
    narrows the rows, not the opgave. A document, never paged."""
    with reading(found, wanted) as (conn, basis):
        try:
            answer = achievement.achievement(
                conn, basis, fiscal_year=fiscal_year, base_year=base_year, interventie=interventie
            )
        except AchievementError as error:
            raise _refused(error) from None
    return JSON(answer)


@router.get(
    "/taakstellingen/achievement/lineage",
    response_model=AchievementLineage,
    tags=["lineage"],
)
def taakstelling_achievement_lineage(
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    base_year: BaseYear = BASE_YEAR,
    interventie: Interventie = None,
    reference: Reference = None,
) -> Response:
    """The events behind one achievement (a taakstelling by `reference`, an interventie, or
    with neither the whole opgave): the target's taakstelling mutations, and the realisation
    entries of its zoekgebied in the base year and in the year, each list with delta and
    running total adding up to its figure, in the shape of the other lineage answers."""
    with reading(found, wanted) as (conn, basis):
        try:
            answer = achievement.achievement_lineage(
                conn,
                basis,
                fiscal_year=fiscal_year,
                base_year=base_year,
                interventie=interventie,
                reference=reference,
                grace=found.backdating_grace,
            )
        except AchievementError as error:
            raise _refused(error) from None
    if answer is None:
        raise Problem(
            404, "not-found", f"no taakstelling with a target in {fiscal_year} as of this basis"
        )
    return JSON(answer)

"""Query and path parameters the read routes share, bounded as the domain bounds them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.reading import MAX_POSITION
from domain.values import MAX_FISCAL_YEAR, MAX_INTERVENTIE, MIN_FISCAL_YEAR

FiscalYearQ = Annotated[int | None, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
RequiredYear = Annotated[int, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
FiscalYearPath = Annotated[int, Path(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
BaseYear = Annotated[
    int,
    Query(
        ge=MIN_FISCAL_YEAR,
        le=MAX_FISCAL_YEAR,
        description="the year whose realisation the savings are measured against",
    ),
]
Dimension = Annotated[str | None, Query(max_length=200)]
Interventie = Annotated[int | None, Query(ge=1, le=MAX_INTERVENTIE)]
# Log positions are BIGINT on both databases.
Position = Annotated[int, Query(ge=0, le=MAX_POSITION, description="the last position you have")]
MinPosition = Annotated[int | None, Query(ge=0, le=MAX_POSITION)]

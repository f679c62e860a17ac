"""One envelope for every list (issue #15): the basis the rows were computed on, the rows,
and paging. Single records answer `Record`: the basis, the aggregate's version (also the
ETag) and the record's rows.

Paging is by offset over the list as ordered on that basis: a client that pins the basis
(`min_position` and `as_of`, or `as_recorded_at`) pages a list that cannot shift under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from api.http import JSON
from projections.queries.basis import Basis
from projections.queries.rows import BasisRow

Row = TypeVar("Row")

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000


class Paging(BaseModel):
    """Where this page sits in the whole list: `next_offset` is null on the last page."""

    offset: int
    limit: int
    total: int
    next_offset: int | None


class Page(BaseModel, Generic[Row]):
    basis: BasisRow
    rows: list[Row]
    paging: Paging


class Record(BaseModel, Generic[Row]):
    basis: BasisRow
    version: int
    rows: list[Row]


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int


def page_request(
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="rows to skip")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="rows on this page at most")
    ] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(offset, limit)


PageDep = Annotated[PageRequest, Depends(page_request)]


def paged(basis: Basis | BasisRow | None, found: Sequence[object], wanted: PageRequest) -> Response:
    """The page `wanted` of `found`, in the one envelope; `basis` None (null) for a list
    that is not computed from the log (the API's tokens)."""
    end = wanted.offset + wanted.limit
    return page_of(basis, found[wanted.offset : end], len(found), wanted)


def page_of(
    basis: Basis | BasisRow | None, rows: Sequence[object], total: int, wanted: PageRequest
) -> Response:
    """The envelope of a page the query cut itself (a list too long to fetch whole, the
    log): `rows` is page `wanted` of a list of `total` rows."""
    end = wanted.offset + wanted.limit
    return JSON(
        {
            "basis": basis.to_json() if isinstance(basis, Basis) else basis,
            "rows": list(rows),
            "paging": {
                "offset": wanted.offset,
                "limit": wanted.limit,
                "total": total,
                "next_offset": end if end < total else None,
            },
        }
    )

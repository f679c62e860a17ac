"""The basis of a read: the parameters that choose it, the wait for the read model, the
answer that names it (ADR 0002)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy import Connection

from api.http import Services
from api.problems import Problem, field_error
from projections.queries.basis import Basis, BasisError, parse_moment, resolve_basis

READ_YOUR_WRITES_TIMEOUT = 5.0
MAX_POSITION = 2**63 - 1  # BIGINT


@dataclass(frozen=True)
class BasisRequest:
    as_of: str | None
    as_recorded_at: str | None
    min_position: int | None


async def basis_request(
    as_of: Annotated[
        str | None,
        Query(
            max_length=100,
            description='"now" or "nu", a moment (a date, 2019-12-31 or 31-12-2019, is the end '
            "of that day in Amsterdam; a quarter, 2019Q4, the end of its last day; or ISO "
            "8601) or a report id: the facts known by then",
        ),
    ] = None,
    as_recorded_at: Annotated[
        str | None,
        Query(
            max_length=100,
            description="the log as it stood at this moment (what the system held then)",
        ),
    ] = None,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_POSITION,
            description="wait until the read model has reached this log position",
        ),
    ] = None,
) -> BasisRequest:
    if as_recorded_at is not None:
        try:
            parse_moment(as_recorded_at)
        except BasisError as error:
            raise Problem(
                422,
                "invalid-basis",
                str(error),
                errors=[field_error("query", "as_recorded_at", str(error), "invalid-basis")],
            ) from None
    return BasisRequest(as_of, as_recorded_at, min_position)


BasisDep = Annotated[BasisRequest, Depends(basis_request)]


def reached(found: Services, min_position: int | None) -> int:
    """Catch the read model up; with `min_position`, wait until it has that write. Refused
    with 503 chain-broken while a break in the log is recorded."""
    found.guard()
    position = found.catch_up()
    if min_position is None or position >= min_position:
        return position
    last = found.ledger.app.recorder.max_notification_id() or 0
    if min_position > last:
        detail = f"the log ends at position {last}; {min_position} has not been recorded"
        raise Problem(
            422,
            "unknown-position",
            detail,
            errors=[field_error("query", "min_position", detail, "unknown-position")],
        )
    position = found.ledger.runner.wait_for(min_position, READ_YOUR_WRITES_TIMEOUT)
    if position < min_position:
        raise Problem(
            503,
            "read-model-behind",
            f"the read model is at {position}, not yet at {min_position}; retry shortly",
            headers={"Retry-After": "1"},
        )
    return position


@contextmanager
def reading(found: Services, wanted: BasisRequest) -> Iterator[tuple[Connection, Basis]]:
    position = reached(found, wanted.min_position)
    with found.ledger.engine.connect() as conn:
        basis = resolve_basis(conn, wanted.as_of, position, as_recorded_at=wanted.as_recorded_at)
        yield conn, basis


def etag(version: int) -> str:
    return f'"{version}"'

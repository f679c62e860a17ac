"""Tamper evidence over HTTP, for the auditor role (ADR 0007, ADR 0017)."""

from __future__ import annotations

from typing import Annotated, NotRequired

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import Identity, Role
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from projections.audit import verification
from projections.audit.chain import ChainIntact, ChainTampered
from projections.readmodel import rederive
from projections.readmodel.rederive import ReadModelDiffers, ReadModelIntact

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1/audit",
    tags=["audit"],
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="only the auditor role verifies the log",
        _422="an invalid parameter (`read_model` is true or false): `errors` names it",
        _503="the database is busy (`database-busy`, a rebuild holds it); retry after "
        "`Retry-After` seconds",
    ),
)
Auditor = Annotated[Identity, Depends(require(Role.AUDITOR))]


class Verified(ChainIntact):
    """The log verifies; with `read_model=true`, the read model's check as well."""

    read_model: NotRequired[ReadModelIntact | ReadModelDiffers]


@router.get("/verify", response_model=Verified | ChainTampered)
def verify(
    found: ServicesDep,
    auditor: Auditor,
    read_model: Annotated[
        bool,
        Query(
            description="also rebuild the read model from the verified log in memory and "
            "compare every table with the live one, row by row"
        ),
    ] = False,
) -> Response:
    """Recompute the hash chain from the event log and check it against the stored links and
    every report's published chain head. The answer is the finding, 200 either way:
    `{"status": "ok", "head", "position", "count", "reports", "unchained"}`, or
    `{"status": "tampered", "kind": "changed" | "missing" | "reordered" | "inserted",
    "position", "detail"}` naming the first position that fails. The result is recorded:
    a break makes the figures answer 503 until a verify passes again (ADR 0017). With
    `read_model=true` and a log that verifies, `read_model` is `{"status": "ok", "position",
    "tables": {table: digest}}` or `{"status": "differs", "position", "table", "key",
    "column", "live", "recomputed", "detail"}`."""
    # No catch-up first: a tampered log may keep the read model from catching up, and the
    # events after the chain's head are counted as `unchained`, not blessed (ADR 0007).
    ledger = found.ledger
    verdict = verification.full_verify(ledger.app, ledger.engine)
    answer = verdict.to_json()
    if answer["status"] == "ok" and read_model:
        position = found.catch_up()
        checked: Verified = {
            **answer,
            "read_model": rederive.verify_read_model(ledger.app, ledger.engine, position).to_json(),
        }
        return JSON(checked)
    return JSON(answer)

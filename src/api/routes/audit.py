"""Tamper evidence over HTTP, for the auditor role (ADR 0007)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.auth import Identity, Role
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from projections import chain

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1/audit",
    tags=["audit"],
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="only the auditor role verifies the log",
    ),
)
Auditor = Annotated[Identity, Depends(require(Role.AUDITOR))]


@router.get("/verify")
def verify(found: ServicesDep, auditor: Auditor) -> Any:
    """Recompute the hash chain from the event log and check it against the stored links and
    every report's published chain head. The answer is the finding, 200 either way:
    `{"status": "ok", "head", "position", "count", "reports", "unchained"}`, or
    `{"status": "tampered", "kind": "changed" | "missing" | "reordered" | "inserted",
    "position", "detail"}` naming the first position that fails."""
    # No catch-up first: a tampered log may keep the read model from catching up, and the
    # events after the chain's head are counted as `unchained`, not blessed (ADR 0007).
    with found.ledger.engine.connect() as conn:
        verdict = chain.verify(found.ledger.app, conn)
    return JSON(verdict.to_json())

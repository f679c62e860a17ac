"""API tokens, for the admin role only. A token's secret is shown once, at creation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from api.auth import Identity, Role
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.requests.token_requests import CreateToken
from api.writing import CREATES

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1/tokens",
    tags=["tokens"],
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="only the admin role manages tokens",
        _404="no such token",
        _409="the name is taken",
        _422="invalid input",
    ),
)
Admin = Annotated[Identity, Depends(require(Role.ADMIN))]


@router.post("", **CREATES, responses=problem_responses(_400="the body is not JSON, or not UTF-8"))
def create_token(body: CreateToken, found: ServicesDep, admin: Admin) -> Any:
    """A new token for a person or system; its `name` becomes the actor on their events."""
    record, secret = found.tokens.create(
        name=body.name, role=Role(body.role), created_by=admin.name
    )
    return JSON({**record, "token": secret}, status_code=201)


@router.get("")
def list_tokens(found: ServicesDep, admin: Admin) -> Any:
    return JSON({"tokens": found.tokens.list()})


@router.delete("/{token_id}")
def revoke_token(
    token_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], found: ServicesDep, admin: Admin
) -> Any:
    """Revoke a token at once; its name stays taken, so the trail stays unambiguous."""
    found.tokens.get(token_id)
    return JSON(found.tokens.revoke(token_id, by=admin.name))

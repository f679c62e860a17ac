"""API tokens, for the admin role only. A token's secret is shown once, at creation."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import Identity, Role, TokenRecord
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.pages import PageDep, Paging, paged
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
# A token's id as an answer gives it (dashed), or as 32 hex digits.
ID_PATTERN = r"^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"


class TokenPage(BaseModel):
    """The one list envelope. `basis` is always null: tokens are the service's own state,
    not facts in the log, so no log position or knowledge cutoff describes them."""

    basis: None
    rows: list[TokenRecord]
    paging: Paging


class IssuedToken(TokenRecord):
    """A new token's record with its secret, shown this once."""

    token: str


@router.post(
    "",
    **CREATES,
    response_model=IssuedToken,
    responses=problem_responses(_400="the body is not JSON, or not UTF-8"),
)
def create_token(body: CreateToken, found: ServicesDep, admin: Admin) -> Response:
    """A new token for a person or system; its `name` becomes the actor on their events."""
    record, secret = found.tokens.create(
        name=body.name, role=Role(body.role), created_by=admin.name
    )
    return JSON({**record, "token": secret}, status_code=201)


@router.get("", response_model=TokenPage)
def list_tokens(found: ServicesDep, admin: Admin, page: PageDep) -> Response:
    """Every token, oldest first, without its secret."""
    return paged(None, found.tokens.list(), page)


@router.delete("/{token_id}", response_model=TokenRecord)
def revoke_token(
    token_id: Annotated[str, Path(pattern=ID_PATTERN)], found: ServicesDep, admin: Admin
) -> Response:
    """Revoke a token at once; its name stays taken, so the trail stays unambiguous."""
    stored = UUID(token_id).hex
    found.tokens.get(stored)
    return JSON(found.tokens.revoke(stored, by=admin.name))

"""What the API answers with: a command's result, a basis, a list and a problem document."""

from __future__ import annotations

from pydantic import (
    BaseModel,
)

from api.problems import FieldError


class CommandResult(BaseModel):
    """What a command recorded: the aggregates it touched (their ids and new versions) and
    the log position of its last event (pass it as `min_position` to read your write)."""

    ids: dict[str, str]
    versions: dict[str, int]
    position: int


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, with the fields at fault in `errors`."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[FieldError] = []

"""The body that creates an API token."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from api.requests.members import (
    Input,
)
from domain.values import (
    REFUSED_CLASS,
)


class CreateToken(Input):
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            pattern=r"^\S(.*\S)?$",
            json_schema_extra={
                "pattern": f"^[^{REFUSED_CLASS}\\s]([^{REFUSED_CLASS}]*[^{REFUSED_CLASS}\\s])?$"
            },
        ),
    ]
    role: Literal["griffie", "finance", "auditor", "admin"]

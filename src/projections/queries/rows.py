"""What the read side's rows are made of, shared by every query's row types.

A row type is a TypedDict: the queries build plain dicts (cheap, and what the JSON encoder
and the CLI take), and mypy checks each key. Amounts are `Euros`: an exact Decimal, published
as a decimal string. The schema hook is duck-typed (pydantic looks for
`__get_pydantic_json_schema__` on Annotated metadata), so this package imports no pydantic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, NotRequired

from typing_extensions import TypedDict

AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
# The dimensions a budget rolls up by; here, not in `figures`, so the command line names
# them without importing SQLAlchemy (ADR 0023).
ROLLUPS = ("programma", "taakveld", "interventie", "fund")


class _DecimalString:
    """Annotated metadata: the amount travels as an exact decimal string (ADR 0003)."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["119000.00"]}

    def __repr__(self) -> str:
        return "DecimalString"


Euros = Annotated[Decimal, _DecimalString()]


class BasisRow(TypedDict):
    """The basis an answer was computed on (ADR 0002); `as_recorded_at` only when asked."""

    as_of: str
    report: str | None
    knowledge_cutoff: str | None
    log_position: int
    as_recorded_at: NotRequired[str]


class PeriodRow(TypedDict):
    first_year: int
    last_year: int
    quarter: int | None


class MandateScopeRow(TypedDict):
    """What a raad mandate lets the college decide: kinds of change, a fund, a period."""

    kinds: list[str]
    fund: str | None
    period: PeriodRow

"""Bodies of the realisations' commands: `line` names the budget line."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
    Strict,
)

from api.requests.members import (
    Amount,
    FreeText,
    LineKeyIn,
    Provenance,
    Quarter,
)
from domain.realisation import RealisationStatus


class ReportRealisation(Provenance):
    line: LineKeyIn
    amount: Amount
    status: RealisationStatus
    quarter: Quarter | None = None


class CorrectRealisation(Provenance):
    line: LineKeyIn
    corrects_version: Annotated[int, Strict(), Field(ge=1)]
    amount: Amount
    status: RealisationStatus
    reason: FreeText
    quarter: Quarter | None = None


class ReportLateResult(Provenance):
    """Resultaat voorgaand jaar: `line` names the closed year's line; the result is booked
    on the same dimensions in the next open year. `corrects_version` (with `quarter`, if the
    figure is a quarter's) names the closed year's figure it corrects."""

    line: LineKeyIn
    amount: Amount
    status: RealisationStatus
    reason: FreeText
    corrects_version: Annotated[int, Strict(), Field(ge=1)] | None = None
    quarter: Quarter | None = None

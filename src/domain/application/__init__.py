"""The Begroting application: one method per use case (load, decide, save).

Every method takes a Context (who, when known, why) and returns the ids it touched and the
log position of its last event, never an aggregate. The clock is passed in; the domain
never reads it (ADR 0002). The use cases live by area in this package's modules, on the
unit of work (unit_of_work.py); `Begroting` is all of them, the one application the rest of
the code uses.
"""

from __future__ import annotations

from typing import ClassVar

from domain.application.budget_lines import BudgetLineUseCases
from domain.application.context import Context, Recorded
from domain.application.decisions import DecisionUseCases
from domain.application.file_imports import ImportUseCases
from domain.application.fiscal_years import FiscalYearUseCases
from domain.application.publishing import ReportUseCases
from domain.application.realisations import RealisationUseCases
from domain.application.reserves import ReserveUseCases
from domain.application.stated_fact_cases import StatedFactUseCases
from domain.application.taakstellingen import TaakstellingUseCases
from domain.application.unit_of_work import Batch, Clock
from domain.events import Stamp

__all__ = ["Batch", "Begroting", "Clock", "Context", "Recorded", "Stamp"]


class Begroting(
    ImportUseCases,
    DecisionUseCases,
    BudgetLineUseCases,
    TaakstellingUseCases,
    RealisationUseCases,
    ReserveUseCases,
    FiscalYearUseCases,
    ReportUseCases,
    StatedFactUseCases,
):
    name = "Begroting"
    # A cache with fast-forward reads the newer events of another process before deciding.
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

"""Use cases on fiscal years: close (the jaarrekening) and the audited reopening."""

from __future__ import annotations

from decimal import Decimal

from domain.application.context import Context, Recorded
from domain.application.unit_of_work import UnitOfWork
from domain.errors import OpenFiscalYearError
from domain.events import MutationKind
from domain.fiscal_year import FiscalYear
from domain.values import Period


class FiscalYearUseCases(UnitOfWork):
    def close_fiscal_year(self, ctx: Context, *, fiscal_year: int, decision: str) -> Recorded:
        stamp = self._authorised(
            ctx, decision, MutationKind.CLOSE_YEAR, None, Period.year(fiscal_year)
        )
        year_id = FiscalYear.id_for(fiscal_year)
        year = (
            self._get(FiscalYear, year_id, f"fiscal year {fiscal_year}", "fiscal_year")
            if self._exists(year_id)
            else FiscalYear.begin(year=fiscal_year, stamp=stamp)
        )
        year.close(stamp=stamp)
        return self._save(ctx, {"fiscal_year": year.id}, year)

    def reopen_fiscal_year(self, ctx: Context, *, fiscal_year: int, decision: str) -> Recorded:
        """Audited reopening: an adopted raad decision (a revised jaarrekening or a
        begrotingswijziging) opens a closed year again; `FiscalYear.Reopened` names it."""
        stamp = self._authorised(
            ctx, decision, MutationKind.REOPEN_YEAR, None, Period.year(fiscal_year)
        )
        year_id = FiscalYear.id_for(fiscal_year)
        if not self._exists(year_id):
            raise OpenFiscalYearError(fiscal_year)
        year = self._get(FiscalYear, year_id, f"fiscal year {fiscal_year}", "fiscal_year")
        year.reopen(stamp=stamp)
        return self._save(ctx, {"fiscal_year": year.id}, year)

    def set_verantwoordingsgrens(
        self, ctx: Context, *, fiscal_year: int, percentage: Decimal, decision: str
    ) -> Recorded:
        """The raad's decision sets the year's verantwoordingsgrens (ADR 0029). A decision
        about the year itself, like its closing: no mandate covers it (the domain refuses a
        college decision), and a closed year keeps the grens it was closed with."""
        stamp = self._authorised(
            ctx, decision, MutationKind.CLOSE_YEAR, None, Period.year(fiscal_year)
        )
        self._check_open([fiscal_year])
        year_id = FiscalYear.id_for(fiscal_year)
        year = (
            self._get(FiscalYear, year_id, f"fiscal year {fiscal_year}", "fiscal_year")
            if self._exists(year_id)
            else FiscalYear.begin(year=fiscal_year, stamp=stamp)
        )
        year.set_verantwoordingsgrens(percentage=percentage, stamp=stamp)
        return self._save(ctx, {"fiscal_year": year.id}, year)

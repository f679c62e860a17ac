"""Use cases on realisations: report, correct, and a late result of a closed year."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from domain.application.context import Context, Recorded, meta_for
from domain.application.unit_of_work import UnitOfWork
from domain.errors import ClosedFiscalYearError, InvalidInputError, RealisationError
from domain.events import Stamp
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus, late_result_id, realisation_id
from domain.values import MAX_FISCAL_YEAR, LineKey, Period


class RealisationUseCases(UnitOfWork):
    def report_realisation(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        status: RealisationStatus,
        quarter: int | None = None,
        month: str | None = None,
    ) -> Recorded:
        """`month` ("YYYY-MM", optional) is the month the figure covers (ADR 0020)."""
        stamp = self._stamp(ctx, Period.year(key.fiscal_year, quarter))
        self._check_open([key.fiscal_year])
        self._refuse_existing(
            realisation_id(key, quarter),
            f"a realisation for {key.label()} in that period exists; correct it instead",
            "key",
        )
        realisation = Realisation.report(
            key=key, quarter=quarter, amount=amount, status=status, stamp=stamp, month=month
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def correct_realisation(
        self,
        ctx: Context,
        *,
        key: LineKey,
        corrects_version: int,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        quarter: int | None = None,
    ) -> Recorded:
        stamp = self._stamp(ctx, Period.year(key.fiscal_year, quarter))
        self._check_open([key.fiscal_year])
        realisation = self._get(
            Realisation, realisation_id(key, quarter), f"realisation for {key.label()}", "key"
        )
        realisation.correct(
            corrects_version=corrects_version,
            amount=amount,
            status=status,
            reason=reason,
            stamp=stamp,
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def report_late_result(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        corrects_version: int | None = None,
        quarter: int | None = None,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        """Resultaat voorgaand jaar (ADR 0010): a result for the closed year
        `key.fiscal_year` that came in late is booked in the next open year on the same
        line dimensions, naming the closed year and, with `corrects_version` (and `quarter`),
        the closed year's figure it corrects. The closed year is never rewritten."""
        now = self._now()
        origin = key.fiscal_year
        if not self._is_closed(origin):
            raise RealisationError(
                f"fiscal year {origin} is open: report or correct its realisation itself",
                field="fiscal_year",
                fiscal_year=origin,
            )
        booked = replace(key, fiscal_year=self.next_open_year(origin))
        stamp = Stamp(meta=meta_for(ctx, now, Period.year(booked.fiscal_year)), recorded_at=now)
        corrects: Realisation | None = None
        if corrects_version is not None:
            corrects = self._get(
                Realisation, realisation_id(key, quarter), f"realisation for {key.label()}", "key"
            )
            if corrects.version != corrects_version:
                raise RealisationError(
                    f"the late result names version {corrects_version}, but the figure of "
                    f"{key.label()} is version {corrects.version}",
                    field="corrects_version",
                    current_version=corrects.version,
                )
        elif quarter is not None:
            raise InvalidInputError(
                "a quarter names the figure a late result corrects: give corrects_version",
                field="quarter",
            )
        late_id = late_result_id(mutation_id or uuid4())
        self._refuse_existing(late_id, "this late result is already recorded", "mutation_id")
        realisation = Realisation.report_late_result(
            realisation_id=late_id,
            key=booked,
            origin_year=origin,
            amount=amount,
            status=status,
            reason=reason,
            corrects=corrects,
            stamp=stamp,
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def next_open_year(self, year: int) -> int:
        """The first fiscal year after `year` that is not closed."""
        for later in range(year + 1, MAX_FISCAL_YEAR + 1):
            if not self._is_closed(later):
                return later
        raise ClosedFiscalYearError(MAX_FISCAL_YEAR)

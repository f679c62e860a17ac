"""Use cases on published reports."""

from __future__ import annotations

from datetime import datetime

from domain.application.context import Context, Recorded, meta_for
from domain.application.unit_of_work import UnitOfWork
from domain.events import Authority, Stamp
from domain.report import Report, TableSpec
from domain.values import Period, check_aware


class ReportUseCases(UnitOfWork):
    def publish_report(
        self,
        ctx: Context,
        *,
        report_id: str,
        title: str,
        published_at: datetime,
        knowledge_cutoff: datetime,
        tables: tuple[TableSpec, ...],
        period: Period,
        decision: str | None = None,
    ) -> Recorded:
        check_aware(published_at, "published_at")
        check_aware(knowledge_cutoff, "knowledge_cutoff")
        now = self._now()
        authority: Authority | None = None
        if decision is not None:
            authority = self._decision(decision).authority()
        meta = meta_for(ctx, now, period, decision_id=authority.decision_id if authority else None)
        self._refuse_existing(
            Report.id_for(report_id), f"report {report_id!r} already exists", "report_id"
        )
        report = Report.publish(
            report_id=report_id,
            title=title,
            published_at=published_at,
            knowledge_cutoff=knowledge_cutoff,
            tables=tables,
            stamp=Stamp(meta=meta, recorded_at=now, authority=authority),
        )
        return self._save(ctx, {"report": report.id}, report)

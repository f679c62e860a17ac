"""Published reports: a name, a publication moment, a knowledge cutoff and table specs.

A report stores what its tables ask for, not the figures: the figures come out of the
projections as of the report's basis, so the same tables can be re-rendered on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import InvalidInputError, InvalidTimeError
from domain.events import Authority, Created, Stamp, natural_id
from domain.values import check_fiscal_year, check_text

REPORT_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{1,62}$")
# An `as_of` of these shapes names a moment or now (projections.queries.basis), never a
# report: a date (2019-12-31, 31-12-2019), a quarter (2019q4), "now" or "nu".
NOT_A_REPORT_ID = re.compile(r"^(\d{4}-.*|\d{1,2}-\d{1,2}-\d{4}|\d{4}q\d|now|nu)$")


class Measure(Enum):
    TAAKSTELLING = "taakstelling"  # the amount of the row's taakstellingen for the year
    BUDGET = "budget"  # the authorised budget of the fund's lines for the year
    REALISATION = "realisation"  # the realised lasten on the fund's lines for the year


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    measure: Measure
    fiscal_year: int


@dataclass(frozen=True)
class RowSpec:
    """A row: an interventie and, for taakstellingen, the references it adds up
    (empty: every taakstelling of the interventie not claimed by another row)."""

    interventie: int | None
    label: str
    taakstellingen: tuple[str, ...] = ()


@dataclass(frozen=True)
class TotalSpec:
    label: str
    include_risks: bool = True


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    unit: str
    fund: str | None
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    totals: tuple[TotalSpec, ...]

    def __post_init__(self) -> None:
        if not REPORT_ID.match(self.id):
            raise InvalidInputError(f"table id {self.id!r} is not a slug", field="tables.id")
        check_text(self.title, "tables.title")
        check_text(self.unit, "tables.unit")
        check_text(self.fund, "tables.fund", required=False)
        for row in self.rows:
            check_text(row.label, "tables.rows.label")
        for total in self.totals:
            check_text(total.label, "tables.totals.label")
        keys = [column.key for column in self.columns]
        if not keys or len(set(keys)) != len(keys):
            raise InvalidInputError("a table has distinct column keys", field="tables.columns")
        for column in self.columns:
            check_fiscal_year(column.fiscal_year, "tables.columns.fiscal_year")
            if column.measure is not Measure.TAAKSTELLING and self.fund is None:
                raise InvalidInputError(
                    "a budget or realisation table names its fund", field="tables.fund"
                )


class Report(LedgerAggregate):
    def __init__(
        self,
        report_id: str,
        title: str,
        published_at: datetime,
        knowledge_cutoff: datetime,
        tables: tuple[TableSpec, ...],
        authority: Authority | None,
    ) -> None:
        self.report_id = report_id
        self.title = title
        self.published_at = published_at
        self.knowledge_cutoff = knowledge_cutoff
        self.tables = tuple(tables)
        self.authority = authority

    @staticmethod
    def id_for(report_id: str) -> UUID:
        return natural_id("report", report_id)

    @classmethod
    def publish(
        cls,
        *,
        report_id: str,
        title: str,
        published_at: datetime,
        knowledge_cutoff: datetime,
        tables: tuple[TableSpec, ...],
        stamp: Stamp,
    ) -> Report:
        if not REPORT_ID.match(report_id):
            raise InvalidInputError(
                f"report id {report_id!r} must be a lowercase slug", field="report_id"
            )
        if NOT_A_REPORT_ID.match(report_id):
            raise InvalidInputError(
                f"report id {report_id!r} reads as a moment (a date, a quarter or now): "
                "name the report in words",
                field="report_id",
            )
        if not title.strip():
            raise InvalidInputError("a report needs a title", field="title")
        check_text(title, "title")
        if knowledge_cutoff > published_at:
            raise InvalidTimeError(
                "a report cannot know more than it had at publication", field="knowledge_cutoff"
            )
        if published_at > stamp.recorded_at:
            raise InvalidTimeError(
                "a report cannot be published in the future", field="published_at"
            )
        table_ids = [table.id for table in tables]
        if len(set(table_ids)) != len(table_ids):
            raise InvalidInputError("table ids repeat", field="tables")
        if stamp.authority is None and not stamp.meta.source:
            raise InvalidInputError("a report names its decision or source", field="source")
        return cls._create(
            cls.Published,
            id=cls.id_for(report_id),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            report_id=report_id,
            title=title,
            published_at=published_at,
            knowledge_cutoff=knowledge_cutoff,
            tables=tuple(tables),
            authority=stamp.authority,
        )

    class Published(Created):
        report_id: str
        title: str
        published_at: datetime
        knowledge_cutoff: datetime
        tables: tuple[TableSpec, ...]
        authority: Authority | None

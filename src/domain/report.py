"""Published reports: a name, a publication moment, a knowledge cutoff and table specs.

A report stores what its tables ask for, not the figures: the figures come out of the
projections as of the report's basis, so the same tables can be re-rendered on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    # Row measures (ADR 0025): a row that names one of these is evaluated by it in every
    # column, whatever the column's own measure.
    HEADING = "heading"  # a section heading: a label, no figures
    RELATIVE = "relative"  # the row's taakstellingen as % of their base realisation
    KENGETAL = "kengetal"  # a measured kengetal (a count, hours), not money
    RESULT = "result"  # a result as a document states it (voordeel positive)
    SPECIFICATION = "specification"  # an activity's part of the fund's budget lines


# An optional field is left out of the stored event while unset: a spec without it is
# stored exactly as before the field existed.
OMITTED = {"omitted_when_none": True}


@dataclass(frozen=True)
class ColumnSpec:
    """A column: a measure for a fiscal year, or summed over fiscal_year..last_year
    (tabel 7.2's "totaal")."""

    key: str
    measure: Measure
    fiscal_year: int
    last_year: int | None = field(default=None, metadata=OMITTED)


@dataclass(frozen=True)
class RowSpec:
    """A row: an interventie and, for taakstellingen, the references it adds up
    (empty: every taakstelling of the interventie not claimed by another row).

    The optional fields (ADR 0025) make a row carry its own measure, for the tables that
    mix realisations, taakstellingen, kengetallen and budgets per year (tabel 5.x):
    - measure: the row's measure, used in every column instead of the column's;
    - key: a slug that addresses the row where labels repeat (unique in its table);
    - unit: the row's unit where it differs from the table's ("percent", "count");
    - deelproducten: a realisation row's deelproducten (their lasten, any fund);
    - fund: a budget, realisation or specification row's fund, instead of the table's;
    - activity: a specification row's activity;
    - kengetal: a kengetal row's reference;
    - result: a result row's domain (the stated result's key);
    - base_year: a relative row's base year (else BASE_YEAR)."""

    interventie: int | None
    label: str
    taakstellingen: tuple[str, ...] = ()
    measure: Measure | None = field(default=None, metadata=OMITTED)
    key: str | None = field(default=None, metadata=OMITTED)
    unit: str | None = field(default=None, metadata=OMITTED)
    deelproducten: tuple[str, ...] | None = field(default=None, metadata=OMITTED)
    fund: str | None = field(default=None, metadata=OMITTED)
    activity: str | None = field(default=None, metadata=OMITTED)
    kengetal: str | None = field(default=None, metadata=OMITTED)
    result: str | None = field(default=None, metadata=OMITTED)
    base_year: int | None = field(default=None, metadata=OMITTED)


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

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
from domain.events import OMITTED, Authority, Created, Stamp, natural_id
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


# What a column may measure for the rows without a measure of their own.
COLUMN_MEASURES = (Measure.TAAKSTELLING, Measure.BUDGET, Measure.REALISATION)
# The measures whose figures are money: in the table's unit, and what a total adds.
MONEY_MEASURES = (
    Measure.TAAKSTELLING,
    Measure.BUDGET,
    Measure.REALISATION,
    Measure.RESULT,
    Measure.SPECIFICATION,
)
# The units a money row publishes in (ADR 0025); any other table unit renders as EUR_1000.
MONEY_UNITS = ("EUR_1000", "EUR_1000000")
ROW_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")


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
        # A column's measure serves the rows without their own (ADR 0025).
        check_rows(self)
        column_measured = not self.rows or any(row.measure is None for row in self.rows)
        for column in self.columns:
            check_fiscal_year(column.fiscal_year, "tables.columns.fiscal_year")
            if column.last_year is not None:
                check_fiscal_year(column.last_year, "tables.columns.last_year")
                if column.last_year < column.fiscal_year:
                    raise InvalidInputError(
                        f"column {column.key!r} sums {column.fiscal_year}..{column.last_year}: "
                        "its last year comes before its first",
                        field="tables.columns.last_year",
                    )
            if not column_measured:
                continue
            if column.measure not in COLUMN_MEASURES:
                raise InvalidInputError(
                    f"column {column.key!r} measures {column.measure.value!r}, which only a "
                    "row can: a column measures taakstelling, budget or realisation",
                    field="tables.columns.measure",
                )
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


# -- the rows of a table (ADR 0025) ------------------------------------------------------

# The field each row measure needs, and the fields only that measure may carry.
_NEEDS = {
    Measure.RELATIVE: ("taakstellingen", "a relative row names its taakstellingen"),
    Measure.KENGETAL: ("kengetal", "a kengetal row names its kengetal"),
    Measure.RESULT: ("result", "a result row names its result"),
    Measure.SPECIFICATION: ("activity", "a specification row names its activity"),
}
_ONLY = {
    "deelproducten": (Measure.REALISATION,),
    "activity": (Measure.SPECIFICATION,),
    "kengetal": (Measure.KENGETAL,),
    "result": (Measure.RESULT,),
    "base_year": (Measure.RELATIVE,),
    "fund": (Measure.BUDGET, Measure.REALISATION, Measure.SPECIFICATION),
}


def check_rows(table: TableSpec) -> None:
    """Each row's own measure has what it needs; keys are unique slugs; a label repeats only
    where every row that carries it has a key (a cell is addressed by key or by label)."""
    field = "tables.rows"
    keys: set[str] = set()
    for row in table.rows:
        if row.key is not None:
            if not ROW_KEY.match(row.key):
                raise InvalidInputError(f"row key {row.key!r} is not a slug", field=f"{field}.key")
            if row.key in keys:
                raise InvalidInputError(f"row key {row.key!r} repeats", field=f"{field}.key")
            keys.add(row.key)
        check_text(row.unit, f"{field}.unit", required=False)
        check_text(row.fund, f"{field}.fund", required=False)
        check_text(row.activity, f"{field}.activity", required=False)
        check_text(row.kengetal, f"{field}.kengetal", required=False)
        check_text(row.result, f"{field}.result", required=False)
        if row.base_year is not None:
            check_fiscal_year(row.base_year, f"{field}.base_year")
        _check_measure(table, row, field)
    labels = [row.label for row in table.rows]
    for row in table.rows:
        if row.key is None and labels.count(row.label) > 1:
            raise InvalidInputError(
                f"row label {row.label!r} repeats: give each of those rows a key",
                field=f"{field}.key",
            )
    if table.totals and any(row.measure is not None for row in table.rows):
        measures = {row.measure for row in table.rows if row.measure is not Measure.HEADING}
        if len(measures) != 1 or not measures <= set(MONEY_MEASURES):
            raise InvalidInputError(
                "a total adds rows of one money measure: this table's rows measure "
                + ", ".join(sorted(m.value if m else "the column's" for m in measures)),
                field="tables.totals",
            )


def _check_measure(table: TableSpec, row: RowSpec, field: str) -> None:
    measure = row.measure
    for name, allowed in _ONLY.items():
        if getattr(row, name) is not None and measure not in allowed:
            raise InvalidInputError(
                f"row {row.label!r}: {name} belongs to a row measuring "
                + " or ".join(m.value for m in allowed),
                field=f"{field}.{name}",
            )
    if measure is None:
        if row.unit is not None and row.unit not in MONEY_UNITS:
            raise InvalidInputError(
                f"row {row.label!r}: a row measured by its columns is money "
                f"({', '.join(MONEY_UNITS)}), not {row.unit!r}",
                field=f"{field}.unit",
            )
        return
    if measure in _NEEDS:
        name, message = _NEEDS[measure]
        if not getattr(row, name):
            raise InvalidInputError(f"{message} (row {row.label!r})", field=f"{field}.{name}")
    if measure is Measure.REALISATION and row.deelproducten is not None:
        if not row.deelproducten:
            raise InvalidInputError(
                f"row {row.label!r} names no deelproducten", field=f"{field}.deelproducten"
            )
        for code in row.deelproducten:
            check_text(code, f"{field}.deelproducten")
    elif (
        measure in (Measure.BUDGET, Measure.REALISATION, Measure.SPECIFICATION)
        and row.fund is None
        and table.fund is None
    ):
        raise InvalidInputError(
            f"row {row.label!r} measures {measure.value}: it or its table names the fund",
            field=f"{field}.fund",
        )
    if measure is Measure.RELATIVE:
        if row.unit not in (None, "percent"):
            raise InvalidInputError(
                f"row {row.label!r} is relative: its unit is percent, not {row.unit!r}",
                field=f"{field}.unit",
            )
    elif measure in MONEY_MEASURES and row.unit is not None and row.unit not in MONEY_UNITS:
        raise InvalidInputError(
            f"row {row.label!r} is money ({', '.join(MONEY_UNITS)}), not {row.unit!r}",
            field=f"{field}.unit",
        )
    elif measure is Measure.HEADING and (row.taakstellingen or row.unit is not None):
        raise InvalidInputError(
            f"row {row.label!r} is a heading: a label, no figures", field=f"{field}.measure"
        )

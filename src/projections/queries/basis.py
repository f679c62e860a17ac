"""The basis of every query: what it may see, on the known_at axis (a knowledge cutoff) and
the recorded axis (a log position), resolved from `as_of` and `as_recorded_at` (ADR 0002);
the chain head at a basis's position; cents as euros."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, FromClause, and_, func, select

from projections.queries.rows import BasisRow
from projections.store import schema

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# What `as_of` names a moment by (anything else names a report; report ids never take these
# shapes, domain.report): ISO 8601, a Dutch date (31-12-2019) or a quarter (2019Q4).
_MOMENT = re.compile(r"^\d{4}-|^\d{1,2}-\d{1,2}-\d{4}$|^\d{4}[Qq]\d$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
NOW = ("now", "nu")


class BasisError(Exception):
    """The requested "as of" is neither a moment nor a known report."""


class UnknownReportError(BasisError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"unknown report {report_id!r}")
        self.report_id = report_id


@dataclass(frozen=True)
class Basis:
    """What a query may see: facts known by `known_at` (None: everything) and recorded at
    or before log `position`."""

    as_of: str
    known_at: datetime | None
    position: int
    report_id: str | None = None
    recorded_at: datetime | None = None  # as_recorded_at: the log as it stood then

    def to_json(self) -> BasisRow:
        basis: BasisRow = {
            "as_of": self.as_of,
            "report": self.report_id,
            "knowledge_cutoff": None if self.known_at is None else self.known_at.isoformat(),
            "log_position": self.position,
        }
        if self.recorded_at is not None:
            basis["as_recorded_at"] = self.recorded_at.isoformat()
        return basis

    def filter(self, table: FromClause) -> ColumnElement[bool]:
        clauses = [table.c.position <= self.position]
        if self.known_at is not None:
            clauses.append(table.c.known_at <= self.known_at)
        return and_(*clauses)


def _last_day(text: str) -> date | None:
    """The day a date-only moment names: `2019-12-31`, `31-12-2019`, or a quarter's last day
    (`2019Q4`); None for a moment with a time."""
    if quarter := _QUARTER.match(text):
        year, number = int(quarter[1]), int(quarter[2])
        return date(year + number // 4, number % 4 * 3 + 1, 1) - timedelta(days=1)
    if dutch := _DUTCH_DATE.match(text):
        return date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    if len(text) == 10:
        return date.fromisoformat(text)
    return None


def parse_moment(text: str, *, now: datetime | None = None) -> datetime:
    """A date (`2019-12-31`, `31-12-2019`) means the end of that day in Amsterdam, a quarter
    (`2019Q4`) the end of its last day; a time without offset is Amsterdam's. Given `now`,
    today's date is now: a fact dated today is known now, not at midnight to come (a later
    date, or a moment with a time, stays as given)."""
    try:
        day = _last_day(text)
        if day is not None:
            end = datetime.combine(day + timedelta(days=1), time(), AMSTERDAM) - timedelta(
                microseconds=1
            )
            # Only the day in progress is capped: a later date stays in the future (refused).
            start = datetime.combine(day, time(), AMSTERDAM)
            return now if now is not None and start <= now < end else end
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=AMSTERDAM)
        return moment.astimezone(UTC)
    except ValueError:
        raise BasisError(
            f"malformed moment {text!r}: use a date (2019-12-31 or 31-12-2019), a quarter "
            "(2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)"
        ) from None
    except OverflowError:
        # The end of 9999-12-31 or the start of year 1 in UTC falls outside the calendar.
        raise BasisError(f"moment {text!r} is outside the calendar") from None


def report_basis(conn: Connection, report_id: str) -> Basis:
    row = conn.execute(
        select(schema.reports.c.knowledge_cutoff, schema.reports.c.position).where(
            schema.reports.c.report_id == report_id
        )
    ).first()
    if row is None:
        raise UnknownReportError(report_id)
    return Basis(
        as_of=f"report:{report_id}",
        known_at=row.knowledge_cutoff,
        position=int(row.position),
        report_id=report_id,
    )


def resolve_basis(
    conn: Connection, as_of: str | None, reached: int, *, as_recorded_at: str | None = None
) -> Basis:
    """`as_of`: None or "now"/"nu", a moment (parse_moment), or a report id (its cutoff).
    `as_recorded_at`: the log as it stood at that moment, for an auditor asking what the
    system held then, late knowledge and corrections recorded since left out."""
    if as_of is None or as_of.lower() in NOW:
        basis = Basis(as_of="now", known_at=None, position=reached)
    elif _MOMENT.match(as_of):
        moment = parse_moment(as_of)
        basis = Basis(as_of=moment.isoformat(), known_at=moment, position=reached)
    else:
        basis = report_basis(conn, as_of.removeprefix("report:"))
    if as_recorded_at is None:
        return basis
    recorded = parse_moment(as_recorded_at)
    last = conn.execute(
        select(func.max(schema.audit_log.c.position)).where(
            schema.audit_log.c.recorded_at <= recorded, schema.audit_log.c.position <= reached
        )
    ).scalar()
    return replace(
        basis,
        position=min(basis.position, int(last or 0)),
        recorded_at=recorded,
    )


def euros(total_cents: int | None) -> Decimal:
    return (Decimal(total_cents or 0) / 100).quantize(Decimal("0.01"))


def head_at(conn: Connection, position: int) -> str | None:
    """The link of the last chained event at or before `position` (None before any)."""
    row = conn.execute(
        select(schema.chain_links.c.link)
        .where(schema.chain_links.c.position <= position)
        .order_by(schema.chain_links.c.position.desc())
        .limit(1)
    ).first()
    return None if row is None else str(row.link)

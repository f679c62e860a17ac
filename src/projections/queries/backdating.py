"""Backdating made visible (ADR 0018): a fact a person recorded with a known_at more than a
grace period before its recorded_at is flagged wherever its row is shown (the authority
report, every lineage, a report cell's history and a report diff's events).

Late knowledge is legitimate, so the flag does not touch `authorised`; it only says so. A
backfill (the demo, a go-live import: an event with `Meta.import_id`, ADR 0002) is recorded
with its sources' dates by design: it is marked as a backfill and never flagged.

The verdict is derived at query time from what every event already stores (known_at,
recorded_at, import_id), with the grace as a parameter (the `backdating_grace` setting).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, Table, select
from typing_extensions import TypedDict

from projections.store import schema

DEFAULT_GRACE = timedelta(days=7)


class Backdated(TypedDict):
    """How long before its recording a person's fact was known, and the grace (ISO 8601)."""

    by: str
    grace: str


class Verdict(TypedDict):
    """The two members every row that shows a fact carries (ADR 0018)."""

    backdated: Backdated | None
    backfill: str | None


class Flagged(TypedDict):
    """What every row that shows a fact has for its backdating note (lineage, authority)."""

    position: int
    actor: str
    known_at: str
    recorded_at: str
    backdated: Backdated | None
    backfill: str | None


def iso_duration(span: timedelta) -> str:
    """An exact ISO 8601 duration: `P400D`, `P400DT2H30M`, `PT45.5S`; zero is `P0D`."""
    if span < timedelta(0):
        return "-" + iso_duration(-span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if span.microseconds:
        clock += f"{seconds}.{span.microseconds:06d}".rstrip("0") + "S"
    elif seconds:
        clock += f"{seconds}S"
    text = "P" + (f"{span.days}D" if span.days else "") + (f"T{clock}" if clock else "")
    return "P0D" if text == "P" else text


def verdict(
    known_at: datetime, recorded_at: datetime, import_id: str | None, grace: timedelta
) -> Verdict:
    """`backdated`: {"by", "grace"} when a person's fact was known more than `grace` before
    it was recorded, else None; `backfill`: the import id of a backfilled fact, else None."""
    if import_id is not None:
        return {"backdated": None, "backfill": import_id}
    early = recorded_at - known_at
    if early <= grace:
        return {"backdated": None, "backfill": None}
    return {
        "backdated": {"by": iso_duration(early), "grace": iso_duration(grace)},
        "backfill": None,
    }


def import_of(table: Table) -> ScalarSelect[str | None]:
    """The import id of the event behind each row of a fact table that does not keep it
    itself (taakstelling mutations, realisation entries), from the audit log's row at the
    same log position."""
    log = schema.audit_log
    return select(log.c.import_id).where(log.c.position == table.c.position).scalar_subquery()


def source_of(table: Table) -> ScalarSelect[str | None]:
    """The source document (Meta.source) of the event behind each row of a fact table that
    does not keep it (budget mutations), from the audit log's row at the same position: an
    imported figure's file, sheet and rows (ADR 0033)."""
    log = schema.audit_log
    return select(log.c.source).where(log.c.position == table.c.position).scalar_subquery()

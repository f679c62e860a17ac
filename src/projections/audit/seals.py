"""Report seals (ADR 0007): when the runner chains a report's publication, it seals the
report with the chain head at its position and the digest of its figures as rendered at its
own basis. A rebuild keeps the first seal; `rederive.verify_report` checks one again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select
from typing_extensions import TypedDict

from domain.report import Report
from projections.queries.basis import head_at
from projections.queries.reports import render_report
from projections.store import schema


def tables_digest(tables: Any) -> str:
    """SHA-256 of the canonical JSON of a report's rendered tables (ADR 0007)."""
    canonical = json.dumps(tables, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The read-model tables `render_report` reads to seal a report (chain_links aside: its
# primary key serves `head_at`). The runner refreshes their planner statistics before
# sealing on PostgreSQL (ADR 0014); a table missing here costs speed, never correctness.
SEAL_READS = (
    schema.reports,
    schema.running_series,
    schema.running_steps,
    schema.budget_lines,
    schema.budget_mutations,
    schema.realisations,
    schema.realisation_entries,
    schema.taakstellingen,
    schema.taakstelling_mutations,
    # A row-measured table's facts (ADR 0025), and the log for an import's provenance.
    schema.kengetallen,
    schema.kengetal_measurements,
    schema.stated_results,
    schema.stated_result_entries,
    schema.budget_specifications,
    schema.audit_log,
)


def seal_reports(conn: Connection, published: Iterable[tuple[str, int]]) -> None:
    """Seal each newly chained report: its chain head and the digest of its figures as
    rendered at its own basis. A report sealed before (a rebuild) keeps its first seal."""

    for report_id, position in published:
        exists = conn.execute(
            select(schema.report_seals.c.report_id).where(
                schema.report_seals.c.report_id == report_id
            )
        ).first()
        if exists is not None:
            continue
        rendered = render_report(conn, report_id, None, position)
        conn.execute(
            insert(schema.report_seals).values(
                report_id=report_id,
                position=position,
                chain_head=head_at(conn, position),
                digest=tables_digest(rendered["tables"]),
            )
        )


def published_report(event: object) -> str | None:
    return event.report_id if isinstance(event, Report.Published) else None


class SealState(TypedDict):
    """A report's seal and whether it still holds on the live read model: the chain's link
    at its position is still the sealed head, and its figures as rendered now at its own
    basis still digest as sealed. (`rederive.verify_report` checks against the log itself.)"""

    report: str
    position: int
    chain_head: str
    digest: str
    head_now: str | None
    digest_now: str
    matches: bool


def seal_states(conn: Connection, reached: int) -> list[SealState]:
    """Every report's seal in publication order, each checked as `SealState` says."""
    states: list[SealState] = []
    for seal in conn.execute(select(schema.report_seals).order_by(schema.report_seals.c.position)):
        head_now = head_at(conn, int(seal.position))
        digest_now = tables_digest(render_report(conn, seal.report_id, None, reached)["tables"])
        states.append(
            {
                "report": seal.report_id,
                "position": int(seal.position),
                "chain_head": seal.chain_head,
                "digest": seal.digest,
                "head_now": head_now,
                "digest_now": digest_now,
                "matches": head_now == seal.chain_head and digest_now == seal.digest,
            }
        )
    return states

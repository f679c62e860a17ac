"""Read-model tables. Alembic owns their DDL (migrations/); these objects serve queries.

Money is stored as integer cents (exact on SQLite and PostgreSQL alike); moments as naive
UTC. Every fact row keeps its log position, known_at and recorded_at, so an as-of query is
an indexed filter over rows, never a replay (ADR 0005).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

from projections.store import reserve_tables, running_tables, stated_tables


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, stored as naive UTC, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


metadata = MetaData()

# A table with a row per event keyed by its position: on SQLite the rowid itself (a BIGINT
# key is no rowid alias there and would keep every position twice), bigint elsewhere
# (migration 0019).
POSITION_KEY = BigInteger().with_variant(Integer(), "sqlite")


def _when() -> list[Column[Any]]:
    return [
        Column("known_at", UtcDateTime, nullable=False),
        Column("recorded_at", UtcDateTime, nullable=False),
    ]


def _authority() -> list[Column[Any]]:
    return [
        Column("decision_id", String(32)),
        Column("decision_reference", String(200)),
        Column("decision_body", String(16)),
        Column("decision_kind", String(32)),
        Column("mandate_id", String(32)),
    ]


tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("position", POSITION_KEY, primary_key=True, autoincrement=False),
    Column("originator_id", String(32), nullable=False),
    Column("originator_version", Integer, nullable=False),
    Column("event_type", String(100), nullable=False),
    *_when(),
    Column("period", String(20), nullable=False),
    Column("fiscal_year_first", Integer, nullable=False),
    Column("fiscal_year_last", Integer, nullable=False),
    Column("quarter", Integer),
    Column("actor", String(200), nullable=False),
    Column("decision_id", String(32)),
    Column("decision_reference", String(200)),
    Column("source", Text),
    Column("import_id", String(100)),
    # The event's stored state is read from the event store by position (migration 0019).
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("reference", String(200), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("body", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("mandate_id", String(32)),
    Column("mandate_scope", Text),
    Column("position", BigInteger, nullable=False),
    # A begrotingswijziging's number, as the municipality numbers it (migration 0012).
    Column("number", String(100)),
)

decision_events = Table(
    "decision_events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("decision_id", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    *_when(),
    Column("actor", String(200), nullable=False),
)

budget_lines = Table(
    "budget_lines",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("fiscal_year", Integer, nullable=False),
    Column("programma", String(200), nullable=False),
    Column("taakveld", String(16), nullable=False),
    Column("side", String(8), nullable=False),
    Column("deelproduct", String(32)),
    Column("interventie", Integer),
    Column("fund", String(100)),
    Column("position", BigInteger, nullable=False),
    # The Iv3 economische categorie, None for the history before it (migration 0015).
    Column("categorie", String(16)),
)

budget_mutations = Table(
    "budget_mutations",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("line_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("delta_cents", BigInteger, nullable=False),
    Column("mutation_id", String(32), nullable=False),
    Column("counterpart_id", String(32)),
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
    Column("import_id", String(100)),
    # An amendment's funding source (migration 0012).
    Column("dekking", String(200)),
)

slotwijzigingen = Table(
    "slotwijzigingen",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("line_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("delta_cents", BigInteger, nullable=False),
    Column("decision_id", String(32), nullable=False),
    Column("decision_reference", String(200), nullable=False),
    *_when(),
)

taakstellingen = Table(
    "taakstellingen",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("reference", String(200), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("interventie", Integer),
    Column("programma", String(200), nullable=False),
    Column("taakveld", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("origin", String(100), nullable=False),
    Column("base_deelproducten", Text, nullable=False),
    Column("position", BigInteger, nullable=False),
)

taakstelling_mutations = Table(
    "taakstelling_mutations",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("fiscal_year", Integer, primary_key=True, autoincrement=False),
    Column("taakstelling_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("delta_cents", BigInteger, nullable=False),
    Column("counterpart_id", String(32)),
    Column("coverage", Text),
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
)

realisations = Table(
    "realisations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("fiscal_year", Integer, nullable=False),
    Column("quarter", Integer),
    Column("programma", String(200), nullable=False),
    Column("taakveld", String(16)),
    Column("side", String(8), nullable=False),
    Column("deelproduct", String(32)),
    Column("interventie", Integer),
    Column("fund", String(100)),
    Column("position", BigInteger, nullable=False),
    # A late result (resultaat voorgaand jaar): the closed year it belongs to, and the
    # closed year's realisation it corrects, if any (migration 0005, ADR 0010).
    Column("origin_year", Integer),
    Column("corrects_realisation_id", String(32)),
    Column("categorie", String(16)),  # migration 0015
    Column("month", String(7)),  # "YYYY-MM" the figure covers, if named (migration 0016)
)

realisation_entries = Table(
    "realisation_entries",
    metadata,
    Column("position", POSITION_KEY, primary_key=True, autoincrement=False),
    Column("realisation_id", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("delta_cents", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("corrects_version", Integer),
    Column("reason", Text),
    *_when(),
    Column("actor", String(200), nullable=False),
    Column("source", Text),
)

reserves = Table(
    "reserves",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("position", BigInteger, nullable=False),
)

reserve_mutations = Table(
    "reserve_mutations",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("reserve_id", String(32), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("earmark", String(100), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("delta_cents", BigInteger, nullable=False),
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
)

fiscal_year_events = Table(
    "fiscal_year_events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decision_reference", String(200)),
    *_when(),
)

reports = Table(
    "reports",
    metadata,
    Column("report_id", String(64), primary_key=True),
    Column("id", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("knowledge_cutoff", UtcDateTime, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("decision_reference", String(200)),
    Column("source", Text),
    Column("tables", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

# -- Facts a document states that are no mutation or realisation (0011, ADR 0030). --------

# Defined apart to keep this module under its size limit (ADR 0031).
kengetallen, kengetal_measurements, stated_results, stated_result_entries = stated_tables.define(
    metadata, _when
)

# An activity's part of a budget line (tabel 5.x's "beroep op het transformatiebudget" per
# activity): the latest row per (line, activity) as of a basis holds its amount.
budget_specifications = Table(
    "budget_specifications",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("line_id", String(32), nullable=False),
    Column("activity", String(200), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
)

# -- Tamper evidence (ADR 0007): append-only, like the log; never truncated by a rebuild. --

chain_links = Table(
    "chain_links",
    metadata,
    Column("position", POSITION_KEY, primary_key=True, autoincrement=False),
    Column("originator_id", String(32), nullable=False),
    Column("originator_version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),  # SHA-256 of the framed entry, hex
    Column("link", String(64), nullable=False),  # SHA-256(previous link || digest), hex
)

report_seals = Table(
    "report_seals",
    metadata,
    Column("report_id", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),  # the Published event's position
    Column("chain_head", String(64), nullable=False),  # the link at that position
    Column("digest", String(64), nullable=False),  # SHA-256 of the rendered tables' JSON
)

# Each verification's result (migration 0009, ADR 0017): append-only; the latest row is the
# state of the log that what serves figures reads.
chain_verifications = Table(
    "chain_verifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("checked_at", UtcDateTime, nullable=False),
    Column("source", String(16), nullable=False),  # verify start-up reopen catch-up rebuild web
    Column("status", String(8), nullable=False),  # ok, broken
    Column("verified_to", BigInteger, nullable=False),  # the chain is verified up to here
    Column("head", String(64)),  # the link at verified_to, for ok
    Column("kind", String(16)),  # the finding, for broken
    Column("position", BigInteger),
    Column("detail", Text),
)

# The as-of filters (migrations 0001 and 0006, ADR 0013): per figure, rows by (subject,
# known_at, position), so both halves of a basis filter are conditions on one index, with
# the delta where a figure sums it; the log by either time axis.
Index(
    "ix_budget_mutations_as_of",
    budget_mutations.c.line_id,
    budget_mutations.c.known_at,
    budget_mutations.c.position,
    budget_mutations.c.delta_cents,
)
Index("ix_budget_lines_year_fund", budget_lines.c.fiscal_year, budget_lines.c.fund)
# An amendment's withdrawal from a fund's earmark, found by its decision and save (the fund
# rule of the authority pages; migration 0022): without it PostgreSQL walked every line of
# each withdrawal's year, 1.2 s at 10^5 events.
Index(
    "ix_budget_mutations_decision", budget_mutations.c.decision_id, budget_mutations.c.recorded_at
)
# One figure's lines (a lineage's fiscal year, programma and taakveld; migration 0019).
Index(
    "ix_budget_lines_figure",
    budget_lines.c.fiscal_year,
    budget_lines.c.programma,
    budget_lines.c.taakveld,
)
Index("ix_slotwijzigingen_year", slotwijzigingen.c.fiscal_year, slotwijzigingen.c.known_at)
Index(
    "ix_taakstelling_mutations_as_of",
    taakstelling_mutations.c.taakstelling_id,
    taakstelling_mutations.c.fiscal_year,
    taakstelling_mutations.c.known_at,
    taakstelling_mutations.c.position,
    taakstelling_mutations.c.delta_cents,
)
Index(
    "ix_realisation_entries_as_of",
    realisation_entries.c.realisation_id,
    realisation_entries.c.known_at,
    realisation_entries.c.position,
    realisation_entries.c.delta_cents,
)
Index("ix_realisations_year", realisations.c.fiscal_year, realisations.c.fund)
Index(
    "ix_reserve_mutations_as_of",
    reserve_mutations.c.reserve_id,
    reserve_mutations.c.known_at,
    reserve_mutations.c.position,
)
# A withdrawal under the same decision and save makes an amendment a reserve allocation.
Index(
    "ix_reserve_mutations_decision",
    reserve_mutations.c.decision_id,
    reserve_mutations.c.recorded_at,
)
Index(
    "ix_decision_events_as_of",
    decision_events.c.decision_id,
    decision_events.c.known_at,
    decision_events.c.position,
)
Index(
    "ix_kengetal_measurements_as_of",
    kengetal_measurements.c.kengetal_id,
    kengetal_measurements.c.fiscal_year,
    kengetal_measurements.c.known_at,
    kengetal_measurements.c.position,
)
Index(
    "ix_stated_result_entries_as_of",
    stated_result_entries.c.result_id,
    stated_result_entries.c.known_at,
    stated_result_entries.c.position,
)
Index(
    "ix_budget_specifications_as_of",
    budget_specifications.c.line_id,
    budget_specifications.c.known_at,
    budget_specifications.c.position,
)
Index("ix_audit_log_recorded_at", audit_log.c.recorded_at)
Index("ix_audit_log_known_at", audit_log.c.known_at)
Index("ix_audit_log_originator", audit_log.c.originator_id, audit_log.c.originator_version)

# -- The API's own state: not projections of the log, never truncated by a rebuild. ---------

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    # The name is the actor on every event its holder records: unique, never reused.
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("revoked_by", String(200)),
)

# The web workspace's sign-in sessions (ADR 0022): the cookie holds a random id, only its
# SHA-256 is stored; a session belongs to a token and ends with it.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_id", String(32), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer),  # None while the first request is in progress
    Column("response", Text),
    Column("created_at", UtcDateTime, nullable=False),
    # While in progress: the answer a request is about to record, noted before its events
    # are written (its position still 0), so a retry can find them in the log (ADR 0016).
    Column("recording", Text),
)

# Defined apart to keep this module under its size limit (ADR 0027).
reserve_balance_events = reserve_tables.define(metadata, _authority(), _when())

# The running totals of the sums a rollup or a report's cell reads (0018, ADR 0034).
running_series, running_steps = running_tables.define(metadata, UtcDateTime)

"""The running totals (ADR 0034) answer exactly what the sums over every fact row answered:
for a history with late facts (known before facts its group already holds), ties in
known_at and NULL funds and interventies, on many bases, split into batches at random; a
report's taakstelling figures read from them are those it adds up taakstelling by
taakstelling; the projection's rows are the same whatever the batches, rebuilt alone, or
caught up on a database migrated from 0017 or from 0020."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, delete, func, insert, select, update

import migrations
from api.ledger import Ledger
from domain.taakstelling import TaakstellingKind
from projections.queries import reports
from projections.queries.basis import Basis, euros
from projections.queries.cells import TableSpecRow
from projections.queries.figures import budget_rollup
from projections.queries.rows import ROLLUPS
from projections.readmodel import running_projection
from projections.readmodel.projectors import PROJECTIONS
from projections.store import schema
from projections.store.writer import RowWriter
from support.ledgers import read_model_rows

RUNNING = next(p for p in PROJECTIONS if p.name == "running_totals")
RUNNING_TABLES = (schema.running_series, schema.running_steps)
START = datetime(2019, 1, 1, 12, tzinfo=UTC)
FACTS = 400
FUNDS = ("transformatiebudget", None)
KINDS = reports.TAAKSTELLING_KINDS
INTERVENTIES = (1, 2, None)
YEARS = (2019, 2020)


def moment(day: int) -> datetime:
    return START + timedelta(days=day)


def record_facts(conn: Connection, rng: random.Random) -> None:
    """Budget lines, realisation subjects and taakstellingen (both kinds), then FACTS facts,
    each a budget mutation, a realisation entry or a taakstelling's mutation of one or two
    years at its own log position, known on one of 30 days in random order (many ties)."""
    lines = [
        {
            "id": f"{n:032x}",
            "fiscal_year": YEARS[n % 2],
            "programma": ("Bestuur", "Veiligheid", "Economie")[n % 3],
            "taakveld": ("0.1", "6.71")[n % 2],
            "side": ("lasten", "baten")[n // 2 % 2],
            "interventie": INTERVENTIES[n % 3],
            "fund": FUNDS[n // 3 % 2],
            "position": 0,
        }
        for n in range(12)
    ]
    subjects = [{**line, "id": f"{n + 100:032x}", "quarter": 1} for n, line in enumerate(lines)]
    taakstellingen = [
        {
            "id": f"{n + 200:032x}",
            "reference": f"ts-{n}",
            "label": f"Taakstelling {n}",
            "interventie": INTERVENTIES[n % 3],
            "programma": "Bestuur",
            "taakveld": "0.1",
            "kind": KINDS[n // 3 % 2],
            "origin": "coalitieakkoord",
            "base_deelproducten": "[]",
            "position": 0,
        }
        for n in range(7)
    ]
    conn.execute(insert(schema.budget_lines), lines)
    conn.execute(insert(schema.realisations), subjects)
    conn.execute(insert(schema.taakstellingen), taakstellingen)
    mutations, entries, adjustments = [], [], []
    for position in range(1, FACTS + 1):
        known = moment(rng.randrange(30))
        delta = rng.randrange(-50_000, 100_000)
        when = {"known_at": known, "recorded_at": moment(400 + position), "actor": "test"}
        drawn = rng.random()
        if drawn < 0.2:  # an imposition writes a row per year at one position
            taakstelling = rng.choice(taakstellingen)["id"]
            for year in rng.choice(((2019,), (2020,), YEARS)):
                adjustments.append(
                    {
                        "position": position,
                        "fiscal_year": year,
                        "taakstelling_id": taakstelling,
                        "kind": "Adjusted",
                        "delta_cents": rng.randrange(-50_000, 100_000),
                        **when,
                    }
                )
        elif drawn < 0.6:
            mutations.append(
                {
                    "position": position,
                    "line_id": rng.choice(lines)["id"],
                    "kind": "amendment",
                    "delta_cents": delta,
                    "mutation_id": f"{position:032x}",
                    **when,
                }
            )
        else:
            entries.append(
                {
                    "position": position,
                    "realisation_id": rng.choice(subjects)["id"],
                    "version": position,
                    "amount_cents": delta,
                    "delta_cents": delta,
                    "status": "voorlopig",
                    **when,
                }
            )
    conn.execute(insert(schema.budget_mutations), mutations)
    conn.execute(insert(schema.realisation_entries), entries)
    conn.execute(insert(schema.taakstelling_mutations), adjustments)


def project(conn: Connection, cuts: list[int]) -> None:
    """The running totals' rows of positions 1..FACTS, in batches ending at `cuts`."""
    writer, after = RowWriter(conn), 0
    for last in [*cuts, FACTS]:
        rows: dict[Any, list[dict[str, Any]]] = {}
        for table, row in RUNNING.batch_rows(conn, after, last):
            rows.setdefault(table, []).append(row)
        for table, table_rows in rows.items():
            writer.insert(table, table_rows)
        after = last


def running_rows(conn: Connection) -> list[list[tuple[Any, ...]]]:
    return [
        [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
        for table in RUNNING_TABLES
    ]


# -- the oracle: the sums over every fact row, as the queries read them before ADR 0034 ----


def summed_rollup(conn: Connection, basis: Basis, by: str) -> list[tuple[Any, ...]]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    query = (
        select(lines.c.fiscal_year, lines.c.side, lines.c[by], func.sum(mutations.c.delta_cents))
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations))
        .group_by(lines.c.fiscal_year, lines.c.side, lines.c[by])
        .order_by(*(c.nulls_last() for c in (lines.c.fiscal_year, lines.c.side, lines.c[by])))
    )
    return [(row[0], row[1], row[2], euros(row[3])) for row in conn.execute(query)]


def summed_cells(
    conn: Connection, basis: Basis, subjects: Any, facts: Any, key: Any, *where: Any
) -> dict[tuple[int | None, int], Any]:
    query = (
        select(subjects.c.interventie, subjects.c.fiscal_year, func.sum(facts.c.delta_cents))
        .join(subjects, subjects.c.id == key)
        .where(basis.filter(facts), *where)
        .group_by(subjects.c.interventie, subjects.c.fiscal_year)
    )
    return {(row[0], row[1]): euros(row[2]) for row in conn.execute(query)}


def summed_taakstellingen(conn: Connection, basis: Basis, kind: str) -> dict[Any, Any]:
    ts, mutations = schema.taakstellingen, schema.taakstelling_mutations
    query = (
        select(ts.c.interventie, mutations.c.fiscal_year, func.sum(mutations.c.delta_cents))
        .join(ts, ts.c.id == mutations.c.taakstelling_id)
        .where(basis.filter(mutations), ts.c.kind == kind)
        .group_by(ts.c.interventie, mutations.c.fiscal_year)
    )
    return {(row[0], row[1]): euros(row[2]) for row in conn.execute(query)}


def taakstelling_table(*interventies: int | None) -> TableSpecRow:
    """A table of taakstelling columns (each year, and both as one column's span) with a row
    per interventie (one twice), naming no taakstelling, and totals with and without risks."""
    columns: list[Any] = [
        {"key": str(year), "measure": "taakstelling", "fiscal_year": year} for year in YEARS
    ]
    columns.append(
        {"key": "both", "measure": "taakstelling", "fiscal_year": 2019, "last_year": 2020}
    )
    return {
        "id": "taakstellingen",
        "title": "Taakstellingen",
        "unit": "EUR_1000",
        "fund": None,
        "columns": columns,
        "rows": [
            {"interventie": n, "label": f"Interventie {n}", "taakstellingen": []}
            for n in interventies
        ],
        "totals": [
            {"label": "Totaal", "include_risks": False},
            {"label": "Totaal met risico's", "include_risks": True},
        ],
    }


def taakstelling_figures(reader: Any, spec: TableSpecRow) -> list[Any]:
    """Every row's and total's figure of every column, exact (not rounded to thousands)."""
    spans = [reports._span(column) for column in spec["columns"]]
    return [
        *(reader.row(index, span) for index in range(len(spec["rows"])) for span in spans),
        *(reader.total(total["include_risks"], span) for total in spec["totals"] for span in spans),
    ]


def rolled_up(conn: Connection, basis: Basis, by: str) -> list[tuple[Any, ...]]:
    return [
        (row["fiscal_year"], row["side"], row[by], row["amount"])  # type: ignore[literal-required]
        for row in budget_rollup(conn, basis, by)
    ]


def bases(rng: random.Random) -> list[Basis]:
    """Now, positions alone, cutoffs alone and both: cutoffs on the facts' days (ties) and
    between them, before the first and after the last."""
    found = [Basis("now", None, FACTS), Basis("nothing", None, 0)]
    for _ in range(60):
        position = rng.randrange(FACTS + 1)
        known = moment(rng.randrange(-1, 31)) + timedelta(hours=rng.choice((0, 0, 5)))
        found.append(Basis("old report", known, position))
        found.append(Basis("moment", known, FACTS))
        found.append(Basis("position", None, position))
    return found


def test_the_running_totals_answer_the_sums_over_every_fact_on_any_basis(ledger: Ledger) -> None:
    rng = random.Random(14)
    with ledger.engine.begin() as conn:
        record_facts(conn, rng)
        project(conn, sorted(rng.sample(range(1, FACTS), 9)))
        # Not vacuous: lanes beyond the first, and late facts past the last lane.
        lanes = select(
            func.min(schema.running_series.c.lane), func.max(schema.running_series.c.lane)
        )
        assert tuple(conn.execute(lanes).one()) == (-1, 3)
        spec = taakstelling_table(1, 2, None, 1)
        for basis in bases(rng):
            by_interventie = reports._ByInterventie.read(conn, spec, basis, list(YEARS))
            assert by_interventie.cells == {
                kind: summed_taakstellingen(conn, basis, kind) for kind in KINDS
            }
            assert taakstelling_figures(by_interventie, spec) == taakstelling_figures(
                reports._ByReference.read(conn, spec, basis, list(YEARS)), spec
            )
            for by in ROLLUPS:
                assert rolled_up(conn, basis, by) == summed_rollup(conn, basis, by)
            for fund in FUNDS:
                lines, mutations = schema.budget_lines, schema.budget_mutations
                subjects, entries = schema.realisations, schema.realisation_entries
                assert reports._budget(conn, basis, fund, list(YEARS)) == summed_cells(
                    conn, basis, lines, mutations, mutations.c.line_id, lines.c.fund == fund
                )
                assert reports._realisations(conn, basis, fund, [2020]) == summed_cells(
                    conn,
                    basis,
                    subjects,
                    entries,
                    entries.c.realisation_id,
                    subjects.c.fund == fund,
                    subjects.c.side == "lasten",
                    subjects.c.fiscal_year == 2020,
                )


def test_the_running_totals_rows_are_the_same_whatever_the_batches(ledger: Ledger) -> None:
    rng = random.Random(1)
    with ledger.engine.begin() as conn:
        record_facts(conn, rng)
        project(conn, [])
        whole = running_rows(conn)
        for cuts in ([1, 2, 3, 200], sorted(rng.sample(range(1, FACTS), 40))):
            for table in RUNNING_TABLES:
                conn.execute(delete(table))
            project(conn, cuts)
            assert running_rows(conn) == whole


def test_a_rebuild_of_the_running_totals_alone_gives_the_same_rows(demo_ledger: Ledger) -> None:
    before = read_model_rows(demo_ledger)
    assert before["running_steps"]
    last = demo_ledger.app.recorder.max_notification_id()

    assert demo_ledger.runner.rebuild(["running_totals"]) == last
    assert read_model_rows(demo_ledger) == before


def test_the_report_counts_taakstelling_kinds_the_domain_has() -> None:
    assert tuple(kind.value for kind in TaakstellingKind) == KINDS


@pytest.mark.parametrize("rebuilt", ["budget", "taakstellingen", "realisations"])
def test_a_rebuild_of_what_they_derive_from_rebuilds_the_running_totals(
    demo_ledger: Ledger, rebuilt: str
) -> None:
    before = read_model_rows(demo_ledger)
    with demo_ledger.engine.begin() as conn:  # a step that no longer says what its rows sum
        conn.execute(update(schema.running_steps).values(total_cents=0))

    demo_ledger.runner.rebuild([rebuilt])

    assert read_model_rows(demo_ledger) == before


def test_a_database_migrated_from_0017_holds_the_running_totals_a_rebuild_gives(
    demo_ledger: Ledger,
) -> None:
    before = read_model_rows(demo_ledger)
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    with demo_ledger.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0017")
        # At 0017 there was no such projection, so nothing tracked it.
        connection.execute(
            delete(schema.tracking).where(schema.tracking.c.projection == "running_totals")
        )
    with demo_ledger.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    assert demo_ledger.runner.catch_up() == demo_ledger.app.recorder.max_notification_id()
    assert read_model_rows(demo_ledger) == before


def test_a_database_migrated_from_0020_holds_the_running_totals_a_rebuild_gives(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_model_rows(demo_ledger)
    taakstelling_series = select(func.count()).where(schema.running_series.c.kind.in_(KINDS))
    with demo_ledger.engine.connect() as conn:
        assert conn.execute(taakstelling_series).scalar() == 45
    with monkeypatch.context() as patched:  # the rows of 0020's code: no taakstelling series
        patched.setattr(running_projection, "_taakstelling_facts", lambda *_: iter(()))
        demo_ledger.runner.rebuild(["running_totals"])
    with demo_ledger.engine.connect() as conn:
        assert conn.execute(taakstelling_series).scalar() == 0
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    with demo_ledger.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")
        command.stamp(config, "0020")  # 0021 changes rows, not the schema
        command.upgrade(config, "head")

    assert demo_ledger.runner.catch_up() == demo_ledger.app.recorder.max_notification_id()
    assert read_model_rows(demo_ledger) == before

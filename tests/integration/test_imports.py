"""Imports recorded on SQLite and PostgreSQL (ADR 0033): a begroting and three monthly
year-to-date realisation extracts; a quarter's figure is the sum of its months in every
read; the lineage names each figure's file, sheet, rows and import id, a backfill and not
backdating; a repeat records nothing; a crash halfway leaves nothing in the store."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.imports import ImportKind, SourceFile, SourceRow
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period
from projections.queries import figures, lineage, uitputting
from projections.queries.basis import resolve_basis
from support.clock import CLOCK_START

DECISION = "2026-begroting"
SOCIAAL = LineKey(2026, "Sociaal domein", "6.1", deelproduct="S-1")
BESTUUR = LineKey(2026, "Bestuur", "0.1", deelproduct="B-1")
IMPORTER = Context(actor="concern control")


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def file(
    kind: ImportKind, name: str, known: str, rows: list[tuple[LineKey, str]], **extra: Any
) -> SourceFile:
    return SourceFile(
        kind=kind,
        file_name=name,
        sha256=hashlib.sha256(repr((name, rows)).encode()).hexdigest(),
        sheet="Blad1",
        known_at=at(known),
        rows=tuple(
            SourceRow(row=n, key=key, amount=Money(Decimal(amount)), **extra)
            for n, (key, amount) in enumerate(rows, start=2)
        ),
    )


BEGROTING = file(
    ImportKind.BEGROTING,
    "begroting-2026.csv",
    "2025-11-20",
    [(SOCIAAL, "600.00"), (BESTUUR, "500.00"), (SOCIAAL, "400.00")],
)


def extract(periode: str, known: str, rows: list[tuple[LineKey, str]]) -> SourceFile:
    return file(
        ImportKind.REALISATIE,
        f"realisatie-{periode}.csv",
        known,
        rows,
        month=periode,
        status=RealisationStatus.VOORLOPIG,
    )


EXTRACTS = (
    extract("2026-01", "2026-02-05", [(SOCIAAL, "100.00"), (BESTUUR, "40.00")]),
    extract("2026-02", "2026-03-05", [(SOCIAAL, "250.00")]),  # BESTUUR at zero
    extract("2026-03", "2026-03-30", [(SOCIAAL, "300.00"), (BESTUUR, "10.00")]),
)


@pytest.fixture
def imported(ledger: Ledger) -> Ledger:
    app = ledger.app
    app.propose_decision(
        Context(actor="griffie", known_at=at("2025-11-01")),
        reference=DECISION,
        title="Programmabegroting 2026",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTING,
        period=Period.year(2026),
    )
    app.adopt_decision(Context(actor="griffie", known_at=at("2025-11-10")), reference=DECISION)
    app.import_source(IMPORTER, BEGROTING, decision=DECISION, dry_run=False)
    for source in EXTRACTS:
        app.import_source(IMPORTER, source, decision=None, dry_run=False)
    ledger.runner.catch_up()
    return ledger


def test_a_quarter_of_three_monthly_movements_is_their_sum(imported: Ledger) -> None:
    with imported.engine.connect() as conn:
        basis = resolve_basis(conn, None, imported.runner.position())
        rows = figures.realisation_amounts(conn, basis, fiscal_year=2026)
        document = uitputting.uitputting(conn, basis, fiscal_year=2026, by="taakveld")

    # One figure per line and month, each of quarter 1 and naming its month, listed per
    # deelproduct in the order of the months (the budget overview's rows) ...
    assert [(r["taakveld"], r["quarter"], r["month"], r["amount"], r["status"]) for r in rows] == [
        ("0.1", 1, "2026-01", Decimal("40.00"), "voorlopig"),
        ("0.1", 1, "2026-02", Decimal("-40.00"), "voorlopig"),
        ("0.1", 1, "2026-03", Decimal("10.00"), "voorlopig"),
        ("6.1", 1, "2026-01", Decimal("100.00"), "voorlopig"),
        ("6.1", 1, "2026-02", Decimal("150.00"), "voorlopig"),
        ("6.1", 1, "2026-03", Decimal("50.00"), "voorlopig"),
    ]
    quarter: dict[tuple[str, int], Decimal] = {}
    for r in rows:
        quarter[r["taakveld"], r["quarter"]] = (
            quarter.get((r["taakveld"], r["quarter"]), 0) + r["amount"]
        )
    # ... adding up to the last extract's year-to-date totals.
    assert quarter == {("0.1", 1): Decimal("10.00"), ("6.1", 1): Decimal("300.00")}
    assert [
        (r["key"], r["primitief"], r["realisatie"], r["realisatie_voorlopig"], r["saldo"])
        for r in document["rows"]
    ] == [
        ("0.1", Decimal("500.00"), Decimal("10.00"), Decimal("10.00"), Decimal("490.00")),
        ("6.1", Decimal("1000.00"), Decimal("300.00"), Decimal("300.00"), Decimal("700.00")),
    ]


def test_the_lineage_names_file_sheet_rows_and_import_a_backfill(imported: Ledger) -> None:
    with imported.engine.connect() as conn:
        basis = resolve_basis(conn, None, imported.runner.position())
        budget = lineage.budget_lineage(conn, basis, fiscal_year=2026, taakveld="6.1")
        realised = lineage.realisation_lineage(conn, basis, fiscal_year=2026, deelproduct="B-1")

    assert [
        (r["event"], r["delta"], r["source"], r["import_id"], r["known_at"], r["recorded_at"])
        for r in budget
    ] == [
        (
            "Established",
            Decimal("1000.00"),
            "begroting-2026.csv, sheet Blad1, rows 2,4",
            f"begroting:{BEGROTING.sha256}",
            "2025-11-20T00:00:00+00:00",
            CLOCK_START.isoformat(),
        )
    ]
    assert [(r["backdated"], r["backfill"]) for r in budget] == [
        (None, f"begroting:{BEGROTING.sha256}")
    ]
    assert [(r["delta"], r["running_total"], r["source"], r["import_id"]) for r in realised] == [
        (
            Decimal("40.00"),
            Decimal("40.00"),
            "realisatie-2026-01.csv, sheet Blad1, row 3",
            f"realisatie:{EXTRACTS[0].sha256}",
        ),
        (
            Decimal("-40.00"),
            Decimal("0.00"),
            "realisatie-2026-02.csv, sheet Blad1, no row (the line is not in the extract)",
            f"realisatie:{EXTRACTS[1].sha256}",
        ),
        (
            Decimal("10.00"),
            Decimal("10.00"),
            "realisatie-2026-03.csv, sheet Blad1, row 3",
            f"realisatie:{EXTRACTS[2].sha256}",
        ),
    ]
    # Known in February, recorded in November: a backfill, not backdating (ADR 0018).
    assert {(r["backdated"] is None, r["backfill"] == r["import_id"]) for r in realised} == {
        (True, True)
    }


def test_a_repeat_records_nothing_and_a_crash_halfway_leaves_nothing(
    imported: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = imported.app
    before = app.recorder.max_notification_id()

    again = app.import_source(IMPORTER, EXTRACTS[2], decision=None, dry_run=False)
    assert (again.already_imported, again.events) == (True, 0)
    newer = extract("2026-03", "2026-04-02", [(SOCIAAL, "320.00"), (BESTUUR, "10.00")])
    dry = app.import_source(IMPORTER, newer, decision=None, dry_run=True)
    assert (dry.events, dry.corrections, dry.dry_run) == (3, 1, True)
    assert app.recorder.max_notification_id() == before

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the connection dropped")

    monkeypatch.setattr(app, "_record_import", crash)  # after the figures, before the end
    with pytest.raises(RuntimeError):
        app.import_source(IMPORTER, newer, decision=None, dry_run=False)
    assert app.recorder.max_notification_id() == before
    monkeypatch.undo()
    recorded = app.import_source(IMPORTER, newer, decision=None, dry_run=False)
    assert (recorded.events, recorded.corrections) == (3, 1)
    assert app.recorder.max_notification_id() == before + 3

"""Recording an import (ADR 0033): the whole file in one batch or nothing, every problem
listed with its row and column, a repeat recording nothing, provenance on every event."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import MandateScope
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.fiscal_year import FiscalYear
from domain.imported import Import, import_identity
from domain.imports import (
    ImportKind,
    ImportRefused,
    ImportSummary,
    RowProblem,
    SourceFile,
    SourceRow,
)
from domain.values import LineKey, Period, Side

from .support import CLOCK_NOW, FINANCE, events_since, given_decision, money, position

BEGROTING = "2024-begroting"
WIJZIGING = "2024-BW-1"
KNOWN = datetime(2024, 3, 31, 17, 0, tzinfo=UTC)
ZORG = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-1")
JEUGD = LineKey(2024, "Zorg", "6.72a", deelproduct="DP-2")
BATEN = LineKey(2024, "Zorg", "6.71a", side=Side.BATEN, deelproduct="DP-1")
IMPORTER = Context(actor=FINANCE)

Row = tuple[int, LineKey, str]


def source(kind: ImportKind, rows: list[Row], *, name: str = "erp.xlsx") -> SourceFile:
    """A file as I1's reader gives it; its SHA-256 is that of its rows."""
    return SourceFile(
        kind=kind,
        file_name=name,
        sha256=hashlib.sha256(repr((kind, rows)).encode()).hexdigest(),
        sheet="Blad1",
        known_at=KNOWN,
        rows=tuple(SourceRow(row=n, key=key, amount=money(amount)) for n, key, amount in rows),
    )


def import_key(file: SourceFile, decision: str | None) -> UUID:
    if file.kind is ImportKind.WIJZIGING:  # its rows alone: never changed twice
        identity = import_identity(file.sheet, file.mapping_sha256, None, None)
    else:
        identity = import_identity(file.sheet, file.mapping_sha256, file.known_at, decision)
    return Import.id_for(file.kind.value, file.sha256, identity)


def imported(app: Begroting, file: SourceFile, **options: Any) -> ImportSummary:
    asked = {"decision": BEGROTING, "dry_run": False, **options}
    return app.import_source(IMPORTER, file, **asked)


def refused(app: Begroting, file: SourceFile, **options: Any) -> tuple[RowProblem, ...]:
    before = position(app)
    with pytest.raises(ImportRefused) as caught:
        imported(app, file, **options)
    assert position(app) == before  # nothing of it recorded
    assert caught.value.code == "import-refused"
    return caught.value.problems


@pytest.fixture
def decided(app: Begroting) -> Begroting:
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING, period=Period(2023, 2024))
    given_decision(app, WIJZIGING)
    return app


BEGROTING_ROWS: list[Row] = [
    (2, ZORG, "1000.00"),
    (3, JEUGD, "400.00"),
    (4, ZORG, "234.56"),  # finer than the line: summed with row 2
    (5, BATEN, "50.00"),
]


def test_a_begroting_is_recorded_per_line_as_the_sum_of_its_rows(decided: Begroting) -> None:
    before = position(decided)
    file = source(ImportKind.BEGROTING, BEGROTING_ROWS)

    summary = imported(decided, file)

    import_id = f"begroting:{file.sha256}"
    assert summary == ImportSummary(
        kind=ImportKind.BEGROTING,
        file_name="erp.xlsx",
        sha256=file.sha256,
        sheet="Blad1",
        known_at=KNOWN,
        rows=4,
        lines=3,
        events=7,
        corrections=0,
        total_lasten=money("1634.56"),
        total_baten=money("50.00"),
        position=before + 7,
    )
    events: list[Any] = events_since(decided, before)
    assert [(type(e).__qualname__, e.originator_id) for e in events] == [
        ("BudgetLine.Opened", line_id(ZORG)),
        ("BudgetLine.Established", line_id(ZORG)),
        ("BudgetLine.Opened", line_id(JEUGD)),
        ("BudgetLine.Established", line_id(JEUGD)),
        ("BudgetLine.Opened", line_id(BATEN)),
        ("BudgetLine.Established", line_id(BATEN)),
        ("Import.Recorded", import_key(file, BEGROTING)),
    ]
    assert [e.amount for e in events[1:6:2]] == [money("1234.56"), money("400.00"), money("50.00")]
    assert [e.meta.source for e in events] == [
        "erp.xlsx, sheet Blad1, rows 2,4",
        "erp.xlsx, sheet Blad1, rows 2,4",
        "erp.xlsx, sheet Blad1, row 3",
        "erp.xlsx, sheet Blad1, row 3",
        "erp.xlsx, sheet Blad1, row 5",
        "erp.xlsx, sheet Blad1, row 5",
        "erp.xlsx, sheet Blad1, rows 2-5",
    ]
    assert {(e.meta.import_id, e.meta.known_at, e.recorded_at, e.meta.actor) for e in events} == {
        (import_id, KNOWN, CLOCK_NOW, FINANCE)
    }
    assert events[1].authority.reference == BEGROTING
    record = events[-1]
    assert (record.kind, record.file_name, record.sha256, record.sheet, record.rows) == (
        "begroting",
        "erp.xlsx",
        file.sha256,
        "Blad1",
        4,
    )
    assert (record.known_at, record.periode, record.meta.period) == (
        KNOWN,
        None,
        Period.year(2024),
    )
    line: BudgetLine = decided.repository.get(line_id(ZORG))
    assert line.total == money("1234.56")


def test_the_same_file_again_records_nothing_and_says_so(decided: Begroting) -> None:
    file = source(ImportKind.BEGROTING, BEGROTING_ROWS)
    first = imported(decided, file)
    before = position(decided)

    again = imported(decided, file)

    assert position(decided) == before
    assert again == ImportSummary(
        **{**first.__dict__, "events": 0, "position": 0, "already_imported": True}
    )


def test_a_dry_run_checks_as_a_real_run_and_records_nothing(decided: Begroting) -> None:
    file = source(ImportKind.BEGROTING, BEGROTING_ROWS)
    before = position(decided)

    dry = imported(decided, file, dry_run=True)

    assert position(decided) == before
    assert (dry.dry_run, dry.events, dry.position, dry.already_imported) == (True, 7, 0, False)
    real = imported(decided, file)
    assert real == ImportSummary(**{**dry.__dict__, "dry_run": False, "position": before + 7})
    bad = source(ImportKind.BEGROTING, [(2, LineKey(2024, "Zorg", "9.99"), "1.00")])
    assert refused(decided, bad, dry_run=True) == refused(decided, bad)


def test_a_bad_file_is_refused_whole_with_every_problem_named(decided: Begroting) -> None:
    imported(decided, source(ImportKind.BEGROTING, [(2, JEUGD, "400.00")], name="eerder.csv"))
    given_decision(decided, "jaarrekening-2023", kind=DecisionKind.JAARREKENING)
    decided.close_fiscal_year(
        Context(actor=FINANCE), fiscal_year=2023, decision="jaarrekening-2023"
    )
    closed = LineKey(2023, "Zorg", "6.71a")
    file = source(
        ImportKind.BEGROTING,
        [
            (2, ZORG, "100.00"),  # fine, yet not recorded
            (3, LineKey(2024, "Zorg", "9.99"), "5.00"),
            (4, JEUGD, "10.00"),  # established by the earlier file
            (5, BATEN, "-20.00"),
            (6, closed, "7.00"),
        ],
    )

    problems = refused(decided, file)

    assert problems == (
        RowProblem(
            3,
            "taakveld",
            "taakveld '9.99' does not exist in the catalogue of fiscal year 2024",
            "unknown-taakveld",
        ),
        RowProblem(
            4,
            None,
            "line 2024 / Zorg / taakveld 6.72a / deelproduct DP-2 / lasten already has a"
            " budget; amend it instead",
            "duplicate",
        ),
        RowProblem(5, "bedrag", "a budget cannot be negative", "invalid-input"),
        RowProblem(
            6,
            "jaar",
            "fiscal year 2023 is closed; a late result goes to the next open year",
            "fiscal-year-closed",
        ),
    )
    assert not decided._exists(line_id(ZORG))
    assert decided._exists(FiscalYear.id_for(2023))


def test_a_wijziging_changes_existing_lines_under_its_decision(decided: Begroting) -> None:
    imported(decided, source(ImportKind.BEGROTING, BEGROTING_ROWS))
    file = source(
        ImportKind.WIJZIGING, [(2, ZORG, "-200.00"), (3, JEUGD, "50.00"), (4, ZORG, "-34.56")]
    )
    before = position(decided)

    summary = imported(decided, file, decision=WIJZIGING)

    events: list[Any] = events_since(decided, before)
    assert [
        (type(e).__qualname__, e.originator_id, getattr(e, "amount", None)) for e in events
    ] == [
        ("BudgetLine.Amended", line_id(ZORG), money("-234.56")),
        ("BudgetLine.Amended", line_id(JEUGD), money("50.00")),
        ("Import.Recorded", import_key(file, WIJZIGING), None),
    ]
    assert [e.authority.reference for e in events[:2]] == [WIJZIGING, WIJZIGING]
    assert events[0].meta.source == "erp.xlsx, sheet Blad1, rows 2,4"
    assert (summary.events, summary.lines, summary.total_lasten) == (3, 2, money("-184.56"))
    assert decided.repository.get(line_id(ZORG)).total == money("1000.00")
    # The same rows again under another decision or date change nothing a second time.
    given_decision(decided, "2024-BW-2")
    again = replace(file, known_at=KNOWN + timedelta(days=1))
    assert imported(decided, again, decision="2024-BW-2").already_imported
    assert decided.repository.get(line_id(ZORG)).total == money("1000.00")


def test_a_wijziging_without_a_decision_or_with_a_wrong_one_is_refused(
    decided: Begroting,
) -> None:
    imported(decided, source(ImportKind.BEGROTING, BEGROTING_ROWS))
    missing = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-9")
    file = source(ImportKind.WIJZIGING, [(2, ZORG, "10.00"), (3, missing, "5.00")])

    assert refused(decided, file, decision=None) == (
        RowProblem(
            None,
            "decision",
            "a wijziging import needs the adopted decision that authorises it",
            "missing-decision",
        ),
    )
    assert refused(decided, file, decision="2024-BW-404") == (
        RowProblem(None, "decision", "decision '2024-BW-404' does not exist", "not-found"),
        RowProblem(
            3,
            None,
            "line 2024 / Zorg / taakveld 6.71a / deelproduct DP-9 / lasten does not exist: a"
            " wijziging changes a line of the begroting",
            "not-found",
        ),
    )
    given_decision(decided, "2024-BW-2", adopted_at=None)
    assert refused(decided, file, decision="2024-BW-2")[0] == RowProblem(
        None,
        "decision",
        "decision '2024-BW-2' is proposed; a change takes effect only through an adopted decision",
        "unauthorised",
    )


def test_an_extract_date_in_the_future_is_the_known_at_problem(decided: Begroting) -> None:
    file = replace(source(ImportKind.BEGROTING, BEGROTING_ROWS), known_at=CLOCK_NOW + timedelta(1))

    assert refused(decided, file, decision=BEGROTING) == (
        RowProblem(
            None, "known_at", "known_at cannot lie after recorded_at (the future)", "invalid-time"
        ),
    )


def test_a_crash_halfway_leaves_nothing(decided: Begroting, monkeypatch: Any) -> None:
    file = source(ImportKind.BEGROTING, BEGROTING_ROWS)
    establish = decided.establish_budget
    calls: list[LineKey] = []

    def crashing(ctx: Context, **given: Any) -> Any:
        calls.append(given["key"])
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return establish(ctx, **given)

    monkeypatch.setattr(decided, "establish_budget", crashing)
    before = position(decided)

    with pytest.raises(RuntimeError, match="the disk is full"):
        imported(decided, file)

    assert position(decided) == before
    assert not decided._exists(line_id(ZORG))
    assert not decided._exists(import_key(file, BEGROTING))
    monkeypatch.undo()
    assert imported(decided, file).events == 7


def test_a_wijziging_outside_its_mandates_fund_is_refused_whole(decided: Begroting) -> None:
    transformatie = LineKey(2024, "Sociaal domein", "6.1", interventie=2, fund="transformatie")
    algemeen = LineKey(2024, "Sociaal domein", "6.1", interventie=2, fund="algemeen")
    imported(
        decided,
        source(ImportKind.BEGROTING, [(2, transformatie, "500.00"), (3, algemeen, "500.00")]),
    )
    given_decision(
        decided,
        "mandaat-2024",
        kind=DecisionKind.MANDATE,
        mandate_scope=MandateScope(
            kinds=(MutationKind.AMEND,), fund="transformatie", period=Period.year(2024)
        ),
    )
    given_decision(
        decided, "college-2024-1", body=Bestuursorgaan.COLLEGE, mandate_reference="mandaat-2024"
    )
    file = source(ImportKind.WIJZIGING, [(2, transformatie, "25.00"), (3, algemeen, "-25.00")])

    assert refused(decided, file, decision="college-2024-1") == (
        RowProblem(
            None,
            "decision",
            "mandate 'mandaat-2024' does not cover a amend on fund 'algemeen' in 2024",
            "unauthorised",
        ),
    )
    assert decided.repository.get(line_id(transformatie)).total == money("500.00")


def test_a_line_of_a_year_the_decision_does_not_concern_is_refused_at_its_rows(
    decided: Begroting,
) -> None:
    # Given the begroting decision concerning 2023-2024, when a file also names 2025,
    # then those rows are refused at jaar and nothing of the file is recorded.
    later = LineKey(2025, "Bestuur", "0.1")
    file = source(ImportKind.BEGROTING, [(2, ZORG, "10.00"), (3, later, "5.00"), (4, later, "1")])

    assert refused(decided, file) == (
        RowProblem(
            3, "jaar", "decision '2024-begroting' concerns 2023..2024, not 2025", "unauthorised"
        ),
        RowProblem(
            4, "jaar", "decision '2024-begroting' concerns 2023..2024, not 2025", "unauthorised"
        ),
    )

"""Realisation extracts (ADR 0033): year-to-date totals per periode, recorded as each
month's movement; a newer extract of the same periode corrects exactly the differences."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.errors import InvalidInputError, RealisationError
from domain.events import Stamp
from domain.imported import Import, RealisationExtracts, import_identity
from domain.imports import (
    ImportKind,
    ImportRefused,
    ImportSummary,
    RowProblem,
    SourceFile,
    SourceRow,
)
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus, realisation_id
from domain.values import LineKey, Meta, Period

from .support import CLOCK_NOW, FINANCE, events_since, money, position

ZORG = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-1")
JEUGD = LineKey(2024, "Zorg", "6.72a", deelproduct="DP-2")
WMO = LineKey(2024, "Zorg", "6.71b", deelproduct="DP-3")
VOORLOPIG = RealisationStatus.VOORLOPIG
DEFINITIEF = RealisationStatus.DEFINITIEF
IMPORTER = Context(actor=FINANCE)

Row = tuple[int, LineKey, str]


def extract(
    periode: str,
    rows: list[Row],
    known_at: datetime,
    *,
    status: RealisationStatus = VOORLOPIG,
    name: str = "grootboek.csv",
) -> SourceFile:
    return SourceFile(
        kind=ImportKind.REALISATIE,
        file_name=name,
        sha256=hashlib.sha256(repr((periode, rows, known_at, status)).encode()).hexdigest(),
        sheet=None,
        known_at=known_at,
        rows=tuple(
            SourceRow(row=n, key=key, amount=money(amount), month=periode, status=status)
            for n, key, amount in rows
        ),
    )


JANUARY = extract(
    "2024-01",
    [(2, ZORG, "100.00"), (3, JEUGD, "50.00"), (4, ZORG, "20.00")],
    datetime(2024, 2, 5, tzinfo=UTC),
)
FEBRUARY = extract(
    "2024-02", [(2, ZORG, "250.00"), (3, WMO, "30.00")], datetime(2024, 3, 5, tzinfo=UTC)
)


def import_key(file: SourceFile) -> UUID:
    identity = import_identity(file.sheet, file.mapping_sha256, file.known_at, None)
    return Import.id_for(file.kind.value, file.sha256, identity)


def imported(app: Begroting, file: SourceFile, *, dry_run: bool = False) -> ImportSummary:
    return app.import_source(IMPORTER, file, decision=None, dry_run=dry_run)


def month(app: Begroting, key: LineKey, periode: str) -> Realisation | None:
    found = app._lookup(realisation_id(key, (int(periode[5:]) - 1) // 3 + 1, periode))
    assert found is None or isinstance(found, Realisation)
    return found


def quarter_one(app: Begroting, key: LineKey) -> Money:
    """The quarter's figure: the sum of its months' figures."""
    total = Money.zero()
    for periode in ("2024-01", "2024-02", "2024-03"):
        figure = month(app, key, periode)
        total = total + (figure.amount if figure else Money.zero())
    return total


def test_an_extract_records_each_lines_year_to_date_as_its_months_figure(app: Begroting) -> None:
    before = position(app)

    summary = imported(app, JANUARY)

    events: list[Any] = events_since(app, before)
    assert [(type(e).__qualname__, e.originator_id) for e in events] == [
        ("Realisation.Reported", realisation_id(ZORG, 1, "2024-01")),
        ("Realisation.Reported", realisation_id(JEUGD, 1, "2024-01")),
        ("RealisationExtracts.Begun", RealisationExtracts.id_for(2024)),
        ("RealisationExtracts.ExtractRecorded", RealisationExtracts.id_for(2024)),
        ("Import.Recorded", import_key(JANUARY)),
    ]
    reported = events[0]
    assert (reported.key, reported.quarter, reported.month, reported.amount) == (
        ZORG,
        1,
        "2024-01",
        money("120.00"),
    )
    assert (reported.status, reported.meta.period) == (VOORLOPIG, Period.year(2024, 1))
    assert [e.meta.source for e in events] == [
        "grootboek.csv, rows 2,4",
        "grootboek.csv, row 3",
        "grootboek.csv, rows 2-4",
        "grootboek.csv, rows 2-4",
        "grootboek.csv, rows 2-4",
    ]
    assert {(e.meta.import_id, e.meta.known_at, e.recorded_at) for e in events} == {
        (f"realisatie:{JANUARY.sha256}", datetime(2024, 2, 5, tzinfo=UTC), CLOCK_NOW)
    }
    assert (events[3].periode, tuple(events[3].keys)) == ("2024-01", (ZORG, JEUGD))
    assert (events[4].periode, events[4].rows, events[4].sheet) == ("2024-01", 3, None)
    assert (summary.lines, summary.events, summary.corrections) == (2, 5, 0)
    assert summary.total_lasten == money("170.00")
    # The identity of a figure recorded without its own month is what it always was.
    assert realisation_id(ZORG, 1) != realisation_id(ZORG, 1, "2024-01")


def test_a_later_periode_adds_its_months_movement(app: Begroting) -> None:
    imported(app, JANUARY)
    before = position(app)

    summary = imported(app, FEBRUARY)

    events: list[Any] = events_since(app, before)
    assert [
        (type(e).__qualname__, e.originator_id, getattr(e, "amount", None)) for e in events
    ] == [
        ("Realisation.Reported", realisation_id(ZORG, 1, "2024-02"), money("130.00")),
        ("Realisation.Reported", realisation_id(WMO, 1, "2024-02"), money("30.00")),
        # JEUGD is not in February's extract: its year-to-date is zero.
        ("Realisation.Reported", realisation_id(JEUGD, 1, "2024-02"), money("-50.00")),
        ("RealisationExtracts.ExtractRecorded", RealisationExtracts.id_for(2024), None),
        ("Import.Recorded", import_key(FEBRUARY), None),
    ]
    assert events[2].meta.source == ("grootboek.csv, no row (the line is not in the extract)")
    assert [quarter_one(app, key) for key in (ZORG, JEUGD, WMO)] == [
        money("250.00"),
        money("0.00"),
        money("30.00"),
    ]
    assert (summary.events, summary.corrections, summary.lines) == (5, 0, 2)


def test_a_newer_extract_of_the_same_periode_corrects_exactly_the_differences(
    app: Begroting,
) -> None:
    imported(app, JANUARY)
    imported(app, FEBRUARY)
    newer = extract(
        "2024-02",
        [(2, ZORG, "260.00")],  # WMO left out: corrected to zero
        datetime(2024, 3, 12, tzinfo=UTC),
        status=DEFINITIEF,
        name="grootboek-herzien.csv",
    )
    before = position(app)

    summary = imported(app, newer)

    events: list[Any] = events_since(app, before)
    assert [
        (type(e).__qualname__, e.originator_id, getattr(e, "corrects_version", None))
        for e in events
    ] == [
        ("Realisation.Corrected", realisation_id(ZORG, 1, "2024-02"), 1),
        ("Realisation.Corrected", realisation_id(WMO, 1, "2024-02"), 1),
        ("RealisationExtracts.ExtractRecorded", RealisationExtracts.id_for(2024), None),
        ("Import.Recorded", import_key(newer), None),
    ]
    zorg, wmo = events[0], events[1]
    assert (zorg.previous_amount, zorg.amount, zorg.status) == (
        money("130.00"),
        money("140.00"),
        DEFINITIEF,
    )
    assert zorg.reason == "a newer extract of periode 2024-02 (grootboek-herzien.csv)"
    assert (wmo.previous_amount, wmo.amount, wmo.status) == (
        money("30.00"),
        money("0.00"),
        VOORLOPIG,
    )
    assert [quarter_one(app, key) for key in (ZORG, JEUGD, WMO)] == [
        money("260.00"),
        money("0.00"),
        money("0.00"),
    ]
    assert (summary.events, summary.corrections) == (4, 2)


def test_an_extract_older_than_the_last_periode_is_refused(app: Begroting) -> None:
    imported(app, FEBRUARY)
    before = position(app)

    with pytest.raises(ImportRefused) as caught:
        imported(app, JANUARY)

    assert caught.value.problems == (
        RowProblem(
            None,
            "periode",
            "an extract of periode 2024-01 is older than the extract of 2024-02 already"
            " imported for 2024; import a newer one",
            "realisation",
        ),
    )
    assert position(app) == before


def test_every_row_of_a_bad_extract_is_named(app: Begroting) -> None:
    rows = (
        SourceRow(2, ZORG, money("1.00"), month="2024-02", status=VOORLOPIG),
        SourceRow(3, JEUGD, money("1.00"), month="2024-03", status=VOORLOPIG),
        SourceRow(4, WMO, money("1.00"), month="2024-13", status=None),
        SourceRow(
            5, LineKey(2024, "Zorg", "9.99"), money("1.00"), month="2024-02", status=VOORLOPIG
        ),
        SourceRow(6, LineKey(2025, "Zorg", "6.71a"), money("1.00"), month="2024-02"),
    )
    file = SourceFile(
        ImportKind.REALISATIE, "x.csv", "a" * 64, None, datetime(2024, 3, 5, tzinfo=UTC), rows
    )

    with pytest.raises(ImportRefused) as caught:
        imported(app, file)

    assert caught.value.problems == (
        RowProblem(
            3, "periode", "an extract has one periode: row 2 gives 2024-02, this row 2024-03"
        ),
        RowProblem(4, "status", "a realisation gives its status"),
        RowProblem(4, "periode", "a month is YYYY-MM, not '2024-13'"),
        RowProblem(6, "status", "a realisation gives its status"),
        RowProblem(6, "periode", "month 2024-02 lies outside fiscal year 2025"),
        RowProblem(
            5,
            "taakveld",
            "taakveld '9.99' does not exist in the catalogue of fiscal year 2024",
            "unknown-taakveld",
        ),
    )
    assert position(app) == 0


def test_a_repeated_or_dry_run_extract_records_nothing(app: Begroting) -> None:
    dry = imported(app, JANUARY, dry_run=True)
    assert (position(app), dry.events, dry.dry_run) == (0, 5, True)
    first = imported(app, JANUARY)
    again = imported(app, JANUARY)
    assert position(app) == first.position
    assert (again.already_imported, again.events, again.position) == (True, 0, 0)


def test_the_extracts_of_a_year_keep_their_periodes_and_lines_and_refuse_an_older_one() -> None:
    stamp = Stamp(
        meta=Meta(FINANCE, CLOCK_NOW, Period.year(2024), None, "grootboek.csv", "realisatie:x"),
        recorded_at=CLOCK_NOW,
    )
    extracts = RealisationExtracts.begin(fiscal_year=2024, stamp=stamp)

    extracts.record(periode="2024-02", keys=(ZORG, JEUGD), stamp=stamp)
    extracts.record(periode="2024-02", keys=(ZORG,), stamp=stamp)  # a newer extract of it
    extracts.record(periode="2024-03", keys=(WMO,), stamp=stamp)

    assert [type(e).__qualname__ for e in extracts.pending_events] == [
        "RealisationExtracts.Begun",
        "RealisationExtracts.ExtractRecorded",
        "RealisationExtracts.ExtractRecorded",
        "RealisationExtracts.ExtractRecorded",
    ]
    assert (extracts.periodes, extracts.keys) == (["2024-02", "2024-03"], {ZORG, JEUGD, WMO})
    with pytest.raises(RealisationError) as older:
        extracts.record(periode="2024-02", keys=(ZORG,), stamp=stamp)
    assert (older.value.field, older.value.data) == ("month", {"last_periode": "2024-03"})
    with pytest.raises(InvalidInputError) as other_year:
        extracts.record(periode="2024-04", keys=(replace(ZORG, fiscal_year=2025),), stamp=stamp)
    assert other_year.value.field == "jaar"
    with pytest.raises(InvalidInputError) as outside:
        extracts.record(periode="2025-01", keys=(ZORG,), stamp=stamp)
    assert outside.value.message == "month 2025-01 lies outside fiscal year 2024"
    assert len(extracts.pending_events) == 4


def test_an_import_is_of_a_known_kind_and_a_sha256() -> None:
    stamp = Stamp(
        meta=Meta(FINANCE, CLOCK_NOW, Period.year(2024), None, "x.csv", None),
        recorded_at=CLOCK_NOW,
    )
    given = {
        "file_name": "x.csv",
        "identity": "i",
        "sheet": None,
        "rows": 1,
        "known_at": CLOCK_NOW,
        "periode": None,
        "stamp": stamp,
    }
    with pytest.raises(InvalidInputError, match="one of begroting, wijziging, realisatie"):
        Import.record(kind="balans", sha256="a" * 64, **given)
    with pytest.raises(InvalidInputError) as sha:
        Import.record(kind="begroting", sha256="A" * 64, **given)
    assert sha.value.field == "sha256"
    record = Import.record(kind="begroting", sha256="a" * 64, **given)
    assert record.id == Import.id_for("begroting", "a" * 64, "i")


def test_a_row_without_movement_is_checked_against_the_iv3_model(app: Begroting) -> None:
    unknown = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-1", categorie="9.99")
    file = extract(
        "2024-01", [(2, ZORG, "10.00"), (3, unknown, "0.00")], datetime(2024, 2, 5, tzinfo=UTC)
    )
    before = position(app)

    with pytest.raises(ImportRefused) as caught:
        imported(app, file)

    assert caught.value.problems == (
        RowProblem(
            3,
            "categorie",
            "categorie '9.99' does not exist among the lasten of the Iv3 model of fiscal year 2024",
            "unknown-categorie",
        ),
    )
    assert position(app) == before


def test_another_sheet_or_date_of_the_same_bytes_is_another_import(app: Begroting) -> None:
    january = replace(JANUARY, sheet="jan")
    february = replace(FEBRUARY, sha256=JANUARY.sha256, sheet="feb")  # the same workbook
    imported(app, january)

    again = imported(app, january)
    second_sheet = imported(app, february)
    later = imported(app, replace(february, known_at=datetime(2024, 3, 6, tzinfo=UTC)))

    assert (again.already_imported, again.events) == (True, 0)
    assert (second_sheet.already_imported, second_sheet.events) == (False, 5)
    assert month(app, WMO, "2024-02") is not None
    # The same sheet dated a day later: another import; the periode rules find no change.
    assert (later.already_imported, later.events, later.corrections) == (False, 2, 0)

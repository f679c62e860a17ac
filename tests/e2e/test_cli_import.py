"""`begroting import` (ADR 0033): a file read and checked before the ledger is opened, a
refused file's every problem on its own line on stderr (exit 2, nothing recorded), the
summary on stdout; run as a real process against a SQLite file, and in process with the
application's use case faked where only the command line is under test."""

from __future__ import annotations

import getpass
import io
import json
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from api.cli.main import main
from api.ledger import open_ledger
from domain.application import Begroting, Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.imports import ImportRefused, ImportSummary, RowProblem, SourceFile
from domain.money import Money
from domain.values import Period
from support.processes import begroting

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "begroting-2026.csv"
EXAMPLE_SHA256 = "e58c33d851b083bd226a7dbd324e172532a478eab2d71ae2a48187648a3812f6"
ADOPTED = datetime(2025, 11, 6, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting(*args, cwd=cwd, module=True)


def test_a_refused_file_names_every_problem_on_its_own_line_and_touches_nothing(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "begroting.csv"
    bad.write_text(
        "jaar;programma;taakveld;soort;bedrag\n"
        "2026;Bestuur;0.1;lasten;1.234,50\n"
        "2026;Bestuur;0.99;uitgaven;10,005\n"
    )

    result = run("import", "begroting", str(bad), "--db", "sqlite:///x.db", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "begroting: begroting.csv: 4 problems; nothing was recorded\n"
        "  --known-at: the extract's date is not given: a peildatum column, peildatum in the "
        "mapping's [constants], or known_at (--known-at)\n"
        "  row 3, taakveld: taakveld '0.99' does not exist in the catalogue of fiscal year "
        "2026 (cell C3)\n"
        "  row 3, soort: soort is lasten or baten, not 'uitgaven' (cell D3)\n"
        "  row 3, bedrag: '10,005' has more than two decimals (cell E3)\n"
    )
    assert not (tmp_path / "x.db").exists()  # the ledger was never opened


def test_a_file_or_mapping_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    missing = run("import", "begroting", "nope.csv", cwd=tmp_path)
    mapping = run("import", "realisatie", str(EXAMPLE), "--mapping", "nope.toml", cwd=tmp_path)
    kind = run("import", "jaarrekening", str(EXAMPLE), cwd=tmp_path)

    assert (missing.returncode, missing.stderr) == (
        2,
        "begroting: cannot read nope.csv: No such file or directory\n",
    )
    assert (mapping.returncode, mapping.stderr) == (
        2,
        "begroting: cannot read the mapping nope.toml: No such file or directory\n",
    )
    assert kind.returncode == 2
    assert kind.stderr.endswith(
        "begroting import: error: argument kind: invalid choice: 'jaarrekening' (choose from "
        "'begroting', 'wijziging', 'realisatie')\n"
    )


# -- the command line's output, the use case faked ---------------------------------------


class FakeImporter:
    def __init__(self, *, already: bool = False, refusal: ImportRefused | None = None) -> None:
        self.already = already
        self.refusal = refusal
        self.calls: list[tuple[Context, SourceFile, str | None, bool]] = []

    def import_source(
        self, ctx: Context, source: SourceFile, *, decision: str | None, dry_run: bool
    ) -> ImportSummary:
        self.calls.append((ctx, source, decision, dry_run))
        if self.refusal is not None:
            raise self.refusal
        recorded = not (dry_run or self.already)
        return ImportSummary(
            kind=source.kind,
            file_name=source.file_name,
            sha256=source.sha256,
            sheet=source.sheet,
            known_at=source.known_at,
            rows=len(source.rows),
            lines=len(source.rows),
            events=19 if not self.already else 0,
            corrections=0,
            total_lasten=Money(Decimal("7564520.50")),
            total_baten=Money(Decimal("605000")),
            dry_run=dry_run,
            already_imported=self.already,
            position=21 if recorded else 0,
        )


def fake_import(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    fake: FakeImporter, *args: str,
) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr(
        Begroting, "import_source", lambda _app, *a, **k: fake.import_source(*a, **k)
    )
    code = main(["import", "begroting", str(EXAMPLE), "--db", f"sqlite:///{tmp_path}/x.db", *args])
    out, err = capsys.readouterr()
    return code, out, err


DETAILS = (
    "  rows 9, lines 9, corrections 0\n"
    "  lasten 7564520.50, baten 605000.00\n"
    "  known at 2025-11-06T23:59:59.999999+01:00\n"
    f"  sha256 {EXAMPLE_SHA256}\n"
)


def test_an_import_prints_what_it_recorded_under_the_operators_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = FakeImporter()

    found = fake_import(monkeypatch, capsys, tmp_path, fake, "--decision", "begroting-2026")

    assert found == (
        0,
        "begroting-2026.csv (begroting): imported, 19 events recorded\n"
        + DETAILS
        + "  log position 21\n",
        "",
    )
    ((ctx, source, decision, dry_run),) = fake.calls
    assert (ctx, decision, dry_run) == (
        Context(actor=f"cli:{getpass.getuser()}"),
        "begroting-2026",
        False,
    )
    assert (source.file_name, source.sha256, len(source.rows)) == (
        "begroting-2026.csv",
        EXAMPLE_SHA256,
        9,
    )


def test_a_dry_run_and_a_repeat_say_that_nothing_was_recorded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dry = fake_import(monkeypatch, capsys, tmp_path, FakeImporter(), "--dry-run")
    again = fake_import(monkeypatch, capsys, tmp_path, FakeImporter(already=True))

    assert dry == (
        0,
        "begroting-2026.csv (begroting): dry run, 19 events would be recorded (none were)\n"
        + DETAILS,
        "",
    )
    assert again == (
        0,
        "begroting-2026.csv (begroting): already imported, nothing recorded\n" + DETAILS,
        "",
    )
    assert max(len(line) for line in (dry[1] + again[1]).splitlines()) <= 80


def test_the_summary_as_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = fake_import(monkeypatch, capsys, tmp_path, FakeImporter(), "--format", "json")

    assert (code, json.loads(out)) == (
        0,
        {
            "kind": "begroting",
            "file_name": "begroting-2026.csv",
            "sha256": EXAMPLE_SHA256,
            "sheet": None,
            "known_at": "2025-11-06T23:59:59.999999+01:00",
            "rows": 9,
            "lines": 9,
            "events": 19,
            "corrections": 0,
            "total_lasten": "7564520.50",
            "total_baten": "605000.00",
            "dry_run": False,
            "already_imported": False,
            "position": 21,
        },
    )


def test_the_applications_refusal_is_listed_like_the_readers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    refusal = ImportRefused(
        (
            RowProblem(
                None,
                "decision",
                "a begroting import needs the adopted decision that authorises it",
                "missing-decision",
            ),
            RowProblem(4, "bedrag", "fiscal year 2026 is closed", "fiscal-year-closed"),
        ),
        "begroting-2026.csv",
    )

    found = fake_import(monkeypatch, capsys, tmp_path, FakeImporter(refusal=refusal))

    assert found == (
        2,
        "",
        "begroting: begroting-2026.csv: 2 problems; nothing was recorded\n"
        "  --decision: a begroting import needs the adopted decision that authorises it: "
        "--decision REF (decision list shows them)\n"
        "  row 4, bedrag: fiscal year 2026 is closed\n",
    )


# -- with the application's use case -------------------------------------------------------


def adopted_begroting(db: str) -> None:
    """The raad's begroting 2026, adopted before the extract's date: it authorises it."""
    ledger = open_ledger(db)
    try:
        ctx = Context(actor="griffie", known_at=ADOPTED)
        ledger.app.propose_decision(
            ctx,
            reference="begroting-2026",
            title="Programmabegroting 2026",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.BEGROTING,
            period=Period.year(2026),
        )
        ledger.app.adopt_decision(ctx, reference="begroting-2026")
    finally:
        ledger.close()


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


def test_the_example_imports_once_as_csv_and_as_xlsx(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    adopted_begroting(db)
    example = tmp_path / "begroting-2026.csv"
    shutil.copy(EXAMPLE, example)
    options = ("--decision", "begroting-2026", "--db", db, "--format", "json")

    dry = as_json(run("import", "begroting", str(example), "--dry-run", *options, cwd=tmp_path))
    first = as_json(run("import", "begroting", str(example), *options, cwd=tmp_path))
    again = as_json(run("import", "begroting", str(example), *options, cwd=tmp_path))
    budget = as_json(run("budget", "--year", "2026", "--db", db, "--format", "json", cwd=tmp_path))

    common = {"rows": 9, "lines": 9, "total_lasten": "7564520.50", "total_baten": "605000.00"}
    assert {k: dry[k] for k in (*common, "events", "dry_run", "position")} == {
        **common, "events": 19, "dry_run": True, "position": 0,
    }  # fmt: skip
    assert {k: first[k] for k in (*common, "events", "position")} == {
        **common, "events": 19, "position": 21,
    }  # fmt: skip
    assert {k: again[k] for k in ("events", "already_imported", "position")} == {
        "events": 0, "already_imported": True, "position": 0,
    }  # fmt: skip
    rows = budget["rows"] if isinstance(budget, dict) else budget
    lasten = sum(Decimal(r["amount"]) for r in rows if r["side"] == "lasten")
    baten = sum(Decimal(r["amount"]) for r in rows if r["side"] == "baten")
    assert (len(rows), lasten, baten) == (9, Decimal("7564520.50"), Decimal("605000.00"))


def test_an_xlsx_extract_with_a_mapping_imports_its_number_cells_exactly(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    adopted_begroting(db)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Export"
    sheet.append(["Boekjaar", "Programma", "Taakveld", "Ec. categorie", "Kostenplaats", "L/B",
                  "Bedrag", "Omschrijving"])  # fmt: skip
    sheet.append([2026, "Veiligheid", "1.1", "4.2", "VE-100", "L", 2310000.1, "Veiligheidsregio"])
    sheet.append([2026, "Wonen", "8.3", "3.7", "WM-200", "B", "420.000,00", "Leges"])
    out = io.BytesIO()
    book.save(out)
    (tmp_path / "erp.xlsx").write_bytes(out.getvalue())

    summary = as_json(
        run("import", "begroting", "erp.xlsx", "--mapping", str(EXAMPLES / "erp-mapping.toml"),
            "--decision", "begroting-2026", "--db", db, "--format", "json", cwd=tmp_path)
    )  # fmt: skip

    assert {k: summary[k] for k in ("sheet", "rows", "total_lasten", "total_baten")} == {
        "sheet": "Export", "rows": 2, "total_lasten": "2310000.10", "total_baten": "420000.00",
    }  # fmt: skip

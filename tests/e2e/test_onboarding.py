"""Issue #13's first "done when": a municipality that is not Nijmegen onboarded from
spreadsheets alone, over the command line (run in process), on SQLite and on PostgreSQL,
from CSV (Dutch text amounts) and from XLSX (Excel number cells).

The made-up gemeente Beekdal (GM9999) gets a ledger of its own, the raad's begroting and a
begrotingswijziging as decisions, then a begroting, a wijziging and two monthly
year-to-date realisation extracts (2026-01, 2026-02). Every expected figure is computed
from the rows the test wrote, except one checked by hand."""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from api.cli.main import main
from support.ledgers import BACKENDS
from support.processes import fresh_database

pytestmark = pytest.mark.e2e

CODE = "GM9999"
HEADER = ("jaar", "programma", "taakveld", "categorie", "deelproduct", "soort", "bedrag",
          "omschrijving", "peildatum")  # fmt: skip

# (programma, taakveld, categorie, deelproduct, soort, bedrag): two rows of BD-100 make one
# line (an ERP's rows are finer than the ledger's lines).
BEGROTING = [
    ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("1000000.00")),
    ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("250000.50")),
    ("Bestuur", "0.2", "3.7", "BD-210", "baten", Decimal("90000.00")),
    ("Veiligheid", "1.1", "4.3.3", "VL-100", "lasten", Decimal("800000.00")),
    ("Sociaal domein", "6.1", "1.1", "SD-100", "lasten", Decimal("500000.00")),
    ("Sociaal domein", "6.1", "3.8", "SD-110", "lasten", Decimal("120000.25")),
    ("Wonen", "8.3", "3.7", "WO-200", "baten", Decimal("300000.00")),
]
WIJZIGING = [
    ("Sociaal domein", "6.1", "1.1", "SD-100", "lasten", Decimal("50000.00")),
    ("Veiligheid", "1.1", "4.3.3", "VL-100", "lasten", Decimal("-10000.25")),
]
# Year-to-date totals: BD-210's falls from January to February; WO-200 is only in February.
JANUARI = [
    ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("80000.00")),
    ("Bestuur", "0.2", "3.7", "BD-210", "baten", Decimal("7000.50")),
    ("Veiligheid", "1.1", "4.3.3", "VL-100", "lasten", Decimal("200000.00")),
    ("Sociaal domein", "6.1", "1.1", "SD-100", "lasten", Decimal("40000.00")),
    ("Sociaal domein", "6.1", "3.8", "SD-110", "lasten", Decimal("10000.00")),
]
FEBRUARI = [
    ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("165000.00")),
    ("Bestuur", "0.2", "3.7", "BD-210", "baten", Decimal("6000.00")),
    ("Veiligheid", "1.1", "4.3.3", "VL-100", "lasten", Decimal("200000.00")),
    ("Sociaal domein", "6.1", "1.1", "SD-100", "lasten", Decimal("85000.10")),
    ("Sociaal domein", "6.1", "3.8", "SD-110", "lasten", Decimal("22500.00")),
    ("Wonen", "8.3", "3.7", "WO-200", "baten", Decimal("25000.00")),
]

Row = tuple[str, str, str, str, str, Decimal]


def dutch(amount: Decimal) -> str:
    """1.250.000,50: the text a Dutch Excel writes into a CSV."""
    whole, cents = f"{amount:.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{'.'.join(groups)},{cents}"


def write(
    directory: Path, name: str, fmt: str, rows: list[Row], peildatum: date,
    periode: str | None = None, header: tuple[str, ...] = HEADER,
) -> Path:  # fmt: skip
    """The rows as an extract: a `;` CSV with a BOM and Dutch amounts, or an XLSX with
    number cells and a date cell; a realisation extract also has periode and status."""
    extra = ("periode", "status") if periode else ()
    table: list[list[Any]] = [[*header, *extra]]
    for programma, taakveld, categorie, deelproduct, soort, bedrag in rows:
        cells: list[Any] = [2026, programma, taakveld, categorie, deelproduct, soort, bedrag,
                            f"{deelproduct} {programma}", peildatum]  # fmt: skip
        if periode:
            cells += [periode, "voorlopig" if deelproduct == "SD-110" else "definitief"]
        table.append(cells)
    target = directory / f"{name}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for cells in table:
            writer.writerow([dutch(c) if isinstance(c, Decimal) else c for c in cells])
        target.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Export"
        for cells in table:
            sheet.append(cells)
        book.save(target)
    return target


def lines(*extracts: list[Row]) -> dict[tuple[str, ...], Decimal]:
    """Each line's sum over the extracts' rows, by (taakveld, categorie, deelproduct, soort)."""
    sums: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for rows in extracts:
        for _programma, taakveld, categorie, deelproduct, soort, bedrag in rows:
            sums[(taakveld, categorie, deelproduct, soort)] += bedrag
    return dict(sums)


def cells(per_line: dict[tuple[str, ...], Decimal]) -> dict[tuple[str, str, str], Decimal]:
    """The Iv3 matrix of those lines: (soort, taakveld, categorie) -> sum."""
    found: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for (taakveld, categorie, _deelproduct, soort), amount in per_line.items():
        found[(soort, taakveld, categorie)] += amount
    return dict(found)


class Cli:
    """The command line in process, on one database: exit code, stdout, stderr."""

    def __init__(self, db: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([*args, "--db", self.db])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert (code, err) == (0, ""), err
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json"))

    def events(self, code: str) -> int:
        ledgers = {row["code"]: row["events"] for row in self.json("ledger", "list")}
        return int(ledgers[code])

    def iv3(self, directory: Path, period: str) -> dict[tuple[str, str, str], Decimal]:
        target = directory / f"iv3-{period}.csv"
        self.ok("export", "iv3", "--ledger", CODE, "--year", "2026", "--period", period,
                "--dialect", "rfc4180", "-o", str(target))  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
        return {(r["side"], r["taakveld"], r["categorie"]): Decimal(r["amount"]) for r in rows}


@pytest.fixture(params=BACKENDS)
def cli(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    with fresh_database(request.param, tmp_path) as db:
        yield Cli(db, capsys)


def onboard(cli: Cli) -> None:
    cli.ok("ledger", "create", CODE, "--name", "Beekdal")
    cli.ok("ledger", "create", "GM9998", "--name", "Buurgemeente")
    cli.ok("decision", "record", "raad-2025-11-06-begroting-2026", "--ledger", CODE,
           "--body", "raad", "--kind", "begroting", "--title", "Programmabegroting 2026",
           "--years", "2026", "--adopted-at", "2025-11-06")  # fmt: skip
    cli.ok("decision", "record", "raad-2026-02-26-bw-1", "--ledger", CODE, "--body", "raad",
           "--kind", "begrotingswijziging", "--number", "2026-1",
           "--title", "Begrotingswijziging 2026-1", "--years", "2026",
           "--adopted-at", "2026-02-26")  # fmt: skip


def imported(cli: Cli, kind: str, path: Path, *options: str) -> dict[str, Any]:
    summary: dict[str, Any] = cli.json("import", kind, str(path), "--ledger", CODE, *options)
    return summary


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_municipality_is_onboarded_from_its_spreadsheets(
    cli: Cli, tmp_path: Path, fmt: str
) -> None:
    onboard(cli)
    files = [
        ("begroting", write(tmp_path, "begroting", fmt, BEGROTING, date(2025, 11, 6)),
         ("--decision", "raad-2025-11-06-begroting-2026")),
        ("wijziging", write(tmp_path, "wijziging", fmt, WIJZIGING, date(2026, 2, 26)),
         ("--decision", "raad-2026-02-26-bw-1")),
        ("realisatie", write(tmp_path, "real-01", fmt, JANUARI, date(2026, 2, 5), "2026-01"), ()),
        ("realisatie", write(tmp_path, "real-02", fmt, FEBRUARI, date(2026, 3, 5), "2026-02"), ()),
    ]  # fmt: skip

    summaries = [imported(cli, kind, path, *options) for kind, path, options in files]
    position = cli.events(CODE)
    again = [imported(cli, kind, path, *options) for kind, path, options in files]

    begroting = lines(BEGROTING)
    budget = lines(BEGROTING, WIJZIGING)
    realised = lines(FEBRUARI)  # Q1 holds February's year-to-date totals
    assert [(s["rows"], s["lines"], s["events"] > 0) for s in summaries] == [
        (7, 6, True), (2, 2, True), (5, 5, True), (6, 6, True),
    ]  # fmt: skip
    assert [(s["already_imported"], s["events"], s["position"]) for s in again] == [
        (True, 0, 0)
    ] * 4
    assert cli.events(CODE) == position
    said = cli.ok("import", "begroting", str(files[0][1]), "--ledger", CODE, *files[0][2])
    sheet = ", sheet Export" if fmt == "xlsx" else ""
    assert said.splitlines()[0] == (
        f"begroting.{fmt} (begroting{sheet}): already imported, nothing recorded"
    )
    assert summaries[0]["total_lasten"] == str(sum(
        a for (_t, _c, _d, soort), a in begroting.items() if soort == "lasten"
    ))  # fmt: skip

    rows = cli.json("budget", "--ledger", CODE, "--year", "2026")["rows"]
    assert {
        (r["taakveld"], r["categorie"], r["deelproduct"], r["side"]): Decimal(r["amount"])
        for r in rows
    } == budget
    # Checked by hand: BD-100's two rows, 1.000.000,00 + 250.000,50.
    assert budget[("0.1", "1.1", "BD-100", "lasten")] == Decimal("1250000.50")

    uitputting = cli.json("uitputting", "--ledger", CODE, "--year", "2026", "--by", "line")
    found = {
        (r["line"]["taakveld"], r["line"]["categorie"], r["line"]["deelproduct"], r["side"]): (
            Decimal(r["primitief"]), Decimal(r["wijzigingen"]), Decimal(r["realisatie"]),
            r["uitputting"],
        )
        for r in uitputting["rows"]
    }  # fmt: skip
    assert found == {
        key: (
            begroting[key],
            amount - begroting[key],
            realised.get(key, Decimal(0)),
            str((realised.get(key, Decimal(0)) / amount * 100).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )),
        )
        for key, amount in budget.items()
    }  # fmt: skip

    quarters = cli.json("realisations", "--ledger", CODE, "--year", "2026")["rows"]
    per_quarter: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for r in quarters:
        per_quarter[(r["quarter"], r["taakveld"], r["categorie"], r["deelproduct"], r["side"])] += (
            Decimal(r["amount"])
        )
    assert dict(per_quarter) == {(1, *key): amount for key, amount in realised.items()}

    assert cli.iv3(tmp_path, "begroting") == cells(begroting)
    assert cli.iv3(tmp_path, "Q1") == cells(realised)

    # Nothing of it reached the default ledger or the other municipality's.
    assert cli.events("GM9998") == 0
    assert cli.json("log") == []
    assert cli.json("budget", "--year", "2026")["rows"] == []
    assert cli.json("budget", "--ledger", "GM9998", "--year", "2026")["rows"] == []


def test_a_bad_file_is_refused_whole_with_every_bad_row_named(cli: Cli, tmp_path: Path) -> None:
    onboard(cli)
    path = write(tmp_path, "begroting", "csv", BEGROTING, date(2025, 11, 6))
    imported(cli, "begroting", path, "--decision", "raad-2025-11-06-begroting-2026")
    position = cli.events(CODE)
    rows = [
        ("Sociaal domein", "6.1", "1.1", "SD-100", "lasten", Decimal("1000.00")),  # good
        ("Bestuur", "0.99", "1.1", "BD-100", "lasten", Decimal("10.00")),  # unknown taakveld
        ("Bestuur", "0.1", "9.9", "BD-100", "lasten", Decimal("10.00")),  # unknown categorie
        ("Sociaal domein", "6.1", "4.2", "SD-100", "lasten", Decimal("10.00")),  # a grey cell
        ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("10.00")),  # malformed below
        ("Bestuur", "0.1", "1.1", "BD-100", "lasten", Decimal("10.00")),  # bedrag left out
        ("Wonen", "8.3", "3.8", "WO-999", "lasten", Decimal("10.00")),  # no such line
    ]
    bad = write(tmp_path, "wijziging", "csv", rows, date(2026, 2, 26))
    text = bad.read_text(encoding="utf-8").split("\n")
    text[5] = text[5].replace(";10,00;", ";12,34,5;")
    text[6] = text[6].replace(";10,00;", ";;")
    bad.write_text("\r\n".join(text), encoding="utf-8")
    options = ("--ledger", CODE, "--decision", "raad-2026-02-26-bw-1")

    read = cli("import", "wijziging", str(bad), *options)
    text[2], text[3], text[4] = (
        text[2].replace(";0.99;", ";0.1;"),
        text[3].replace(";9.9;", ";1.1;"),
        text[4].replace(";4.2;", ";1.1;"),
    )
    text[5], text[6] = text[5].replace(";12,34,5;", ";10,00;"), text[6].replace(";;", ";10,00;")
    bad.write_text("\r\n".join(text), encoding="utf-8")
    recorded = cli("import", "wijziging", str(bad), *options)
    elsewhere = cli("import", "wijziging", str(bad), *options[2:])  # --ledger forgotten

    assert read == (
        2,
        "",
        "begroting: wijziging.csv: 5 problems; nothing was recorded\n"
        "  row 3, taakveld: taakveld '0.99' does not exist in the catalogue of fiscal year "
        "2026 (cell C3)\n"
        "  row 4, categorie: categorie '9.9' does not exist among the lasten of the Iv3 model "
        "of fiscal year 2026 (cell D4)\n"
        "  row 5, categorie: taakveld 6.1 with categorie 4.2 is a grey cell of the lasten in "
        "the Iv3 model of fiscal year 2026: the CBS definitions forbid it (cell D5)\n"
        "  row 6, bedrag: '12,34,5' is not an amount: its separators do not group by three "
        "(cell G6)\n"
        "  row 7, bedrag: bedrag is empty (cell G7)\n",
    )
    assert recorded == (
        2,
        "",
        "begroting: wijziging.csv: 1 problem; nothing was recorded\n"
        "  row 8: line 2026 / Wonen / taakveld 8.3 / deelproduct WO-999 / categorie 3.8 / "
        "lasten does not exist: a wijziging changes a line of the begroting\n",
    )
    assert (elsewhere[0], elsewhere[2].splitlines()[:2]) == (
        2,
        [
            "begroting: wijziging.csv: 8 problems; nothing was recorded",
            "  --decision: decision 'raad-2026-02-26-bw-1' does not exist in the default ledger "
            "(another: --ledger CODE)",
        ],
    )
    assert cli.events(CODE) == position


ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[list[str]]:
    """The quickstart's onboarding of Lindenhoven, as the README writes it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("A municipality's own figures come from")
    section = text[start : text.index("The import reads CSV", start)]
    joined = section.replace("\\\n", " ")
    return [
        shlex.split(line)[1:]
        for line in joined.splitlines()
        if line.startswith(".venv/bin/begroting ")
    ]


def example_sums(name: str) -> dict[tuple[str, str, str], Decimal]:
    """An example extract's Iv3 cells: (soort, taakveld, categorie) -> its Dutch amounts."""
    text = (ROOT / "examples" / name).read_text(encoding="utf-8-sig")
    found: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in csv.DictReader(io.StringIO(text), delimiter=";"):
        found[(r["soort"], r["taakveld"], r["categorie"])] += Decimal(
            r["bedrag"].replace(".", "").replace(",", ".")
        )
    return dict(found)


def test_the_readme_onboards_the_example_municipality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    cli = Cli(f"sqlite:///{tmp_path}/begroting.sqlite3", capsys)
    commands = readme_commands()

    for command in commands:
        cli.ok(*command)

    assert [c[:2] for c in commands] == [
        ["ledger", "create"], ["decision", "record"], ["import", "begroting"],
        ["export", "iv3"], ["decision", "record"], ["import", "wijziging"],
        ["import", "realisatie"], ["uitputting", "--ledger"], ["export", "iv3"],
    ]  # fmt: skip
    for target, name in (
        ("iv3.csv", "begroting-2026.csv"),
        ("iv3-q1.csv", "realisatie-2026-03.csv"),
    ):
        rows = csv.DictReader(
            io.StringIO((tmp_path / target).read_text(encoding="utf-8-sig")), delimiter=";"
        )
        found = {
            (r["side"], r["taakveld"], r["categorie"]): Decimal(r["amount"].replace(",", "."))
            for r in rows
        }
        assert found == example_sums(name)

"""`begroting export iv3` as a user runs it (ADR 0031): the matrix written as CSV, a refusal
listing every line that does not fit (exit 2, nothing written), and `history --categorie`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from support import iv3 as given
from support.clock import Clock
from support.ledgers import ledger_on
from support.processes import begroting as run

pytestmark = pytest.mark.e2e


@pytest.fixture
def db(tmp_path: Path) -> str:
    with ledger_on("sqlite", tmp_path, Clock()) as ledger:
        given.load(ledger.app)
        ledger.runner.catch_up()
        return str(ledger.engine.url)


def test_the_jaarrekening_is_written_as_csv(tmp_path: Path, db: str) -> None:
    target = tmp_path / "iv3.csv"

    result = run(
        "export", "iv3", "--db", db, "--year", "2025", "--period", "jaarrekening",
        "--dialect", "rfc4180", "-o", str(target), cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"3 cells written to {target} (csv)\n"
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(row[2], row[3], row[5], row[7], row[8]) for row in rows[1:]] == [
        ("lasten", "6.1", "3.8", "501.10", "200.10"),
        ("lasten", "8.3", "3.8", "10.00", "0.00"),
        ("baten", "0.2", "3.7", "50.00", "50.00"),
    ]
    assert {row[10] for row in rows[1:]} == {"now"}


def test_history_names_a_line_by_its_categorie(tmp_path: Path, db: str) -> None:
    result = run(
        "history", "--db", db, "--year", "2025", "--programma", "Zorg", "--categorie", "3.8",
        "--format", "text", cwd=tmp_path,
    )  # fmt: skip
    other = run(
        "history", "--db", db, "--year", "2025", "--programma", "Zorg", "--categorie", "4.2",
        "--format", "text", cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "1000.00" in result.stdout
    assert "100.00" in result.stdout
    assert other.returncode == 0, other.stderr
    assert "1000.00" not in other.stdout


def test_the_demo_is_refused_with_every_line_listed(tmp_path: Path, demo_db: str) -> None:
    target = tmp_path / "iv3.csv"

    result = run(
        "export", "iv3", "--db", demo_db, "--year", "2019", "--period", "jaarrekening",
        "-o", str(target), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "begroting: cannot export Iv3 2019 jaarrekening: 6 line(s) do not fit the Iv3 model"
        " of that year"
    )
    assert len(lines) == 7
    assert all(line.startswith("  realisation ") for line in lines[1:])
    assert all(line.endswith(" / lasten: no categorie") for line in lines[1:])
    assert not target.exists()

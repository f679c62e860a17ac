"""`begroting uitputting` (ADR 0026) as a real process on a SQLite file holding the small
begroting of support.begroting: the JSON the API answers, the table in 80 columns, and a
usage error naming its option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import begroting
from support.clock import Clock
from support.ledgers import ledger_on
from support.processes import begroting as run

pytestmark = pytest.mark.e2e


@pytest.fixture
def db(tmp_path: Path) -> str:
    with ledger_on("sqlite", tmp_path, Clock()) as ledger:
        begroting.load(ledger.app)
        ledger.runner.catch_up()
        return str(ledger.engine.url)


def test_the_json_is_the_apis_document(tmp_path: Path, db: str) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--by", "taakveld", "--side", "baten",
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    baten = {
        "primitief": "200000.00",
        "wijzigingen": "0.00",
        "begroting_na_wijziging": "200000.00",
        "realisatie": "250000.00",
        "realisatie_voorlopig": "250000.00",
        "saldo": "50000.00",
        "uitputting": "125.0",
    }
    assert json.loads(result.stdout) == {
        "basis": {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": 17},
        "fiscal_year": 2019,
        "by": "taakveld",
        "side": "baten",
        "rows": [
            {
                "key": "6.71",
                "label": "6.71",
                "side": "baten",
                "no_line": False,
                "line": None,
                **baten,
            }
        ],
        "totals": [{"side": "baten", **baten}],
    }


def test_the_table_fits_80_columns_with_the_quarter_ends_beside_the_basis(
    tmp_path: Path, db: str
) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--side", "baten", "--quarters",
        cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "as of now: everything known, log position 17\n"
        "uitputting 2019 by programma (saldo: + voordelig)\n"
        "\n"
        "baten\n"
        "                                              na\n"
        "group         primitief  wijzigingen   wijziging  realisatie      saldo       %\n"
        "───────────────────────────────────────────────────────────────────────────────\n"
        "Zorg en      200.000,00         0,00  200.000,00  250.000,00  50.000,00  125,0%\n"
        "Welzijn\n"
        "totaal       200.000,00         0,00  200.000,00  250.000,00  50.000,00  125,0%\n"
        "of the realisatie 250000.00, 250000.00 is voorlopig\n"
        "realisatie per quarter-end (empty: after the basis)\n"
        "group            2019Q1      2019Q2      2019Q3      2019Q4       basis\n"
        "───────────────────────────────────────────────────────────────────────\n"
        "Zorg en Welzijn    0,00  250.000,00  250.000,00  250.000,00  250.000,00\n"
        "totaal             0,00  250.000,00  250.000,00  250.000,00  250.000,00\n"
        "uitputting per quarter-end (empty: after the basis)\n"
        "group            2019Q1  2019Q2  2019Q3  2019Q4   basis\n"
        "───────────────────────────────────────────────────────\n"
        "Zorg en Welzijn    0,0%  125,0%  125,0%  125,0%  125,0%\n"
        "totaal             0,0%  125,0%  125,0%  125,0%  125,0%\n"
    )
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_an_unknown_grouping_is_a_usage_error_naming_the_option(tmp_path: Path, db: str) -> None:
    result = run("uitputting", "--db", db, "--year", "2019", "--by", "fund", cwd=tmp_path)

    assert result.returncode == 2
    assert "argument --by: invalid choice: 'fund'" in result.stderr


def test_the_lineage_of_a_figure_is_the_http_lineage_s_rows(tmp_path: Path, db: str) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--by", "taakveld", "--side", "lasten",
        "--lineage", "--key", "6.71", "--figure", "wijzigingen", "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "basis": {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": 17},
        "rows": [
            {
                "position": 11,
                "event": "Amended",
                "subject": "Zorg en Welzijn / 6.71",
                "delta": "150000.00",
                "running_total": "150000.00",
                "decision": {
                    "reference": "raad-2019-06-begrotingswijziging-2019-12",
                    "body": "raad",
                    "kind": "begrotingswijziging",
                    "status": "adopted",
                    "adopted_known_at": "2019-06-20T20:00:00+00:00",
                },
                "actor": "concern control",
                "period": 2019,
                "known_at": "2019-06-20T20:00:00+00:00",
                "recorded_at": "2026-11-23T09:00:00+00:00",
                "import_id": None,
                "mandate": None,
                "authorised": True,
                "problems": [],
                "source": None,
                "backdated": {"by": "P2712DT13H", "grace": "P7D"},
                "backfill": None,
                "dekking": "Saldireserve, oormerk transformatiebudget",
            }
        ],
    }


def test_the_lineage_table_fits_80_columns(tmp_path: Path, db: str) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--by", "taakveld", "--side", "baten",
        "--lineage", "--key", "6.71", "--figure", "realisatie", cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "as of now: everything known, log position 17\n"
        "realisatie 2019, baten, row 6.71:\n"
        "                                     running\n"
        "position  event           amount       total  decision  actor       known at\n"
        "──────────────────────────────────────────────────────────────────────────────\n"
        "      15  voorlopig   250.000,00  250.000,00            concern     2019-06-28\n"
        "          v1                                            control     14:00\n"
    )


def test_a_lineage_of_a_figure_the_row_does_not_have_is_a_usage_error(
    tmp_path: Path, db: str
) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--side", "lasten", "--lineage",
        "--figure", "saldo", cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stdout) == (2, "")
    assert (
        "argument --figure: invalid choice: 'saldo' (choose from 'primitief', 'wijzigingen', "
        "'realisatie')" in result.stderr
    )


def test_a_lineage_without_its_side_names_what_it_needs(tmp_path: Path, db: str) -> None:
    result = run(
        "uitputting", "--db", db, "--year", "2019", "--lineage", "--figure", "primitief",
        cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "begroting: --lineage needs --side and --figure (and --key, or --no-line)\n",
    )

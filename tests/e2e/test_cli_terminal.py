"""The command line on a terminal and off it (ADR 0023): tables through rich fitted to 80
columns when stdout is not a terminal (or to $COLUMNS), Dutch amounts, totals under a rule,
`--wide`; the common options before or after the command; `--as-of` as a quarter or a Dutch
date and `--as-recorded-at`; a progress bar on a terminal only; a `--help` that loads none
of the heavy libraries. Each runs the real command in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.processes import BEGROTING, begroting, clean_environment

pytestmark = pytest.mark.e2e

INTERVENTIEPLAN_AT_80 = [
    "Interventieplan fase 4 – Opgave Sociale Stad (interventieplan-fase-4)",
    "basis: report:interventieplan-fase-4 (knowledge cutoff",
    f"2019-05-08T10:00:00+00:00, log position {INTERVENTIEPLAN_LAST_POSITION}, chain head",
    f"{INTERVENTIEPLAN_HEAD})",
    "",
    "tabel-6.1: Overzicht taakstellingen/opgaven (x € 1.000)",
    "                                                    2019    2020    2021    2022",
    "────────────────────────────────────────────────────────────────────────────────",
    " 1  Welzijn, vrijwilligers, leefbare wijken           40      40      40      40",
    "    gericht versterken (IVP-2)",
    " 2  Kwartaalgesprekken (IVP-2 - 2.5)               3.100   3.100   2.800   2.800",
    " 2  Kantelgesprekken PGB Hulp bij Huishouden         100     100     100     100",
    "    (IVP-2: 2.1)",
    " 2  Aanvullende efficiëncyslag keten zorg en                         300     300",
    "    welzijn (CA)",
    " 3  Premiebijdrage Collectieve Aanvullende                   790     790     790",
    "    Ziektekostenverzekeringen (CA)",
    " 3  Vergoeding Bijzondere Bijstand obv                       500     500     500",
    "    tweedehandsgoederen (CA)",
    " 3  Bezuiniging op Meerwerk (o.a. WerkBedrijf)               750   1.200   1.200",
    "    (CA)",
    " 4  Sterke basis kinderen en jongeren                250     250     650     650",
    " 5  Verminderen gebruik ambulante Jeugdzorg        1.280   1.280   1.280   1.280",
    "    (IVP-2)",
    " 6  Jeugdzorg met verblijf (IVP-2: 2.2 en CA)        900   1.400   1.900   2.400",
    " 7  Risico nieuw verdeelmodel                                     13.639  13.639",
    " 7  Medische Heroïne afbouwen (CA)                           232     232     232",
    " 7  Rente over voorschotten                          100     100     100     100",
    " 8  Doorbraakaanpak (CA)                             300     500     750   1.000",
    " 9  Stelselwijziging (CA)                                          1.000   2.000",
    "10  Datagestuurd werken in het sociaal domein",
    "11  Taakstellende besparing Zorg en Welzijn                1.000   1.500   2.000",
    "────────────────────────────────────────────────────────────────────────────────",
    "    Totaal besparingsopgave (exclusief risico      6.070  10.042  13.142  15.392",
    "    nieuw verdeelmodel)",
    "    Totaal besparingsopgave (inclusief risico      6.070  10.042  26.781  29.031",
    "    nieuw verdeelmodel)",
    "",
    # tabel 7.2 has its `totaal` column since the fuller demo
    "tabel-7.2: Beroep op het transformatiebudget (x € 1.000)",
    "                                                        2019  2020  2021  totaal",
    "────────────────────────────────────────────────────────────────────────────────",
    "1. Welzijn, vrijwilligers, leefbare wijken gericht        25    25            50",
    "versterken",
    "2. Wijkaanpak sociaal domein                             309   101           410",
    "3. Inkomen, werk, schulden",
    "4. Sterke basis kinderen en jongeren                     150                 150",
    "5. Verminderen gebruik ambulante Jeugdzorg               190   175           365",
    "6. Jeugdzorg met verblijf",
    "7. Ombouw Beschermd Wonen en maatschappelijke opvang",
    "8. Doorbraakaanpak                                       400   140           540",
    "9. Stelselwijziging                                       25    70    40     135",
    "10. Datagestuurd werken in het sociaal domein            125   125   100     350",
    "────────────────────────────────────────────────────────────────────────────────",
    "Totaal beroep op transformatiebudget                   1.224   636   140   2.000",
]

# The Q4 report's second table since the fuller demo: the stated results of [S2].
FINANCIEEL_BEELD = [
    "",
    "financieel-beeld: Financieel beeld (x € 1.000)",
    "                   2019",
    "───────────────────────",
    "Wmo               1.000",
    "Beschermd Wonen  10.000",
    "Jeugd            -3.400",
    "Werk en Inkomen   3.300",
]

Q4_AT_80 = [
    "Voortgangsrapportage Interventieplan 2019 Q4 (voortgangsrapportage-2019-q4)",
    "basis: report:voortgangsrapportage-2019-q4 (knowledge cutoff",
    f"2020-06-03T10:00:00+00:00, log position {DEMO_LAST_POSITION}, chain head",
    f"{DEMO_HEAD})",
    "",
    "figuur-1: Transformatiebudget (x € 1.000)",
    "                                           uitgaven-  beschikbaar-  beschikbaar-",
    "                                                2019          2020          2021",
    "────────────────────────────────────────────────────────────────────────────────",
    "1. Welzijn, vrijwilligers, leefbare                             50",
    "wijken gericht versterken",
    "2. Wijkaanpak sociaal domein                     290           119",
    "3. Inkomen, werk, schulden",
    "4. Sterke basis kinderen en jongeren              70            80",
    "5. Verminderen gebruik ambulante                 123           242",
    "Jeugdzorg",
    "6. Jeugdzorg met verblijf*",
    "7. Ombouw Beschermd Wonen en",
    "maatschappelijke opvang",
    "8. Doorbraakaanpak                               334           206",
    "9. Stelselwijziging                               25            70            40",
    "10. Datagestuurd werken i/h sociaal              125           125           100",
    "domein",
    "────────────────────────────────────────────────────────────────────────────────",
    "Totaal                                           967           892           140",
    *FINANCIEEL_BEELD,
]

Q4_WIDE = [
    "Voortgangsrapportage Interventieplan 2019 Q4 (voortgangsrapportage-2019-q4)",
    f"basis: report:voortgangsrapportage-2019-q4 (knowledge cutoff 2020-06-03T10:00:00+00:00, log position {DEMO_LAST_POSITION}, chain head {DEMO_HEAD})",  # noqa: E501 (the wide table, whole)
    "",
    "figuur-1: Transformatiebudget (x € 1.000)",
    "                                                               uitgaven-2019  beschikbaar-2020  beschikbaar-2021",  # noqa: E501 (the wide table, whole)
    "────────────────────────────────────────────────────────────────────────────────────────────────────────────────",
    "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken                               50",  # noqa: E501 (the wide table, whole)
    "2. Wijkaanpak sociaal domein                                             290               119",  # noqa: E501 (the wide table, whole)
    "3. Inkomen, werk, schulden",
    "4. Sterke basis kinderen en jongeren                                      70                80",  # noqa: E501 (the wide table, whole)
    "5. Verminderen gebruik ambulante Jeugdzorg                               123               242",  # noqa: E501 (the wide table, whole)
    "6. Jeugdzorg met verblijf*",
    "7. Ombouw Beschermd Wonen en maatschappelijke opvang",
    "8. Doorbraakaanpak                                                       334               206",  # noqa: E501 (the wide table, whole)
    "9. Stelselwijziging                                                       25                70                40",  # noqa: E501 (the wide table, whole)
    "10. Datagestuurd werken i/h sociaal domein                               125               125               100",  # noqa: E501 (the wide table, whole)
    "────────────────────────────────────────────────────────────────────────────────────────────────────────────────",
    "Totaal                                                                   967               892               140",  # noqa: E501 (the wide table, whole)
    *FINANCIEEL_BEELD,
]

HISTORY_AT_80 = [
    f"as of now: everything known, log position {DEMO_LAST_POSITION}",
    "position       98",
    "event          Amended",
    "delta          101.000,00",
    "running total  101.000,00",
    "decision       raad-2019-05-08-interventieplan-fase-4",
    "mandate",
    "authorised     yes",
    "actor          import:nijmegen-demo",
    "known at       2019-05-08 12:00",
    "recorded at    2026-11-23 10:00",
    "import id      nijmegen-demo-v2",
    "backdated",
    "source         Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019),",
    "               §6.2 en tabel 7.2",
    "─" * 80,
    "position       145",
    "event          CarriedIn",
    "delta          18.000,00",
    "running total  119.000,00",
    "decision       raad-2019-12-nota-slotwijzigingen-2019",
    "mandate",
    "authorised     yes",
    "actor          import:nijmegen-demo",
    "known at       2019-12-18 12:00",
    "recorded at    2026-11-23 10:00",
    "import id      nijmegen-demo-v2",
    "backdated",
    "source         Voortgangsrapportage Interventieplan, vierde rapportage 2019",
    "               (Q4), uitputting transformatiebudget (Figuur 1)",
    "2 from a backfill (nijmegen-demo-v2): recorded later with their sources' dates,",
    "not backdating",
]


def out(*args: str, cwd: Path, settings: dict[str, str] | None = None) -> str:
    result = begroting(*args, cwd=cwd, settings=settings)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return str(result.stdout)


def test_a_report_fits_80_columns_off_a_terminal(tmp_path: Path, demo_db: str) -> None:
    printed = out("report", "interventieplan-fase-4", "--db", demo_db, cwd=tmp_path)

    # The tables published before the fuller demo, whole; tabel 4.1 and tables 5.1-5.11 follow,
    # each within 80 columns too.
    lines = printed.splitlines()
    assert lines[: len(INTERVENTIEPLAN_AT_80)] == INTERVENTIEPLAN_AT_80
    assert lines[len(INTERVENTIEPLAN_AT_80) : len(INTERVENTIEPLAN_AT_80) + 2] == [
        "",
        "tabel-4.1: Opbrengsten maatregelen Interventieplan in 2018 (x € 1 mln)",
    ]
    assert [line.split(":")[0] for line in lines if line.startswith("tabel-")] == [
        "tabel-6.1",
        "tabel-7.2",
        "tabel-4.1",
        *(f"tabel-5.{n}" for n in range(1, 12)),
    ]
    assert max(len(line) for line in lines) == 80


def test_the_q4_report_wraps_its_labels_and_column_keys_at_80_columns(
    tmp_path: Path, demo_db: str
) -> None:
    printed = out("report", "voortgangsrapportage-2019-q4", "--db", demo_db, cwd=tmp_path)

    assert printed.splitlines() == Q4_AT_80


def test_wide_prints_every_label_and_key_on_one_line(tmp_path: Path, demo_db: str) -> None:
    printed = out("report", "voortgangsrapportage-2019-q4", "--wide", "--db", demo_db, cwd=tmp_path)

    assert printed.splitlines() == Q4_WIDE


def test_columns_sets_the_width_off_a_terminal(tmp_path: Path, demo_db: str) -> None:
    printed = out(
        "budget", "--year", "2020", "--by", "interventie", "--as-of", "2019Q4", "--db", demo_db,
        cwd=tmp_path, settings={"COLUMNS": "40"},
    )  # fmt: skip

    assert printed.splitlines() == [
        "as of 2019-12-31T23:59:59.999999+01:00:",
        "known by",
        "2019-12-31T23:59:59.999999+01:00, log",
        f"position {DEMO_LAST_POSITION}",
        " fiscal",
        "   year  side    interventie      amount",
        "────────────────────────────────────────",
        "   2020  lasten            1   50.000,00",
        "   2020  lasten            2  119.000,00",
        "   2020  lasten            4   80.000,00",
        "   2020  lasten            5  242.000,00",
        "   2020  lasten            8  206.000,00",
        "   2020  lasten            9   70.000,00",
        "   2020  lasten           10  125.000,00",
    ]


def test_rows_too_wide_for_80_columns_print_as_a_block_per_row(
    tmp_path: Path, demo_db: str
) -> None:
    printed = out(
        "history", "--year", "2020", "--fund", "transformatiebudget", "--interventie", "2",
        "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    assert printed.splitlines() == HISTORY_AT_80


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            ["--db", "DB", "--format", "json", "report", "interventieplan-fase-4"], id="before"
        ),
        pytest.param(
            ["report", "interventieplan-fase-4", "--db", "DB", "--format", "json"], id="after"
        ),
        pytest.param(
            ["--format", "json", "report", "interventieplan-fase-4", "--db", "DB"], id="both"
        ),
    ],
)
def test_the_common_options_go_before_or_after_the_command(
    tmp_path: Path, demo_db: str, args: list[str]
) -> None:
    printed = out(*(demo_db if arg == "DB" else arg for arg in args), cwd=tmp_path)

    assert json.loads(printed)["basis"]["chain_head"] == INTERVENTIEPLAN_HEAD


def test_an_option_after_the_command_wins_over_the_same_before_it(
    tmp_path: Path, demo_db: str
) -> None:
    printed = out(
        "--format", "json", "--db", str(tmp_path / "nowhere.db"), "budget", "--year", "2020",
        "--by", "fund", "--db", demo_db, "--format", "text", cwd=tmp_path,
    )  # fmt: skip

    assert printed.splitlines()[1:] == [
        "fiscal_year  side    fund                 amount   ",
        "2020         lasten  transformatiebudget  892000.00",
    ]
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize("as_of", ["2019Q4", "2019q4", "31-12-2019", "2019-12-31"])
def test_as_of_takes_a_quarter_and_a_dutch_date_as_the_end_of_that_day(
    tmp_path: Path, demo_db: str, as_of: str
) -> None:
    found = json.loads(
        out("budget", "--year", "2020", "--by", "interventie", "--as-of", as_of,
            "--format", "json", "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip

    assert found["basis"] == {
        "as_of": "2019-12-31T23:59:59.999999+01:00",
        "report": None,
        "knowledge_cutoff": "2019-12-31T23:59:59.999999+01:00",
        "log_position": DEMO_LAST_POSITION,
    }
    # the carry-over of the nota slotwijzigingen 2019 (known 18 December) is in, so is 119
    assert [(row["interventie"], row["amount"]) for row in found["rows"]][:2] == [
        (1, "50000.00"),
        (2, "119000.00"),
    ]


def test_as_of_a_quarter_before_the_carry_over_leaves_it_out(tmp_path: Path, demo_db: str) -> None:
    found = json.loads(
        out("budget", "--year", "2020", "--by", "interventie", "--as-of", "2019Q3",
            "--format", "json", "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip

    assert found["basis"]["knowledge_cutoff"] == "2019-09-30T23:59:59.999999+02:00"
    assert [(row["interventie"], row["amount"]) for row in found["rows"]][:2] == [
        (1, "25000.00"),
        (2, "101000.00"),
    ]


def test_as_recorded_at_shows_the_log_as_it_stood_then(tmp_path: Path, demo_db: str) -> None:
    # The demo's history was recorded on 23 November 2026 (the tests' clock).
    before = json.loads(
        out("report", "interventieplan-fase-4", "--as-recorded-at", "22-11-2026",
            "--format", "json", "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip
    after = json.loads(
        out("report", "interventieplan-fase-4", "--as-recorded-at", "2026Q4",
            "--format", "json", "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip
    log = json.loads(
        out("log", "--as-recorded-at", "2026-11-22", "--format", "json", "--db", demo_db,
            cwd=tmp_path)
    )  # fmt: skip
    history = out(
        "history", "--year", "2020", "--fund", "transformatiebudget", "--interventie", "2",
        "--as-recorded-at", "2026-11-22", "--format", "text", "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    assert before["basis"] == {
        "as_of": "report:interventieplan-fase-4",
        "report": "interventieplan-fase-4",
        "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
        "log_position": 0,
        "as_recorded_at": "2026-11-22T23:59:59.999999+01:00",
        "chain_head": None,
    }
    assert {v for t in before["tables"] for r in t["totals"] for v in r["values"].values()} == {
        None
    }
    assert after["basis"]["log_position"] == INTERVENTIEPLAN_LAST_POSITION
    assert after["basis"]["as_recorded_at"] == "2026-12-31T23:59:59.999999+01:00"
    assert after["tables"][1]["totals"] == [
        {
            "label": "Totaal beroep op transformatiebudget",
            "values": {"2019": "1224", "2020": "636", "2021": "140", "totaal": "2000"},
        }
    ]
    assert log == []
    assert history.splitlines() == [
        "as of now: everything known, log position 0, as recorded by "
        "2026-11-22T23:59:59.999999+01:00",
        "no events behind this figure",
    ]


def test_no_progress_output_off_a_terminal(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    demo = begroting("demo", "--db", db, cwd=tmp_path)
    rebuilt = begroting("rebuild", "--db", db, cwd=tmp_path)

    assert (demo.stdout, demo.stderr) == (
        "Nijmegen demo history loaded: 239 commands recorded, 0 already present; "
        f"read model at log position {DEMO_LAST_POSITION}.\n",
        "",
    )
    assert (rebuilt.stdout, rebuilt.stderr) == (
        f"read model rebuilt from the log up to position {DEMO_LAST_POSITION}\n",
        "",
    )


def test_a_progress_bar_on_a_terminal_goes_to_stderr_and_is_cleared(
    tmp_path: Path, demo_db: str
) -> None:
    primary, secondary = os.openpty()
    with subprocess.Popen(
        [str(BEGROTING), "rebuild", "--db", demo_db],
        cwd=tmp_path,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=secondary,
    ) as process:
        os.close(secondary)
        drawn = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not chunk:
                break
            drawn += chunk
        stdout = process.stdout.read() if process.stdout else b""
    os.close(primary)

    assert process.returncode == 0
    assert (
        stdout == f"read model rebuilt from the log up to position {DEMO_LAST_POSITION}\n".encode()
    )
    assert b"rebuilding the read model from the log" in drawn
    assert drawn.endswith(b"\x1b[2K")  # cleared: the bar is gone when the work is done


def test_help_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    probe = (
        "import contextlib, io, sys\n"
        "from api.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "heavy = ('sqlalchemy', 'fastapi', 'starlette', 'uvicorn', 'pydantic', 'rich', 'babel',\n"
        "         'eventsourcing', 'alembic', 'openpyxl', 'psycopg', 'jinja2')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert result.stdout == "[]\n"


def test_diff_as_recorded_at_puts_both_bases_on_the_log_as_it_stood(
    tmp_path: Path, demo_db: str
) -> None:
    found = json.loads(
        out("diff", "interventieplan-fase-4", "--as-recorded-at", "2026-11-22",
            "--format", "json", "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip

    recorded = "2026-11-22T23:59:59.999999+01:00"
    assert (found["from"], found["to"], found["cells"]) == (
        {
            "as_of": "report:interventieplan-fase-4",
            "report": "interventieplan-fase-4",
            "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
            "log_position": 0,
            "as_recorded_at": recorded,
        },
        {
            "as_of": "now",
            "report": None,
            "knowledge_cutoff": None,
            "log_position": 0,
            "as_recorded_at": recorded,
        },
        [],
    )

"""The `begroting` command line, run as a real process against a SQLite file: what a user
types, what they read on stdout, and one line on stderr when something is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from api.demo import nijmegen
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.processes import BEGROTING, begroting

pytestmark = pytest.mark.e2e


def run(
    *args: str, cwd: Path, executable: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process (`python -m api.cli`, or with `executable`
    the console script), the way a user would."""
    return begroting(*args, cwd=cwd, module=not executable, timeout=timeout)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(result))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


def test_the_demo_loads_once_and_says_already_loaded_the_second_time(
    tmp_path: Path, db: str
) -> None:
    assert BEGROTING.is_file(), f"console script missing next to {sys.executable}"

    first = ok(run("demo", "--db", db, cwd=tmp_path, executable=True))
    second = ok(run("demo", "--db", db, cwd=tmp_path))

    assert first == (
        "Nijmegen demo history loaded: 239 commands recorded, 0 already present; "
        f"read model at log position {DEMO_LAST_POSITION}.\n"
    )
    assert second == (
        "Nijmegen demo history already loaded: 0 commands recorded, 239 already present; "
        f"read model at log position {DEMO_LAST_POSITION}.\n"
    )
    assert not (tmp_path / "begroting.sqlite3").exists()


def test_a_report_prints_as_json_with_its_basis_and_tables(tmp_path: Path, demo_db: str) -> None:
    report = as_json(
        run("report", "interventieplan-fase-4", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )

    assert set(report) == {"report", "title", "basis", "tables"}
    assert report["report"] == "interventieplan-fase-4"
    assert report["title"] == "Interventieplan fase 4 – Opgave Sociale Stad"
    assert report["basis"] == {
        "as_of": "report:interventieplan-fase-4",
        "report": "interventieplan-fase-4",
        "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
        "log_position": INTERVENTIEPLAN_LAST_POSITION,
        "chain_head": INTERVENTIEPLAN_HEAD,
    }
    assert [table["id"] for table in report["tables"]] == [
        "tabel-6.1",
        "tabel-7.2",
        "tabel-4.1",
        *(f"tabel-5.{n}" for n in range(1, 12)),
    ]
    for table in report["tables"]:
        assert set(table) == {"id", "title", "unit", "columns", "rows", "totals"}
        for row in table["rows"]:
            # A row carries its key and unit only when its spec sets them (tables 5.x).
            assert set(row) in (
                {"interventie", "label", "values"},
                {"interventie", "label", "values", "key", "unit"},
            )
            assert list(row["values"]) == table["columns"]
    published = report["tables"][:2]  # the tables published before the fuller demo
    totals = {t["label"]: t["values"] for table in published for t in table["totals"]}
    assert totals == {
        "Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)": {
            "2019": "6070",
            "2020": "10042",
            "2021": "13142",
            "2022": "15392",
        },
        "Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)": {
            "2019": "6070",
            "2020": "10042",
            "2021": "26781",
            "2022": "29031",
        },
        "Totaal beroep op transformatiebudget": {
            "2019": "1224",
            "2020": "636",
            "2021": "140",
            "totaal": "2000",
        },
    }


def test_a_report_as_of_now_shows_what_is_known_today(tmp_path: Path, demo_db: str) -> None:
    report = as_json(
        run(
            "report",
            "voortgangsrapportage-2019-q4",
            "--as-of",
            "now",
            "--format",
            "json",
            "--db",
            demo_db,
            cwd=tmp_path,
        )
    )

    assert report["basis"] == {
        "as_of": "now",
        "report": None,
        "knowledge_cutoff": None,
        "log_position": DEMO_LAST_POSITION,
        "chain_head": DEMO_HEAD,
    }
    figuur, beeld = report["tables"]
    assert beeld["id"] == "financieel-beeld"
    assert figuur["id"] == "figuur-1"
    assert figuur["totals"] == [
        {
            "label": "Totaal",
            "values": {
                "uitgaven-2019": "967",
                "beschikbaar-2020": "892",
                "beschikbaar-2021": "140",
            },
        }
    ]


def test_a_report_prints_as_plain_text_with_format_text(tmp_path: Path, demo_db: str) -> None:
    lines = ok(
        run("report", "interventieplan-fase-4", "--format", "text", "--db", demo_db, cwd=tmp_path)
    ).splitlines()

    assert lines[0] == "Interventieplan fase 4 – Opgave Sociale Stad (interventieplan-fase-4)"
    assert lines[1] == (
        "basis: report:interventieplan-fase-4 "
        f"(knowledge cutoff 2019-05-08T10:00:00+00:00, log position "
        f"{INTERVENTIEPLAN_LAST_POSITION}, "
        f"chain head {INTERVENTIEPLAN_HEAD})"
    )
    # Tabel 7.2 now has its `totaal` column; tabel 5.11 is printed last.
    assert (
        "Totaal beroep op transformatiebudget                                     1224"
        "         636         140        2000"
    ) in lines
    assert lines[-1] == (
        "11  Taakstellende besparing Zorg en Welzijn                                       "
        "     1000        1500        2000"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["report", "begroting-2030"],
            "begroting: unknown report 'begroting-2030'",
            id="unknown-report",
        ),
        pytest.param(
            ["report", "interventieplan-fase-4", "--as-of", "2019-13-45"],
            "begroting: malformed moment '2019-13-45': use a date (2019-12-31 or 31-12-2019), "
            "a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)",
            id="malformed-moment",
        ),
        pytest.param(
            ["report", "interventieplan-fase-4", "--as-recorded-at", "2019Q5"],
            "begroting: --as-recorded-at: malformed moment '2019Q5': use a date (2019-12-31 or "
            "31-12-2019), a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)",
            id="malformed-recorded-at",
        ),
    ],
)
def test_a_wrong_question_prints_one_line_to_stderr_and_exits_non_zero(
    tmp_path: Path, demo_db: str, args: list[str], message: str
) -> None:
    result = run(*args, "--db", demo_db, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(
            ["history", "--year", "2020", "--interventie", str(2**63)],
            f"argument --interventie: {2**63} is not from 1 to 9999",
            id="interventie",
        ),
        pytest.param(
            ["log", "--after", str(2**63)],
            f"argument --after: {2**63} is not from 0 to {2**63 - 1}",
            id="after",
        ),
        pytest.param(["budget", "--year", "1800"], "argument --year: 1800 is not from", id="year"),
        pytest.param(
            ["log", "--limit", "x"], "argument --limit: not a whole number: 'x'", id="nan"
        ),
    ],
)
def test_a_number_the_read_model_cannot_hold_is_a_usage_error(
    tmp_path: Path, demo_db: str, args: list[str], error: str
) -> None:
    result = run(*args, "--db", demo_db, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"begroting {args[0]}: error: {error}"), result.stderr


@pytest.mark.parametrize(
    ("url", "start"),
    [
        pytest.param(
            "postgresql://postgres@127.0.0.1:1/test",
            "begroting: cannot open postgresql+psycopg://postgres@127.0.0.1:1/test: ",
            id="unreachable-database",
        ),
        pytest.param(
            "mysql://x/y",
            "begroting: unsupported database 'mysql': use sqlite:/// or postgresql://",
            id="unsupported-url",
        ),
        pytest.param(
            "sqlite:///:memory:",
            "begroting: a SQLite URL names a file: sqlite:///path/to/file",
            id="sqlite-in-memory",
        ),
    ],
)
def test_a_database_that_cannot_be_used_prints_one_line_to_stderr_and_exits_non_zero(
    tmp_path: Path, url: str, start: str
) -> None:
    result = run("report", "interventieplan-fase-4", "--db", url, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(start)
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_history_explains_a_figure_by_the_two_events_behind_it(
    tmp_path: Path, demo_db: str
) -> None:
    lines = ok(
        run(
            "history",
            "--year",
            "2020",
            "--fund",
            "transformatiebudget",
            "--interventie",
            "2",
            "--format",
            "text",
            "--db",
            demo_db,
            cwd=tmp_path,
        )
    ).splitlines()

    assert lines[0] == f"as of now: everything known, log position {DEMO_LAST_POSITION}"
    assert lines[1].split() == [
        "position",
        "event",
        "delta",
        "running_total",
        "decision",
        "mandate",
        "authorised",
        "actor",
        "known_at",
        "recorded_at",
        "import_id",
        "backdated",
        "source",
    ]
    # a raad decision relies on no mandate: its column is blank, and the chain holds
    assert lines[4:] == [
        "2 from a backfill (nijmegen-demo-v2): recorded later with their sources' dates, "
        "not backdating"
    ]
    assert [line.split() for line in lines[2:4]] == [
        [
            "98",
            "Amended",
            "101000.00",
            "101000.00",
            "raad-2019-05-08-interventieplan-fase-4",
            "True",
            "import:nijmegen-demo",
            "2019-05-08T10:00:00+00:00",
            "2026-11-23T09:00:00+00:00",
            "nijmegen-demo-v2",
            *[
                "Interventieplan",
                "fase",
                "4",
                "–",
                "Opgave",
                "Sociale",
                "Stad",
                "(Nijmegen,",
                "2019),",
                "§6.2",
            ],
            *["en", "tabel", "7.2"],
        ],
        [
            "145",
            "CarriedIn",
            "18000.00",
            "119000.00",
            "raad-2019-12-nota-slotwijzigingen-2019",
            "True",
            "import:nijmegen-demo",
            "2019-12-18T11:00:00+00:00",
            "2026-11-23T09:00:00+00:00",
            "nijmegen-demo-v2",
            *["Voortgangsrapportage", "Interventieplan,", "vierde", "rapportage", "2019", "(Q4),"],
            *["uitputting", "transformatiebudget", "(Figuur", "1)"],
        ],
    ]


def test_taakstellingen_weigh_each_target_against_its_2017_base(
    tmp_path: Path, demo_db: str
) -> None:
    listed = as_json(run("taakstellingen", "--format", "json", "--db", demo_db, cwd=tmp_path))
    rows = {row["reference"]: row for row in listed["rows"]}

    assert len(rows) == 23
    kwartaal = rows["ivp2-kwartaalgesprekken-wijkteams-wmo"]
    assert (kwartaal["base"], kwartaal["realisatie-2017"]) == ("61296", "16664000.00")
    assert [kwartaal[f"relatief-{year}"] for year in range(2018, 2023)] == [
        "16.8%",
        "18.6%",
        "18.6%",
        "16.8%",
        "16.8%",
    ]
    assert rows["ca-hervormen-keten"]["relatief-2022"] == "4.3%"
    assert rows["ca-meerwerk-werkbedrijf"]["relatief-2021"] == "10.0%"
    assert rows["ca-taakstellende-besparing-zorg-welzijn"]["base"] is None
    # tabel 4.1's two 2018-only measures: no table weighs them (A15)
    assert rows["ivp2-4.2-indexatie-tarieven-beschermd-wonen"]["base"] is None
    assert rows["ivp2-4.3-wooncomponent-pgb"]["base"] is None


def test_budget_rolls_up_a_fiscal_year_by_interventie(tmp_path: Path, demo_db: str) -> None:
    listed = as_json(
        run(
            "budget",
            "--by",
            "interventie",
            "--year",
            "2020",
            "--format",
            "json",
            "--db",
            demo_db,
            cwd=tmp_path,
        )
    )

    assert [(row["interventie"], row["amount"]) for row in listed["rows"]] == [
        (1, "50000.00"),
        (2, "119000.00"),
        (4, "80000.00"),
        (5, "242000.00"),
        (8, "206000.00"),
        (9, "70000.00"),
        (10, "125000.00"),
    ]
    assert {(row["fiscal_year"], row["side"]) for row in listed["rows"]} == {(2020, "lasten")}


def test_realisations_of_2017_list_every_deelproduct_of_the_stadsrekening(
    tmp_path: Path, demo_db: str
) -> None:
    listed = as_json(
        run("realisations", "--year", "2017", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )
    rows = {row["deelproduct"]: row for row in listed["rows"]}

    assert set(rows) == {code for code, *_ in nijmegen.DEELPRODUCTEN}
    assert (rows["61296"]["amount"], rows["61296"]["name"]) == (
        "16664000.00",
        "Ambulante trajecten volwassenen",
    )
    assert {(row["status"], row["version"]) for row in rows.values()} == {("definitief", 1)}


def test_realisations_as_text_carry_a_month_column_after_the_quarter(
    tmp_path: Path, demo_db: str
) -> None:
    text = ok(
        run("realisations", "--year", "2019", "--format", "text", "--db", demo_db, cwd=tmp_path)
    )

    assert text.splitlines()[1].split() == [
        "fiscal_year", "quarter", "month", "deelproduct", "name", "fund", "interventie",
        "amount", "status", "version", "origin_year",
    ]  # fmt: skip


def test_reserves_show_the_earmark_used_and_the_carry_over_passing_through(
    tmp_path: Path, demo_db: str
) -> None:
    listed = as_json(run("reserves", "--format", "json", "--db", demo_db, cwd=tmp_path))

    assert [
        (row["code"], row["earmark"], row["fiscal_year"], row["mutation"]) for row in listed["rows"]
    ] == [
        # known, without a movement: [S2] only proposes a deposit (A20)
        ("BR-BESCHERMD-WONEN", None, None, "0.00"),
        # the oormerk moves no money into F022: the earmark's year shows only what it paid
        ("F022", "transformatiebudget", 2019, "-1224000.00"),
        ("F022", "transformatiebudget", 2020, "-636000.00"),
        ("F022", "transformatiebudget", 2021, "-140000.00"),
        ("F058", "", 2017, "-3000000.00"),  # the slotwijziging 2017 (A21)
        ("F058", "", 2018, "-1000000.00"),  # IVP-2 (A21)
        ("F058", "", 2019, "256000.00"),
        ("F058", "", 2020, "-256000.00"),
    ]


def test_slotwijzigingen_of_2019_are_the_five_carry_overs(tmp_path: Path, demo_db: str) -> None:
    listed = as_json(
        run("slotwijzigingen", "--year", "2019", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )

    assert [(row["interventie"], row["kind"], row["delta"]) for row in listed["rows"]] == [
        (1, "CarriedOver", "-25000.00"),
        (2, "CarriedOver", "-18000.00"),
        (4, "CarriedOver", "-80000.00"),
        (5, "CarriedOver", "-67000.00"),
        (8, "CarriedOver", "-66000.00"),
    ]
    assert {row["decision"] for row in listed["rows"]} == {"raad-2019-12-nota-slotwijzigingen-2019"}


def test_the_log_lists_the_first_events_in_order(tmp_path: Path, demo_db: str) -> None:
    rows = as_json(run("log", "--limit", "5", "--format", "json", "--db", demo_db, cwd=tmp_path))

    assert [(row["position"], row["event_type"]) for row in rows] == [
        (1, "Decision.Proposed"),
        (2, "Decision.Adopted"),
        (3, "Decision.Proposed"),
        (4, "Decision.Adopted"),
        (5, "Decision.Proposed"),
    ]


def test_the_log_prints_as_text_columns(tmp_path: Path, demo_db: str) -> None:
    lines = ok(
        run("log", "--limit", "5", "--format", "text", "--db", demo_db, cwd=tmp_path)
    ).splitlines()

    assert len(lines) == 6
    assert lines[0].split()[:3] == ["position", "event_type", "period"]
    assert [line.split()[0] for line in lines[1:]] == ["1", "2", "3", "4", "5"]


def test_rebuild_replays_the_whole_log(tmp_path: Path, demo_db: str) -> None:
    before = as_json(
        run("budget", "--year", "2020", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )

    rebuilt = ok(run("rebuild", "--db", demo_db, cwd=tmp_path))

    assert rebuilt == f"read model rebuilt from the log up to position {DEMO_LAST_POSITION}\n"
    after = as_json(
        run("budget", "--year", "2020", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )
    assert after == before
    assert len(after["rows"]) == 7


def test_the_demo_creates_the_directory_of_a_new_sqlite_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/new/dir/x.db"

    out = ok(run("demo", "--db", db, cwd=tmp_path))

    assert out.startswith("Nijmegen demo history loaded: 239 commands recorded")


# -- the audit analyses (ADR 0008) -----------------------------------------------------


def test_diff_explains_each_changed_figure_of_a_report_by_its_causes(
    tmp_path: Path, demo_db: str
) -> None:
    args = ["diff", "interventieplan-fase-4", "--to", "voortgangsrapportage-2019-q4"]
    lines = ok(run(*args, "--db", demo_db, cwd=tmp_path)).splitlines()
    found = as_json(run(*args, "--format", "json", "--db", demo_db, cwd=tmp_path))

    assert lines[:3] == [
        "Interventieplan fase 4 – Opgave Sociale Stad (interventieplan-fase-4)",
        "from report:interventieplan-fase-4 "
        f"(knowledge cutoff 2019-05-08T10:00:00+00:00, log position "
        f"{INTERVENTIEPLAN_LAST_POSITION})",
        "to   report:voortgangsrapportage-2019-q4 "
        f"(knowledge cutoff 2020-06-03T10:00:00+00:00, log position {DEMO_LAST_POSITION})",
    ]
    at = lines.index(
        "tabel-7.2 | 2. Wijkaanpak sociaal domein | 2019: 309000.00 -> 291000.00 (-18000.00); "
        "x 1.000: 309 -> 291"
    )
    assert lines[at + 1].split() == [
        "-18000.00",
        "carry-over",
        "by",
        "raad-2019-12-nota-slotwijzigingen-2019",
        "(new);",
        "positions",
        "142",
    ]
    # tabel 7.2's ten carry-over cells and two totals, and the same carry-overs in the
    # "Totaal" rows of tables 5.2, 5.4, 5.5 and 5.8
    assert len(found["cells"]) == 20
    assert all(
        sum(int(c["delta"].replace(".", "")) for c in cell["causes"])
        == int(cell["difference"].replace(".", ""))
        for cell in found["cells"]
    )


def test_authority_lists_every_mutation_and_counts_those_without(
    tmp_path: Path, demo_db: str
) -> None:
    lines = ok(
        run("authority", "--year", "2021", "--format", "text", "--db", demo_db, cwd=tmp_path)
    ).splitlines()

    assert lines[0] == f"as of now: everything known, log position {DEMO_LAST_POSITION}"
    assert [line.split() for line in lines[2:4]] == [
        [
            position,
            "2021",
            interventie,
            "transformatiebudget",
            "Amended",
            delta,
            "raad-2019-05-08-interventieplan-fase-4",
            "raad",
            "adopted",
            "yes",
            "nijmegen-demo-v2",  # not backdated (the column is blank): a backfill
        ]
        for position, interventie, delta in (("108", "9", "40000.00"), ("110", "10", "100000.00"))
    ]
    assert lines[4:] == [
        "2 mutations, 0 without valid authority",
        "2 from a backfill (nijmegen-demo-v2): recorded later with their sources' dates, "
        "not backdating",
    ]


def test_onrechtmatigheid_says_no_begroting_recorded_where_the_demo_holds_none(
    tmp_path: Path, demo_db: str
) -> None:
    lines = ok(
        run("onrechtmatigheid", "--format", "text", "--db", demo_db, cwd=tmp_path)
    ).splitlines()
    found = as_json(
        run("onrechtmatigheid", "--year", "2019", "--format", "json", "--db", demo_db, cwd=tmp_path)
    )

    assert lines[-6:] == [
        "2017 Opgave Sociale Stad: € 267.638.000,00 lasten without a recorded begroting (a data "
        "gap, not counted)",
        "2018 Opgave Sociale Stad: € 267.816.000,00 lasten without a recorded begroting (a data "
        "gap, not counted)",
        "2019 Welzijn, Wijkontwikkeling en Zorg: € 967.000,00 lasten without a recorded "
        "begroting (a data gap, not counted)",
        "2017: € 0,00 counts toward the opinion; no verantwoordingsgrens recorded",
        "2018: € 0,00 counts toward the opinion; no verantwoordingsgrens recorded",
        "2019: € 0,00 counts toward the opinion; no verantwoordingsgrens recorded",
    ]
    assert "no begroting recorded (data gap)" in "\n".join(lines)
    assert found["rows"][0]["finding"] == "geen-begroting-vastgelegd"
    assert found["rows"][0]["lasten_without_begroting"] == "967000.00"
    assert found["rows"][0]["realised_voorlopig"] == "967000.00"
    assert found["years"] == [
        {
            "fiscal_year": 2019,
            "total_lasten": "967000.00",
            "counts_toward_opinion": "0.00",
            "lasten_without_begroting": "967000.00",
            "verantwoordingsgrens": None,
            "exceeded": None,
            "fund_rules": [],
        }
    ]


def test_history_of_a_report_cell_adds_its_events_up_to_the_cell(
    tmp_path: Path, demo_db: str
) -> None:
    found = as_json(
        run(
            "history",
            "--report",
            "voortgangsrapportage-2019-q4",
            "--table",
            "figuur-1",
            "--row",
            "Totaal",
            "--column",
            "uitgaven-2019",
            "--format",
            "json",
            "--db",
            demo_db,
            cwd=tmp_path,
        )
    )

    assert (found["amount"], found["published"]) == ("967000.00", "967")
    assert [row["position"] for row in found["rows"]] == [159, 160, 161, 162, 163, 164]
    assert found["rows"][-1]["running_total"] == "967000.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["diff", "interventieplan-fase-4", "--from", "2019-13-45"],
            "begroting: --from: malformed moment '2019-13-45': use a date (2019-12-31 or "
            "31-12-2019), a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)",
            id="diff-malformed-from",
        ),
        pytest.param(
            ["diff", "begroting-2030"],
            "begroting: unknown report 'begroting-2030'",
            id="diff-unknown-report",
        ),
        pytest.param(
            ["history", "--report", "interventieplan-fase-4", "--table", "tabel-7.2"],
            "begroting: --report needs --row, --column",
            id="history-cell-incomplete",
        ),
        pytest.param(
            ["history", "--fund", "transformatiebudget"],
            "begroting: --year is required (or --report with --table, --row and --column)",
            id="history-without-year",
        ),
    ],
)
def test_a_wrong_audit_question_prints_one_line_to_stderr_and_exits_non_zero(
    tmp_path: Path, demo_db: str, args: list[str], message: str
) -> None:
    result = run(*args, "--db", demo_db, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


# -- exports (ADR 0009) ----------------------------------------------------------------


def test_export_csv_report_writes_one_table_as_of_its_basis(tmp_path: Path, demo_db: str) -> None:
    output = tmp_path / "tabel-7.2.csv"

    printed = ok(
        run(
            "export", "csv", "report", "interventieplan-fase-4", "--table", "tabel-7.2",
            "--as-of", "voortgangsrapportage-2019-q4", "-o", str(output), "--db", demo_db,
            cwd=tmp_path,
        )
    )  # fmt: skip

    assert printed == f"11 rows written to {output} (csv)\n"
    content = output.read_bytes()
    assert content.startswith("\ufeffreport;report_title;".encode())  # for a Dutch Excel
    assert content.decode("utf-8").split("\r\n")[2] == (
        "interventieplan-fase-4;Interventieplan fase 4 – Opgave Sociale Stad;"
        f"{INTERVENTIEPLAN_LAST_POSITION};"
        "raad-2019-05-08-interventieplan-fase-4;tabel-7.2;Beroep op het transformatiebudget;"
        "EUR_1000;row;2;2. Wijkaanpak sociaal domein;291;119;;410;"  # totaal: 291 + 119
        "report:voortgangsrapportage-2019-q4;voortgangsrapportage-2019-q4;"
        f"2020-06-03T10:00:00+00:00;{DEMO_LAST_POSITION};{DEMO_HEAD}"
    )


def test_export_csv_lineage_writes_decimal_commas_or_with_dialect_rfc4180_points(
    tmp_path: Path, demo_db: str
) -> None:
    dutch, plain = tmp_path / "119.csv", tmp_path / "119-rfc4180.csv"
    figure = ("--year", "2020", "--fund", "transformatiebudget", "--interventie", "2")

    printed = ok(
        run("export", "csv", "lineage", *figure, "-o", str(dutch), "--db", demo_db, cwd=tmp_path)
    )
    printed += ok(
        run(
            "export", "csv", "lineage", *figure, "--dialect", "rfc4180", "-o", str(plain),
            "--db", demo_db, cwd=tmp_path,
        )
    )  # fmt: skip

    assert printed == f"2 rows written to {dutch} (csv)\n2 rows written to {plain} (csv)\n"
    tail = "import:nijmegen-demo;2020;2019-12-18T11:00:00+00:00;2026-11-23T09:00:00+00:00"
    # The source document of the carry-in (the lineage reads it from the audit log).
    carry = (
        "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4), uitputting "
        "transformatiebudget (Figuur 1)"
    )
    assert (
        dutch.read_bytes().split(b"\r\n")[2]
        == (
            "budget 2020 fund=transformatiebudget interventie=2;145;CarriedIn;"
            "Welzijn, Wijkontwikkeling en Zorg / 6.71;18000,00;119000,00;"
            f"raad-2019-12-nota-slotwijzigingen-2019;{tail};nijmegen-demo-v2;now;;;"
            f"{DEMO_LAST_POSITION};"
            f"{DEMO_HEAD};;true;;{carry};;P7D;nijmegen-demo-v2"
        ).encode()
    )
    assert (
        plain.read_bytes().split(b"\r\n")[2]
        == (
            "budget 2020 fund=transformatiebudget interventie=2,145,CarriedIn,"
            '"Welzijn, Wijkontwikkeling en Zorg / 6.71",18000.00,119000.00,'
            f"raad-2019-12-nota-slotwijzigingen-2019,{tail.replace(';', ',')},nijmegen-demo-v2,"
            f'now,,,{DEMO_LAST_POSITION},{DEMO_HEAD},,true,,"{carry}",,P7D,nijmegen-demo-v2'
        ).encode()
    )
    assert plain.read_bytes().startswith(b"figure,position,")


def test_export_csv_refuses_an_unknown_dialect_and_xlsx_takes_none(
    tmp_path: Path, demo_db: str
) -> None:
    output = tmp_path / "log.csv"

    unknown = run(
        "export", "csv", "log", "--dialect", "excel", "-o", str(output), "--db", demo_db,
        cwd=tmp_path,
    )  # fmt: skip
    for_xlsx = run(
        "export", "xlsx", "log", "--dialect", "rfc4180", "-o", str(output), "--db", demo_db,
        cwd=tmp_path,
    )  # fmt: skip

    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr.splitlines()[-1] == (
        "begroting export csv log: error: argument --dialect: invalid choice: 'excel' "
        "(choose from 'excel-nl', 'rfc4180')"
    )
    assert (for_xlsx.returncode, for_xlsx.stdout) == (2, "")
    assert for_xlsx.stderr.splitlines()[-1] == (
        "begroting: error: unrecognized arguments: --dialect rfc4180"
    )
    assert not output.exists()


def test_export_xlsx_lineage_and_log_write_files_openpyxl_reads(
    tmp_path: Path, demo_db: str
) -> None:
    lineage_file, log_file = tmp_path / "lineage.xlsx", tmp_path / "log.xlsx"

    printed = ok(
        run(
            "export", "xlsx", "lineage", "--year", "2020", "--fund", "transformatiebudget",
            "--interventie", "2", "-o", str(lineage_file), "--db", demo_db, cwd=tmp_path,
        )
    )  # fmt: skip
    printed += ok(run("export", "xlsx", "log", "-o", str(log_file), "--db", demo_db, cwd=tmp_path))

    assert printed == (
        f"2 rows written to {lineage_file} (xlsx)\n"
        f"{DEMO_LAST_POSITION} rows written to {log_file} (xlsx)\n"
    )
    lineage = openpyxl.load_workbook(lineage_file)
    lineage_rows = list(lineage.worksheets[0].values)
    assert [row[4:8] for row in lineage_rows[1:]] == [
        (101000, "101000.00", 101000, "101000.00"),
        (18000, "18000.00", 119000, "119000.00"),
    ]
    assert lineage.sheetnames == ["Budget lineage 2020", "Basis and chain head"]
    assert lineage.worksheets[0]["E3"].number_format == '"€ "#,##0.00;"€ "-#,##0.00'
    log = openpyxl.load_workbook(log_file)
    assert log.sheetnames == ["Audit log", "Basis and chain head"]
    assert (log.worksheets[0].freeze_panes, log.worksheets[0].auto_filter.ref) == (
        "A2",
        f"A1:O{DEMO_LAST_POSITION + 1}",  # with payload_2: a report's payload is long
    )
    assert list(log.worksheets[1].values) == [
        ("key", "value"),
        ("export", "audit log"),
        ("log_position", DEMO_LAST_POSITION),
        ("chain_head", DEMO_HEAD),
    ]
    assert len(list(log.worksheets[0].values)) == DEMO_LAST_POSITION + 1


def test_export_of_an_unknown_table_prints_one_line_and_writes_nothing(
    tmp_path: Path, demo_db: str
) -> None:
    output = tmp_path / "x.csv"

    result = run(
        "export", "csv", "report", "interventieplan-fase-4", "--table", "tabel-9",
        "-o", str(output), "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "begroting: report 'interventieplan-fase-4' has no table 'tabel-9'; "
        "it has: tabel-6.1, tabel-7.2, tabel-4.1, tabel-5.1, tabel-5.2, tabel-5.3, tabel-5.4, "
        "tabel-5.5, tabel-5.6, tabel-5.7, tabel-5.8, tabel-5.9, tabel-5.10, tabel-5.11\n"
    )
    assert not output.exists()

"""Decisions on the command line, run as real processes: `decision propose`, `adopt`,
`reject`, `withdraw`, `record` (proposed and adopted at once, as an onboarding records a
decision already taken) and `list`; on SQLite and on PostgreSQL, in a municipality's ledger
too; and every refusal one line on stderr naming the option, with nothing recorded."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.cli.parser import DECISION_KINDS
from domain.decision import Decision
from domain.events import DecisionKind
from support.ledgers import BACKENDS
from support.processes import begroting, fresh_database

pytestmark = pytest.mark.e2e

BEGROTING_2026 = (
    "raad-2025-11-06-begroting-2026", "--body", "raad", "--kind", "begroting",
    "--title", "Programmabegroting 2026-2029", "--years", "2026", "2029",
)  # fmt: skip


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting(*args, cwd=cwd, module=True, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def listed(db: str, cwd: Path, *flags: str) -> list[dict[str, Any]]:
    found = json.loads(ok(run("decision", "list", "--format", "json", *flags, "--db", db, cwd=cwd)))
    rows: list[dict[str, Any]] = found["rows"]
    return rows


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_decisions_proposed_decided_and_recorded_read_back_as_listed(
    tmp_path: Path, db: str
) -> None:
    recorded = ok(
        run("decision", "record", *BEGROTING_2026, "--adopted-at", "2025-11-06", "--db", db,
            cwd=tmp_path)
    )  # fmt: skip
    proposed = json.loads(
        ok(
            run(
                "decision", "propose", "raad-2026-03-12-bw-1", "--body", "raad",
                "--kind", "begrotingswijziging", "--number", "2026-1",
                "--title", "Begrotingswijziging 2026-1", "--years", "2026",
                "--known-at", "2026-02-20", "--format", "json", "--db", db, cwd=tmp_path,
            )
        )
    )  # fmt: skip
    adopted = ok(
        run("decision", "adopt", "raad-2026-03-12-bw-1", "--known-at", "2026-03-12T21:30",
            "--db", db, cwd=tmp_path)
    )  # fmt: skip
    ok(
        run("decision", "propose", "college-2026-04-nota", "--body", "college", "--kind",
            "beleidsnota", "--title", "Nota", "--years", "2026", "--source", "B&W 2026-14",
            "--db", db, cwd=tmp_path)
    )  # fmt: skip
    withdrawn = ok(
        run("decision", "withdraw", "college-2026-04-nota", "--known-at", "2026-04-02",
            "--db", db, cwd=tmp_path)
    )  # fmt: skip
    text = ok(run("decision", "list", "--format", "text", "--db", db, cwd=tmp_path))
    table = ok(run("decision", "list", "--db", db, cwd=tmp_path))

    assert (
        recorded
        == "decision raad-2025-11-06-begroting-2026 recorded as adopted at log position 2\n"
    )
    assert proposed == {
        "ids": {"decision": str(Decision.id_for("raad-2026-03-12-bw-1"))},
        "versions": {"decision": 1},
        "position": 3,
    }
    assert adopted == "decision raad-2026-03-12-bw-1 adopted at log position 4\n"
    assert withdrawn == "decision college-2026-04-nota withdrawn at log position 6\n"
    assert listed(db, tmp_path) == [
        {
            "reference": "raad-2025-11-06-begroting-2026",
            "title": "Programmabegroting 2026-2029",
            "body": "raad",
            "kind": "begroting",
            "status": "adopted",
            "status_known_at": "2025-11-06T22:59:59.999999+00:00",
            "mandate": None,
            "mandate_scope": None,
            "proposed_at_position": 1,
            "number": None,
        },
        {
            "reference": "raad-2026-03-12-bw-1",
            "title": "Begrotingswijziging 2026-1",
            "body": "raad",
            "kind": "begrotingswijziging",
            "status": "adopted",
            "status_known_at": "2026-03-12T20:30:00+00:00",
            "mandate": None,
            "mandate_scope": None,
            "proposed_at_position": 3,
            "number": "2026-1",
        },
        {
            "reference": "college-2026-04-nota",
            "title": "Nota",
            "body": "college",
            "kind": "beleidsnota",
            "status": "withdrawn",
            "status_known_at": "2026-04-02T21:59:59.999999+00:00",
            "mandate": None,
            "mandate_scope": None,
            "proposed_at_position": 5,
            "number": None,
        },
    ]
    # As of before the wijziging was adopted, it was proposed; the begroting adopted.
    assert [
        (row["reference"], row["status"]) for row in listed(db, tmp_path, "--as-of", "2026-03-01")
    ] == [
        ("raad-2025-11-06-begroting-2026", "adopted"),
        ("raad-2026-03-12-bw-1", "proposed"),
    ]
    assert [line.rstrip() for line in text.splitlines()] == [
        "as of now: everything known, log position 6",
        "reference                       body     kind                 status     number  title",
        "raad-2025-11-06-begroting-2026  raad     begroting            adopted            "
        "Programmabegroting 2026-2029",
        "raad-2026-03-12-bw-1            raad     begrotingswijziging  adopted    2026-1  "
        "Begrotingswijziging 2026-1",
        "college-2026-04-nota            college  beleidsnota          withdrawn          Nota",
    ]
    assert max(len(line) for line in table.splitlines()) <= 80


def test_a_decision_in_a_municipalitys_ledger_stays_in_it(tmp_path: Path, db: str) -> None:
    ok(run("ledger", "create", "GM9001", "--name", "Nergenshuizen", "--db", db, cwd=tmp_path))

    recorded = ok(
        run("decision", "record", *BEGROTING_2026, "--adopted-at", "2025-11-06",
            "--ledger", "gm9001", "--format", "json", "--db", db, cwd=tmp_path)
    )  # fmt: skip

    assert json.loads(recorded) == {
        "ids": {"decision": str(Decision.id_for("raad-2025-11-06-begroting-2026"))},
        "versions": {"decision": 2},
        "position": 2,
    }
    assert [row["reference"] for row in listed(db, tmp_path, "--ledger", "GM9001")] == [
        "raad-2025-11-06-begroting-2026"
    ]
    assert listed(db, tmp_path) == []


# fmt: off
REFUSALS = [
    pytest.param(
        ["decision", "adopt", "raad-onbekend"],
        "begroting: decision 'raad-onbekend' does not exist",
        id="adopt-unknown",
    ),
    pytest.param(
        ["decision", "adopt", "raad-2025-11-06-begroting-2026"],
        "begroting: cannot adopt decision 'raad-2025-11-06-begroting-2026': it is adopted",
        id="adopt-twice",
    ),
    pytest.param(
        ["decision", "reject", "raad-2025-11-06-begroting-2026"],
        "begroting: cannot reject decision 'raad-2025-11-06-begroting-2026': it is adopted",
        id="reject-adopted",
    ),
    pytest.param(
        ["decision", "propose", *BEGROTING_2026],
        "begroting: decision 'raad-2025-11-06-begroting-2026' already exists",
        id="propose-twice",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2027",
            "2026",
        ],
        "begroting: --years: a period cannot end before it starts",
        id="years-reversed",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
            "2027",
            "2028",
        ],
        "begroting: --years: give the first year and, for a run of years, the last",
        id="three-years",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "college",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
            "--number",
            "2026-1",
        ],
        "begroting: --number: only a begrotingswijziging of the raad carries a number "
        "(a college begroting does not)",
        id="number-of-college",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "raad",
            "--kind",
            "mandate",
            "--title",
            "t",
            "--years",
            "2026",
        ],
        "begroting: --kind: a mandate needs a scope, which the command line does not take: "
        "propose it with POST /api/v1/decisions",
        id="mandate",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "college",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
            "--mandate",
            "raad-2025-11-06-begroting-2026",
        ],
        "begroting: --mandate: decision 'raad-2025-11-06-begroting-2026' is not a mandate",
        id="mandate-not-a-mandate",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
            "--known-at",
            "2099-01-01",
        ],
        "begroting: --known-at: known_at cannot lie after recorded_at (the future)",
        id="known-in-the-future",
    ),
    pytest.param(
        [
            "decision",
            "record",
            "r",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
            "--adopted-at",
            "6 november",
        ],
        "begroting: --adopted-at: malformed moment '6 november': use a date (2019-12-31 or "
        "31-12-2019), a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)",
        id="adopted-at-malformed",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "raad 1",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            "t",
            "--years",
            "2026",
        ],
        "begroting: REF: a reference is letters, digits and . _ : - (at most 200, the first "
        "a letter or digit), not 'raad 1'",
        id="reference",
    ),
    pytest.param(
        [
            "decision",
            "propose",
            "r",
            "--body",
            "raad",
            "--kind",
            "begroting",
            "--title",
            " ",
            "--years",
            "2026",
        ],
        "begroting: --title: a decision needs a title",
        id="blank-title",
    ),
]
# fmt: on


@pytest.fixture(scope="module")
def recorded_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite ledger holding one adopted begroting, shared by the refusals."""
    directory = tmp_path_factory.mktemp("decisions")
    url = f"sqlite:///{directory}/x.db"
    ok(run("decision", "record", *BEGROTING_2026, "--adopted-at", "2025-11-06", "--db", url,
           cwd=directory))  # fmt: skip
    return url


@pytest.mark.parametrize(("args", "message"), REFUSALS)
def test_a_refused_decision_is_one_line_naming_the_option_and_records_nothing(
    tmp_path: Path, recorded_db: str, args: list[str], message: str
) -> None:
    result = run(*args, "--db", recorded_db, cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
    assert [(row["reference"], row["status"]) for row in listed(recorded_db, tmp_path)] == [
        ("raad-2025-11-06-begroting-2026", "adopted")
    ]


def test_a_decision_dated_today_is_known_now(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()  # its end lies ahead

    ok(run("decision", "propose", "raad-vandaag", "--body", "raad", "--kind", "motie",
           "--title", "Vandaag", "--years", "2026", "--known-at", today, "--db", url,
           cwd=tmp_path))  # fmt: skip
    ok(run("decision", "record", *BEGROTING_2026, "--adopted-at", today, "--db", url,
           cwd=tmp_path))  # fmt: skip

    assert sorted(row["reference"] for row in listed(url, tmp_path)) == [
        "raad-2025-11-06-begroting-2026",
        "raad-vandaag",
    ]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(
            ["--body", "bestuur", "--kind", "begroting", "--years", "2026"],
            "argument --body: invalid choice: 'bestuur' (choose from 'raad', 'college')",
            id="unknown-body",
        ),
        pytest.param(
            ["--body", "raad", "--kind", "begroting", "--years", "1800"],
            "argument --years: 1800 is not from 2000 to 2100",
            id="year-out-of-range",
        ),
        pytest.param(
            ["--body", "raad", "--kind", "voorjaarsnota", "--years", "2026"],
            "argument --kind: invalid choice: 'voorjaarsnota' (choose from 'begroting', "
            "'begrotingswijziging', 'zomernota', 'najaarsnota', 'slotwijziging', "
            "'jaarrekening', 'beleidsnota', 'mandate', 'motie', 'amendement')",
            id="unknown-kind",
        ),
    ],
)
def test_an_option_out_of_its_range_is_a_usage_error(
    tmp_path: Path, args: list[str], error: str
) -> None:
    result = run(
        "decision", "propose", "r", "--title", "t", *args, "--db", f"sqlite:///{tmp_path}/x.db",
        cwd=tmp_path,
    )  # fmt: skip

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == f"begroting decision propose: error: {error}"
    assert not (tmp_path / "x.db").exists()


def test_the_parsers_kinds_are_the_domains() -> None:
    assert tuple(kind.value for kind in DecisionKind) == DECISION_KINDS

"""Backdating on the command line (ADR 0018), run as a real process against a SQLite file:
`authority`, `history` and `diff` flag a person's fact known more than the grace before it
was recorded, read the grace from BEGROTING_BACKDATING_GRACE like the service, and refuse a
malformed one with one line on stderr."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from api.demo import nijmegen
from api.ledger import open_ledger
from domain.application import Context
from domain.money import Money
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION
from support.processes import begroting

pytestmark = pytest.mark.e2e

KNOWN = "2025-10-19T09:01:00+00:00"  # 400 days before it was recorded
RECORDED = "2026-11-23T09:01:00+00:00"
NOTE = [
    "1 backdated by more than the grace of P7D (known_at that long before recorded_at)",
    f"  position {DEMO_LAST_POSITION + 1}: known_at {KNOWN}, recorded_at {RECORDED} by concern "
    f"control: P400D earlier",
]


def run(*args: str, cwd: Path, grace: str | None = None) -> subprocess.CompletedProcess[str]:
    settings = {} if grace is None else {"BEGROTING_BACKDATING_GRACE": grace}
    return begroting(*args, cwd=cwd, settings=settings, module=True, timeout=60)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The demo history, then a finance amendment known 400 days before it was recorded
    (the position after the demo's last)."""
    url = f"sqlite:///{tmp_path}/x.db"
    clock = Clock()
    ledger = open_ledger(url, clock=clock.now)
    try:
        nijmegen.load(ledger.app)
        clock.advance()
        ctx = Context(actor="concern control", known_at=clock.now() - timedelta(days=400))
        recorded = ledger.app.amend_budget(
            ctx,
            key=nijmegen.fund_line(2020, 2),
            delta=Money.parse("1000.00"),
            decision=nijmegen.INTERVENTIEPLAN_4,
        )
        assert recorded.position == DEMO_LAST_POSITION + 1
        ledger.runner.catch_up()
    finally:
        ledger.close()
    return url


def test_authority_flags_the_backdated_write_below_its_table(tmp_path: Path, db: str) -> None:
    lines = ok(
        run("authority", "--year", "2020", "--format", "text", "--db", db, cwd=tmp_path)
    ).splitlines()

    assert lines[1].split()[-3:] == ["authorised", "backdated", "backfill"]
    assert lines[-6].split()[-2:] == ["yes", "nijmegen-demo-v2"]  # the demo: a backfill
    assert lines[-5].split()[-2:] == ["yes", "P400D"]  # the write: authorised, backdated
    assert lines[-4:] == [
        "12 mutations, 0 without valid authority",
        *NOTE,
        "11 from a backfill (nijmegen-demo-v2): recorded later with their sources' dates, "
        "not backdating",
    ]


def test_the_grace_setting_decides_the_cli_verdict(tmp_path: Path, db: str) -> None:
    def flagged(grace: str | None) -> list[tuple[int, object]]:
        args = ("authority", "--year", "2020", "--format", "json", "--db", db)
        rows = json.loads(ok(run(*args, cwd=tmp_path, grace=grace)))["rows"]
        return [(row["position"], row["backdated"]) for row in rows if row["backfill"] is None]

    write = DEMO_LAST_POSITION + 1
    assert flagged(None) == [(write, {"by": "P400D", "grace": "P7D"})]
    assert flagged("399") == [(write, {"by": "P400D", "grace": "P399D"})]
    assert flagged("400") == [(write, None)]


def test_history_and_diff_flag_the_backdated_write(tmp_path: Path, db: str) -> None:
    history = ok(
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
            db,
            cwd=tmp_path,
        )
    ).splitlines()
    cell = ok(
        run(
            "history",
            "--report",
            "interventieplan-fase-4",
            "--table",
            "tabel-7.2",
            "--row",
            "2",
            "--column",
            "2020",
            "--as-of",
            "now",
            "--format",
            "text",
            "--db",
            db,
            cwd=tmp_path,
        )
    ).splitlines()
    diff = ok(run("diff", "interventieplan-fase-4", "--db", db, cwd=tmp_path)).splitlines()

    backfill = "2 from a backfill (nijmegen-demo-v2): recorded later with their sources' dates, "
    assert history[1].split()[-3:] == ["import_id", "backdated", "source"]
    assert history[-4].split()[-1] == "P400D"
    assert history[-3:] == [*NOTE, backfill + "not backdating"]
    assert cell[2].split()[-2:] == ["backdated", "backfill"]
    assert cell[-4].split()[-1] == "P400D"
    assert cell[-5].split()[-1] == "nijmegen-demo-v2"
    assert cell[-3:] == [*NOTE, backfill + "not backdating"]
    assert (
        f"  {'+1000.00':>16}  budget-amendment by raad-2019-05-08-interventieplan-fase-4; "
        f"positions {DEMO_LAST_POSITION + 1}; BACKDATED: {DEMO_LAST_POSITION + 1} by P400D "
        "(grace P7D)"
    ) in diff


@pytest.mark.parametrize(
    ("grace", "message"),
    [
        ("seven", "Input should be a valid integer, unable to parse string as an integer"),
        ("-1", "Input should be greater than or equal to 0"),
    ],
)
def test_a_malformed_grace_is_refused_with_one_line(
    tmp_path: Path, db: str, grace: str, message: str
) -> None:
    result = run("authority", "--db", db, cwd=tmp_path, grace=grace)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"begroting: invalid settings: backdating_grace: {message}\n"

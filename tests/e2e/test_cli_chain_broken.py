"""A log that does not verify on the command line, as real processes (ADR 0017): every
malformed stored event is a finding of `verify`, `verify-report` and `export auditor`, never
a traceback; once a break is recorded the figure commands and `rebuild` refuse with exit 2
until a verify passes; `verify --read-model` names a forged read-model row."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import tampering
from support.demo import DEMO_HEAD, DEMO_LAST_POSITION
from support.processes import begroting, on_engine, tamper

pytestmark = pytest.mark.e2e

VERIFIES = (
    f"the log verifies: {DEMO_LAST_POSITION} events chained, head {DEMO_HEAD} at position "
    f"{DEMO_LAST_POSITION}; "
    "2 report heads match; 0 events not yet chained\n"
)
CHANGED = "changed at position 90: the event at position 90 differs from the one chained there"
REFUSED = f"begroting: the log does not verify: {CHANGED}\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting(*args, cwd=cwd, module=True)


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (lambda e: tampering.state_as_text(e, 90), "its state is text, not bytes"),
        (
            lambda e: tampering.set_column(e, 90, "state", b"not json"),
            "its state is not valid JSON (Expecting value at character 0)",
        ),
        (
            lambda e: tampering.set_column(e, 90, "state", b"\xc3\x28"),
            "its state is not UTF-8 text (invalid continuation byte at byte 0)",
        ),
        (
            lambda e: tampering.set_column(e, 90, "topic", "domain.budget:Nothing"),
            "its topic names no class (Failed to resolve topic 'domain.budget:Nothing': "
            "module 'domain.budget' has no attribute 'Nothing')",
        ),
        (lambda e: tampering.set_column(e, 90, "topic", None), "its topic is NULL, not text"),
        (lambda e: tampering.set_column(e, 90, "state", None), "its state is NULL, not bytes"),
        (
            lambda e: tampering.set_column(e, 90, "originator_id", None),
            "its originator_id is NULL, not a UUID",
        ),
        (
            lambda e: tampering.set_column(e, 90, "originator_version", None),
            "its originator_version is NULL, not a whole number",
        ),
    ],
    ids=[
        "text",
        "invalid-json",
        "not-utf8",
        "no-class",
        "null-topic",
        "null-state",
        "null-id",
        "null-version",
    ],
)
def test_verify_verify_report_and_the_kit_report_a_malformed_event_without_a_traceback(
    tmp_path: Path, demo_db: str, step: Callable[[Any], None], problem: str
) -> None:
    tamper(demo_db, step)
    line = f"TAMPERED: changed at position 90: the event at position 90 cannot be read: {problem}\n"

    verified = run("verify", "--db", demo_db, cwd=tmp_path)
    report = run("verify-report", "interventieplan-fase-4", "--db", demo_db, cwd=tmp_path)
    kit = run(
        "export",
        "auditor",
        str(tmp_path / "kit"),
        "--format",
        "json",
        "--db",
        demo_db,
        cwd=tmp_path,
    )

    assert (verified.returncode, verified.stderr, verified.stdout) == (1, "", line)
    assert (report.returncode, report.stderr, report.stdout) == (1, "", line)
    assert (kit.returncode, kit.stderr) == (0, "")
    assert (json.loads(kit.stdout)["events"], json.loads(kit.stdout)["head"]) == (
        DEMO_LAST_POSITION,
        DEMO_HEAD,
    )


def test_a_changed_amount_is_not_rebuilt_into_the_figures(tmp_path: Path, demo_db: str) -> None:
    # The issue: after tampering, `rebuild` then `report` printed the forged figure.
    tamper(demo_db, lambda e: tampering.change_amount(e, 90, "400000.00", "900000.00"))

    rebuilt = run("rebuild", "--db", demo_db, cwd=tmp_path)
    report = run("report", "interventieplan-fase-4", "--db", demo_db, cwd=tmp_path)
    budget = run("budget", "--year", "2019", "--db", demo_db, cwd=tmp_path)

    assert (rebuilt.returncode, rebuilt.stdout, rebuilt.stderr) == (2, "", REFUSED)
    assert (report.returncode, report.stdout, report.stderr) == (2, "", REFUSED)
    assert (budget.returncode, budget.stdout, budget.stderr) == (2, "", REFUSED)


def test_a_break_found_by_verify_refuses_figures_until_a_verify_passes(
    tmp_path: Path, demo_db: str
) -> None:
    original: list[bytes] = []
    on_engine(demo_db, lambda e: original.append(tampering.state_at(e, 90)))
    tamper(demo_db, lambda e: tampering.change_amount(e, 90, "400000.00", "900000.00"))
    assert run("verify", "--db", demo_db, cwd=tmp_path).returncode == 1
    refused = run("reserves", "--db", demo_db, cwd=tmp_path)
    assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", REFUSED)

    # The operator restores the log (here: the one event) and verifies.
    on_engine(demo_db, lambda e: tampering.set_column(e, 90, "state", original[0]))
    verified = run("verify", "--db", demo_db, cwd=tmp_path)
    served = run("reserves", "--db", demo_db, cwd=tmp_path)

    assert (verified.returncode, verified.stdout) == (0, VERIFIES)
    assert (served.returncode, served.stderr) == (0, "")


def test_verify_read_model_names_a_million_euros_added_to_a_read_model_row(
    tmp_path: Path, demo_db: str
) -> None:
    untouched = run("verify", "--read-model", "--format", "json", "--db", demo_db, cwd=tmp_path)
    on_engine(demo_db, tampering.add_a_million)
    forged = run("verify", "--read-model", "--db", demo_db, cwd=tmp_path)

    assert untouched.returncode == 0
    assert json.loads(untouched.stdout)["read_model"]["status"] == "ok"
    assert (
        len(json.loads(untouched.stdout)["read_model"]["tables"]) == 25
    )  # with the running totals (ADR 0034)
    assert (forged.returncode, forged.stderr) == (1, "")
    assert forged.stdout == VERIFIES + (
        f"READ MODEL DIFFERS at position {DEMO_LAST_POSITION}: budget_mutations position 90: "
        f"delta_cents is "
        "140000000 in the read model, 40000000 recomputed from the log\n"
    )

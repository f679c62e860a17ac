"""Tamper evidence on the command line, as real processes (ADR 0007): `begroting verify`,
`begroting verify-report` and `begroting export auditor`, whose verify.py runs on nothing
but Python's standard library."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tampering
from api.demo import nijmegen
from api.ledger import open_ledger
from conftest import DEMO_HEAD, INTERVENTIEPLAN_HEAD, Clock

pytestmark = pytest.mark.e2e

INTERVENTIEPLAN_DIGEST = "07c982d674b1de177e15153590201d12beb6d9503934f45d6bdbe0eba24ac24a"
VOORTGANG_DIGEST = "5bf664dcf5006c70ba33d0fdee062ff4c6e4035b5201307203e31173fd8537cd"
OK = {
    "status": "ok",
    "head": DEMO_HEAD,
    "position": 141,
    "count": 141,
    "reports": 2,
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BEGROTING_DB_URL"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def verifier(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The kit's verify.py in isolated mode without site-packages: the standard library only."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(directory / "verify.py"), str(directory), *args],
        cwd=directory,
        env={},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path}/x.db"
    ledger = open_ledger(db, clock=Clock().now)
    try:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
    finally:
        ledger.close()
    return db


def tamper(db: str, *steps: Callable[[Any], None]) -> None:
    ledger = open_ledger(db, clock=Clock().now)
    try:
        tampering.drop_guards(ledger.engine)
        for step in steps:
            step(ledger.engine)
    finally:
        ledger.close()


def test_verify_says_the_untouched_demo_history_verifies_and_exits_0(
    tmp_path: Path, demo_db: str
) -> None:
    result = run("verify", "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"the log verifies: 141 events chained, head {DEMO_HEAD} at position 141; "
        "2 report heads match; 0 events not yet chained\n"
    )


@pytest.mark.parametrize(
    ("step", "line"),
    [
        pytest.param(
            lambda engine: tampering.change_amount(engine, 90, "400000.00", "900000.00"),
            "changed at position 90: the event at position 90 differs from the one chained there",
            id="changed",
        ),
        pytest.param(
            lambda engine: tampering.delete_event(engine, 60),
            "missing at position 60: the event chained at position 60 is gone",
            id="missing",
        ),
        pytest.param(
            lambda engine: tampering.swap_events(engine, 30, 70),
            "reordered at position 30: position 30 holds the event chained at position 70",
            id="reordered",
        ),
        pytest.param(
            lambda engine: tampering.insert_event(engine, 80),
            "inserted at position 80: position 80 holds an event that was never chained",
            id="inserted",
        ),
    ],
)
def test_verify_names_the_first_tampered_position_and_exits_1(
    tmp_path: Path, demo_db: str, step: Callable[[Any], None], line: str
) -> None:
    tamper(demo_db, step)

    result = run("verify", "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stderr, result.stdout) == (1, "", f"TAMPERED: {line}\n")


def test_verify_as_json_gives_the_kind_and_position(tmp_path: Path, demo_db: str) -> None:
    tamper(demo_db, lambda engine: tampering.delete_event(engine, 60))

    result = run("verify", "--format", "json", "--db", demo_db, cwd=tmp_path)

    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "status": "tampered",
        "kind": "missing",
        "position": 60,
        "detail": "the event chained at position 60 is gone",
    }


@pytest.mark.parametrize(
    ("report_id", "position", "head", "digest"),
    [
        ("interventieplan-fase-4", 140, INTERVENTIEPLAN_HEAD, INTERVENTIEPLAN_DIGEST),
        ("voortgangsrapportage-2019-q4", 141, DEMO_HEAD, VOORTGANG_DIGEST),
    ],
)
def test_verify_report_re_derives_each_demo_report_from_the_log(
    tmp_path: Path, demo_db: str, report_id: str, position: int, head: str, digest: str
) -> None:
    result = run("verify-report", report_id, "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"report {report_id} verifies: figures digest {digest}, re-derived from the log up "
        f"to position {position} (chain head {head})\n"
    )


def test_verify_report_refuses_a_report_of_a_tampered_log(tmp_path: Path, demo_db: str) -> None:
    tamper(demo_db, lambda engine: tampering.change_amount(engine, 90, "400000.00", "900000.00"))

    result = run("verify-report", "interventieplan-fase-4", "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        "TAMPERED: changed at position 90: "
        "the event at position 90 differs from the one chained there\n"
    )


# -- the auditor's kit ------------------------------------------------------------------


@pytest.fixture
def kit(tmp_path: Path, demo_db: str) -> Path:
    directory = tmp_path / "kit"
    result = run("export", "auditor", str(directory), "--db", demo_db, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout == (
        f"auditor's kit in {directory}: 141 events, 2 reports, chain head {DEMO_HEAD}; "
        f"check it with: python {directory / 'verify.py'} {directory}\n"
    )
    return directory


def records(kit: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (kit / "events.jsonl").read_text().splitlines()]


def write(kit: Path, rows: list[dict[str, Any]]) -> None:
    (kit / "events.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_the_kit_holds_the_log_the_manifests_and_a_verifier(kit: Path) -> None:
    assert sorted(path.name for path in kit.iterdir()) == [
        "events.jsonl",
        "reports.json",
        "verify.py",
    ]
    first = records(kit)[0]
    assert {k: v for k, v in first.items() if k not in ("state_base64", "digest", "link")} == {
        "position": 1,
        "originator_id": first["originator_id"],
        "originator_version": 1,
        "topic": "domain.decision:Decision.Proposed",
        "known_at": "2018-03-07T11:00:00.000000Z",
        "recorded_at": "2026-11-23T09:00:00.000000Z",
        "period": {"first_year": 2018, "last_year": 2022, "quarter": None},
        "actor": "import:nijmegen-demo",
    }
    assert json.loads((kit / "reports.json").read_text()) == [
        {
            "report": "interventieplan-fase-4",
            "title": "Interventieplan fase 4 – Opgave Sociale Stad",
            "basis": {
                "as_of": "report:interventieplan-fase-4",
                "report": "interventieplan-fase-4",
                "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
                "log_position": 140,
                "chain_head": INTERVENTIEPLAN_HEAD,
            },
            "chain_head": INTERVENTIEPLAN_HEAD,
            "digest": INTERVENTIEPLAN_DIGEST,
        },
        {
            "report": "voortgangsrapportage-2019-q4",
            "title": "Voortgangsrapportage Interventieplan 2019 Q4",
            "basis": {
                "as_of": "report:voortgangsrapportage-2019-q4",
                "report": "voortgangsrapportage-2019-q4",
                "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
                "log_position": 141,
                "chain_head": DEMO_HEAD,
            },
            "chain_head": DEMO_HEAD,
            "digest": VOORTGANG_DIGEST,
        },
    ]


def test_the_standalone_verifier_passes_the_demo_export(kit: Path) -> None:
    result = verifier(kit)

    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == OK


def test_the_standalone_verifier_finds_a_head_obtained_elsewhere(kit: Path) -> None:
    assert verifier(kit, "--head", INTERVENTIEPLAN_HEAD).returncode == 0
    missing = verifier(kit, "--head", "ab" * 32)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["detail"] == (
        f"the chain head {'ab' * 32} is not in this chain at all"
    )


def _changed_amount(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    row = rows[89]
    state = base64.b64decode(row["state_base64"]).replace(b"400000.00", b"900000.00", 1)
    row["state_base64"] = base64.b64encode(state).decode()
    return rows


def _renamed_actor(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows[9]["actor"] = "someone else"
    return rows


@pytest.mark.parametrize(
    ("forge", "expected"),
    [
        pytest.param(
            _changed_amount,
            ("changed", 90, "the event at position 90 differs from its digest"),
            id="changed-state",
        ),
        pytest.param(
            _renamed_actor,
            ("changed", 10, "the event at position 10 differs from its digest"),
            id="changed-actor",
        ),
        pytest.param(
            lambda rows: rows[:59] + rows[60:],
            (
                "missing",
                61,
                "the link at position 61 does not follow from the one before: "
                "an event before it is missing",
            ),
            id="missing",
        ),
        pytest.param(
            lambda rows: [*rows[:29], rows[69], *rows[30:69], rows[29], *rows[70:]],
            ("reordered", 70, "position 70 stands where 30 belongs"),
            id="reordered",
        ),
    ],
)
def test_the_standalone_verifier_fails_a_tampered_export(
    kit: Path,
    forge: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    expected: tuple[str, int, str],
) -> None:
    write(kit, forge(records(kit)))

    result = verifier(kit)

    kind, position, detail = expected
    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {
        "status": "tampered",
        "kind": kind,
        "position": position,
        "detail": detail,
    }


def test_the_standalone_verifier_fails_a_report_whose_head_was_altered(kit: Path) -> None:
    manifests = json.loads((kit / "reports.json").read_text())
    manifests[0]["chain_head"] = "ab" * 32
    (kit / "reports.json").write_text(json.dumps(manifests))

    result = verifier(kit)

    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "status": "tampered",
        "kind": "changed",
        "position": 140,
        "detail": f"report 'interventieplan-fase-4' carries chain head {'ab' * 32}, "
        "which the events do not give at position 140",
    }

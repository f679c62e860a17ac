"""Tamper evidence on the command line, as real processes (ADR 0007): `begroting verify`,
`begroting verify-report` and `begroting export auditor`, whose verify.py runs on nothing
but Python's standard library."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from projections.audit import standalone_verify
from support import tampering
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.processes import begroting, tamper, verifier

pytestmark = pytest.mark.e2e

INTERVENTIEPLAN_DIGEST = "9cf6a2fa5d49df8f51f647441066cecafabd0a0b07834472c6c41a5671a190d1"
VOORTGANG_DIGEST = "23b81245819aa13790501e46dbf83ab3b94de293606bf7249708a285f3c5693d"
OK = {
    "status": "ok",
    "head": DEMO_HEAD,
    "position": DEMO_LAST_POSITION,
    "count": DEMO_LAST_POSITION,
    "reports": 2,
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting(*args, cwd=cwd, module=True)


def test_verify_says_the_untouched_demo_history_verifies_and_exits_0(
    tmp_path: Path, demo_db: str
) -> None:
    result = run("verify", "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"the log verifies: {DEMO_LAST_POSITION} events chained, head {DEMO_HEAD} at position "
        f"{DEMO_LAST_POSITION}; "
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
        (
            "interventieplan-fase-4",
            INTERVENTIEPLAN_LAST_POSITION,
            INTERVENTIEPLAN_HEAD,
            INTERVENTIEPLAN_DIGEST,
        ),
        ("voortgangsrapportage-2019-q4", DEMO_LAST_POSITION, DEMO_HEAD, VOORTGANG_DIGEST),
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
        f"auditor's kit in {directory}: {DEMO_LAST_POSITION} events, 2 reports, chain head "
        f"{DEMO_HEAD}; "
        f"check it with: python {directory / 'verify.py'} {directory}\n"
    )
    return directory


def records(kit: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (kit / "events.jsonl").read_text().splitlines()]


def write(kit: Path, rows: list[dict[str, Any]]) -> None:
    (kit / "events.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_the_kit_holds_the_log_the_seals_its_manifest_and_a_verifier(kit: Path) -> None:
    assert sorted(path.name for path in kit.iterdir()) == [
        "events.jsonl",
        "manifest.json",
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
                "log_position": INTERVENTIEPLAN_LAST_POSITION,
                "chain_head": INTERVENTIEPLAN_HEAD,
            },
            "position": INTERVENTIEPLAN_LAST_POSITION,
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
                "log_position": DEMO_LAST_POSITION,
                "chain_head": DEMO_HEAD,
            },
            "position": DEMO_LAST_POSITION,
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
        "position": INTERVENTIEPLAN_LAST_POSITION,
        "detail": f"report 'interventieplan-fase-4' carries chain head {'ab' * 32}, "
        f"which the events do not give at position {INTERVENTIEPLAN_LAST_POSITION}",
    }


# -- the manifest, the seals and the witness file: a cut tail or a rewritten chain --------

SEEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
CUT = 130  # the forged kits below end at this position


def manifest_of(kit: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((kit / "manifest.json").read_text())
    return loaded


def relink(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recompute every digest and link from the genesis: what a forger with the format does."""
    previous = bytes(32)
    for row in rows:
        digest = standalone_verify.entry_digest(row, base64.b64decode(row["state_base64"]))
        previous = hashlib.sha256(previous + digest).digest()
        row["digest"], row["link"] = digest.hex(), previous.hex()
    return rows


def rewrite_manifest(kit: Path, rows: list[dict[str, Any]]) -> None:
    """A manifest that agrees with the forged events.jsonl."""
    manifest = manifest_of(kit)
    manifest.update(
        events=len(rows),
        first_position=rows[0]["position"],
        last_position=rows[-1]["position"],
        head=rows[-1]["link"],
    )
    (kit / "manifest.json").write_text(json.dumps(manifest))


def rewrite_seals(kit: Path, rows: list[dict[str, Any]]) -> None:
    """reports.json without the reports beyond the kit's end, the others on the forged links."""
    links = {row["position"]: row["link"] for row in rows}
    seals = [s for s in json.loads((kit / "reports.json").read_text()) if s["position"] in links]
    for seal in seals:
        seal["chain_head"] = seal["basis"]["chain_head"] = links[seal["position"]]
    (kit / "reports.json").write_text(json.dumps(seals))


def witness_lines(witness: Path) -> list[list[str]]:
    return [line.split() for line in witness.read_text().splitlines() if not line.startswith("#")]


def tampered(kind: str, position: int, detail: str) -> dict[str, Any]:
    return {"status": "tampered", "kind": kind, "position": position, "detail": detail}


def test_the_manifest_names_the_kits_count_positions_head_and_basis(
    tmp_path: Path, demo_db: str
) -> None:
    before = datetime.now(UTC)
    result = run("export", "auditor", str(tmp_path / "k"), "--db", demo_db, cwd=tmp_path)
    after = datetime.now(UTC)

    assert (result.returncode, result.stderr) == (0, "")
    manifest = manifest_of(tmp_path / "k")
    exported_at = datetime.fromisoformat(manifest.pop("exported_at"))
    assert before <= exported_at <= after
    assert manifest == {
        "format": "begroting-auditor-kit-v1",
        "chain_format": "begroting-chain-v1",
        "events": DEMO_LAST_POSITION,
        "first_position": 1,
        "last_position": DEMO_LAST_POSITION,
        "head": DEMO_HEAD,
        "read_model_position": DEMO_LAST_POSITION,
        "database": "sqlite",
    }


def test_a_cut_tail_fails_on_the_manifest(kit: Path) -> None:
    write(kit, records(kit)[:CUT])

    result = verifier(kit)

    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == tampered(
        "missing",
        DEMO_LAST_POSITION,
        f"the manifest names {DEMO_LAST_POSITION} events, positions 1 to {DEMO_LAST_POSITION}, "
        f"head {DEMO_HEAD}; "
        f"events.jsonl holds {CUT}, positions 1 to {CUT}: its tail is cut",
    )


def test_an_appended_tail_fails_on_the_manifest(kit: Path) -> None:
    rows = records(kit)
    extra = dict(
        rows[-1],
        position=DEMO_LAST_POSITION + 1,
        originator_version=rows[-1]["originator_version"] + 1,
    )
    write(kit, relink([*rows, extra]))

    result = verifier(kit)

    assert json.loads(result.stdout) == tampered(
        "inserted",
        DEMO_LAST_POSITION + 1,
        f"the manifest names {DEMO_LAST_POSITION} events, positions 1 to {DEMO_LAST_POSITION}, "
        f"head {DEMO_HEAD}; "
        f"events.jsonl holds {DEMO_LAST_POSITION + 1}, "
        f"positions 1 to {DEMO_LAST_POSITION + 1}: position {DEMO_LAST_POSITION + 1} is not in it",
    )
    assert result.returncode == 1


def test_a_cut_tail_with_its_manifest_rewritten_fails_on_a_report_published_beyond_the_cut(
    kit: Path,
) -> None:
    rows = records(kit)[:CUT]
    write(kit, rows)
    rewrite_manifest(kit, rows)

    result = verifier(kit)

    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == tampered(
        "missing",
        INTERVENTIEPLAN_LAST_POSITION,
        f"report 'interventieplan-fase-4' was published at position "
        f"{INTERVENTIEPLAN_LAST_POSITION} with chain head "
        f"{INTERVENTIEPLAN_HEAD}; the chain ends at position {CUT}",
    )


def test_a_cut_tail_with_manifest_and_seals_rewritten_is_caught_by_the_witness_only(
    kit: Path, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.txt"
    first_visit = verifier(kit, "--witness", str(witness))
    assert first_visit.returncode == 0
    rows = records(kit)[:CUT]
    write(kit, rows)
    rewrite_manifest(kit, rows)
    rewrite_seals(kit, rows)
    kept = witness.read_text()
    ((_, _, seen),) = witness_lines(witness)

    without = verifier(kit)
    result = verifier(kit, "--witness", str(witness))

    assert (without.returncode, json.loads(without.stdout)["count"]) == (0, CUT)
    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == tampered(
        "missing",
        DEMO_LAST_POSITION,
        f"the witness saw chain head {DEMO_HEAD} at position {DEMO_LAST_POSITION} on {seen}; "
        f"the chain is now shorter: it ends at position {CUT}",
    )
    assert witness.read_text() == kept


def test_a_rewritten_chain_fails_on_the_seals_and_with_them_rewritten_on_the_witness(
    kit: Path, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.txt"
    witness.write_text(
        f"# kept by R. Kamer\n{DEMO_LAST_POSITION} {DEMO_HEAD} 2026-12-01T10:00:00Z\n"
    )
    rows = relink(_changed_amount(records(kit)))
    write(kit, rows)
    rewrite_manifest(kit, rows)

    on_the_seals = verifier(kit, "--witness", str(witness))
    rewrite_seals(kit, rows)
    without = verifier(kit)
    on_the_witness = verifier(kit, "--witness", str(witness))

    assert json.loads(on_the_seals.stdout) == tampered(
        "changed",
        INTERVENTIEPLAN_LAST_POSITION,
        f"report 'interventieplan-fase-4' carries chain head {INTERVENTIEPLAN_HEAD}, "
        f"which the events do not give at position {INTERVENTIEPLAN_LAST_POSITION}",
    )
    assert (without.returncode, json.loads(without.stdout)["head"]) == (0, rows[-1]["link"])
    assert (on_the_witness.returncode, on_the_witness.stderr) == (1, "")
    assert json.loads(on_the_witness.stdout) == tampered(
        "changed",
        DEMO_LAST_POSITION,
        f"the witness saw chain head {DEMO_HEAD} at position {DEMO_LAST_POSITION} on "
        f"2026-12-01T10:00:00Z; "
        f"the chain has {rows[-1]['link']} there",
    )
    assert (
        witness.read_text()
        == f"# kept by R. Kamer\n{DEMO_LAST_POSITION} {DEMO_HEAD} 2026-12-01T10:00:00Z\n"
    )


def test_the_witness_file_is_created_then_appended_to_by_a_copy_outside_the_repository(
    kit: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    shutil.copy(kit / "verify.py", elsewhere / "verify.py")
    witness = elsewhere / "witness.txt"
    command = [sys.executable, "-I", "-S", "verify.py", str(kit), "--witness", "witness.txt"]

    def visit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=elsewhere, env={}, capture_output=True, text=True, check=False
        )

    first, again = visit(), visit()
    rows = records(kit)
    later = dict(
        rows[-1],
        position=DEMO_LAST_POSITION + 1,
        originator_version=rows[-1]["originator_version"] + 1,
    )
    rows = relink([*rows, later])
    write(kit, rows)
    rewrite_manifest(kit, rows)
    third = visit()

    assert (first.returncode, first.stderr) == (0, "")
    assert json.loads(first.stdout) == {
        **OK,
        "witness": {"file": "witness.txt", "checked": 0, "appended": True},
    }
    assert json.loads(again.stdout)["witness"] == {
        "file": "witness.txt",
        "checked": 1,
        "appended": False,
    }
    assert (third.returncode, json.loads(third.stdout)["witness"]["appended"]) == (0, True)
    text = witness.read_text().splitlines()
    assert text[0] == standalone_verify.WITNESS_HEADER.rstrip("\n")
    lines = witness_lines(witness)
    assert [line[:2] for line in lines] == [
        [str(DEMO_LAST_POSITION), DEMO_HEAD],
        [str(DEMO_LAST_POSITION + 1), rows[-1]["link"]],
    ]
    assert all(SEEN.fullmatch(line[2]) for line in lines)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            f"141 {DEMO_HEAD}\n", "line 1: expected position, head and when seen", id="short"
        ),
        pytest.param(
            f"# mine\nx {DEMO_HEAD} 2026-12-01T10:00:00Z\n",
            "line 2: 'x' is not a log position",
            id="position",
        ),
        pytest.param(
            "141 ABC 2026-12-01T10:00:00Z\n",
            "line 1: 'ABC' is not 64 lowercase hex digits",
            id="head",
        ),
        pytest.param(
            f"141 {DEMO_HEAD} yesterday\n",
            "line 1: 'yesterday' is not an ISO 8601 moment",
            id="seen",
        ),
    ],
)
def test_an_unreadable_witness_file_exits_2_and_is_left_alone(
    kit: Path, tmp_path: Path, content: str, problem: str
) -> None:
    witness = tmp_path / "witness.txt"
    witness.write_text(content)

    result = verifier(kit, "--witness", str(witness))

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"verify.py: cannot read the witness file {witness}: {problem}\n"
    assert witness.read_text() == content


def test_a_kit_without_its_manifest_cannot_be_read(kit: Path) -> None:
    (kit / "manifest.json").unlink()

    result = verifier(kit)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"verify.py: cannot read the kit in {kit}: ")


def test_begroting_verify_appends_the_head_to_the_witness_file(
    tmp_path: Path, demo_db: str
) -> None:
    witness = tmp_path / "witness.txt"

    first = run("verify", "--db", demo_db, "--witness", str(witness), cwd=tmp_path)
    again = run("verify", "--db", demo_db, "--witness", str(witness), cwd=tmp_path)

    verifies = (
        f"the log verifies: {DEMO_LAST_POSITION} events chained, head {DEMO_HEAD} at position "
        f"{DEMO_LAST_POSITION}; "
        "2 report heads match; 0 events not yet chained\n"
    )
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == (
        f"{verifies}witness {witness}: earlier heads still on the chain: 0; "
        f"head at position {DEMO_LAST_POSITION} appended\n"
    )
    assert (again.returncode, again.stdout) == (
        0,
        f"{verifies}witness {witness}: earlier heads still on the chain: 1; head already last\n",
    )
    ((position, head, seen),) = witness_lines(witness)
    assert (position, head, bool(SEEN.fullmatch(seen))) == (
        str(DEMO_LAST_POSITION),
        DEMO_HEAD,
        True,
    )


def test_begroting_verify_fails_on_a_witnessed_head_the_log_no_longer_has(
    tmp_path: Path, demo_db: str
) -> None:
    witness = tmp_path / "witness.txt"
    witness.write_text(f"{INTERVENTIEPLAN_LAST_POSITION} {DEMO_HEAD} 2026-12-01T10:00:00Z\n")

    result = run("verify", "--db", demo_db, "--witness", str(witness), cwd=tmp_path)
    as_json = run(
        "verify", "--db", demo_db, "--witness", str(witness), "--format", "json", cwd=tmp_path
    )

    detail = (
        f"the witness saw chain head {DEMO_HEAD} at position {INTERVENTIEPLAN_LAST_POSITION} "
        f"on 2026-12-01T10:00:00Z; "
        f"the chain has {INTERVENTIEPLAN_HEAD} there"
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert (
        result.stdout
        == f"TAMPERED: changed at position {INTERVENTIEPLAN_LAST_POSITION}: {detail}\n"
    )
    assert (as_json.returncode, json.loads(as_json.stdout)) == (
        1,
        tampered("changed", INTERVENTIEPLAN_LAST_POSITION, detail),
    )
    assert (
        witness.read_text() == f"{INTERVENTIEPLAN_LAST_POSITION} {DEMO_HEAD} 2026-12-01T10:00:00Z\n"
    )


def test_begroting_verify_refuses_an_unreadable_witness_file_and_leaves_it_alone(
    tmp_path: Path, demo_db: str
) -> None:
    witness = tmp_path / "witness.txt"
    witness.write_text(f"0141 {DEMO_HEAD} 2026-12-01T10:00:00Z\n")

    result = run("verify", "--db", demo_db, "--witness", str(witness), cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"begroting: cannot read the witness file {witness}: line 1: '0141' is not a log position\n"
    )
    assert witness.read_text() == f"0141 {DEMO_HEAD} 2026-12-01T10:00:00Z\n"

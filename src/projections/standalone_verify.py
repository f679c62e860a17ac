#!/usr/bin/env python3
"""Verify a Begroting auditor's kit with nothing but the Python standard library.

    python verify.py DIR [--head HEX]

DIR holds events.jsonl (one stored event per line, in log order) and reports.json (the
published reports' manifests), as `begroting export auditor DIR` writes them. The chain
format is ADR 0007 of the Begroting repository; this file imports nothing of Begroting.

Checks: every entry's digest from its fields and stored state; every link from the link
before it (the first from 32 zero bytes); positions ascending; the fields named outside the
state agree with the state; every report's chain head is the link at its log position;
with --head, that a head you obtained elsewhere (a printed report) is in the chain.

Prints one JSON object; exit status 0 when everything verifies, 1 when something does not,
2 when the kit cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = b"begroting-chain-v1"
GENESIS = bytes(32)


def frame(fields: list[bytes]) -> bytes:
    return b"".join(struct.pack(">I", len(field)) + field for field in fields)


def entry_digest(record: dict[str, Any], state: bytes) -> bytes:
    period = record["period"]
    fields = [
        FORMAT,
        str(record["position"]).encode(),
        record["originator_id"].encode(),
        str(record["originator_version"]).encode(),
        record["topic"].encode(),
        record["known_at"].encode(),
        record["recorded_at"].encode(),
        str(period["first_year"]).encode(),
        str(period["last_year"]).encode(),
        ("" if period["quarter"] is None else str(period["quarter"])).encode(),
        record["actor"].encode(),
        state,
    ]
    return hashlib.sha256(frame(fields)).digest()


def utc_text(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fields_disagree(record: dict[str, Any], state: bytes) -> str | None:
    """The named fields against the stored state (the eventsourcing JSON of the event)."""
    try:
        decoded = json.loads(state)
        meta = decoded["meta"]["_data_"]
        period = meta["period"]["_data_"]
        found = {
            "recorded_at": utc_text(decoded["timestamp"]["_data_"]),
            "known_at": utc_text(meta["known_at"]["_data_"]),
            "actor": meta["actor"],
            "period": {
                "first_year": period["first_year"],
                "last_year": period["last_year"],
                "quarter": period["quarter"],
            },
        }
    except (ValueError, KeyError, TypeError):
        return "the stored state is not an event this verifier can read"
    for name, value in found.items():
        if record[name] != value:
            return f"{name} is {record[name]!r} but the stored state says {value!r}"
    return None


def failure(kind: str, position: int, detail: str) -> dict[str, Any]:
    return {"status": "tampered", "kind": kind, "position": position, "detail": detail}


def chain_break(
    records: list[dict[str, Any]],
    index: int,
    previous: bytes,
    before_previous: bytes,
    digest: bytes,
) -> dict[str, Any]:
    """Record `index` does not follow from the one before it: say what most likely happened."""
    position = records[index]["position"]
    if hashlib.sha256(before_previous + digest).hexdigest() == records[index]["link"]:
        inserted = records[index - 1]["position"]
        return failure("inserted", inserted, f"position {inserted} was never part of the chain")
    following = records[index + 1] if index + 1 < len(records) else None
    if following is not None and (
        hashlib.sha256(previous + bytes.fromhex(following["digest"])).hexdigest()
        == following["link"]
    ):
        return failure("inserted", position, f"position {position} was never part of the chain")
    return failure(
        "missing",
        position,
        f"the link at position {position} does not follow from the one before: an event "
        "before it is missing",
    )


def verify(directory: Path, head: str | None = None) -> dict[str, Any]:
    lines = (directory / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    manifests = json.loads((directory / "reports.json").read_text(encoding="utf-8"))
    positions = [record["position"] for record in records]
    for position, belongs in zip(positions, sorted(positions), strict=True):
        if position != belongs:
            return failure(
                "reordered", position, f"position {position} stands where {belongs} belongs"
            )
    previous, last_position = GENESIS, 0
    links: dict[int, str] = {}
    before_previous = GENESIS  # the link two records back, to recognise an inserted record
    for index, record in enumerate(records):
        position = record["position"]
        state = base64.b64decode(record["state_base64"], validate=True)
        digest = entry_digest(record, state)
        if digest.hex() != record["digest"]:
            return failure(
                "changed", position, f"the event at position {position} differs from its digest"
            )
        disagreement = fields_disagree(record, state)
        if disagreement is not None:
            return failure("changed", position, f"at position {position}: {disagreement}")
        expected = hashlib.sha256(previous + digest).digest()
        if expected.hex() != record["link"]:
            return chain_break(records, index, previous, before_previous, digest)
        before_previous, previous, last_position = previous, expected, position
        links[position] = expected.hex()
    for manifest in manifests:
        position = manifest["basis"]["log_position"]
        if links.get(position) != manifest["chain_head"]:
            return failure(
                "changed",
                position,
                f"report {manifest['report']!r} carries chain head {manifest['chain_head']}, "
                f"which the events do not give at position {position}",
            )
    if head is not None and head not in links.values():
        return failure(
            "missing", last_position, f"the chain head {head} is not in this chain at all"
        )
    return {
        "status": "ok",
        "head": previous.hex(),
        "position": last_position,
        "count": len(records),
        "reports": len(manifests),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--head", help="a chain head obtained elsewhere, to find in the chain")
    args = parser.parse_args(argv)
    try:
        result = verify(args.directory, args.head)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"verify.py: cannot read the kit in {args.directory}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Verify a Begroting auditor's kit with nothing but the Python standard library.

    python verify.py DIR [--head HEX] [--witness FILE]

DIR holds events.jsonl (one stored event per line, in log order), reports.json (the seals
of the published reports) and manifest.json (the kit's event count, positions and head), as
`begroting export auditor DIR` writes them. The chain format is ADR 0007 of the Begroting
repository; this file imports nothing of Begroting.

Checks: every entry's digest from its fields and stored state; every link from the link
before it (the first from 32 zero bytes); positions ascending; the fields named outside the
state agree with the state; the manifest's count, positions and head against the events;
every report's chain head is the link at its log position; with --head, that a head you
obtained elsewhere (a printed report) is in the chain; with --witness, that every head in
the witness file is still on the chain at its position.

The witness file is the auditor's own, kept between visits. It is text: lines starting with
`#` and blank lines are ignored; every other line is one head, as three fields separated by
spaces: the log position, the chain head there (64 lowercase hex digits) and when it was
seen (UTC, ISO 8601), e.g. `141 e8d8...f1a9 2026-12-04T21:00:00Z`. When everything
verifies, the kit's head is appended (unless it is the last line already); the file is
created when missing. A cut or rewritten chain then fails on the first head it lost.

Prints one JSON object; exit status 0 when everything verifies, 1 when something does not,
2 when the kit or the witness file cannot be read.
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
KIT_FORMAT = "begroting-auditor-kit-v1"
GENESIS = bytes(32)
WITNESS_HEADER = (
    "# begroting witness v1: one chain head per line: log position, chain head, when seen "
    "(UTC). verify.py --witness and begroting verify --witness append to it.\n"
)


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


# -- the witness file -------------------------------------------------------------------


class WitnessError(ValueError):
    """The witness file cannot be read: a line is not `position head seen`."""


def read_witness(path: Path) -> list[tuple[int, str, str]]:
    """The heads in a witness file, in file order: (position, head, seen). None yet: []."""
    if not path.exists():
        return []
    heads = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        if len(fields) != 3:
            raise WitnessError(f"line {number}: expected position, head and when seen")
        position, head, seen = fields
        decimal = position.isascii() and position.isdigit()
        if not decimal or (position.startswith("0") and position != "0"):
            raise WitnessError(f"line {number}: {position!r} is not a log position")
        if len(head) != 64 or head.strip("0123456789abcdef"):
            raise WitnessError(f"line {number}: {head!r} is not 64 lowercase hex digits")
        try:
            datetime.fromisoformat(seen)
        except ValueError:
            raise WitnessError(f"line {number}: {seen!r} is not an ISO 8601 moment") from None
        heads.append((int(position), head, seen))
    return heads


def witness_failure(
    witnessed: list[tuple[int, str, str]], links: dict[int, str], last_position: int
) -> tuple[str, int, str] | None:
    """(kind, position, detail) of the first witnessed head no longer on the chain."""
    for position, head, seen in witnessed:
        found = GENESIS.hex() if position == 0 else links.get(position)
        if found == head:
            continue
        saw = f"the witness saw chain head {head} at position {position} on {seen}"
        if position > last_position:
            return (
                "missing",
                position,
                f"{saw}; the chain is now shorter: it ends at position {last_position}",
            )
        if found is None:
            return "missing", position, f"{saw}; the chain has no event at position {position}"
        return "changed", position, f"{saw}; the chain has {found} there"
    return None


def append_witness(path: Path, position: int, head: str, seen: datetime) -> bool:
    """Append the head unless the file ends with it already; create the file if missing."""
    witnessed = read_witness(path)
    if witnessed and witnessed[-1][:2] == (position, head):
        return False
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    lead = WITNESS_HEADER if not before else "" if before.endswith("\n") else "\n"
    with path.open("a", encoding="utf-8") as out:
        out.write(
            f"{lead}{position} {head} {seen.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        )
    return True


# -- the kit ---------------------------------------------------------------------------


def manifest_failure(
    manifest: dict[str, Any], records: list[dict[str, Any]], head: str
) -> dict[str, Any] | None:
    """The manifest's count, first and last position and head against events.jsonl."""
    count = len(records)
    first = records[0]["position"] if records else None
    last = records[-1]["position"] if records else 0
    named_last = manifest["last_position"] or 0
    named = (
        f"the manifest names {manifest['events']} events, positions {manifest['first_position']} "
        f"to {manifest['last_position']}, head {manifest['head']}"
    )
    holds = f"events.jsonl holds {count}, positions {first} to {last if records else None}"
    if named_last > last:
        return failure("missing", named_last, f"{named}; {holds}: its tail is cut")
    if last > named_last:
        beyond = next(r["position"] for r in records if r["position"] > named_last)
        return failure("inserted", beyond, f"{named}; {holds}: position {beyond} is not in it")
    if count != manifest["events"] or first != manifest["first_position"]:
        kind = "missing" if count < manifest["events"] else "inserted"
        return failure(kind, last, f"{named}; {holds}")
    if head != manifest["head"]:
        return failure("changed", last, f"{named}; the events give head {head}")
    return None


def verify(
    directory: Path, head: str | None = None, witnessed: list[tuple[int, str, str]] | None = None
) -> dict[str, Any]:
    lines = (directory / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    seals = json.loads((directory / "reports.json").read_text(encoding="utf-8"))
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != KIT_FORMAT:
        raise ValueError(f"manifest.json is not a {KIT_FORMAT} manifest")
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
    mismatch = manifest_failure(manifest, records, previous.hex())
    if mismatch is not None:
        return mismatch
    for seal in seals:
        position = seal.get("position", seal["basis"]["log_position"])
        if position > last_position:
            return failure(
                "missing",
                position,
                f"report {seal['report']!r} was published at position {position} with chain "
                f"head {seal['chain_head']}; the chain ends at position {last_position}",
            )
        if links.get(position) != seal["chain_head"]:
            return failure(
                "changed",
                position,
                f"report {seal['report']!r} carries chain head {seal['chain_head']}, "
                f"which the events do not give at position {position}",
            )
    if head is not None and head not in links.values():
        return failure(
            "missing", last_position, f"the chain head {head} is not in this chain at all"
        )
    lost = witness_failure(witnessed or [], links, last_position)
    if lost is not None:
        return failure(*lost)
    return {
        "status": "ok",
        "head": previous.hex(),
        "position": last_position,
        "count": len(records),
        "reports": len(seals),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--head", help="a chain head obtained elsewhere, to find in the chain")
    parser.add_argument(
        "--witness",
        type=Path,
        help="your file of heads seen before: each must still be on the chain; the new head "
        "is appended when everything verifies",
    )
    args = parser.parse_args(argv)
    try:
        witnessed = None if args.witness is None else read_witness(args.witness)
    except (OSError, ValueError) as error:
        print(f"verify.py: cannot read the witness file {args.witness}: {error}", file=sys.stderr)
        return 2
    try:
        result = verify(args.directory, args.head, witnessed)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"verify.py: cannot read the kit in {args.directory}: {error}", file=sys.stderr)
        return 2
    if args.witness is not None and result["status"] == "ok":
        try:
            appended = append_witness(
                args.witness, result["position"], result["head"], datetime.now(UTC)
            )
        except OSError as error:
            print(
                f"verify.py: cannot write the witness file {args.witness}: {error}", file=sys.stderr
            )
            return 2
        result["witness"] = {
            "file": str(args.witness),
            "checked": len(witnessed or []),
            "appended": appended,
        }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The auditor's kit: the log with its links, the published reports' seals, a manifest of
the kit itself and a verifier that needs nothing but Python's standard library (ADR 0007)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from domain.application import Begroting
from projections.audit import chain, chain_verify, standalone_verify
from projections.queries import reports
from projections.store import schema


def event_records(app: Begroting, conn: Connection) -> list[dict[str, Any]]:
    """Every stored event in log order, as the chain frames it, with its stored link."""
    stored = {link.position: link for link in chain_verify.stored_links(conn)}
    records = []
    for entry in chain_verify.log_entries(app, conn):
        link = stored.get(entry.position)
        records.append(
            {
                "position": entry.position,
                "originator_id": entry.originator_id,
                "originator_version": entry.originator_version,
                "topic": entry.topic,
                "known_at": entry.known_at,
                "recorded_at": entry.recorded_at,
                "period": {
                    "first_year": int(entry.period_first) if entry.period_first else None,
                    "last_year": int(entry.period_last) if entry.period_last else None,
                    "quarter": int(entry.quarter) if entry.quarter else None,
                },
                "actor": entry.actor,
                "state_base64": base64.b64encode(entry.state).decode("ascii"),
                "digest": None if link is None else link.digest,
                "link": None if link is None else link.link,
            }
        )
    return records


def report_seals(conn: Connection, reached: int) -> list[dict[str, Any]]:
    """Each published report's seal: the position of its Published event, the chain head
    there and the digest of its figures, with its title and basis as rendered."""
    seals = conn.execute(select(schema.report_seals).order_by(schema.report_seals.c.position))
    kept = []
    for seal in seals:
        rendered = reports.render_report(conn, seal.report_id, None, reached)
        kept.append(
            {
                "report": seal.report_id,
                "title": rendered["title"],
                "basis": rendered["basis"],
                "position": int(seal.position),
                "chain_head": seal.chain_head,
                "digest": seal.digest,
            }
        )
    return kept


def manifest(
    conn: Connection, records: list[dict[str, Any]], reached: int, exported_at: datetime
) -> dict[str, Any]:
    """What the kit holds, so that a cut tail shows: the count, the first and last position
    and the head of events.jsonl, and the basis it was exported on."""
    return {
        "format": standalone_verify.KIT_FORMAT,
        "chain_format": chain.FORMAT.decode("ascii"),
        "events": len(records),
        "first_position": records[0]["position"] if records else None,
        "last_position": records[-1]["position"] if records else None,
        "head": records[-1]["link"] if records else chain.GENESIS.hex(),
        "read_model_position": reached,
        "exported_at": chain.utc_text(exported_at),
        "database": conn.dialect.name,
    }


def export(
    app: Begroting, conn: Connection, reached: int, directory: Path, exported_at: datetime
) -> dict[str, Any]:
    """Write events.jsonl, reports.json, manifest.json and verify.py into `directory` (made
    if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    records = event_records(app, conn)
    seals = report_seals(conn, reached)
    kit = manifest(conn, records, reached, exported_at)
    with (directory / "events.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    (directory / "reports.json").write_text(
        json.dumps(seals, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (directory / "manifest.json").write_text(
        json.dumps(kit, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    source = Path(standalone_verify.__file__).read_text(encoding="utf-8")
    (directory / "verify.py").write_text(source, encoding="utf-8")
    return {
        "directory": str(directory),
        "events": len(records),
        "reports": len(seals),
        "head": kit["head"],
    }

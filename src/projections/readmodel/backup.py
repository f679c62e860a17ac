"""A backup of the embedded SQLite database with SQLite's online backup API (ADR 0019).

`sqlite3.Connection.backup` copies every page of the database as one read transaction sees
it: a consistent copy, also while the service appends (in WAL mode a writer does not wait
for it). The copy is written beside the target under a temporary name and renamed into
place when complete, so a crash never leaves half a backup under the target's name.
PostgreSQL is backed up with its own `pg_dump -Fc` (README, Backup and restore).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from projections.store.database import Database


class BackupError(Exception):
    """The backup cannot be made: no database, a target that exists, a failed copy."""


def sqlite_backup(database: Database, target: Path) -> dict[str, Any]:
    """Copy the SQLite ledger to `target` (which must not exist); what the copy holds."""
    path = Path(make_url(database.url).database or "")
    if not path.is_file():
        raise BackupError(f"no SQLite database at {path}")
    if target.exists():
        raise BackupError(f"{target} exists; a backup never overwrites a file")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one consistent read
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                (events,) = copy.execute("SELECT count(*) FROM stored_events").fetchone()
                last = copy.execute(
                    "SELECT position, link FROM chain_links ORDER BY position DESC LIMIT 1"
                ).fetchone()
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {path}: {error}") from error
    partial.replace(target)
    # Here, not at the top: the command line catches BackupError of every command, and the
    # chain's module brings the event store and the domain with it (ADR 0037).
    from projections.audit import chain

    position, head = (0, chain.GENESIS.hex()) if last is None else (int(last[0]), str(last[1]))
    return {
        "database": database.redacted(),
        "file": str(target),
        "events": int(events),
        "position": position,
        "head": head,
    }

"""An import's summary and its problems as the CLI and the API show them: the same JSON
members on both."""

from __future__ import annotations

from typing import Any

from domain.imports import ImportSummary, RowProblem


def summary_json(summary: ImportSummary) -> dict[str, Any]:
    return {
        "kind": summary.kind.value,
        "file_name": summary.file_name,
        "sha256": summary.sha256,
        "sheet": summary.sheet,
        "known_at": summary.known_at.isoformat(),
        "rows": summary.rows,
        "lines": summary.lines,
        "events": summary.events,
        "corrections": summary.corrections,
        "total_lasten": str(summary.total_lasten),
        "total_baten": str(summary.total_baten),
        "dry_run": summary.dry_run,
        "already_imported": summary.already_imported,
        "position": summary.position,
    }


def problem_json(problem: RowProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "detail": problem.message,
        "code": problem.code,
    }


# A problem of the command's own field names its option.
OPTIONS = {"decision": "--decision", "known_at": "--known-at", "sheet": "--sheet"}


def problem_line(problem: RowProblem) -> str:
    """One problem on one line: `row 5, bedrag: ...`; `--known-at: ...` or `file: ...` for
    the file as a whole."""
    where = [] if problem.row is None else [f"row {problem.row}"]
    if problem.column is not None:
        where.append(OPTIONS.get(problem.column, problem.column))
    return f"{', '.join(where) or 'file'}: {problem.message}"


def summary_lines(summary: ImportSummary) -> list[str]:
    """The summary in lines that fit 80 columns (a long file name aside)."""
    what = f"{summary.file_name} ({summary.kind.value}"
    what += ")" if summary.sheet is None else f", sheet {summary.sheet})"
    if summary.already_imported:
        head = f"{what}: already imported, nothing recorded"
    elif summary.dry_run:
        head = f"{what}: dry run, {summary.events} events would be recorded (none were)"
    else:
        head = f"{what}: imported, {summary.events} events recorded"
    lines = [
        head,
        f"  rows {summary.rows}, lines {summary.lines}, corrections {summary.corrections}",
        f"  lasten {summary.total_lasten}, baten {summary.total_baten}",
        f"  known at {summary.known_at.isoformat()}",
        f"  sha256 {summary.sha256}",
    ]
    if summary.position:
        lines.append(f"  log position {summary.position}")
    return lines

"""The events behind one figure on the terminal (`uitputting --lineage`, `reserve-balances
--lineage`): the rows the HTTP lineage answers, as a table of the columns a reader checks
the figure by, or with --format json the HTTP document itself."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from api.cli.rendering import describe_basis, say, show_rows
from projections.queries.basis import Basis

COLUMNS = ("position", "event", "amount", "running_total", "decision", "actor", "known_at")


def show_lineage(
    args: argparse.Namespace,
    basis: Basis,
    rows: Sequence[Mapping[str, Any]],
    title: str,
    *,
    part: bool = False,
) -> None:
    """The rows in order, each with its delta and the running total it makes; the decision
    by its reference (the JSON carries its chain). `part`: a reserve's row names the part it
    changes (an oormerk is a row in each)."""
    say(args, describe_basis(basis))
    say(args, title)
    if not rows:
        say(args, "no events behind this figure")
        return
    shown = [
        {
            "position": row["position"],
            "event": row["event"],
            "part": row["subject"],
            "amount": row["delta"],
            "running_total": row["running_total"],
            "decision": None if row["decision"] is None else row["decision"]["reference"],
            "actor": row["actor"],
            "known_at": row["known_at"],
        }
        for row in rows
    ]
    columns = [*COLUMNS[:2], "part", *COLUMNS[2:]] if part else list(COLUMNS)
    show_rows(args, shown, columns)

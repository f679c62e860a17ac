"""Taakstellingen achieved (ADR 0028): per interventie the target of a year against the
realised change of its zoekgebied since the base year, the overlap of zoekgebieden and the
opgave after compensation; --format json gives the whole document, --lineage the events."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from api.cli.common import CliError, basis_for, grace, read_model
from api.cli.rendering import as_json, describe_basis, say, show_rows
from domain.money import in_thousands
from projections.queries import achievement
from projections.queries.achievement import AchievementError

COLUMNS = [
    "interventie",
    "target",
    "relative",
    "base",
    "realised",
    "saving",
    "difference",
    "status",
]


def _row(label: object, found: Mapping[str, Any]) -> dict[str, object]:
    """One line of the table in x € 1.000 as the documents print them (JSON keeps euros);
    unknown is never zero: a missing realisation prints "unknown", a voorlopig one a "*"."""
    voorlopig = "*" if found["voorlopig"] else ""
    return {
        "interventie": label,
        "target": _thousands(found["target"]),
        "relative": found["target_relative"],
        "base": _thousands(found["base"]),
        "realised": f"{_thousands(found['realised'])}{voorlopig}",
        "saving": _thousands(found["saving"]),
        "difference": _thousands(found["difference"]),
        "status": found["status"],
    }


def _thousands(value: Decimal | None) -> str:
    return "unknown" if value is None else str(in_thousands(value))


def cmd_achievement(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        try:
            if args.lineage:
                traced = achievement.achievement_lineage(
                    conn,
                    basis,
                    fiscal_year=args.year,
                    base_year=args.base_year,
                    interventie=args.interventie,
                    reference=args.taakstelling,
                    grace=grace(),
                )
                if traced is None:
                    raise CliError(f"no taakstelling with a target in {args.year} matches")
                print(as_json(traced))
                return
            found = achievement.achievement(
                conn,
                basis,
                fiscal_year=args.year,
                base_year=args.base_year,
                interventie=args.interventie,
            )
        except AchievementError as error:
            raise CliError(f"--{error.field.replace('_', '-')}: {error}") from None
    if args.format == "json":
        print(as_json(found))
        return
    say(args, describe_basis(basis))
    rows = [_row(row["interventie"], row) for row in found["interventies"]]
    rows.append(_row("opgave", found["opgave"]))
    say(
        args,
        f"Taakstellingen {args.year} against the realised lasten {args.base_year} of their "
        "zoekgebied, x EUR 1.000 (saving = base - realised; * voorlopig):",
    )
    show_rows(args, rows, COLUMNS)
    for overlap in found["overlap"]:
        shared = ", ".join(str(number) for number in overlap["interventies"])
        say(
            args,
            f"overlap: {overlap['deelproduct']} lies in interventies {shared}; "
            "the opgave counts its saving once",
        )
    for row in found["interventies"]:
        if row["shared_deelproducten"] and row["shared_deelproducten"] != row["zoekgebied"]:
            say(
                args,
                f"interventie {row['interventie']} without its shared deelproducten: saving "
                f"{_thousands(row['unshared_saving'])}",
            )
    for risico in found["risicos"]:
        say(args, f"risico (no target): {risico['reference']} {_thousands(risico['amount'])}")
    for row in found["interventies"]:
        if row["reason"]:
            say(args, f"interventie {row['interventie']}: {row['reason']}")

"""`begroting export iv3`: the Iv3 matrix of a year and period as CSV or XLSX (ADR 0031)."""

from __future__ import annotations

import argparse

from api.cli.common import read_model, recorded_at, write_export
from api.cli.progress import busy
from projections.queries import iv3_matrix as iv3
from projections.queries.basis import resolve_basis


@busy("exporting")
def cmd_export_iv3(args: argparse.Namespace) -> None:
    """Write the matrix; a line that does not fit the model refuses it, every one listed."""
    as_of = args.as_of if args.as_of is not None else iv3.default_as_of(args.year, args.period)
    with read_model(args) as (conn, reached):
        basis = resolve_basis(conn, as_of, reached, as_recorded_at=recorded_at(args))
        export = iv3.iv3_export(conn, basis, fiscal_year=args.year, period=args.period)
    write_export(args, export, "cells")

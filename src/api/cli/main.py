"""Runs the command the arguments name and turns its errors into one line on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from api.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Imported once a command runs, not for a usage error or --help: they bring the read
    # model (SQLAlchemy) with them. Each from a module of its own that loads neither the
    # event store nor the domain's use cases, which a read need not load (ADR 0037).
    from api.cli.common import CliError
    from domain.errors import DomainError
    from projections.audit.verdicts import ChainBroken
    from projections.queries import basis
    from projections.readmodel import backup
    from projections.readmodel.runner_errors import ReadModelBrokenError, ReadModelBusyError
    from projections.store.database import ConfigurationError, DatabaseUnavailableError

    try:
        code = args.func(args)
    except ChainBroken as error:
        # The figures stand on a log that does not verify: refused, until an operator acts.
        print(f"begroting: the log does not verify: {error}", file=sys.stderr)
        return 2
    except (
        CliError,
        backup.BackupError,
        ConfigurationError,
        DatabaseUnavailableError,
        basis.BasisError,
        DomainError,
        ReadModelBusyError,
        ReadModelBrokenError,
    ) as error:
        print(f"begroting: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # e.g. a malformed setting
        print(f"begroting: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (head, less) stopped reading: not an error of ours. Python would
        # complain again flushing stdout at exit, so it goes to /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code if isinstance(code, int) else 0

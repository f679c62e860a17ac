"""The runner's refusals, apart from the runner: the command line names them in one line
without loading the projections and the domain behind them (ADR 0037). `runner`
re-exports both."""

from __future__ import annotations


class ReadModelBusyError(Exception):
    """Another runner (a rebuild, or a catch-up in another process) held the read model's
    lock longer than this one would wait. The read model as committed is whole and readable."""


class ReadModelBrokenError(Exception):
    """The read model cannot catch up with the log: the same batch fails every time (rows
    the tracking does not account for). Only a rebuild mends it."""

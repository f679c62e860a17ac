"""A progress bar on long work (rebuild, the demo, the exports), on a terminal only (ADR
0023). It draws on stderr, so stdout stays what the command prints; off a terminal it draws
nothing and imports nothing, so a pipe, a log or a test reads the same text as before."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def busy(description: str) -> Iterator[None]:
    """While the body runs: a pulsing bar with `description` and the time taken, cleared
    when it ends. The work reports no steps (a rebuild is one transaction), so the bar says
    that it works and how long, not how far. Also a decorator (`@busy("...")`)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        # A line the command prints meanwhile goes above the bar when both streams are this
        # terminal; stdout to a file or a pipe is left alone, exactly as without the bar.
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=False,
    ) as progress:
        progress.add_task(description, total=None)
        yield

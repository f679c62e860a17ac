"""The application's import use case as the interfaces call it (ADR 0033, "Recording"):
`Begroting.import_source`. Typed here so that an interface depends on the call, not on
how the application is assembled."""

from __future__ import annotations

from typing import Protocol, cast

from domain.application import Context
from domain.imports import ImportSummary, SourceFile


class Importer(Protocol):
    def import_source(
        self, ctx: Context, source: SourceFile, *, decision: str | None, dry_run: bool
    ) -> ImportSummary: ...


def importer(app: object) -> Importer:
    return cast(Importer, app)

"""The HTTP service: an app factory with a lifespan that opens the ledger once and closes
it on shutdown. Nothing is created at import time; tests build their own app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI

from api import conditional, docs_pages, problems, security_headers
from api.http import JSON, Guarded, Services, printable_parameters, problem_responses
from api.ledger import Ledger, open_database, system_clock
from api.ledger_cache import Ledgers, ReleaseLedgers, start_services
from api.requests.members import SINGLE_LINE
from api.routes import (
    achievement_reads,
    analysis,
    audit,
    budget_commands,
    decision_commands,
    export_files,
    fiscal_year_commands,
    import_uploads,
    lineage_reads,
    reads,
    realisation_commands,
    reserve_commands,
    reserve_reads,
    stated_fact_commands,
    taakstelling_commands,
    tokens,
    uitputting_reads,
)
from api.settings import Settings, load_settings
from api.web import (
    achievement_pages,
    analysis_pages,
    audit_pages,
    budget_pages,
    report_pages,
    sign_in,
    uitputting_pages,
    workspace,
)

log = logging.getLogger("begroting.api")

DESCRIPTION = """
The memory of a municipality's budget: every change an immutable, attributed event.

* **Authenticate** with `Authorization: Bearer <token>` (`begroting token create`). Roles:
  `griffie` (raad decisions, mandates), `finance` (budget, taakstellingen, realisations,
  reserves, reports, college decisions), `auditor` (reads everything, writes nothing),
  `admin` (tokens).
* **Amounts** are decimal strings with at most two decimals: `"1234.56"`.
* **Reads** take `as_of` (a moment or a report id), `as_recorded_at` and `min_position`
  (read your write); every answer names its `basis`.
* **Writes** return the ids, versions and log `position`; send `Idempotency-Key` to retry
  safely and `If-Match` with a version to refuse a change to a record that moved on.
* **Errors** are `application/problem+json` (RFC 9457) with a stable `code`.
"""


def text_rule_in_parameters(document: dict[str, Any]) -> None:
    """Every text parameter (path, query, header) is single-line text (printable_parameters):
    the document says so with a pattern, where the parameter has none of its own."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                for node in (schema, *schema.get("anyOf", [])):
                    if node.get("type") == "string" and not {"pattern", "enum", "format"} & set(
                        node
                    ):
                        node["pattern"] = SINGLE_LINE


def from_environment() -> FastAPI:
    """The app of a served worker process (`begroting serve --workers`, ADR 0036): its
    settings are those its parent resolved, passed in the environment."""
    return create_app(load_settings())


def create_app(
    settings: Settings | None = None,
    *,
    ledger: Ledger | None = None,
    clock: Callable[[], datetime] = system_clock,
) -> FastAPI:
    """The service over `settings.db_url`, or over a `ledger` the caller opened and owns."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = ledger or open_database(settings.database, clock)
        ledgers: Ledgers | None = None
        try:
            default = start_services(opened, clock, settings.grace)
            app.state.verifying = default.verifying
            # The municipalities' ledgers beside it, opened as their tokens come (ADR 0032).
            ledgers = Ledgers(default, clock, settings.grace, settings.max_open_ledgers)
            app.state.ledgers = ledgers
            app.state.services = default
            yield
        finally:
            if ledgers is not None:
                ledgers.close()
            if ledger is None:
                opened.close()

    app = FastAPI(
        title="Begroting",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=JSON,
        dependencies=[Depends(printable_parameters)],
        docs_url=None,  # served from the app's own assets, not a CDN (docs_pages)
        redoc_url=None,
    )
    app.add_middleware(ReleaseLedgers)
    problems.install(app, settings.max_body_bytes, settings.max_import_bytes)
    security_headers.install(app)
    docs_pages.install(app)
    app.include_router(decision_commands.router)
    app.include_router(budget_commands.router)
    app.include_router(taakstelling_commands.router)
    app.include_router(realisation_commands.router)
    app.include_router(reserve_commands.router)
    app.include_router(fiscal_year_commands.router)
    app.include_router(stated_fact_commands.router)
    app.include_router(import_uploads.router)
    # Before reads: its /taakstellingen/{reference} would take /taakstellingen/resultaat.
    app.include_router(achievement_reads.router)
    app.include_router(reserve_reads.router)  # before reads: /reserves/balances, not a code
    app.include_router(reads.router)
    app.include_router(lineage_reads.router)
    app.include_router(uitputting_reads.router)
    app.include_router(analysis.router)
    app.include_router(export_files.router)
    app.include_router(tokens.router)
    app.include_router(audit.router)
    # The web workspace (ADR 0022): pages, not API; outside the OpenAPI document.
    app.include_router(sign_in.router)
    app.include_router(report_pages.router)
    app.include_router(audit_pages.router)
    app.include_router(budget_pages.router)
    app.include_router(achievement_pages.router)
    app.include_router(uitputting_pages.router)
    app.include_router(analysis_pages.router)
    workspace.install(app)

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            for operations in document.get("paths", {}).values():
                conditional.document(operations)
            text_rule_in_parameters(document)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]

    app.router.route_class = Guarded  # health too: ETag, and no unknown parameters

    @app.get(
        "/api/v1/health",
        tags=["service"],
        responses=problem_responses(_422="a query parameter: it takes none"),
    )
    def health() -> Any:
        """Alive, and how far the default ledger's log and read model have come. No token
        needed."""
        services: Services = app.state.services
        return JSON(
            {
                "status": "ok",
                "log_position": services.ledger.app.recorder.max_notification_id() or 0,
                "read_model_position": services.ledger.runner.position(),
            }
        )

    return app

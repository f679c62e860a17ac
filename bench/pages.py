"""The web workspace's page timings (issue 12): the server-side time of each page, p50 and
p95 over repeated requests, in a ledger of the benchmark's size.

The pages are measured where they are read: the Nijmegen demo (its reports and the 119 of
figuur 1 the issue follows), with a synthetic municipality's history recorded on top of it
to reach the size (`Generator(municipality=...)`: names of its own, so both live in one
ledger). The demo comes first: its fiscal years close before the synthetic history's
go-live load, which records facts known in past years but not into a closed year.

Requests go to the application in-process (Starlette's TestClient): the time of a request
is the server's rendering plus a few tenths of a millisecond of in-process transport, no
network, no second process competing for the two cores. One sign-in through the form per
run; one unmeasured request per page first (templates compile, caches warm). A page that
does not answer 200 fails the run.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from itertools import islice
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.auth import Role, TokenStore
from api.demo import nijmegen
from api.ledger import Ledger, system_clock
from api.settings import Settings
from bench.synthetic import Generator, Shape

PAGE_REPEATS = 20  # requests per page; the quick CI size stays within seconds
MUNICIPALITY = "synthetisch"
PEILDATUM_REPORT = "interventieplan-fase-4"  # a report read as of another basis
CELL_119 = (
    "/figuur/cel?rapport=voortgangsrapportage-2019-q4&tabel=figuur-1&rij=2&kolom=beschikbaar-2020"
)
# The workspace's other areas.
LATER_PAGES = (
    "/begroting",
    "/begroting?jaar=2020&indeling=taakveld&peildatum=2019Q4",
    "/begroting/taakstellingen?jaar=2020",
    "/figuur/begroting?jaar=2020&interventie=2&kant=lasten",
    "/vergelijken?rapport=interventieplan-fase-4&van=interventieplan-fase-4"
    "&naar=voortgangsrapportage-2019-q4",
    "/besluiten",
    "/besluiten/raad-2019-05-08-interventieplan-fase-4",
    "/rechtmatigheid",
    "/audit",
    "/audit/log",
    "/audit/log?soort=BudgetLine.Amended&pagina=2",
)
ABOUT = (
    "Server-side time per request of each page of the web workspace, in-process, p50 / p95 "
    "in ms over the requests of `--page-repeats` after one unmeasured request, signed in as "
    "an auditor, over the Nijmegen demo with a synthetic municipality of the size on top "
    "(bench/pages.py). A page that does not answer 200 fails the run."
)
PREFIX = "page "  # of the result keys: "page /rapporten"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def record(ledger: Ledger, size: int, batch_size: int) -> int:
    """The demo, then a synthetic municipality of `size` events in batches (the go-live
    load); the read model caught up. The number of events in the log."""
    nijmegen.load(ledger.app)
    steps = Generator(ledger.app, Shape.for_events(size), municipality=MUNICIPALITY).commands()
    while True:
        with ledger.app.batch() as batch:
            for _ in islice(steps, batch_size):
                pass
        if not batch.commands:
            break
    ledger.runner.catch_up()
    return ledger.app.recorder.max_notification_id() or 0


def paths(ledger: Ledger) -> list[str]:
    """The pages to time: the report list, every report as published, one report as of a
    quarter-end, the 119's history, and the areas still to come."""
    with ledger.engine.connect() as conn:
        report_ids = conn.execute(text("SELECT report_id FROM reports ORDER BY position")).scalars()
        reports = [f"/rapporten/{report_id}" for report_id in report_ids]
    return [
        "/rapporten",
        *reports,
        f"/rapporten/{PEILDATUM_REPORT}?peildatum=2019Q4",
        CELL_119,
        *LATER_PAGES,
    ]


def sign_in(client: TestClient, token: str) -> None:
    """Through the form, as a browser does: the client keeps the session cookie."""
    form = client.get("/")
    found = _CSRF.search(form.text)
    if found is None:
        raise RuntimeError(f"the sign-in page has no CSRF field: {form.status_code}")
    answer = client.post("/aanmelden", data={"token": token, "csrf": found[1], "volgende": ""})
    if answer.status_code != 303:
        raise RuntimeError(f"signing in answered {answer.status_code}: {answer.text[:200]}")


def timings(ledger: Ledger, repeats: int) -> dict[str, Any]:
    """Per page: its status and the p50/p95 of `repeats` requests; or that it is not served."""
    _, token = TokenStore(ledger.engine, system_clock).create(
        name=f"bench-pages-{uuid.uuid4().hex[:8]}", role=Role.AUDITOR, created_by="bench"
    )
    figures: dict[str, Any] = {}
    app = create_app(Settings(), ledger=ledger)
    with TestClient(app, follow_redirects=False) as client:
        verifying = app.state.verifying
        if isinstance(verifying, threading.Thread):
            verifying.join()  # the start-up verify of a large log would share the cores
        sign_in(client, token)
        for path in paths(ledger):
            first = client.get(path)
            if first.status_code != 200:  # a broken page is a failed run, never a row
                raise RuntimeError(f"{path} answered {first.status_code}: {first.text[:200]}")
            samples, statuses = [], {first.status_code}
            for _ in range(repeats):
                start = time.perf_counter()
                answer = client.get(path)
                samples.append(time.perf_counter() - start)
                statuses.add(answer.status_code)
            figures[PREFIX + path] = {
                "status": "/".join(str(status) for status in sorted(statuses)),
                "requests": repeats,
                "p50_ms": round(percentile(samples, 0.5) * 1000, 2),
                "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
            }
    return figures


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def page_rows(figures: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, value in figures.items():
        if name.startswith(PREFIX):
            yield name.removeprefix(PREFIX), value


def table(columns: list[tuple[str, dict[str, Any]]]) -> str:
    """One row per page, one column per backend and size: p50 / p95 ms, or why not timed."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        status = "" if value["status"] == "200" else f" (status {value['status']})"
        return f"{value['p50_ms']:g} / {value['p95_ms']:g}{status}"

    found = [(label, dict(page_rows(figures))) for label, figures in columns]
    pages = list(dict.fromkeys(path for _, rows in found for path in rows))
    if not pages:
        return "No page timings in this run (--no-pages)."
    lines = [
        "| page: p50 / p95 ms | " + " | ".join(label for label, _ in found) + " |",
        "|---|" + "---|" * len(found),
        "| events in the ledger | "
        + " | ".join(f"{figures.get('pages events', 0):,}" for _, figures in columns)
        + " |",
    ]
    for path in pages:
        cells = " | ".join(cell(rows.get(path)) for _, rows in found)
        lines.append(f"| `{path}` | {cells} |")
    return "\n".join(lines)

"""What the command line loads to start (ADR 0037): a read of a read model at the log's head
loads neither the event store nor the domain's use cases, nor anything of the service; a
read model behind the log is caught up first, as before. What is imported, never how long
it takes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.demo import nijmegen
from api.ledger import open_ledger
from projections.readmodel import position
from projections.store.database import Database
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION
from support.processes import begroting

pytestmark = pytest.mark.e2e

# Run in a fresh interpreter: the command as `main` runs it, then the libraries and the
# modules of ours it loaded.
PROBE = (
    "import contextlib, io, sys\n"
    "from api.cli.main import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(sys.argv[1:])\n"
    "libraries = ('eventsourcing', 'fastapi', 'starlette', 'uvicorn', 'pydantic', 'alembic',\n"
    "             'openpyxl', 'psycopg', 'jinja2')\n"
    "ours = ('domain.application', 'domain.aggregate', 'projections.readmodel.runner',\n"
    "        'projections.readmodel.projectors', 'projections.audit.chain', 'api.ledger')\n"
    "print(code, sorted({m.split('.')[0] for m in sys.modules} & set(libraries)),\n"
    "      sorted(set(sys.modules) & set(ours)))\n"
)


def loaded(tmp_path: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_a_report_on_a_current_read_model_loads_no_event_store_domain_or_service(
    tmp_path: Path, demo_db: str
) -> None:
    found = loaded(tmp_path, "report", "interventieplan-fase-4", "--db", demo_db)

    assert found == "0 [] []\n"


def test_the_figure_commands_on_a_current_read_model_load_none_of_them_either(
    tmp_path: Path, demo_db: str
) -> None:
    found = [
        loaded(tmp_path, *command, "--db", demo_db)
        for command in (
            ["reports"],
            ["budget", "--year", "2020"],
            ["report", "voortgangsrapportage-2019-q4", "--format", "json"],
        )
    ]

    assert found == ["0 [] []\n"] * 3


def test_a_report_on_a_log_the_read_model_has_not_caught_up_with_catches_up_first(
    tmp_path: Path, demo_db: str
) -> None:
    behind = f"sqlite:///{tmp_path}/behind.db"
    opened = open_ledger(behind, clock=Clock().now)
    try:
        nijmegen.load(opened.app)  # recorded, not projected
    finally:
        opened.close()
    engine = Database.parse(behind).create_engine()
    with engine.connect() as conn:
        before = (position.reached(conn), position.log_head(conn), position.current(conn))

    report = begroting("report", "interventieplan-fase-4", "--format", "json", "--db", behind,
                       cwd=tmp_path, module=True)  # fmt: skip
    caught_up = begroting("report", "interventieplan-fase-4", "--format", "json", "--db",
                          demo_db, cwd=tmp_path, module=True)  # fmt: skip
    with engine.connect() as conn:
        after = position.current(conn)
    engine.dispose()

    assert before == (0, DEMO_LAST_POSITION, None)
    assert (report.returncode, report.stderr) == (0, "")
    assert json.loads(report.stdout) == json.loads(caught_up.stdout)
    assert after == DEMO_LAST_POSITION


def test_a_report_on_a_new_database_opens_it_as_before(tmp_path: Path) -> None:
    result = begroting("reports", "--format", "text", "--db", f"sqlite:///{tmp_path}/new.db",
                       cwd=tmp_path, module=True)  # fmt: skip
    engine = Database.parse(f"sqlite:///{tmp_path}/new.db").create_engine()
    with engine.connect() as conn:
        reached = position.current(conn)
    engine.dispose()

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "report  published_at  knowledge_cutoff  log_position  title\n",
    )
    assert reached == 0

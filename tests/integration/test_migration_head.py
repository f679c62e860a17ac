"""Opening a ledger whose schema is at head skips alembic (ADR 0023): the head read from the
migration files must be alembic's own, or a database one migration behind would be left
unmigrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

import migrations
from projections.store.database import migration_head


def test_the_head_read_from_the_files_is_alembics() -> None:
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))

    assert migration_head() == ScriptDirectory.from_config(config).get_current_head()


def test_opening_a_database_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from api.ledger import open_ledger\n"
        f"url = 'sqlite:///{tmp_path}/x.db'\n"
        "open_ledger(url).close()\n"  # a new database: alembic migrates it
        "loaded = 'alembic' in sys.modules\n"
        "for name in [m for m in sys.modules if m.split('.')[0] == 'alembic']:\n"
        "    del sys.modules[name]\n"
        "open_ledger(url).close()\n"  # at head now: alembic is not needed
        "print(loaded, 'alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert result.stdout == "True False\n"

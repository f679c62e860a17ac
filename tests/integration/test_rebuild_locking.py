"""A rebuild takes the read model for itself (ADR 0015): a catch-up batch in another process
cannot commit rows the rebuild has just untracked, and a rebuild mends the read model
whatever state it is in, without catching up first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, update
from test_projections import (
    PROJECTION_NAMES,
    READ_MODEL,
    TRACKED_NAMES,
    record_extra_history,
    snapshot,
    tracked,
)

from api.cli import common
from api.cli.main import main
from api.demo import nijmegen
from api.ledger import Ledger, open_ledger
from projections.readmodel.runner import ProjectionRunner, ReadModelBrokenError, ReadModelBusyError
from projections.store import schema
from projections.store.database import Database
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION

# How long the batch gives the rebuild to get between its tracking read and its update.
# Under the lock the rebuild never gets there, and the batch goes on after this wait.
RACE_WINDOW = 2.0

# The projections' tables keyed by log position; the chain's own tables are never rebuilt.
FACT_TABLES = [
    table
    for table in READ_MODEL
    if "position" in table.c
    and table not in (schema.tracking, schema.chain_links, schema.report_seals)
]


def pause_in_select_notifications(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, hooks: dict[str, Callable[[], None]]
) -> None:
    """Run `hooks[thread name]` the first time that thread reads the log: inside a batch,
    right after the batch read the tracking rows (and, for a rebuild, after it emptied them)."""
    recorder = ledger.app.recorder
    original = recorder.select_notifications
    fired: set[str] = set()

    def select_notifications(*args: Any, **kwargs: Any) -> Any:
        name = threading.current_thread().name
        if name in hooks and name not in fired:
            fired.add(name)
            hooks[name]()
        return original(*args, **kwargs)

    monkeypatch.setattr(recorder, "select_notifications", select_notifications)


def test_a_rebuild_cannot_empty_the_tracking_between_a_batchs_read_and_its_update(
    demo_ledger: Ledger, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's interleaving, made deterministic: a server's batch has read the tracking
    rows when a rebuild in another process starts. Before the lock, the rebuild's delete
    committed in between, the batch committed its rows with no tracking, and every later
    catch-up collided with them."""
    record_extra_history(demo_ledger.app, clock, part=1)
    last = demo_ledger.app.recorder.max_notification_id()
    other = ProjectionRunner(demo_ledger.app, demo_ledger.engine)  # another process's runner
    rebuilt_to: list[int] = []
    failures: list[BaseException] = []
    rebuild_emptied = threading.Event()
    batch_done = threading.Event()

    def rebuild() -> None:
        try:
            rebuilt_to.append(other.rebuild())
        except BaseException as error:  # reported by the assertions below
            failures.append(error)

    rebuilder = threading.Thread(target=rebuild, name="rebuild")

    def batch_has_read_the_tracking() -> None:
        rebuilder.start()
        rebuild_emptied.wait(RACE_WINDOW)

    def rebuild_has_emptied_the_read_model() -> None:
        rebuild_emptied.set()
        batch_done.wait(RACE_WINDOW)

    pause_in_select_notifications(
        demo_ledger,
        monkeypatch,
        {
            threading.current_thread().name: batch_has_read_the_tracking,
            "rebuild": rebuild_has_emptied_the_read_model,
        },
    )
    try:
        reached = demo_ledger.runner.catch_up()
    finally:
        batch_done.set()
        rebuilder.join()

    assert failures == []
    assert (reached, rebuilt_to) == (last, [last])
    assert tracked(demo_ledger.engine) == dict.fromkeys(TRACKED_NAMES, last)
    state = snapshot(demo_ledger.engine)
    record_extra_history(demo_ledger.app, clock, part=2)
    assert demo_ledger.runner.catch_up() == demo_ledger.app.recorder.max_notification_id()
    # Every row is accounted for: what the read model holds is what a rebuild gives.
    caught_up = snapshot(demo_ledger.engine)
    assert demo_ledger.runner.rebuild() == demo_ledger.app.recorder.max_notification_id()
    assert snapshot(demo_ledger.engine) == caught_up != state


# -- a rebuild mends any state ---------------------------------------------------------


def rows_without_tracking(ledger: Ledger, caught_up_to: int) -> None:
    """The issue's state: the rows after `caught_up_to` committed by a batch whose tracking
    update found no rows, since a rebuild had just deleted rows and tracking; the chain,
    which a rebuild leaves alone, tracked as far as the batch."""
    with ledger.engine.begin() as conn:
        for table in FACT_TABLES:
            conn.execute(delete(table).where(table.c.position <= caught_up_to))
        conn.execute(delete(schema.tracking).where(schema.tracking.c.projection != "chain"))


def tracking_without_rows(ledger: Ledger, caught_up_to: int) -> None:
    """The rows gone, the tracking still claiming them."""
    with ledger.engine.begin() as conn:
        for table in FACT_TABLES:
            conn.execute(delete(table))


def a_projection_ahead(ledger: Ledger, caught_up_to: int) -> None:
    """The budget projection past the others, whose rows are there but not their tracking."""
    others = [name for name in PROJECTION_NAMES if name != "budget"]
    with ledger.engine.begin() as conn:
        conn.execute(
            update(schema.tracking)
            .where(schema.tracking.c.projection.in_(others))
            .values(position=caught_up_to - 20)
        )


BROKEN_STATES: dict[str, Callable[[Ledger, int], None]] = {
    "rows-without-tracking": rows_without_tracking,
    "tracking-without-rows": tracking_without_rows,
    "a-projection-ahead": a_projection_ahead,
}


def history_and_its_read_model(ledger: Ledger, clock: Clock) -> tuple[int, int, Any]:
    """The demo and more, its read model as a fresh rebuild gives it: the position caught
    up to after the first part of the history, the last position, and the snapshot."""
    nijmegen.load(ledger.app)
    record_extra_history(ledger.app, clock, part=1)
    caught_up_to = ledger.runner.catch_up()
    record_extra_history(ledger.app, clock, part=2)
    last = ledger.app.recorder.max_notification_id() or 0
    assert ProjectionRunner(ledger.app, ledger.engine).rebuild() == last > caught_up_to
    return caught_up_to, last, snapshot(ledger.engine)


@pytest.mark.parametrize("broken", list(BROKEN_STATES))
def test_a_rebuild_mends_a_read_model_in_any_state_to_what_a_fresh_rebuild_gives(
    ledger: Ledger, clock: Clock, broken: str
) -> None:
    caught_up_to, last, expected = history_and_its_read_model(ledger, clock)
    BROKEN_STATES[broken](ledger, caught_up_to)
    assert snapshot(ledger.engine) != expected

    assert ledger.runner.rebuild() == last
    assert snapshot(ledger.engine) == expected
    assert ledger.runner.catch_up() == last


def test_a_read_model_with_rows_it_does_not_track_cannot_catch_up_and_says_rebuild(
    ledger: Ledger, clock: Clock
) -> None:
    caught_up_to, _, _ = history_and_its_read_model(ledger, clock)
    rows_without_tracking(ledger, caught_up_to)

    with pytest.raises(ReadModelBrokenError) as raised:
        ledger.runner.catch_up()

    assert str(raised.value) == (
        "the read model cannot catch up from log position 1: its rows disagree with its "
        "tracked positions; run `begroting rebuild`"
    )


def test_begroting_rebuild_mends_the_broken_state_of_the_issue_without_catching_up_first(
    ledger: Ledger,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caught_up_to, last, expected = history_and_its_read_model(ledger, clock)
    rows_without_tracking(ledger, caught_up_to)
    # The command line opens the test's own ledger: its SQLite file or PostgreSQL schema.
    url = ledger.engine.url.render_as_string(hide_password=False)
    schema_name = ledger.app.env.get("POSTGRES_SCHEMA")
    monkeypatch.setattr(common, "database_for", lambda _: Database.parse(url, schema_name))
    monkeypatch.setattr(
        common, "open_for", lambda _: open_ledger(url, schema=schema_name, clock=clock.now)
    )

    assert main(["budget", "--year", "2020"]) == 2
    assert capsys.readouterr().err == (
        "begroting: the read model cannot catch up from log position 1: its rows disagree "
        "with its tracked positions; run `begroting rebuild`\n"
    )
    assert main(["rebuild"]) == 0
    assert capsys.readouterr() == (f"read model rebuilt from the log up to position {last}\n", "")

    assert snapshot(ledger.engine) == expected
    assert ledger.runner.catch_up() == last


def test_a_rebuild_waits_for_another_threads_lock_only_so_long(demo_ledger: Ledger) -> None:
    # ADR 0015: a rebuild waits `lock_timeout` (here `wait`) for the lock, then gives up.
    with demo_ledger.runner._lock, pytest.raises(ReadModelBusyError):
        demo_ledger.runner.rebuild(wait=0.1)

    assert demo_ledger.runner.rebuild() == DEMO_LAST_POSITION

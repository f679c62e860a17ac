"""The read model is a pure function of the log: catch-up is idempotent, a rebuild from
scratch yields exactly the incrementally kept rows, and a batch lands whole or not at all
(ADR 0005)."""

from __future__ import annotations

import types
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

import projections.readmodel.runner as runner_module
from api.demo import nijmegen
from api.demo.nijmegen import (
    FUND,
    RESERVE_WMO_JEUGD,
    SALDIRESERVE,
    day,
    fund_line,
)
from api.ledger import Ledger
from domain.application import Begroting, Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Period
from projections.readmodel import projectors
from projections.readmodel.runner import ProjectionRunner, ReadModelBrokenError
from projections.store import schema
from support.clock import Clock
from support.ledgers import READ_MODEL, Rows, snapshot

Snapshot = Rows


def count(state: Snapshot) -> int:
    return sum(len(rows) for rows in state.values())


def positions_in(state: Snapshot) -> set[int]:
    """The log positions of the fact rows (every table keyed by a log position)."""
    found: set[int] = set()
    for table in READ_MODEL:
        if table.name == schema.tracking.name or "position" not in table.c:
            continue
        index = list(table.c.keys()).index("position")
        found.update(int(row[index]) for row in state[table.name])
    return found


@pytest.fixture(autouse=True)
def no_silent_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One process, no competing writer: a retry of catch-up can only mean a bug, and the
    runner would retry it forever. Turn the retry into a failure instead of a hang."""

    def refuse(seconds: float) -> None:
        raise AssertionError("catch-up retried a batch, though no other process writes")

    monkeypatch.setattr(
        runner_module, "time", types.SimpleNamespace(sleep=refuse, monotonic=lambda: 0.0)
    )


def later(clock: Clock, minutes: int = 5) -> None:
    clock.advance(timedelta(minutes=minutes))


def _record_rechtmatigheid(app: Begroting, clock: Clock, actor: str) -> None:
    """Part 3: the facts of ADR 0029: a verantwoordingsgrens, an open-einde line, and an
    amendment a still-proposed decision would make."""
    later(clock)
    for reference, kind in (
        ("raad-2021-financiele-verordening", DecisionKind.BELEIDSNOTA),
        ("raad-2021-begroting", DecisionKind.BEGROTING),
    ):
        app.propose_decision(
            Context(actor=actor, known_at=day("2020-11-04")),
            reference=reference,
            title=reference,
            body=Bestuursorgaan.RAAD,
            kind=kind,
            period=Period.year(2021),
        )
        app.adopt_decision(Context(actor=actor, known_at=day("2020-11-05")), reference=reference)
    app.set_verantwoordingsgrens(
        Context(actor=actor, known_at=day("2020-11-05")),
        fiscal_year=2021,
        percentage=Decimal("1"),
        decision="raad-2021-financiele-verordening",
    )
    app.establish_budget(
        Context(actor=actor, known_at=day("2020-11-05")),
        key=LineKey(2021, nijmegen.WWZ, "6.72"),
        amount=Money.thousands(800),
        decision="raad-2021-begroting",
        regeling="open-einde",
    )
    # A line and a realisation with their Iv3 categorie (ADR 0031): the column rebuilds too.
    categorised = LineKey(2021, nijmegen.WWZ, "6.1", categorie="3.8")
    app.establish_budget(
        Context(actor=actor, known_at=day("2020-11-05")),
        key=categorised,
        amount=Money.thousands(25),
        decision="raad-2021-begroting",
    )
    app.report_realisation(
        Context(actor=actor, known_at=day("2021-04-14"), source="Q1 2021"),
        key=categorised,
        amount=Money.thousands(5),
        status=RealisationStatus.VOORLOPIG,
        quarter=1,
    )
    # A realisation of a month (ADR 0033): the month column rebuilds too.
    app.report_realisation(
        Context(actor=actor, known_at=day("2021-06-14"), source="mei 2021"),
        key=LineKey(2021, nijmegen.WWZ, "6.72"),
        amount=Money.thousands(7),
        status=RealisationStatus.VOORLOPIG,
        month="2021-05",
    )
    app.propose_decision(
        Context(actor=actor, known_at=day("2021-12-01")),
        reference="raad-2021-slotwijziging",
        title="Slotwijziging 2021",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.SLOTWIJZIGING,
        period=Period.year(2021),
    )
    app.propose_amendment(
        Context(actor=actor, known_at=day("2021-12-01")),
        reference="raad-2021-slotwijziging",
        key=LineKey(2021, nijmegen.WWZ, "6.72"),
        amount=Money.thousands(40),
    )


def record_extra_history(app: Begroting, clock: Clock, part: int) -> None:
    """Commands beyond the demo, each one event or several (transfers, carry-overs,
    allocations), so that small batches cut through the middle of a command's events."""
    actor = "test:griffie"
    if part == 3:
        _record_rechtmatigheid(app, clock, actor)
        return
    if part == 1:
        later(clock)
        reference = "raad-2020-07-zomernota-2020"
        app.propose_decision(
            Context(actor=actor, known_at=day("2020-06-24"), source="Zomernota 2020"),
            reference=reference,
            title="Zomernota 2020",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.ZOMERNOTA,
            period=Period(2020, 2021),
        )
        app.adopt_decision(Context(actor=actor, known_at=day("2020-07-08")), reference=reference)
        later(clock)
        app.amend_budget(
            Context(actor=actor, known_at=day("2020-07-08")),
            key=fund_line(2020, 9),
            delta=Money.thousands(30),
            decision=reference,
        )
        app.transfer_budget(
            Context(actor=actor, known_at=day("2020-07-08")),
            source=fund_line(2020, 10),
            target=fund_line(2020, 9),
            amount=Money.thousands(25),
            decision=reference,
        )
        app.adjust_taakstelling(
            Context(actor=actor, known_at=day("2020-07-08")),
            reference="ca-doorbraakaanpak",
            fiscal_year=2020,
            delta=Money.thousands(-100),
            decision=reference,
        )
        # The stated facts (ADR 0030): a kengetal, a stated result, a specification.
        stated = Context(actor=actor, known_at=day("2020-07-08"), source="Interventieplan")
        app.define_kengetal(
            stated,
            reference="ivp-2-bezoeken-stips",
            label="Aantal bezoeken Stips per jaar",
            unit="count",
            fiscal_year=2017,
            interventie=2,
        )
        app.measure_kengetal(
            stated, reference="ivp-2-bezoeken-stips", fiscal_year=2017, value=Decimal("15000")
        )
        # The demo states 2019's results (wmo is restated below); 2020's are not in it.
        app.state_result(
            Context(actor=actor, known_at=day("2020-07-08"), source="Zomernota 2020"),
            fiscal_year=2020,
            domain="jeugd",
            label="Jeugd",
            scope="Op het onderdeel Jeugd verwachten we over 2020 een nadelig resultaat",
            amount=Money.thousands(-2000),
            status=RealisationStatus.VOORLOPIG,
        )
        app.specify_budget(
            Context(actor=actor, known_at=day("2020-07-08")),
            key=fund_line(2020, 9),
            activity="Opbouwwerk",
            amount=Money.thousands(20),
            decision=reference,
        )
        return
    later(clock, 60)
    reference = "raad-2020-12-nota-slotwijzigingen-2020"
    app.propose_decision(
        Context(actor=actor, known_at=day("2020-12-02"), source="Nota Slotwijzigingen 2020"),
        reference=reference,
        title="Nota Slotwijzigingen 2020",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.SLOTWIJZIGING,
        period=Period(2020, 2021),
    )
    app.adopt_decision(Context(actor=actor, known_at=day("2020-12-16")), reference=reference)
    app.carry_over_budget(
        Context(actor=actor, known_at=day("2020-12-16")),
        source=fund_line(2020, 5),
        target=fund_line(2021, 5),
        amount=Money.thousands(42),
        reserve=RESERVE_WMO_JEUGD,
        decision=reference,
    )
    app.deposit_to_reserve(
        Context(actor=actor, known_at=day("2020-12-16")),
        code=SALDIRESERVE,
        fiscal_year=2021,
        amount=Money.thousands(500),
        earmark=FUND,
        decision=reference,
    )
    app.allocate_from_reserve(
        Context(actor=actor, known_at=day("2020-12-16")),
        code=SALDIRESERVE,
        earmark=FUND,
        allocations={
            fund_line(2021, 1): Money.thousands(10),
            fund_line(2021, 2): Money.thousands(11),
        },
        decision=reference,
    )
    app.specify_budget(
        Context(actor=actor, known_at=day("2020-12-16")),
        key=fund_line(2020, 9),
        activity="Opbouwwerk",
        amount=Money.thousands(15),
        decision=reference,
    )
    app.measure_kengetal(
        Context(actor=actor, known_at=day("2020-12-16"), source="Jaarverslag"),
        reference="ivp-2-bezoeken-stips",
        fiscal_year=2017,
        value=Decimal("15200.5"),
    )
    app.restate_result(
        Context(actor=actor, known_at=day("2020-12-16"), source="Jaarrekening 2019"),
        fiscal_year=2019,
        domain="wmo",
        amount=Money.thousands(1100),
        status=RealisationStatus.DEFINITIEF,
        reason="jaarrekening",
        corrects_version=1,
    )
    # Reserves as balances (ADR 0027): an opening stated and corrected, an oormerk, a release.
    for amount in (Money.thousands(12000), Money.thousands(11900)):
        app.state_reserve_opening(
            Context(actor=actor, known_at=day("2021-04-14"), source="Jaarrekening 2020"),
            code=SALDIRESERVE,
            fiscal_year=2021,
            amount=amount,
        )
    app.earmark_in_reserve(
        Context(actor=actor, known_at=day("2020-12-16")),
        code=SALDIRESERVE,
        fiscal_year=2021,
        amount=Money.thousands(300),
        earmark="wmo-jeugd-2021",
        decision=reference,
    )
    app.release_earmark(
        Context(actor=actor, known_at=day("2020-12-16")),
        code=SALDIRESERVE,
        fiscal_year=2021,
        amount=Money.thousands(100),
        earmark="wmo-jeugd-2021",
        decision=reference,
    )
    later(clock)
    app.correct_realisation(
        Context(actor="test:concern-control", known_at=day("2021-04-14"), source="Jaarrekening"),
        key=fund_line(2019, 2),
        corrects_version=1,
        amount=Money.thousands(288),
        status=RealisationStatus.DEFINITIEF,
        reason="jaarrekening 2019",
    )
    app.report_realisation(
        Context(actor="test:concern-control", known_at=day("2021-04-14"), source="Jaarrekening"),
        key=LineKey(2020, nijmegen.WWZ, "6.71", interventie=2, fund=FUND),
        amount=Money.thousands(100),
        status=RealisationStatus.VOORLOPIG,
    )
    jaarrekening = "raad-2020-07-jaarrekening-2019"
    app.propose_decision(
        Context(actor=actor, known_at=day("2020-06-10"), source="Jaarstukken 2019"),
        reference=jaarrekening,
        title="Jaarstukken 2019",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.JAARREKENING,
        period=Period.year(2019),
    )
    app.adopt_decision(Context(actor=actor, known_at=day("2020-07-08")), reference=jaarrekening)
    app.close_fiscal_year(
        Context(actor=actor, known_at=day("2020-07-08")), fiscal_year=2019, decision=jaarrekening
    )


def tracked(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(position)
            for name, position in conn.execute(
                select(schema.tracking.c.projection, schema.tracking.c.position)
            )
        }


PROJECTION_NAMES = [p.name for p in projectors.PROJECTIONS]
# The hash chain tracks its position beside the projections, in the same table (ADR 0007).
TRACKED_NAMES = [*PROJECTION_NAMES, "chain"]


# -- catch-up ---------------------------------------------------------------------------


def test_catching_up_again_without_new_events_returns_the_same_position_and_changes_no_row(
    demo_ledger: Ledger,
) -> None:
    first_state = snapshot(demo_ledger.engine)
    first = demo_ledger.runner.position()

    again = demo_ledger.runner.catch_up()

    assert again == first == demo_ledger.app.recorder.max_notification_id()
    assert snapshot(demo_ledger.engine) == first_state


def test_every_projection_and_the_chain_track_the_last_position_of_the_log(
    demo_ledger: Ledger,
) -> None:
    last = demo_ledger.app.recorder.max_notification_id()

    assert tracked(demo_ledger.engine) == dict.fromkeys(TRACKED_NAMES, last)
    assert demo_ledger.runner.positions() == dict.fromkeys(PROJECTION_NAMES, last)


def test_every_event_of_the_demo_appears_once_in_the_audit_log(demo_ledger: Ledger) -> None:
    state = snapshot(demo_ledger.engine)
    last = demo_ledger.app.recorder.max_notification_id()

    assert [row[0] for row in state["audit_log"]] == list(range(1, last + 1))
    assert positions_in(state) == set(range(1, last + 1))


def test_an_empty_log_catches_up_to_position_zero_and_writes_nothing(ledger: Ledger) -> None:
    assert ledger.runner.catch_up() == 0
    assert count(snapshot(ledger.engine)) == 0


# -- rebuild ----------------------------------------------------------------------------


def test_a_rebuild_yields_exactly_the_rows_kept_incrementally_for_the_demo(
    demo_ledger: Ledger,
) -> None:
    incremental = snapshot(demo_ledger.engine)

    rebuilt_to = demo_ledger.runner.rebuild()

    assert rebuilt_to == demo_ledger.app.recorder.max_notification_id()
    assert snapshot(demo_ledger.engine) == incremental
    # The comparison is not vacuous: the demo fills every table but the closed years'.
    empty = [name for name, rows in incremental.items() if not rows]
    # The documents name no closing of a year, no open-einde regeling by line, no amendment
    # left proposed and no verantwoordingsgrens (src/api/demo/README.md, A13).
    assert empty == [
        "budget_line_regelingen",
        "fiscal_year_events",
        "proposed_amendments",
        "verantwoordingsgrenzen",
    ]


def test_a_rebuild_equals_state_kept_in_small_batches_over_several_catch_ups(
    ledger: Ledger, clock: Clock
) -> None:
    small = ProjectionRunner(ledger.app, ledger.engine, batch_size=7)
    nijmegen.load(ledger.app)
    reached = [small.catch_up()]
    record_extra_history(ledger.app, clock, part=1)
    reached.append(small.catch_up())
    record_extra_history(ledger.app, clock, part=2)
    record_extra_history(ledger.app, clock, part=3)
    reached.append(small.catch_up())
    incremental = snapshot(ledger.engine)
    last = ledger.app.recorder.max_notification_id()

    assert reached[0] < reached[1] < reached[2] == last
    assert [name for name, rows in incremental.items() if not rows] == []
    assert tracked(ledger.engine) == dict.fromkeys(TRACKED_NAMES, last)

    assert ledger.runner.rebuild() == last
    assert snapshot(ledger.engine) == incremental

    assert small.rebuild() == last
    assert snapshot(ledger.engine) == incremental


def test_a_rebuild_of_one_projection_leaves_the_others_untouched(demo_ledger: Ledger) -> None:
    before = snapshot(demo_ledger.engine)
    last = demo_ledger.app.recorder.max_notification_id()

    assert demo_ledger.runner.rebuild(["budget"]) == last
    assert snapshot(demo_ledger.engine) == before


def test_a_rebuild_of_one_projection_in_small_batches_leaves_the_others_untouched(
    demo_ledger: Ledger,
) -> None:
    before = snapshot(demo_ledger.engine)
    last = demo_ledger.app.recorder.max_notification_id()
    small = ProjectionRunner(demo_ledger.app, demo_ledger.engine, batch_size=7)

    assert small.rebuild(["budget"]) == last
    assert snapshot(demo_ledger.engine) == before


# -- a failing batch --------------------------------------------------------------------


@pytest.fixture
def faulty_budget(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The budget projector raises on the event at `fault["at"]`, once it is set."""
    fault = {"at": 0}
    original = projectors.Budget.rows

    def rows(self: projectors.Budget, event: Any, position: int, state: bytes) -> Any:
        if position == fault["at"]:
            raise RuntimeError(f"projector fault at position {position}")
        return original(self, event, position, state)

    monkeypatch.setattr(projectors.Budget, "rows", rows)
    return fault


def test_a_failing_batch_writes_no_row_and_moves_no_tracking_position(
    demo_ledger: Ledger, clock: Clock, faulty_budget: dict[str, int]
) -> None:
    before = snapshot(demo_ledger.engine)
    caught_up_to = demo_ledger.runner.position()
    record_extra_history(demo_ledger.app, clock, part=1)
    last = demo_ledger.app.recorder.max_notification_id()
    # The transfer's two events are in the middle of the new ones; fail on the second.
    faulty_budget["at"] = caught_up_to + 5

    with pytest.raises(RuntimeError, match="projector fault at position"):
        demo_ledger.runner.catch_up()

    assert snapshot(demo_ledger.engine) == before
    assert demo_ledger.runner.position() == caught_up_to < last

    faulty_budget["at"] = 0
    assert demo_ledger.runner.catch_up() == last
    complete = snapshot(demo_ledger.engine)
    assert positions_in(complete) == set(range(1, last + 1))
    assert demo_ledger.runner.rebuild() == last
    assert snapshot(demo_ledger.engine) == complete


def test_a_failing_batch_keeps_the_batches_committed_before_it(
    ledger: Ledger, faulty_budget: dict[str, int]
) -> None:
    nijmegen.load(ledger.app)
    last = ledger.app.recorder.max_notification_id()
    small = ProjectionRunner(ledger.app, ledger.engine, batch_size=50)
    # The runner asks the budget projector about budget events only: fail on the first one
    # of the second batch.
    at = next(
        n.id
        for n in ledger.app.recorder.select_notifications(start=51, limit=last)
        if n.topic.startswith("domain.budget:")
    )
    assert 50 < at < 100
    faulty_budget["at"] = at

    with pytest.raises(RuntimeError, match=f"projector fault at position {at}"):
        small.catch_up()

    partial = snapshot(ledger.engine)
    assert small.positions() == dict.fromkeys(PROJECTION_NAMES, 50)
    assert positions_in(partial) == set(range(1, 51))

    faulty_budget["at"] = 0
    assert small.catch_up() == last
    complete = snapshot(ledger.engine)
    assert positions_in(complete) == set(range(1, last + 1))
    assert ledger.runner.rebuild() == last
    assert snapshot(ledger.engine) == complete


def test_the_read_model_records_the_moments_of_the_injected_clock(
    ledger: Ledger, clock: Clock
) -> None:
    nijmegen.load(ledger.app)
    record_extra_history(ledger.app, clock, part=1)
    ledger.runner.catch_up()
    with ledger.engine.connect() as conn:
        recorded = sorted(
            {
                row.recorded_at
                for row in conn.execute(
                    select(schema.audit_log.c.recorded_at).where(
                        schema.audit_log.c.actor == "test:griffie"
                    )
                )
            }
        )

    assert recorded == [
        datetime.fromisoformat("2026-11-23T09:05:00+00:00"),
        datetime.fromisoformat("2026-11-23T09:10:00+00:00"),
    ]


def test_a_batch_that_can_never_commit_fails_instead_of_retrying_forever(
    demo_ledger: Ledger, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(demo_ledger.engine)
    caught_up_to = demo_ledger.runner.position()
    record_extra_history(demo_ledger.app, clock, part=1)
    original = projectors.AuditLog.rows

    def twice(self: projectors.AuditLog, event: Any, position: int, state: bytes) -> Any:
        rows = list(original(self, event, position, state))
        return rows + rows  # the same primary key twice: every attempt conflicts

    retries: list[float] = []

    monkeypatch.setattr(projectors.AuditLog, "rows", twice)
    monkeypatch.setattr(
        runner_module, "time", types.SimpleNamespace(sleep=retries.append, monotonic=lambda: 0.0)
    )

    with pytest.raises(ReadModelBrokenError) as raised:
        demo_ledger.runner.catch_up()

    assert str(raised.value) == (
        f"the read model cannot catch up from log position {caught_up_to + 1}: its rows "
        "disagree with its tracked positions; run `begroting rebuild`"
    )
    assert isinstance(raised.value.__cause__, IntegrityError)
    assert retries == [0.05, 0.1]  # three attempts, then the error
    assert snapshot(demo_ledger.engine) == before
    assert demo_ledger.runner.position() == caught_up_to


def test_a_batch_another_process_committed_first_is_not_retried_but_continued(
    demo_ledger: Ledger, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_extra_history(demo_ledger.app, clock, part=1)
    last = demo_ledger.app.recorder.max_notification_id()
    competitor = ProjectionRunner(demo_ledger.app, demo_ledger.engine)
    original = ProjectionRunner._apply_batch
    raced: list[bool] = []

    def lose_the_race(self: ProjectionRunner, before: dict[str, int]) -> int | None:
        if self is demo_ledger.runner and not raced:
            raced.append(True)
            before.update(self.positions())  # what the batch read before its insert failed
            competitor.catch_up()  # commits this very batch first
            raise IntegrityError("INSERT INTO projection_tracking", None, Exception("duplicate"))
        return original(self, before)

    monkeypatch.setattr(ProjectionRunner, "_apply_batch", lose_the_race)

    reached = demo_ledger.runner.catch_up()  # no sleep: the autouse fixture would fail it

    assert raced == [True]
    assert reached == last

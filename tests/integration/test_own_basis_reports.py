"""A report rendered as of its own basis is kept (ADR 0013): the kept answer is exactly the
fresh one, it is kept under everything the answer depends on, and no rendering survives a
rebuild, so a read model rebuilt from a changed log is never answered from before."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, func, select, text

from api.demo.nijmegen import day, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.values import Period
from projections.audit.chain import ChainBroken
from projections.queries import reports
from projections.queries.basis import UnknownReportError
from projections.queries.reports import OwnBasisReports
from projections.readmodel.runner import ProjectionRunner
from projections.store import schema
from projections.store.database import snapshot
from support import tampering
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_HEAD, INTERVENTIEPLAN_LAST_POSITION

REPORT = "interventieplan-fase-4"
REPORTS = (REPORT, "voortgangsrapportage-2019-q4")


def fresh(ledger: Ledger, report_id: str) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return reports.render_report(conn, report_id, None, ledger.runner.position())


def kept_by(ledger: Ledger) -> OwnBasisReports:
    return OwnBasisReports(ledger.engine, lambda: ledger.runner.generation)


@pytest.fixture
def renderings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The report ids rendered from the read model (not answered from what was kept)."""
    rendered: list[str] = []
    original = reports._render

    def counted(conn: Any, report_id: str, *args: Any) -> dict[str, Any]:
        rendered.append(report_id)
        return original(conn, report_id, *args)

    monkeypatch.setattr(reports, "_render", counted)
    return rendered


def test_a_kept_report_is_exactly_the_fresh_rendering_and_rendered_once(
    demo_ledger: Ledger, renderings: list[str]
) -> None:
    kept = kept_by(demo_ledger)
    expected = {report_id: fresh(demo_ledger, report_id) for report_id in REPORTS}
    renderings.clear()

    answers = [kept.render(report_id) for _ in range(3) for report_id in REPORTS]

    assert answers == [expected[report_id] for _ in range(3) for report_id in REPORTS]
    assert renderings == list(REPORTS)
    assert len(kept) == 2
    assert answers[0]["basis"] == {
        "as_of": f"report:{REPORT}",
        "report": REPORT,
        "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
        "log_position": INTERVENTIEPLAN_LAST_POSITION,
        "chain_head": INTERVENTIEPLAN_HEAD,
    }


def test_changing_an_answer_changes_nothing_that_was_kept(demo_ledger: Ledger) -> None:
    kept = kept_by(demo_ledger)
    first = kept.render(REPORT)
    first["tables"][0]["rows"][0]["values"].clear()
    first["basis"]["chain_head"] = None

    assert kept.render(REPORT) == fresh(demo_ledger, REPORT)


def test_a_change_recorded_after_the_report_leaves_its_own_basis_as_it_was(
    demo_ledger: Ledger, clock: Clock, renderings: list[str]
) -> None:
    kept = kept_by(demo_ledger)
    before = kept.render(REPORT)
    # Known before the report's cutoff, recorded after it: outside the report's log position.
    ctx = Context(actor="test:griffie", known_at=day("2019-05-01"))
    clock.advance()
    demo_ledger.app.propose_decision(
        ctx,
        reference="raad-2019-05-late",
        title="Late",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.ZOMERNOTA,
        period=Period(2020, 2021),
    )
    demo_ledger.app.adopt_decision(ctx, reference="raad-2019-05-late")
    demo_ledger.app.amend_budget(
        ctx, key=fund_line(2020, 9), delta=Money.thousands(30), decision="raad-2019-05-late"
    )
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        now = reports.render_report(conn, REPORT, "now", demo_ledger.runner.position())
    assert kept.render(REPORT) == before == fresh(demo_ledger, REPORT)
    assert now["tables"] != before["tables"]
    assert renderings == [REPORT, REPORT, REPORT]  # kept, `now`, fresh: not kept again


def test_an_unknown_report_is_refused_and_nothing_is_kept(demo_ledger: Ledger) -> None:
    kept = kept_by(demo_ledger)

    with pytest.raises(UnknownReportError):
        kept.render("no-such-report")
    assert len(kept) == 0


def test_after_a_rebuild_of_a_forged_read_model_the_report_is_rendered_afresh(
    demo_ledger: Ledger, renderings: list[str]
) -> None:
    kept = kept_by(demo_ledger)
    # A forged read model (not append-only) is kept as rendered; the rebuild replaces both.
    tampering.add_a_million(demo_ledger.engine)
    forged = kept.render(REPORT)
    demo_ledger.runner.rebuild()

    after = kept.render(REPORT)

    assert after == fresh(demo_ledger, REPORT)
    assert after != forged
    assert after["basis"] == forged["basis"]
    assert renderings == [REPORT, REPORT, REPORT]  # kept, after the rebuild, fresh


def test_a_rebuild_from_a_changed_log_is_refused_and_keeps_nothing_new(
    demo_ledger: Ledger, renderings: list[str]
) -> None:
    kept = kept_by(demo_ledger)
    before = kept.render(REPORT)
    tampering.drop_guards(demo_ledger.engine)
    # An amount the report shows, rewritten in the log behind the chain (ADR 0017).
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")

    with pytest.raises(ChainBroken, match="changed at position 90"):
        demo_ledger.runner.rebuild()

    assert fresh(demo_ledger, REPORT) == before  # the rebuild rolled back whole
    assert renderings == [REPORT, REPORT]  # kept, fresh


def test_nothing_is_kept_or_answered_from_what_was_kept_while_a_rebuild_runs(
    demo_ledger: Ledger, renderings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = kept_by(demo_ledger)
    expected = kept.render(REPORT)
    during: list[dict[str, Any]] = []
    original = ProjectionRunner._apply_batch

    def render_before_it_ends(
        self: ProjectionRunner, before: dict[str, int], within: Connection | None = None
    ) -> int | None:
        reached = original(self, before, within)
        if reached is not None:  # the rebuild's last batch, before it commits (ADR 0015)
            during.append(kept.render(REPORT))
        return reached

    monkeypatch.setattr(ProjectionRunner, "_apply_batch", render_before_it_ends)
    demo_ledger.runner.rebuild()

    assert during == [expected]
    assert len(kept) == 0
    assert kept.render(REPORT) == expected
    assert len(kept) == 1
    assert renderings == [REPORT, REPORT, REPORT]  # before, during and after


def test_a_rendering_that_a_rebuild_overtook_is_not_kept(
    demo_ledger: Ledger, renderings: list[str]
) -> None:
    generations = iter([0, 2, 2, 2])  # a whole rebuild ran while the report was rendered
    kept = OwnBasisReports(demo_ledger.engine, lambda: next(generations))

    assert kept.render(REPORT) == fresh(demo_ledger, REPORT)
    assert len(kept) == 0
    assert kept.render(REPORT) == fresh(demo_ledger, REPORT)
    assert len(kept) == 1
    assert renderings == [REPORT, REPORT, REPORT, REPORT]


def test_a_runner_generation_is_odd_while_it_rebuilds_and_moves_on_with_each_rebuild(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    original = ProjectionRunner._apply_batch

    def watch(
        self: ProjectionRunner, before: dict[str, int], within: Connection | None = None
    ) -> int | None:
        seen.append(self.generation)
        return original(self, before, within)

    monkeypatch.setattr(ProjectionRunner, "_apply_batch", watch)
    assert demo_ledger.runner.generation == 0
    demo_ledger.runner.rebuild()
    demo_ledger.runner.rebuild()

    assert sorted(set(seen)) == [1, 3]
    assert demo_ledger.runner.generation == 4


def test_a_snapshot_does_not_see_what_another_connection_commits_meanwhile(
    demo_ledger: Ledger,
) -> None:
    rows = select(func.count()).select_from(schema.audit_log)
    with snapshot(demo_ledger.engine) as conn:
        before = conn.execute(rows).scalar_one()
        with demo_ledger.engine.begin() as other:
            other.execute(text("DELETE FROM audit_log WHERE position > 100"))
        during = conn.execute(rows).scalar_one()
    with demo_ledger.engine.connect() as conn:
        after = conn.execute(rows).scalar_one()

    assert (before, during, after) == (DEMO_LAST_POSITION, DEMO_LAST_POSITION, 100)

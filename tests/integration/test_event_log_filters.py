"""The audit log filtered as the workspace's Gebeurtenissenlog asks (period of days in
Amsterdam on known_at, event type, actor, decision), paged, and the choices its filters
offer. On SQLite and PostgreSQL, over the Nijmegen demo (290 events)."""

from __future__ import annotations

from datetime import date

from api.ledger import Ledger
from projections.queries import event_log
from projections.queries.event_log import LogFilter
from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_LAST_POSITION

ALL = DEMO_LAST_POSITION


def positions(ledger: Ledger, wanted: LogFilter, *, offset: int = 0, limit: int = 100) -> list[int]:
    with ledger.engine.connect() as conn:
        rows = event_log.audit_log(conn, until=ALL, wanted=wanted, offset=offset, limit=limit)
    return [row["position"] for row in rows]


def count(ledger: Ledger, wanted: LogFilter) -> int:
    with ledger.engine.connect() as conn:
        return event_log.audit_log_count(conn, until=ALL, wanted=wanted)


def test_an_event_type_keeps_only_those_events_in_log_order(demo_ledger: Ledger) -> None:
    wanted = LogFilter(event_type="BudgetLine.Amended")

    assert positions(demo_ledger, wanted, limit=11) == [
        82,
        84,
        86,
        88,
        90,
        92,
        94,
        96,
        98,
        100,
        102,
    ]
    assert positions(demo_ledger, wanted)[11:] == [104, 106, 108, 110, 137]
    assert positions(demo_ledger, wanted, offset=10, limit=3) == [102, 104, 106]
    assert count(demo_ledger, wanted) == 16


def test_a_period_is_of_whole_days_both_ends_included(demo_ledger: Ledger) -> None:
    # The zomernota's four events were known on 10 July 2019 (12:00 in Amsterdam).
    one_day = LogFilter(known_from=date(2019, 7, 10), known_to=date(2019, 7, 10))
    after = LogFilter(known_from=date(2019, 7, 11), known_to=date(2019, 12, 17))
    since_2019 = LogFilter(known_from=date(2019, 1, 1))
    until_2018 = LogFilter(known_to=date(2018, 12, 31))

    assert positions(demo_ledger, one_day) == [9, 10, 136, 137]
    assert positions(demo_ledger, after) == []
    assert (count(demo_ledger, since_2019), count(demo_ledger, until_2018)) == (237, 53)


def test_a_decision_type_and_actor_combine(demo_ledger: Ledger) -> None:
    zomernota = LogFilter(decision="raad-2019-07-zomernota-2019")
    proposed = LogFilter(
        decision="raad-2019-07-zomernota-2019",
        event_type="Decision.Proposed",
        actor="import:nijmegen-demo",
    )

    assert positions(demo_ledger, zomernota) == [9, 137]
    assert positions(demo_ledger, proposed) == [9]
    assert count(demo_ledger, LogFilter(actor="R. Kamer")) == 0
    assert count(demo_ledger, LogFilter(actor="import:nijmegen-demo")) == ALL


def test_no_filter_is_the_whole_log_up_to_the_position(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        assert event_log.audit_log_count(conn, until=ALL) == ALL
        assert event_log.audit_log_count(conn, until=100, wanted=LogFilter()) == 100


def test_the_choices_are_the_types_and_actors_up_to_the_position(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        every = event_log.log_choices(conn, until=ALL)
        before_reports = event_log.log_choices(conn, until=INTERVENTIEPLAN_LAST_POSITION - 1)

    assert every.event_types == [
        "BudgetLine.Amended",
        "BudgetLine.CarriedIn",
        "BudgetLine.CarriedOver",
        "BudgetLine.Opened",
        "BudgetLine.Specified",
        "Decision.Adopted",
        "Decision.Proposed",
        "Kengetal.Defined",
        "Kengetal.Measured",
        "Realisation.Reported",
        "Report.Published",
        "Reserve.Deposited",
        "Reserve.Earmarked",
        "Reserve.Established",
        "Reserve.Withdrawn",
        "StatedResult.Stated",
        "Taakstelling.Imposed",
        "Taakstelling.ShiftedIn",
        "Taakstelling.ShiftedOut",
        "Taakstelling.YearCancelled",
    ]
    assert every.actors == ["import:nijmegen-demo"]
    assert "Report.Published" not in before_reports.event_types

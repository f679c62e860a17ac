"""Backdating made visible (ADR 0018), on SQLite and PostgreSQL: a fact a person records with
a known_at more than the grace before its recorded_at is flagged in the authority report,
every lineage, a report cell's history, a report diff and the lineage export; one within
the grace is not; the demo's facts are a backfill and never flagged; the grace decides."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from api.cli.rendering import format_diff
from api.demo.nijmegen import FUND, IMPORT_ID, INTERVENTIEPLAN_4, WWZ, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.money import Money
from domain.realisation import RealisationStatus
from projections.queries import authority, backdating, basis, diff, lineage, row_exports
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION

FINANCE = "concern control"
INTERVENTIEPLAN = "interventieplan-fase-4"
ROW_2 = "2. Wijkaanpak sociaal domein"
RECORDED = "2026-11-23T09:01:00+00:00"  # the test clock, advanced once
KNOWN_400_DAYS_EARLIER = "2025-10-19T09:01:00+00:00"
KNOWN_6_DAYS_EARLIER = "2026-11-17T09:01:00+00:00"
IVP4 = {
    "reference": INTERVENTIEPLAN_4,
    "body": "raad",
    "kind": "beleidsnota",
    "status": "adopted",
    "adopted_known_at": "2019-05-08T10:00:00+00:00",
}
BACKDATED = {"by": "P400D", "grace": "P7D"}
# The two amendments the tests record after the demo, and the demo's carry-in of interventie
# 2's unspent 2019 budget into 2020 (the Nota Slotwijzigingen 2019).
LATE = DEMO_LAST_POSITION + 1
WITHIN_GRACE = DEMO_LAST_POSITION + 2
CARRIED_IN = 145


def amend(ledger: Ledger, clock: Clock, *, days_before: int, amount: str) -> int:
    """The finance role amends the 2020 transformatiebudget of interventie 2 under the
    interventieplan, saying the fact was known `days_before` days before it records it."""
    ctx = Context(
        actor=FINANCE,
        known_at=clock.now() - timedelta(days=days_before),
        source="Memo concern control",
    )
    recorded = ledger.app.amend_budget(
        ctx, key=fund_line(2020, 2), delta=Money.parse(amount), decision=INTERVENTIEPLAN_4
    )
    ledger.runner.catch_up()
    return recorded.position


@pytest.fixture
def backdated(demo_ledger: Ledger, clock: Clock) -> Ledger:
    """The demo, then one amendment known 400 days before it was recorded (position LATE)
    and one known 6 days before (WITHIN_GRACE), both recorded at 09:01."""
    clock.advance()
    assert amend(demo_ledger, clock, days_before=400, amount="1000.00") == LATE
    assert amend(demo_ledger, clock, days_before=6, amount="500.00") == WITHIN_GRACE
    return demo_ledger


def now(ledger: Ledger) -> basis.Basis:
    with ledger.engine.connect() as conn:
        return basis.resolve_basis(conn, "now", ledger.runner.position())


def own(ledger: Ledger) -> basis.Basis:
    with ledger.engine.connect() as conn:
        return basis.report_basis(conn, INTERVENTIEPLAN)


def authority_rows(ledger: Ledger, grace: timedelta | None = None) -> list[dict[str, Any]]:
    more = {} if grace is None else {"grace": grace}
    with ledger.engine.connect() as conn:
        return authority.authority_report(conn, now(ledger), fiscal_year=2020, **more)


def test_a_finance_write_known_400_days_before_it_was_recorded_is_flagged_in_authority(
    backdated: Ledger,
) -> None:
    rows = authority_rows(backdated)

    assert rows[-2:] == [
        {
            "position": LATE,
            "event": "Amended",
            "delta": Decimal("1000.00"),
            "line": {
                "fiscal_year": 2020,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 2,
                "fund": FUND,
            },
            "decision": IVP4,
            "mandate": None,
            # late knowledge is legitimate: the flag says so, the authority still holds
            "authorised": True,
            "problems": [],
            "actor": FINANCE,
            "known_at": KNOWN_400_DAYS_EARLIER,
            "recorded_at": RECORDED,
            "import_id": None,
            "backdated": BACKDATED,
            "backfill": None,
        },
        {
            "position": WITHIN_GRACE,
            "event": "Amended",
            "delta": Decimal("500.00"),
            "line": rows[-1]["line"],
            "decision": IVP4,
            "mandate": None,
            "authorised": True,
            "problems": [],
            "actor": FINANCE,
            "known_at": KNOWN_6_DAYS_EARLIER,
            "recorded_at": RECORDED,
            "import_id": None,
            "backdated": None,  # within the grace of 7 days
            "backfill": None,
        },
    ]
    # the demo's own mutations of 2020 are a backfill, none of them flagged
    assert {(r["backdated"], r["backfill"]) for r in rows[:-2]} == {(None, IMPORT_ID)}


def test_the_grace_decides_the_verdict(backdated: Ledger) -> None:
    def verdicts(grace: timedelta) -> list[Any]:
        return [
            (row["position"], row["backdated"])
            for row in authority_rows(backdated, grace)
            if row["backfill"] is None
        ]

    assert verdicts(timedelta(days=400)) == [(LATE, None), (WITHIN_GRACE, None)]  # not more
    assert verdicts(timedelta(days=399)) == [
        (LATE, {"by": "P400D", "grace": "P399D"}),
        (WITHIN_GRACE, None),
    ]
    assert verdicts(timedelta(0)) == [
        (LATE, {"by": "P400D", "grace": "P0D"}),
        (WITHIN_GRACE, {"by": "P6D", "grace": "P0D"}),
    ]
    assert verdicts(timedelta(days=5, hours=23, minutes=59, seconds=59)) == [
        (LATE, {"by": "P400D", "grace": "P5DT23H59M59S"}),
        (WITHIN_GRACE, {"by": "P6D", "grace": "P5DT23H59M59S"}),
    ]


def lineage_row(
    position: int, delta: str, running: str, known_at: str, flag: dict[str, str] | None
) -> dict[str, Any]:
    return {
        "position": position,
        "event": "Amended",
        "subject": f"{WWZ} / 6.71",
        "delta": Decimal(delta),
        "running_total": Decimal(running),
        "decision": IVP4,
        "actor": FINANCE,
        "period": 2020,
        "known_at": known_at,
        "recorded_at": RECORDED,
        "import_id": None,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "source": "Memo concern control",
        "backdated": flag,
        "backfill": None,
    }


def test_the_budget_lineage_flags_the_backdated_row_and_shows_the_demo_as_backfill(
    backdated: Ledger,
) -> None:
    with backdated.engine.connect() as conn:
        rows = lineage.budget_lineage(
            conn, now(backdated), fiscal_year=2020, fund=FUND, interventie=2
        )

    # by known_at: the demo's two rows (2019), the 400-day one (2025), the 6-day one (2026)
    assert [(r["position"], r["backdated"], r["backfill"]) for r in rows[:2]] == [
        (98, None, IMPORT_ID),
        (CARRIED_IN, None, IMPORT_ID),
    ]
    # A budget lineage row names its dekking (ADR 0026); these amendments have none.
    assert rows[2:] == [
        lineage_row(LATE, "1000.00", "120000.00", KNOWN_400_DAYS_EARLIER, BACKDATED)
        | {"dekking": None},
        lineage_row(WITHIN_GRACE, "500.00", "120500.00", KNOWN_6_DAYS_EARLIER, None)
        | {"dekking": None},
    ]


def test_the_history_of_a_report_cell_flags_the_backdated_row(backdated: Ledger) -> None:
    with backdated.engine.connect() as conn:
        found = lineage.cell_lineage(
            conn, INTERVENTIEPLAN, now(backdated), table="tabel-7.2", row="2", column="2020"
        )
        on_its_own_basis = lineage.cell_lineage(
            conn, INTERVENTIEPLAN, own(backdated), table="tabel-7.2", row="2", column="2020"
        )

    assert found["amount"] == Decimal("120500.00")
    assert [(r["position"], r["backdated"], r["backfill"]) for r in found["rows"]] == [
        (98, None, IMPORT_ID),
        (CARRIED_IN, None, IMPORT_ID),
        (LATE, BACKDATED, None),
        (WITHIN_GRACE, None, None),
    ]
    assert found["rows"][2] == {
        "position": LATE,
        "event": "Amended",
        "subject": f"{WWZ} / 6.71",
        "delta": Decimal("1000.00"),
        "running_total": Decimal("120000.00"),
        "decision": IVP4,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "source": None,
        "actor": FINANCE,
        "period": 2020,
        "known_at": KNOWN_400_DAYS_EARLIER,
        "recorded_at": RECORDED,
        "import_id": None,
        "backdated": BACKDATED,
        "backfill": None,
    }
    # the published report never saw them
    assert [r["position"] for r in on_its_own_basis["rows"]] == [98]


def test_the_report_diff_flags_the_backdated_event_among_the_causes(backdated: Ledger) -> None:
    with backdated.engine.connect() as conn:
        found = diff.report_diff(conn, INTERVENTIEPLAN, own(backdated), now(backdated))
        text = format_diff(found)

    (cell,) = [
        c
        for c in found["cells"]
        if (c["table"], c["row"], c["column"]) == ("tabel-7.2", ROW_2, "2020")
    ]
    (amended,) = [c for c in cell["causes"] if c["cause"] == "budget-amendment"]
    assert amended == {
        "cause": "budget-amendment",
        "direction": "added",
        "late": False,
        "decision": {**IVP4, "new": False},
        "delta": Decimal("1500.00"),
        "events": [
            {
                "position": position,
                "event": "Amended",
                "subject": f"{WWZ} / 6.71",
                "delta": Decimal(delta),
                "actor": FINANCE,
                "period": 2020,
                "known_at": known_at,
                "recorded_at": RECORDED,
                "source": None,
                "backdated": flag,
                "backfill": None,
            }
            for position, delta, known_at, flag in (
                (LATE, "1000.00", KNOWN_400_DAYS_EARLIER, BACKDATED),
                (WITHIN_GRACE, "500.00", KNOWN_6_DAYS_EARLIER, None),
            )
        ],
    }
    (carried,) = [c for c in cell["causes"] if c["cause"] == "carry-over"]
    assert [(e["position"], e["backdated"], e["backfill"]) for e in carried["events"]] == [
        (CARRIED_IN, None, IMPORT_ID)
    ]
    assert (
        f"  {'+1500.00':>16}  budget-amendment by {INTERVENTIEPLAN_4}; positions {LATE}, "
        f"{WITHIN_GRACE}; BACKDATED: {LATE} by P400D (grace P7D)"
    ) in text.splitlines()


def test_a_backdated_realisation_is_flagged_in_its_lineage_and_the_demo_ones_are_backfill(
    demo_ledger: Ledger, clock: Clock
) -> None:
    clock.advance()
    ctx = Context(
        actor=FINANCE, known_at=clock.now() - timedelta(days=30), source="Jaarrekening 2019"
    )
    demo_ledger.app.report_realisation(
        ctx,
        key=fund_line(2019, 1),
        amount=Money.parse("7500.00"),
        status=RealisationStatus.DEFINITIEF,
    )
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        rows = lineage.realisation_lineage(conn, now(demo_ledger), fiscal_year=2019, fund=FUND)
        taakstelling = lineage.taakstelling_lineage(
            conn,
            now(demo_ledger),
            reference="ivp2-kwartaalgesprekken-wijkteams-wmo",
            fiscal_year=2019,
        )

    assert [(r["position"], r["import_id"], r["backdated"], r["backfill"]) for r in rows] == [
        # the demo's six voorlopig realisations of spending 2019
        *[(p, IMPORT_ID, None, IMPORT_ID) for p in range(159, 165)],
        (DEMO_LAST_POSITION + 1, None, {"by": "P30D", "grace": "P7D"}, None),
    ]
    assert [(r["position"], r["backdated"], r["backfill"]) for r in taakstelling] == [
        (53, None, IMPORT_ID),
        (75, None, IMPORT_ID),
    ]


def test_the_lineage_export_carries_the_flag_the_grace_and_the_backfill(
    backdated: Ledger,
) -> None:
    with backdated.engine.connect() as conn:
        export = row_exports.budget_lineage_export(
            conn, now(backdated), fiscal_year=2020, fund=FUND, interventie=2
        )
        strict = row_exports.budget_lineage_export(
            conn, now(backdated), fiscal_year=2020, fund=FUND, interventie=2, grace=timedelta(0)
        )

    keys = [column.key for column in export.columns]
    assert keys[-3:] == ["backdated", "backdating_grace", "backfill"]
    assert [(row[1], *row[-3:]) for row in export.rows] == [
        (98, None, "P7D", IMPORT_ID),
        (CARRIED_IN, None, "P7D", IMPORT_ID),
        (LATE, "P400D", "P7D", None),
        (WITHIN_GRACE, None, "P7D", None),
    ]
    assert [(row[1], *row[-3:]) for row in strict.rows][2:] == [
        (LATE, "P400D", "P0D", None),
        (WITHIN_GRACE, "P6D", "P0D", None),
    ]
    assert ("backdating_grace", "P0D") in strict.provenance


def test_the_verdict_is_the_same_after_a_rebuild_from_the_log(backdated: Ledger) -> None:
    before = authority_rows(backdated)
    backdated.runner.rebuild()

    assert authority_rows(backdated) == before


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "P0D"),
        (timedelta(days=400), "P400D"),
        (timedelta(days=7, hours=2, minutes=30), "P7DT2H30M"),
        (timedelta(seconds=45, microseconds=500_000), "PT45.5S"),
        (timedelta(microseconds=1), "PT0.000001S"),
        (-timedelta(hours=1), "-PT1H"),
    ],
)
def test_a_duration_is_written_exactly_in_iso_8601(span: timedelta, text: str) -> None:
    assert backdating.iso_duration(span) == text

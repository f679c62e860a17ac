"""The auditor's analyses over the read model (ADR 0008), on SQLite and PostgreSQL: why a
report's figures changed between two bases, the authority behind every budget mutation,
begrotingsonrechtmatigheid, and the events that add up to one cell."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from api.demo.nijmegen import ACTOR, FUND, IMPORT_ID, MANDAAT, WWZ, day, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.budget import BudgetLine, line_id
from domain.decision import MandateScope
from domain.errors import UnauthorisedMutationError
from domain.events import Bestuursorgaan, DecisionKind, MutationKind, Stamp
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import Meta, Period
from projections.queries import authority, cells, diff, lineage
from projections.queries.basis import Basis, UnknownReportError, report_basis, resolve_basis
from projections.queries.reports import render_report
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_LAST_POSITION

INTERVENTIEPLAN = "interventieplan-fase-4"
VOORTGANG = "voortgangsrapportage-2019-q4"
SLOTWIJZIGING = "raad-2019-12-nota-slotwijzigingen-2019"
IVP4 = "raad-2019-05-08-interventieplan-fase-4"
TOTAL_7_2 = "Totaal beroep op transformatiebudget"
FINANCE = Context(actor="concern control", source="Memo")
LAST = DEMO_LAST_POSITION  # what a test records comes after the demo history


def basis(ledger: Ledger, as_of: str | None) -> Basis:
    with ledger.engine.connect() as conn:
        return resolve_basis(conn, as_of, ledger.runner.position())


def report_diff(ledger: Ledger, report_id: str, old: str, new: str) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return diff.report_diff(conn, report_id, basis(ledger, old), basis(ledger, new))


def compact(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Each differing cell as (table, row, column, from, to, causes), each cause as
    (cause, decision, delta, positions)."""
    return [
        (
            cell["table"],
            cell["row"],
            cell["column"],
            str(cell["from"]),
            str(cell["to"]),
            [
                (
                    cause["cause"],
                    None if cause["decision"] is None else cause["decision"]["reference"],
                    str(cause["delta"]),
                    [event["position"] for event in cause["events"]],
                )
                for cause in cell["causes"]
            ],
        )
        for cell in found["cells"]
    ]


def published(report: dict[str, Any]) -> dict[tuple[str, str, str], str | None]:
    return {
        (table["id"], row.get("key", row["label"]), column): row["values"][column]
        for table in report["tables"]
        for row in table["rows"] + table["totals"]
        for column in table["columns"]
    }


def assert_adds_up(ledger: Ledger, report_id: str, found: dict[str, Any]) -> None:
    """The causes of every figure add up to its difference, the events of every cause to its
    delta, and both ends are the report's own figures on those bases."""
    with ledger.engine.connect() as conn:
        reached = ledger.runner.position()
        old = published(render_report(conn, report_id, found["from"]["as_of"], reached))
        new = published(render_report(conn, report_id, found["to"]["as_of"], reached))
    assert found["cells"]
    for cell in found["cells"]:
        assert cell["difference"] == cell["to"] - cell["from"] != 0
        if "unit" not in cell:  # a percentage's causes are changes of its parts (ADR 0025)
            assert sum(cause["delta"] for cause in cell["causes"]) == cell["difference"]
        for cause in cell["causes"]:
            assert sum(event["delta"] for event in cause["events"]) == cause["delta"]
        where = (cell["table"], cell.get("key", cell["row"]), cell["column"])
        assert cell["published"]["from"] == old[where]
        assert cell["published"]["to"] == new[where]


def carry(
    row: str, column: str, was: str, now: str, delta: str, position: int, table: str = "tabel-7.2"
) -> tuple[Any, ...]:
    return (table, row, column, was, now, [("carry-over", SLOTWIJZIGING, delta, [position])])


# -- why did it change -----------------------------------------------------------------


def test_the_interventieplan_from_its_own_basis_to_the_q4_report_changed_by_the_carry_overs(
    demo_ledger: Ledger,
) -> None:
    found = report_diff(demo_ledger, INTERVENTIEPLAN, INTERVENTIEPLAN, VOORTGANG)

    assert found["from"] == {
        "as_of": "report:interventieplan-fase-4",
        "report": INTERVENTIEPLAN,
        "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
        "log_position": INTERVENTIEPLAN_LAST_POSITION,
    }
    assert found["to"]["report"] == VOORTGANG
    welzijn = "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken"
    wijkaanpak = "2. Wijkaanpak sociaal domein"
    basis_kinderen = "4. Sterke basis kinderen en jongeren"
    jeugdzorg = "5. Verminderen gebruik ambulante Jeugdzorg"
    doorbraak = "8. Doorbraakaanpak"
    # Tabel 6.1 did not change; tabel 7.2 changed only by the slotwijziging's carry-overs, and
    # so did the "Totaal" beroep op het transformatiebudget of tables 5.2, 5.4, 5.5 and 5.8
    # (each its interventie's budget on the fund).
    assert compact(found) == [
        carry(welzijn, "2019", "25000.00", "0.00", "-25000.00", 138),
        carry(welzijn, "2020", "25000.00", "50000.00", "25000.00", 141),
        carry(wijkaanpak, "2019", "309000.00", "291000.00", "-18000.00", 142),
        carry(wijkaanpak, "2020", "101000.00", "119000.00", "18000.00", 145),
        carry(basis_kinderen, "2019", "150000.00", "70000.00", "-80000.00", 146),
        carry(basis_kinderen, "2020", "0.00", "80000.00", "80000.00", 150),
        carry(jeugdzorg, "2019", "190000.00", "123000.00", "-67000.00", 151),
        carry(jeugdzorg, "2020", "175000.00", "242000.00", "67000.00", 154),
        carry(doorbraak, "2019", "400000.00", "334000.00", "-66000.00", 155),
        carry(doorbraak, "2020", "140000.00", "206000.00", "66000.00", 158),
        (
            "tabel-7.2",
            TOTAL_7_2,
            "2019",
            "1224000.00",
            "968000.00",
            [("carry-over", SLOTWIJZIGING, "-256000.00", [138, 142, 146, 151, 155])],
        ),
        (
            "tabel-7.2",
            TOTAL_7_2,
            "2020",
            "636000.00",
            "892000.00",
            [("carry-over", SLOTWIJZIGING, "256000.00", [141, 145, 150, 154, 158])],
        ),
        carry("Totaal", "2019", "309000.00", "291000.00", "-18000.00", 142, "tabel-5.2"),
        carry("Totaal", "2020", "101000.00", "119000.00", "18000.00", 145, "tabel-5.2"),
        carry("Totaal", "2019", "150000.00", "70000.00", "-80000.00", 146, "tabel-5.4"),
        carry("Totaal", "2020", "0.00", "80000.00", "80000.00", 150, "tabel-5.4"),
        carry("Totaal", "2019", "190000.00", "123000.00", "-67000.00", 151, "tabel-5.5"),
        carry("Totaal", "2020", "175000.00", "242000.00", "67000.00", 154, "tabel-5.5"),
        carry("Totaal", "2019", "400000.00", "334000.00", "-66000.00", 155, "tabel-5.8"),
        carry("Totaal", "2020", "140000.00", "206000.00", "66000.00", 158, "tabel-5.8"),
    ]
    wijk_2019 = found["cells"][2]
    assert wijk_2019["published"] == {"from": "309", "to": "291", "difference": "-18"}
    (cause,) = wijk_2019["causes"]
    assert cause["direction"] == "added"
    assert cause["late"] is False
    assert cause["decision"] == {
        "reference": SLOTWIJZIGING,
        "body": "raad",
        "kind": "slotwijziging",
        "status": "adopted",
        "adopted_known_at": "2019-12-18T11:00:00+00:00",
        "new": True,
    }
    assert cause["events"] == [
        {
            "position": 142,
            "event": "CarriedOver",
            "subject": f"{WWZ} / 6.71",
            "delta": Decimal("-18000.00"),
            "actor": ACTOR,
            "period": 2019,
            "known_at": "2019-12-18T11:00:00+00:00",
            "recorded_at": "2026-11-23T09:00:00+00:00",
            "source": None,
            "backdated": None,
            "backfill": IMPORT_ID,
        }
    ]
    assert_adds_up(demo_ledger, INTERVENTIEPLAN, found)


def test_the_q4_report_from_the_interventieplan_basis_adds_the_realisations_of_2019(
    demo_ledger: Ledger,
) -> None:
    found = report_diff(demo_ledger, VOORTGANG, INTERVENTIEPLAN, VOORTGANG)

    spending = [c for c in compact(found) if c[2] == "uitgaven-2019"]
    assert spending[-1] == (
        "figuur-1",
        "Totaal",
        "uitgaven-2019",
        "0.00",
        "967000.00",
        [("realisation", None, "967000.00", list(range(159, 165)))],
    )
    assert spending[0] == (
        "figuur-1",
        "2. Wijkaanpak sociaal domein",
        "uitgaven-2019",
        "0.00",
        "290000.00",
        [("realisation", None, "290000.00", [159])],
    )
    assert_adds_up(demo_ledger, VOORTGANG, found)


def test_a_diff_backwards_takes_away_what_the_earlier_basis_cannot_see(
    demo_ledger: Ledger,
) -> None:
    forwards = report_diff(demo_ledger, INTERVENTIEPLAN, INTERVENTIEPLAN, VOORTGANG)
    backwards = report_diff(demo_ledger, INTERVENTIEPLAN, VOORTGANG, INTERVENTIEPLAN)

    assert [c["difference"] for c in backwards["cells"]] == [
        -c["difference"] for c in forwards["cells"]
    ]
    assert {cause["direction"] for c in backwards["cells"] for cause in c["causes"]} == {"removed"}
    assert backwards["cells"][0]["causes"][0]["decision"]["new"] is False
    assert_adds_up(demo_ledger, INTERVENTIEPLAN, backwards)


def test_facts_recorded_after_a_report_are_classified_by_their_cause(
    demo_ledger: Ledger, clock: Clock
) -> None:
    app = demo_ledger.app
    clock.advance(timedelta(days=1))
    memo = Context(actor="concern control", source="Memo correctie")
    # A correction of a 2019 realisation, and a late one: back-dated before the Q4 cutoff.
    app.correct_realisation(
        memo,
        key=fund_line(2019, 2),
        corrects_version=1,
        amount=Money(Decimal("291500.00")),
        status=RealisationStatus.DEFINITIEF,
        reason="late invoice",
    )
    app.report_realisation(
        Context(actor="concern control", source="Memo", known_at=day("2020-05-01")),
        key=fund_line(2019, 1),
        amount=Money(Decimal("1234.56")),
        status=RealisationStatus.VOORLOPIG,
    )
    # A new raad decision amends the 2020 budget; the college shifts under the mandate.
    for reference, body, mandate in (
        ("raad-2020-wijziging", Bestuursorgaan.RAAD, None),
        ("college-2020-verschuiving", Bestuursorgaan.COLLEGE, MANDAAT),
    ):
        app.propose_decision(
            memo,
            reference=reference,
            title=reference,
            body=body,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=Period.year(2020),
            mandate_reference=mandate,
        )
        app.adopt_decision(memo, reference=reference)
    app.amend_budget(
        memo, key=fund_line(2020, 9), delta=Money(Decimal("400.00")), decision="raad-2020-wijziging"
    )
    app.transfer_budget(
        memo,
        source=fund_line(2020, 1),
        target=fund_line(2020, 4),
        amount=Money(Decimal("10000.00")),
        decision="college-2020-verschuiving",
    )
    app.adjust_taakstelling(
        memo,
        reference="ivp2-kwartaalgesprekken-wijkteams-wmo",
        fiscal_year=2021,
        delta=Money(Decimal("-100000.00")),
        decision=IVP4,
    )
    demo_ledger.runner.catch_up()

    voortgang = report_diff(demo_ledger, VOORTGANG, VOORTGANG, "now")
    plan = report_diff(demo_ledger, INTERVENTIEPLAN, VOORTGANG, "now")

    assert [(c[1], c[2], c[5]) for c in compact(voortgang)] == [
        (
            "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
            "uitgaven-2019",
            [("late-realisation", None, "1234.56", [LAST + 2])],
        ),
        (
            "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
            "beschikbaar-2020",
            [("transfer", "college-2020-verschuiving", "-10000.00", [LAST + 8])],
        ),
        (
            "2. Wijkaanpak sociaal domein",
            "uitgaven-2019",
            [("realisation-correction", None, "1500.00", [LAST + 1])],
        ),
        (
            "4. Sterke basis kinderen en jongeren",
            "beschikbaar-2020",
            [("transfer", "college-2020-verschuiving", "10000.00", [LAST + 9])],
        ),
        (
            "9. Stelselwijziging",
            "beschikbaar-2020",
            [("budget-amendment", "raad-2020-wijziging", "400.00", [LAST + 7])],
        ),
        (
            "Totaal",
            "uitgaven-2019",
            [
                ("realisation-correction", None, "1500.00", [LAST + 1]),
                ("late-realisation", None, "1234.56", [LAST + 2]),
            ],
        ),
        (
            "Totaal",
            "beschikbaar-2020",
            [
                ("budget-amendment", "raad-2020-wijziging", "400.00", [LAST + 7]),
                ("transfer", "college-2020-verschuiving", "0.00", [LAST + 8, LAST + 9]),
            ],
        ),
    ]
    late = voortgang["cells"][0]
    assert late["published"] == {"from": None, "to": "1", "difference": "1"}
    assert late["causes"][0]["late"] is True
    assert voortgang["cells"][-1]["difference"] == Decimal("400.00")
    assert_adds_up(demo_ledger, VOORTGANG, voortgang)

    taakstelling = [c for c in compact(plan) if c[0] == "tabel-6.1"]
    assert taakstelling == [
        (
            "tabel-6.1",
            "Kwartaalgesprekken (IVP-2 - 2.5)",
            "2021",
            "2800000.00",
            "2700000.00",
            [("taakstelling-adjustment", IVP4, "-100000.00", [LAST + 10])],
        ),
        (
            "tabel-6.1",
            "Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)",
            "2021",
            "13142000.00",
            "13042000.00",
            [("taakstelling-adjustment", IVP4, "-100000.00", [LAST + 10])],
        ),
        (
            "tabel-6.1",
            "Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)",
            "2021",
            "26781000.00",
            "26681000.00",
            [("taakstelling-adjustment", IVP4, "-100000.00", [LAST + 10])],
        ),
    ]
    assert_adds_up(demo_ledger, INTERVENTIEPLAN, plan)


def test_a_report_diffed_against_its_own_basis_has_no_differing_figure(
    demo_ledger: Ledger,
) -> None:
    assert report_diff(demo_ledger, VOORTGANG, VOORTGANG, VOORTGANG)["cells"] == []


# -- the authority report --------------------------------------------------------------


def test_every_demo_mutation_is_authorised_by_an_adopted_raad_decision(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        now = authority.authority_report(conn, basis(demo_ledger, "now"))
        plan = authority.authority_report(conn, basis(demo_ledger, INTERVENTIEPLAN))

    assert len(now) == 26
    assert len(plan) == 15  # the mutations known by 8 May 2019
    assert all(row["authorised"] and row["problems"] == [] for row in now)
    assert {(row["decision"]["reference"], row["event"]) for row in now} == {
        (IVP4, "Amended"),
        ("raad-2019-07-zomernota-2019", "Amended"),
        (SLOTWIJZIGING, "CarriedOver"),
        (SLOTWIJZIGING, "CarriedIn"),
    }
    assert now[0] == {
        "position": 82,
        "event": "Amended",
        "delta": Decimal("25000.00"),
        "line": {
            "fiscal_year": 2019,
            "programma": WWZ,
            "taakveld": "6.1",
            "side": "lasten",
            "deelproduct": None,
            "interventie": 1,
            "fund": FUND,
        },
        "decision": {
            "reference": IVP4,
            "body": "raad",
            "kind": "beleidsnota",
            "status": "adopted",
            "adopted_known_at": "2019-05-08T10:00:00+00:00",
        },
        "mandate": None,
        "authorised": True,
        "problems": [],
        "actor": ACTOR,
        "known_at": "2019-05-08T10:00:00+00:00",
        "recorded_at": "2026-11-23T09:00:00+00:00",
        "import_id": IMPORT_ID,
        "backdated": None,
        "backfill": IMPORT_ID,
    }
    # The demo is a backfill (ADR 0018): its facts are years older than their recording,
    # and none is flagged as backdated.
    assert {(row["backdated"], row["backfill"]) for row in now} == {(None, IMPORT_ID)}


def _propose_and_adopt(ledger: Ledger, reference: str, **kwargs: Any) -> None:
    ledger.app.propose_decision(FINANCE, reference=reference, title=reference, **kwargs)
    ledger.app.adopt_decision(FINANCE, reference=reference)


def test_a_college_decision_under_the_mandate_shows_its_chain_and_one_without_is_listed(
    demo_ledger: Ledger, clock: Clock
) -> None:
    app = demo_ledger.app
    clock.advance()
    # Within the raad's adopted mandate: a transfer the application records.
    _propose_and_adopt(
        demo_ledger,
        "college-2020-verschuiving",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2020),
        mandate_reference=MANDAAT,
    )
    app.transfer_budget(
        FINANCE,
        source=fund_line(2020, 1),
        target=fund_line(2020, 4),
        amount=Money(Decimal("10000.00")),
        decision="college-2020-verschuiving",
    )
    # A mandate the raad never adopted, and a college decision that relies on it.
    app.propose_decision(
        FINANCE,
        reference="raad-2020-mandaat-concept",
        title="Concept-mandaat",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.MANDATE,
        period=Period.year(2020),
        mandate_scope=MandateScope(
            kinds=(MutationKind.AMEND,), fund=FUND, period=Period.year(2020)
        ),
    )
    _propose_and_adopt(
        demo_ledger,
        "college-2020-ophoging",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2020),
        mandate_reference="raad-2020-mandaat-concept",
    )
    key = fund_line(2020, 9)
    with pytest.raises(UnauthorisedMutationError, match="is not adopted by the raad"):
        app.amend_budget(
            FINANCE, key=key, delta=Money(Decimal("500.00")), decision="college-2020-ophoging"
        )
    # The command refuses it; an event recorded past the commands (a faulty migration, say)
    # is still only as good as its chain, and the audit says so.
    decision = app.find_decision("college-2020-ophoging")
    assert decision is not None
    line = app.repository.get(line_id(key))
    assert isinstance(line, BudgetLine)
    now = clock.now()
    line.amend(
        delta=Money(Decimal("500.00")),
        stamp=Stamp(
            meta=Meta(
                actor="migratie",
                known_at=now,
                period=Period.year(2020),
                decision_id=decision.id,
                source=None,
                import_id=None,
            ),
            recorded_at=now,
            authority=decision.authority(),
            mutation_id=uuid4(),
        ),
    )
    app.save(line)
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        report = authority.authority_report(conn, basis(demo_ledger, "now"), fiscal_year=2020)
        without = authority.authority_report(
            conn, basis(demo_ledger, "now"), without_authority=True
        )

    transfer = [row for row in report if row["event"].startswith("Transferred")]
    assert [(row["event"], str(row["delta"]), row["authorised"]) for row in transfer] == [
        ("TransferredOut", "-10000.00", True),
        ("TransferredIn", "10000.00", True),
    ]
    recorded = clock.now().isoformat()
    assert transfer[0]["decision"] == {
        "reference": "college-2020-verschuiving",
        "body": "college",
        "kind": "begrotingswijziging",
        "status": "adopted",
        "adopted_known_at": recorded,
    }
    assert transfer[0]["mandate"] == {
        "reference": MANDAAT,
        "body": "raad",
        "kind": "mandate",
        "status": "adopted",
        "adopted_known_at": "2019-05-08T10:00:00+00:00",
        "scope": {
            "kinds": ["transfer", "carry-over"],
            "fund": FUND,
            "period": {"first_year": 2019, "last_year": 2021, "quarter": None},
        },
    }
    assert [(row["event"], row["line"]["interventie"], row["actor"]) for row in without] == [
        ("Amended", 9, "migratie")
    ]
    (unauthorised,) = without
    assert unauthorised["authorised"] is False
    assert unauthorised["problems"] == [
        "mandate 'raad-2020-mandaat-concept' is not adopted by the raad (proposed as of this basis)"
    ]
    assert unauthorised["mandate"]["status"] == "proposed"
    assert unauthorised["mandate"]["adopted_known_at"] is None
    assert unauthorised["decision"]["status"] == "adopted"


def test_a_mutation_known_before_its_decision_was_adopted_is_listed_on_every_basis(
    demo_ledger: Ledger, clock: Clock
) -> None:
    app = demo_ledger.app
    clock.advance()
    _propose_and_adopt(
        demo_ledger,
        "raad-2020-laat",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2020),
    )
    decision = app.find_decision("raad-2020-laat")
    assert decision is not None
    key = fund_line(2020, 10)
    line = app.repository.get(line_id(key))
    assert isinstance(line, BudgetLine)
    now = clock.now()
    # Recorded past the commands, back-dated two days before the raad decided.
    line.amend(
        delta=Money(Decimal("750.00")),
        stamp=Stamp(
            meta=Meta(
                actor="migratie",
                known_at=now - timedelta(days=2),
                period=Period.year(2020),
                decision_id=decision.id,
                source=None,
                import_id=None,
            ),
            recorded_at=now,
            authority=decision.authority(),
            mutation_id=uuid4(),
        ),
    )
    app.save(line)
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        today = authority.authority_report(conn, basis(demo_ledger, "now"), without_authority=True)
        before = authority.authority_report(
            conn,
            basis(demo_ledger, (now - timedelta(days=1)).isoformat()),
            without_authority=True,
        )

    assert [(row["delta"], row["problems"]) for row in today] == [
        (Decimal("750.00"), ["decision 'raad-2020-laat' was adopted only after this change"])
    ]
    assert [(row["decision"]["status"], row["problems"]) for row in before] == [
        (None, ["decision 'raad-2020-laat' is not known as of this basis"])
    ]


# -- begrotingsonrechtmatigheid --------------------------------------------------------


def gap(
    programma: str,
    year: int,
    budget: str,
    realised: str,
    lines: int,
    subjects: int,
    voorlopig: str = "0.00",
) -> Any:
    return {
        "programma": programma,
        "fiscal_year": year,
        "budget": Decimal(budget),
        "realised": Decimal(realised),
        "realised_voorlopig": Decimal(voorlopig),
        "excess": None,
        "budget_lines": lines,
        "realisations": subjects,
        "finding": "geen-begroting-vastgelegd",
        "data_gap": True,
        "lasten_without_begroting": Decimal(realised),
        "categories": [],
        "counts_toward_opinion": None,
    }


def test_the_demo_has_no_overschrijding_only_programmas_without_a_recorded_begroting(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        found = authority.onrechtmatigheid(conn, basis(demo_ledger, "now"))
        in_2019 = authority.onrechtmatigheid(conn, basis(demo_ledger, "now"), fiscal_year=2019)

    # 2017 and 2018 are the stadsrekening figures behind the taakstellingen, under "Opgave
    # Sociale Stad" (no programma): realised, with no begroting. 2019: the demo records the
    # transformatiebudget's lines (€3,268,000, by begrotingswijzigingen) but no primitieve
    # begroting of the programma: a data gap too (ADR 0029), never an overschrijding.
    wwz_2019 = gap(WWZ, 2019, "3268000.00", "967000.00", 8, 6, "967000.00")
    assert in_2019 == [wwz_2019]
    assert found == [
        gap("Opgave Sociale Stad", 2017, "0.00", "267638000.00", 0, 17),
        gap("Opgave Sociale Stad", 2018, "0.00", "267816000.00", 0, 17, "267816000.00"),
        wwz_2019,
    ]


def test_a_realisation_on_lines_without_a_primitieve_begroting_is_a_gap_not_an_overschrijding(
    demo_ledger: Ledger, clock: Clock
) -> None:
    clock.advance()
    demo_ledger.app.report_realisation(
        Context(actor="concern control", source="Q1 2020"),
        key=fund_line(2020, 2),
        amount=Money(Decimal("892000.01")),
        status=RealisationStatus.VOORLOPIG,
    )
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        now = authority.onrechtmatigheid(conn, basis(demo_ledger, "now"), fiscal_year=2020)
        published = authority.onrechtmatigheid(conn, basis(demo_ledger, VOORTGANG))

    # 2020's lines hold only what was carried in from 2019: no primitieve begroting.
    assert now == [gap(WWZ, 2020, "892000.00", "892000.01", 7, 1, "892000.01")]
    assert [row["fiscal_year"] for row in published] == [2017, 2018, 2019]


# -- the lineage of a cell -------------------------------------------------------------


def test_a_cells_lineage_lists_its_events_in_order_and_adds_up_to_the_cell(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        found = lineage.cell_lineage(
            conn,
            INTERVENTIEPLAN,
            basis(demo_ledger, VOORTGANG),
            table="tabel-7.2",
            row="2. Wijkaanpak sociaal domein",
            column="2020",
        )

    assert found["amount"] == Decimal("119000.00")
    assert found["published"] == "119"
    assert [
        (r["position"], r["event"], str(r["delta"]), str(r["running_total"]), r["decision"])
        for r in found["rows"]
    ] == [
        (
            98,
            "Amended",
            "101000.00",
            "101000.00",
            {
                "reference": IVP4,
                "body": "raad",
                "kind": "beleidsnota",
                "status": "adopted",
                "adopted_known_at": "2019-05-08T10:00:00+00:00",
            },
        ),
        (
            145,
            "CarriedIn",
            "18000.00",
            "119000.00",
            {
                "reference": SLOTWIJZIGING,
                "body": "raad",
                "kind": "slotwijziging",
                "status": "adopted",
                "adopted_known_at": "2019-12-18T11:00:00+00:00",
            },
        ),
    ]
    assert all(r["authorised"] for r in found["rows"])


@pytest.mark.parametrize("report_id", [INTERVENTIEPLAN, VOORTGANG])
def test_every_cell_of_a_report_is_the_sum_of_its_lineage(
    demo_ledger: Ledger, report_id: str
) -> None:
    with demo_ledger.engine.connect() as conn:
        own = report_basis(conn, report_id)
        rendered = published(render_report(conn, report_id, None, demo_ledger.runner.position()))
        _, specs = cells.report_specs(conn, report_id)
        for spec in specs:
            for cell in cells.table_cells(conn, spec):
                if cell.measure == "heading":  # a label without figures (ADR 0025)
                    continue
                found = lineage.cell_lineage(
                    conn,
                    report_id,
                    own,
                    table=cell.table,
                    row=cell.key or cell.row,
                    column=cell.column,
                )
                if cell.unit is None:  # euros; a percentage or a count is not a sum
                    deltas = [entry["delta"] for entry in found["rows"]]
                    assert sum(deltas, start=Decimal("0.00")) == found["amount"]
                    if found["rows"]:
                        assert found["rows"][-1]["running_total"] == found["amount"]
                where = (cell.table, cell.key or cell.row, cell.column)
                assert found["published"] == rendered[where]


def test_a_cell_names_its_table_row_and_column_or_says_which_is_wrong(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        own = report_basis(conn, VOORTGANG)
        by_number = lineage.cell_lineage(
            conn, VOORTGANG, own, table="figuur-1", row="8", column="uitgaven-2019"
        )
        assert by_number["cell"] == {
            "table": "figuur-1",
            "row": "8. Doorbraakaanpak",
            "kind": "row",
            "interventie": 8,
            "column": "uitgaven-2019",
        }
        for table, row, column, field in (
            ("tabel-9", "8", "2019", "table"),
            ("figuur-1", "99", "uitgaven-2019", "row"),
            ("figuur-1", "Totaal", "2030", "column"),
        ):
            with pytest.raises(cells.CellError) as raised:
                lineage.cell_lineage(conn, VOORTGANG, own, table=table, row=row, column=column)
            assert raised.value.field == field
        with pytest.raises(UnknownReportError):
            lineage.cell_lineage(conn, "begroting-2030", own, table="t", row="r", column="c")

"""Taakstellingen achieved (ADR 0028), on SQLite and PostgreSQL, over a small history built
through the application's commands (support.achievement) and over the Nijmegen demo: the
target of a year against the realised change of its zoekgebied since the base year, per
taakstelling, interventie and opgave; the overlap of zoekgebieden; as of any basis."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from api.ledger import Ledger
from projections.queries import achievement, uitputting
from projections.queries.achievement import AchievementError
from projections.queries.basis import Basis, resolve_basis
from support.achievement import NAMES, build, realise
from support.clock import Clock


@pytest.fixture
def history(ledger: Ledger, clock: Clock) -> Ledger:
    return build(ledger, clock)


def basis(ledger: Ledger, as_of: str | None = None, recorded: str | None = None) -> Basis:
    with ledger.engine.connect() as conn:
        return resolve_basis(conn, as_of, ledger.runner.position(), as_recorded_at=recorded)


def achieved(ledger: Ledger, year: int = 2018, **options: Any) -> achievement.Achievement:
    chosen = basis(ledger, options.pop("as_of", None), options.pop("as_recorded_at", None))
    with ledger.engine.connect() as conn:
        return achievement.achievement(conn, chosen, fiscal_year=year, **options)


def figures(row: Any) -> tuple[Any, ...]:
    """A measured row's figures: target, base, realised, saving, difference, status."""
    return (
        row["target"],
        row["base"],
        row["realised"],
        row["saving"],
        row["difference"],
        row["status"],
    )


def D(text: str) -> Decimal:
    return Decimal(text)


# -- now: every figure known ---------------------------------------------------------------


def test_each_interventie_is_measured_on_the_union_of_its_taakstellingen_deelproducten(
    history: Ledger,
) -> None:
    found = achieved(history)

    assert [
        (row["interventie"], row["zoekgebied"], *figures(row), row["target_relative"])
        for row in found["interventies"]
    ] == [
        (1, ["61296"], D("100000.00"), D("1000000.00"), D("650000.00"), D("350000.00"),
         D("250000.00"), "over", "10.0"),
        (2, ["61296", "61301"], D("400000.00"), D("1500000.00"), D("1100000.00"),
         D("400000.00"), D("0.00"), "achieved", "26.7"),
        (3, ["61290", "61307"], D("30000.00"), D("1100000.00"), D("1180000.00"),
         D("-80000.00"), D("-110000.00"), "not-yet", "2.7"),
        (4, [], D("5000.00"), None, None, None, None, "unknown", None),
    ]  # fmt: skip
    assert found["interventies"][3]["reason"] == (
        "no base deelproducten: the zoekgebied is not recorded"
    )


def test_each_taakstelling_is_measured_on_its_own_base_and_says_what_it_shares(
    history: Ledger,
) -> None:
    found = achieved(history)

    assert [
        (row["reference"], *figures(row), row["shared_deelproducten"])
        for row in found["taakstellingen"]
    ] == [
        ("t1", D("100000.00"), D("1000000.00"), D("650000.00"), D("350000.00"),
         D("250000.00"), "over", ["61296"]),
        ("t2", D("350000.00"), D("1500000.00"), D("1100000.00"), D("400000.00"),
         D("50000.00"), "over", ["61296", "61301"]),
        ("t3", D("50000.00"), D("500000.00"), D("450000.00"), D("50000.00"), D("0.00"),
         "achieved", ["61301"]),
        ("t4", D("10000.00"), D("800000.00"), D("900000.00"), D("-100000.00"),
         D("-110000.00"), "not-yet", []),
        ("t5", D("20000.00"), D("300000.00"), D("280000.00"), D("20000.00"), D("0.00"),
         "achieved", []),
        ("t6", D("5000.00"), None, None, None, None, "unknown", []),
    ]  # fmt: skip


def test_a_risico_is_listed_apart_and_never_in_a_target(history: Ledger) -> None:
    found = achieved(history)

    assert found["risicos"] == [
        {
            "reference": "r1",
            "label": "Taakstelling r1",
            "interventie": 1,
            "taakveld": "6.71",
            "amount": D("70000.00"),
            "base_deelproducten": ["61296"],
        }
    ]
    first = found["interventies"][0]
    assert (first["target"], first["risico"], first["opgave_incl_risico"]) == (
        D("100000.00"),
        D("70000.00"),
        D("170000.00"),
    )
    assert "r1" not in [row["reference"] for row in found["taakstellingen"]]


def test_the_overlap_is_shown_and_the_opgave_counts_each_saving_once(history: Ledger) -> None:
    found = achieved(history)

    assert found["overlap"] == [
        {"deelproduct": "61296", "interventies": [1, 2], "saving": D("350000.00")}
    ]
    wijk = found["interventies"][1]
    assert (wijk["shared_deelproducten"], wijk["unshared_saving"]) == (["61296"], D("50000.00"))
    # Interventies 1 and 2 each count 61296's 350,000; the opgave once: 350 + 50 - 100 + 20.
    opgave = found["opgave"]
    assert sum(row["saving"] or 0 for row in found["interventies"]) == D("670000.00")
    assert opgave == {
        "interventies": [1, 2, 3, 4],
        "risico": D("70000.00"),
        "opgave_incl_risico": D("605000.00"),
        "zoekgebied": ["61296", "61301", "61290", "61307"],
        "target": D("535000.00"),
        "target_relative": "20.6",
        "base": D("2600000.00"),
        "realised": D("2280000.00"),
        "saving": D("320000.00"),
        "saving_relative": "12.3",
        "difference": D("-215000.00"),
        "status": "not-yet",
        "reason": None,
        "missing": [],
        "voorlopig": [],
        "over": [1],
        "achieved": [2],
        "not_yet": [3],
        "unknown": [4],
        "unmeasured": ["t6"],
    }


def test_the_deelproducten_carry_their_names_both_years_and_who_weighs_on_them(
    history: Ledger,
) -> None:
    found = achieved(history)

    assert found["deelproducten"][0] == {
        "deelproduct": "61296",
        "name": NAMES["61296"],
        "base": D("1000000.00"),
        "base_status": "definitief",
        "realised": D("650000.00"),
        "realised_status": "definitief",
        "saving": D("350000.00"),
        "interventies": [1, 2],
        "taakstellingen": ["t1", "t2"],
    }
    # 61301's quarter (100,000) and whole-year (350,000) figures count, its baten (999) not.
    assert found["deelproducten"][1]["realised"] == D("450000.00")


def test_one_interventie_narrows_the_rows_but_not_the_opgave(history: Ledger) -> None:
    found = achieved(history, interventie=2)

    assert [row["interventie"] for row in found["interventies"]] == [2]
    assert [row["reference"] for row in found["taakstellingen"]] == ["t2", "t3"]
    assert [row["deelproduct"] for row in found["deelproducten"]] == ["61296", "61301"]
    assert found["overlap"] == [
        {"deelproduct": "61296", "interventies": [1, 2], "saving": D("350000.00")}
    ]
    assert found["risicos"] == []
    assert found["opgave"] == achieved(history)["opgave"]


def test_a_year_is_every_realisation_of_it_as_uitputting_counts_it(history: Ledger) -> None:
    # 61301 in 2018: a quarter figure (100,000) and a whole-year figure (350,000).
    found = achieved(history)
    with history.engine.connect() as conn:
        spent = uitputting.uitputting(conn, basis(history), fiscal_year=2018, by="line")

    realised = [
        row["realisatie"]
        for row in spent["rows"]
        if row["side"] == "lasten" and row["line"] and row["line"]["deelproduct"] == "61301"
    ]
    assert realised == [D("450000.00")]
    assert found["deelproducten"][1]["deelproduct"] == "61301"
    assert found["deelproducten"][1]["realised"] == D("450000.00")


def test_an_exact_zero_saving_is_a_known_zero_percent(history: Ledger) -> None:
    # With a quarter figure of 20,000 61307 realised in 2018 what it did in 2017: nothing
    # saved, and that is known.
    realise(history, "61307", 2018, "20000", "2019-07-01", quarter=4)
    history.runner.catch_up()

    t5 = next(row for row in achieved(history)["taakstellingen"] if row["reference"] == "t5")

    assert (t5["base"], t5["realised"], t5["saving"]) == (
        D("300000.00"),
        D("300000.00"),
        D("0.00"),
    )
    assert (t5["saving_relative"], t5["target_relative"], t5["status"]) == (
        "0.0",
        "6.7",
        "not-yet",
    )


# -- as of a basis -------------------------------------------------------------------------


def test_a_voorlopig_figure_counts_and_is_named(history: Ledger) -> None:
    # Before the correction of 2019-06-01: 61296 stood at 700,000 voorlopig.
    found = achieved(history, as_of="2019-05-15")

    first, wijk = found["interventies"][0], found["interventies"][1]
    assert figures(first) == (
        D("100000.00"), D("1000000.00"), D("700000.00"), D("300000.00"), D("200000.00"), "over"
    )  # fmt: skip
    assert first["voorlopig"] == [{"deelproduct": "61296", "fiscal_year": 2018}]
    assert figures(wijk) == (
        D("400000.00"), D("1500000.00"), D("1150000.00"), D("350000.00"), D("-50000.00"),
        "not-yet",
    )  # fmt: skip
    assert found["deelproducten"][0]["realised_status"] == "voorlopig"
    assert found["opgave"]["voorlopig"] == [{"deelproduct": "61296", "fiscal_year": 2018}]


def test_as_recorded_before_the_correction_the_voorlopig_figure_stands(history: Ledger) -> None:
    # Everything known, but the log as it stood before the correction was recorded.
    found = achieved(history, as_recorded_at="2026-11-23T12:00:00+00:00")

    first = found["interventies"][0]
    assert (first["realised"], first["saving"], first["status"]) == (
        D("700000.00"),
        D("300000.00"),
        "over",
    )
    assert first["voorlopig"] == [{"deelproduct": "61296", "fiscal_year": 2018}]
    assert found["basis"]["log_position"] == 19
    assert found["opgave"]["saving"] == D("270000.00")


def test_a_missing_realisation_is_unknown_never_zero(history: Ledger) -> None:
    # 61307's 2018 figure became known on 2019-05-01.
    found = achieved(history, as_of="2019-04-30")

    jeugd = found["interventies"][2]
    # The base year is complete: its figure and the target's weight stand; the saving not.
    assert figures(jeugd) == (D("30000.00"), D("1100000.00"), None, None, None, "unknown")
    assert jeugd["missing"] == [{"deelproduct": "61307", "fiscal_year": 2018}]
    assert jeugd["reason"] == "no realisation recorded for 61307 in 2018"
    assert (jeugd["target_relative"], jeugd["saving_relative"]) == ("2.7", None)
    assert [row["status"] for row in found["taakstellingen"]] == [
        "over", "achieved", "achieved", "not-yet", "unknown", "unknown",
    ]  # fmt: skip
    assert (found["opgave"]["status"], found["opgave"]["saving"]) == ("unknown", None)
    assert found["opgave"]["unknown"] == [3, 4]
    assert found["deelproducten"][3]["realised"] is None


def test_before_the_taakstellingen_were_imposed_there_is_no_target(history: Ledger) -> None:
    found = achieved(history, as_of="2018-03-06")

    assert (found["interventies"], found["taakstellingen"], found["overlap"]) == ([], [], [])
    assert (found["opgave"]["target"], found["opgave"]["status"]) == (D("0.00"), "unknown")
    assert found["opgave"]["reason"] == "no taakstelling has a target in 2018 as of this basis"


def test_the_base_year_must_come_before_the_year(history: Ledger) -> None:
    with pytest.raises(AchievementError) as refused:
        achieved(history, base_year=2018)

    assert (str(refused.value), refused.value.field) == (
        "the base year (2018) must come before the fiscal year (2018)",
        "base_year",
    )


# -- lineage -------------------------------------------------------------------------------


def test_the_lineage_of_an_interventie_adds_up_to_its_figures(history: Ledger) -> None:
    with history.engine.connect() as conn:
        traced = achievement.achievement_lineage(
            conn, basis(history), fiscal_year=2018, interventie=2
        )

    assert traced is not None
    assert traced["zoekgebied"] == ["61296", "61301"]
    target = [(row["event"], row["subject"], row["delta"]) for row in traced["target"]["rows"]]
    assert target == [("Imposed", "t2", D("350000.00")), ("Imposed", "t3", D("50000.00"))]
    assert traced["target"]["amount"] == D("400000.00")
    assert [row["delta"] for row in traced["base"]["rows"]] == [
        D("1000000.00"),
        D("500000.00"),
    ]
    assert traced["base"]["amount"] == D("1500000.00")
    # 61301's quarter figure, 61296 voorlopig, 61301's whole-year figure, then 61296
    # corrected: every realisation of the year counts; the baten figure is left out.
    assert [(row["event"], row["delta"]) for row in traced["realised"]["rows"]] == [
        ("definitief v1", D("100000.00")),
        ("voorlopig v1", D("700000.00")),
        ("definitief v1", D("350000.00")),
        ("definitief v2", D("-50000.00")),
    ]
    assert [row["running_total"] for row in traced["realised"]["rows"]] == [
        D("100000.00"),
        D("800000.00"),
        D("1150000.00"),
        D("1100000.00"),
    ]
    assert traced["saving"] == D("400000.00")
    assert (traced["base"]["missing"], traced["realised"]["missing"]) == ([], [])


def test_the_lineage_of_a_taakstelling_as_of_a_basis_leaves_out_later_facts(
    history: Ledger,
) -> None:
    with history.engine.connect() as conn:
        traced = achievement.achievement_lineage(
            conn, basis(history, "2019-04-30"), fiscal_year=2018, reference="t5"
        )
        nothing = achievement.achievement_lineage(
            conn, basis(history), fiscal_year=2018, reference="r1"
        )

    assert traced is not None
    assert (traced["zoekgebied"], traced["target"]["amount"]) == (["61307"], D("20000.00"))
    assert (traced["realised"]["rows"], traced["realised"]["missing"]) == ([], ["61307"])
    assert traced["saving"] is None
    assert nothing is None  # a risico has no target


# -- the demo ------------------------------------------------------------------------------


def test_the_demo_2018_interventie_2_saved_more_than_its_target(demo_ledger: Ledger) -> None:
    """Tabel 5.2: 61296, 61301 and 61307 realised 27,336k in 2017 and 22,357k in 2018: a
    saving of 4,979k against the opgave of 2,900k (10.6% of realisatie 2017)."""
    found = achieved(demo_ledger, interventie=2)

    (wijk,) = found["interventies"]
    assert wijk["zoekgebied"] == ["61296", "61301", "61307"]
    assert figures(wijk) == (
        D("2900000.00"), D("27336000.00"), D("22357000.00"), D("4979000.00"),
        D("2079000.00"), "over",
    )  # fmt: skip
    assert wijk["target_relative"] == "10.6"
    assert wijk["shared_deelproducten"] == ["61296"]
    assert wijk["unshared_saving"] == D("-124000.00")  # 61301 677k, 61307 -801k
    assert [(row["reference"], row["target"]) for row in found["taakstellingen"]] == [
        ("ivp2-kwartaalgesprekken-wijkteams-wmo", D("2800000.00")),
        ("ivp2-kantelgesprekken-pgb-hbh", D("100000.00")),
    ]
    # 61296 lies in interventie 1's zoekgebied too (interventies 8 and 9 weigh on it from 2019).
    assert found["overlap"] == [
        {"deelproduct": "61296", "interventies": [1, 2], "saving": D("5103000.00")}
    ]

"""Budget against realisation (ADR 0026) on SQLite and PostgreSQL: a begroting with lasten
and baten lines, a numbered begrotingswijziging with dekking, voorlopig then definitief
realisations, one realisation without a line, quarter-end columns and as-of exactness."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from api.ledger import Ledger
from domain.budget import line_id
from projections.queries import authority, figures, uitputting
from projections.queries.basis import resolve_basis
from projections.queries.uitputting import UitputtingError
from projections.store import schema
from support import begroting
from support.begroting import AMBULANT, BATEN, DEKKING, MAATWERK, NUMBER, PROGRAMMA, WIJZIGING

FIGURES = (
    "primitief",
    "wijzigingen",
    "begroting_na_wijziging",
    "realisatie",
    "realisatie_voorlopig",
    "saldo",
    "uitputting",
)


@pytest.fixture
def ledger_2019(ledger: Ledger) -> Ledger:
    begroting.load(ledger.app)
    ledger.runner.catch_up()
    return ledger


def answer(ledger: Ledger, as_of: str | None = None, **asked: Any) -> Any:
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, as_of, ledger.runner.position())
        return uitputting.uitputting(conn, basis, fiscal_year=2019, **asked)


def shown(figures: Any) -> tuple[str | None, ...] | None:
    """The figures of a row, total or quarter as text, in FIGURES order."""
    if figures is None:
        return None
    return tuple(None if figures[name] is None else str(figures[name]) for name in FIGURES)


def row(
    key: str | None,
    side: str,
    values: tuple[str, str, str, str, str, str, str | None],
    *,
    no_line: bool = False,
    label: str | None = None,
    line: dict[str, Any] | None = None,
) -> dict[str, Any]:
    amounts = {name: Decimal(v) for name, v in zip(FIGURES[:-1], values[:-1], strict=True)}
    return {
        "key": key,
        "label": label or key,
        "side": side,
        "no_line": no_line,
        "line": line,
        **amounts,
        "uitputting": values[-1],
    }


LASTEN_NOW = (
    "1500000.00",
    "100000.00",
    "1600000.00",
    "720000.00",
    "300000.00",
    "880000.00",
    "45.0",
)
ZONDER_NOW = ("0.00", "0.00", "0.00", "50000.00", "50000.00", "-50000.00", None)
BATEN_NOW = ("200000.00", "0.00", "200000.00", "250000.00", "250000.00", "50000.00", "125.0")


def test_per_programma_each_side_with_the_realisations_without_a_line_beside_it(
    ledger_2019: Ledger,
) -> None:
    found = answer(ledger_2019, by="programma")

    assert found["rows"] == [
        row(PROGRAMMA, "lasten", LASTEN_NOW),
        row(PROGRAMMA, "lasten", ZONDER_NOW, no_line=True),
        row(PROGRAMMA, "baten", BATEN_NOW),
    ]
    assert [(total["side"], shown(total)) for total in found["totals"]] == [
        (
            "lasten",
            (
                "1500000.00",
                "100000.00",
                "1600000.00",
                "770000.00",
                "350000.00",
                "830000.00",
                "48.1",  # 48.125 rounded to one decimal
            ),
        ),
        ("baten", BATEN_NOW),
    ]
    assert (found["fiscal_year"], found["by"], found["side"], "quarters" in found) == (
        2019,
        "programma",
        None,
        False,
    )


def dims(key: Any) -> dict[str, Any]:
    return {
        "fiscal_year": key.fiscal_year,
        "programma": key.programma,
        "taakveld": key.taakveld,
        "side": key.side.value,
        "deelproduct": key.deelproduct,
        "interventie": key.interventie,
        "fund": key.fund,
        "categorie": key.categorie,
    }


def test_per_line_a_realisation_meets_the_line_of_its_own_dimensions(ledger_2019: Ledger) -> None:
    found = answer(ledger_2019, by="line")

    assert found["rows"] == [
        row(
            str(line_id(AMBULANT)),
            "lasten",
            (
                "1000000.00",
                "150000.00",
                "1150000.00",
                "720000.00",
                "300000.00",
                "430000.00",
                "62.6",
            ),
            label=f"{PROGRAMMA} / taakveld 6.71 / deelproduct 61296",
            line=dims(AMBULANT),
        ),
        row(
            str(line_id(begroting.ZONDER)),
            "lasten",
            ZONDER_NOW,
            no_line=True,
            label=f"{PROGRAMMA} / taakveld 6.72 / deelproduct 62000",
            line=dims(begroting.ZONDER),
        ),
        row(
            str(line_id(MAATWERK)),
            "lasten",
            ("500000.00", "-50000.00", "450000.00", "0.00", "0.00", "450000.00", "0.0"),
            label=f"{PROGRAMMA} / taakveld 6.81",
            line=dims(MAATWERK),
        ),
        row(
            str(line_id(BATEN)),
            "baten",
            BATEN_NOW,
            label=f"{PROGRAMMA} / taakveld 6.71 / deelproduct 61296",
            line=dims(BATEN),
        ),
    ]


def test_per_taakveld_and_one_side(ledger_2019: Ledger) -> None:
    found = answer(ledger_2019, by="taakveld", side="lasten")

    assert [(r["key"], r["side"], r["no_line"], shown(r)) for r in found["rows"]] == [
        (
            "6.71",
            "lasten",
            False,
            (
                "1000000.00",
                "150000.00",
                "1150000.00",
                "720000.00",
                "300000.00",
                "430000.00",
                "62.6",
            ),
        ),
        ("6.72", "lasten", True, ZONDER_NOW),
        (
            "6.81",
            "lasten",
            False,
            ("500000.00", "-50000.00", "450000.00", "0.00", "0.00", "450000.00", "0.0"),
        ),
    ]
    assert [total["side"] for total in found["totals"]] == ["lasten"]


def test_per_interventie_a_group_without_one_has_no_key(ledger_2019: Ledger) -> None:
    found = answer(ledger_2019, by="interventie", side="baten")

    assert [(r["key"], r["label"], shown(r)) for r in found["rows"]] == [
        (None, "zonder interventie", BATEN_NOW)
    ]


def test_the_quarter_ends_side_by_side_as_each_knew_them(ledger_2019: Ledger) -> None:
    found = answer(ledger_2019, by="programma", quarters=True)

    assert found["quarters"] == ["2019Q1", "2019Q2", "2019Q3", "2019Q4"]
    lasten, zonder, baten = found["rows"]
    assert {name: shown(q) for name, q in lasten["quarters"].items()} == {
        "2019Q1": (
            "1500000.00",
            "0.00",
            "1500000.00",
            "300000.00",
            "300000.00",
            "1200000.00",
            "20.0",
        ),
        "2019Q2": (
            "1500000.00",
            "150000.00",
            "1650000.00",
            "700000.00",
            "700000.00",
            "950000.00",
            "42.4",
        ),
        "2019Q3": (
            "1500000.00",
            "150000.00",
            "1650000.00",
            "700000.00",
            "700000.00",
            "950000.00",
            "42.4",
        ),
        # The cut of 2019-11-15 is known; the definitief correction (2020) is not yet.
        "2019Q4": (
            "1500000.00",
            "100000.00",
            "1600000.00",
            "700000.00",
            "700000.00",
            "900000.00",
            "43.8",  # 43.75: half away from zero
        ),
    }
    zero = ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", None)
    assert [shown(q) for q in zonder["quarters"].values()] == [zero, zero, ZONDER_NOW, ZONDER_NOW]
    assert shown(baten["quarters"]["2019Q1"]) == (
        "200000.00",
        "0.00",
        "200000.00",
        "0.00",
        "0.00",
        "-200000.00",
        "0.0",
    )
    assert shown(found["totals"][0]["quarters"]["2019Q3"]) == (
        "1500000.00",
        "150000.00",
        "1650000.00",
        "750000.00",
        "750000.00",
        "900000.00",
        "45.5",
    )


def test_as_of_a_moment_a_mutation_known_after_it_is_left_out_and_so_are_later_quarters(
    ledger_2019: Ledger,
) -> None:
    found = answer(ledger_2019, "2019-11-14", by="programma", side="lasten", quarters=True)

    # The cut of 50,000.00 known on 2019-11-15 is not in it, nor the correction of 2020.
    assert shown(found["rows"][0]) == (
        "1500000.00",
        "150000.00",
        "1650000.00",
        "700000.00",
        "700000.00",
        "950000.00",
        "42.4",
    )
    assert found["rows"][0]["quarters"]["2019Q4"] is None
    assert found["totals"][0]["quarters"]["2019Q4"] is None
    assert shown(found["rows"][0]["quarters"]["2019Q3"]) == shown(found["rows"][0])


def test_on_the_log_before_the_wijziging_only_the_primitieve_begroting_counts(
    ledger_2019: Ledger,
) -> None:
    with ledger_2019.engine.connect() as conn:
        mutations = schema.budget_mutations
        position = conn.execute(
            select(func.min(mutations.c.position)).where(mutations.c.kind == "Amended")
        ).scalar()
        basis = resolve_basis(conn, None, int(position) - 1)
        found = uitputting.uitputting(conn, basis, fiscal_year=2019, side="lasten")

    assert shown(found["rows"][0]) == (
        "1500000.00",
        "0.00",
        "1500000.00",
        "0.00",
        "0.00",
        "1500000.00",
        "0.0",
    )


def lineage_of(ledger: Ledger, **asked: Any) -> Any:
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, ledger.runner.position())
        return uitputting.figure_lineage(conn, basis, fiscal_year=2019, **asked)


def test_the_wijzigingen_trace_to_the_numbered_wijziging_with_their_dekking(
    ledger_2019: Ledger,
) -> None:
    rows = lineage_of(
        ledger_2019, by="programma", key=PROGRAMMA, side="lasten", figure="wijzigingen"
    )

    assert [
        (
            r["event"],
            str(r["delta"]),
            str(r["running_total"]),
            r["decision"]["reference"],
            r["dekking"],
        )
        for r in rows
    ] == [
        ("Amended", "150000.00", "150000.00", WIJZIGING, DEKKING),
        ("Amended", "-50000.00", "100000.00", WIJZIGING, None),
    ]
    assert all(r["authorised"] for r in rows)


def test_the_primitieve_begroting_traces_to_the_establishments(ledger_2019: Ledger) -> None:
    rows = lineage_of(
        ledger_2019, by="line", key=str(line_id(BATEN)), side="baten", figure="primitief"
    )

    assert [(r["event"], str(r["delta"]), r["subject"], r["known_at"]) for r in rows] == [
        ("Established", "200000.00", f"{PROGRAMMA} / 6.71", "2018-11-08T20:00:00+00:00")
    ]


def test_the_realisatie_traces_to_its_entries_voorlopig_then_definitief(
    ledger_2019: Ledger,
) -> None:
    rows = lineage_of(ledger_2019, by="taakveld", key="6.71", side="lasten", figure="realisatie")

    assert [(r["event"], str(r["delta"]), str(r["running_total"])) for r in rows] == [
        ("voorlopig v1", "300000.00", "300000.00"),
        ("voorlopig v1", "400000.00", "700000.00"),
        ("definitief v2", "20000.00", "720000.00"),
    ]


def test_the_realisatie_without_a_line_traces_to_its_own_entry(ledger_2019: Ledger) -> None:
    rows = lineage_of(
        ledger_2019,
        by="programma",
        key=PROGRAMMA,
        side="lasten",
        figure="realisatie",
        no_line=True,
    )

    assert [(r["event"], str(r["delta"]), r["known_at"]) for r in rows] == [
        ("voorlopig v1", "50000.00", "2019-09-27T12:00:00+00:00")
    ]


def test_a_row_the_basis_does_not_know_has_no_lineage(ledger_2019: Ledger) -> None:
    assert (
        lineage_of(ledger_2019, by="programma", key="Elders", side="lasten", figure="primitief")
        is None
    )


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"by": "fund"}, "by"),
        ({"side": "saldo"}, "side"),
    ],
)
def test_an_unknown_grouping_or_side_names_its_field(
    ledger_2019: Ledger, asked: dict[str, str], field: str
) -> None:
    with pytest.raises(UitputtingError) as refused:
        answer(ledger_2019, **asked)

    assert refused.value.field == field


def test_the_numbered_wijziging_lists_its_number_and_authorised_exactly_its_mutations(
    ledger_2019: Ledger,
) -> None:
    with ledger_2019.engine.connect() as conn:
        basis = resolve_basis(conn, None, ledger_2019.runner.position())
        decisions = figures.decisions(conn, basis)
        parts = [
            (r["event"], str(r["delta"]), r["line"]["taakveld"])
            for r in authority.authority_report(conn, basis, fiscal_year=2019)
            if r["decision"] is not None and r["decision"]["reference"] == WIJZIGING
        ]

    assert [(d["reference"], d["number"]) for d in decisions] == [
        (begroting.BEGROTING, None),
        (WIJZIGING, NUMBER),
    ]
    assert parts == [("Amended", "150000.00", "6.71"), ("Amended", "-50000.00", "6.81")]


def test_the_line_id_of_a_realisations_dimensions_is_the_domains(ledger_2019: Ledger) -> None:
    assert UUID(answer(ledger_2019, by="line")["rows"][0]["key"]) == line_id(AMBULANT)

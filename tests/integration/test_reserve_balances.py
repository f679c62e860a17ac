"""Reserves as balances as of a basis (ADR 0027), on SQLite and PostgreSQL: an opening
balance as stated or unknown (None, never zero), oormerken that move money within the
reserve, the opening the known movements imply, and the events behind each figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from api.demo.nijmegen import day
from api.ledger import Ledger
from domain.application import Context
from domain.errors import InvalidInputError
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.reserve import ReserveKind
from domain.values import Period
from projections.queries.basis import resolve_basis
from projections.queries.reserve_balances import FigureError, reserve_balances, reserve_lineage

ACTOR = "test:concern-control"
IVP = "raad-2019-05-interventieplan-fase-4"
CODE = "F022"
EARMARK = "transformatiebudget"
E = Decimal


def money(text: str) -> Money:
    return Money.parse(text)


@pytest.fixture
def saldireserve(ledger: Ledger) -> Ledger:
    """Given: F022 without an opening balance; EUR 2m earmarked in 2019 (S1 §6.2), 119,000
    spent from the earmark in 2019, 50,000 withdrawn from the free part in 2020, the rest
    of the earmark released in 2021 and the 2021 opening stated by the jaarrekening."""
    app = ledger.app
    app.propose_decision(
        Context(actor=ACTOR, known_at=day("2019-04-10"), source="Interventieplan fase 4"),
        reference=IVP,
        title="Interventieplan fase 4",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BELEIDSNOTA,
        period=Period(2019, 2021),
    )
    app.adopt_decision(Context(actor=ACTOR, known_at=day("2019-05-08")), reference=IVP)
    app.establish_reserve(
        Context(actor=ACTOR, known_at=day("2019-01-01"), source="Staat van reserves"),
        code=CODE,
        name="Saldireserve",
        kind=ReserveKind.ALGEMEEN,
        purpose="Weerstandsvermogen",
        fiscal_year=2019,
    )
    moves: list[tuple[str, str, int, str, str]] = [
        ("earmark_in_reserve", "2019-05-08", 2019, "2000000.00", EARMARK),
        ("withdraw_from_reserve", "2019-07-10", 2019, "119000.00", EARMARK),
        ("withdraw_from_reserve", "2020-03-01", 2020, "50000.00", ""),
        ("release_earmark", "2021-07-01", 2021, "1881000.00", EARMARK),
    ]
    for method, known, year, amount, earmark in moves:
        getattr(app, method)(
            Context(actor=ACTOR, known_at=day(known)),
            code=CODE,
            fiscal_year=year,
            amount=money(amount),
            earmark=earmark,
            decision=IVP,
        )
    app.state_reserve_opening(
        Context(actor=ACTOR, known_at=day("2021-07-01"), source="Jaarrekening 2020"),
        code=CODE,
        fiscal_year=2021,
        amount=money("10000000.00"),
    )
    ledger.runner.catch_up()
    return ledger


def balances(ledger: Ledger, as_of: str | None = None, **filters: Any) -> list[Any]:
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, as_of, ledger.runner.position())
        return list(reserve_balances(conn, basis, **filters))


def lineage(ledger: Ledger, figure: str, year: int, as_of: str | None = None) -> Any:
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, as_of, ledger.runner.position())
        return reserve_lineage(conn, basis, code=CODE, fiscal_year=year, figure=figure)


def earmark(opening: str, earmarked: str, withdrawals: str, released: str, balance: str) -> Any:
    return {
        "earmark": EARMARK,
        "opening": E(opening),
        "earmarked": E(earmarked),
        "deposits": E("0.00"),
        "withdrawals": E(withdrawals),
        "released": E(released),
        "balance": E(balance),
    }


def implied(amount: str) -> Any:
    return {
        "shortfall": E(amount),
        "message": f"withdrawals exceed the known movements by EUR {amount}: an opening "
        f"balance of at least {amount} is implied",
    }


def row(year: int, **figures: Any) -> Any:
    return {
        "code": CODE,
        "name": "Saldireserve",
        "kind": "algemeen",
        "fiscal_year": year,
        **figures,
    }


def free(
    opening: str | None, withdrawals: str, earmarked: str, released: str, closing: str | None
) -> Any:
    return {
        "opening": None if opening is None else E(opening),
        "deposits": E("0.00"),
        "withdrawals": E(withdrawals),
        "earmarked": E(earmarked),
        "released": E(released),
        "closing": None if closing is None else E(closing),
    }


def test_each_year_shows_its_opening_unknown_until_stated_and_the_implied_opening(
    saldireserve: Ledger,
) -> None:
    assert balances(saldireserve) == [
        row(
            2019,
            opening=None,
            opening_known=False,
            opening_stated=False,
            deposits=E("0.00"),
            withdrawals=E("119000.00"),
            closing=None,
            free=free(None, "0.00", "2000000.00", "0.00", None),
            earmarks=[earmark("0.00", "2000000.00", "119000.00", "0.00", "1881000.00")],
            implied_opening=implied("2000000.00"),
        ),
        row(
            2020,
            opening=None,
            opening_known=False,
            opening_stated=False,
            deposits=E("0.00"),
            withdrawals=E("50000.00"),
            closing=None,
            free=free(None, "50000.00", "0.00", "0.00", None),
            earmarks=[earmark("1881000.00", "0.00", "0.00", "0.00", "1881000.00")],
            implied_opening=implied("2050000.00"),
        ),
        row(
            2021,
            opening=E("11881000.00"),
            opening_known=True,
            opening_stated=True,
            deposits=E("0.00"),
            withdrawals=E("0.00"),
            closing=E("11881000.00"),
            free=free("10000000.00", "0.00", "0.00", "1881000.00", "11881000.00"),
            earmarks=[earmark("1881000.00", "0.00", "0.00", "1881000.00", "0.00")],
            implied_opening=None,
        ),
    ]


def test_an_earmark_known_after_the_basis_is_not_in_it(saldireserve: Ledger) -> None:
    [before] = balances(saldireserve, "2019-04-30", fiscal_year=2019)
    [after] = balances(saldireserve, "2019-06-30", fiscal_year=2019)

    assert (before["earmarks"], before["free"]["earmarked"], before["implied_opening"]) == (
        [],
        E("0.00"),
        None,
    )
    assert after["earmarks"] == [earmark("0.00", "2000000.00", "0.00", "0.00", "2000000.00")]
    assert after["opening"] is None


def test_a_stated_opening_known_after_the_basis_leaves_the_year_unknown(
    saldireserve: Ledger,
) -> None:
    [row_2021] = balances(saldireserve, "2021-06-30", fiscal_year=2021)

    assert (row_2021["opening"], row_2021["opening_known"], row_2021["closing"]) == (
        None,
        False,
        None,
    )


def test_the_closing_balance_traces_to_each_part_s_events(saldireserve: Ledger) -> None:
    traced = lineage(saldireserve, "closing", 2021)

    assert traced["value"] == E("11881000.00")
    assert [(r["event"], r["subject"], r["delta"], r["running_total"]) for r in traced["rows"]] == [
        ("Earmarked", EARMARK, E("2000000.00"), E("2000000.00")),
        ("Withdrawn", EARMARK, E("-119000.00"), E("1881000.00")),
        ("EarmarkReleased", "(vrij)", E("1881000.00"), E("3762000.00")),
        ("EarmarkReleased", EARMARK, E("-1881000.00"), E("1881000.00")),
        ("OpeningBalanceStated", "(vrij)", E("10000000.00"), E("11881000.00")),
    ]
    statement = traced["rows"][-1]
    assert (
        statement["decision"],
        statement["source"],
        statement["actor"],
        statement["period"],
    ) == (
        None,
        "Jaarrekening 2020",
        ACTOR,
        2021,
    )
    assert traced["rows"][0]["decision"]["reference"] == IVP
    assert traced["rows"][0]["authorised"] is True


def test_an_unknown_opening_has_no_events_and_an_earmark_has_its_own(
    saldireserve: Ledger,
) -> None:
    unknown = lineage(saldireserve, "opening", 2020)
    assert unknown.pop("basis")["log_position"] == saldireserve.runner.position()
    assert unknown == {
        "code": CODE,
        "fiscal_year": 2020,
        "figure": "opening",
        "value": None,
        "rows": [],
    }
    traced = lineage(saldireserve, f"earmark:{EARMARK}", 2019)
    assert [(r["event"], r["delta"]) for r in traced["rows"]] == [
        ("Earmarked", E("2000000.00")),
        ("Withdrawn", E("-119000.00")),
    ]
    assert lineage(saldireserve, "withdrawals", 2020)["value"] == E("50000.00")


def test_a_figure_a_balance_does_not_have_is_refused(saldireserve: Ledger) -> None:
    with pytest.raises(FigureError):
        lineage(saldireserve, "saldo", 2019)


def test_a_corrected_opening_and_its_lineage_agree_on_every_basis(ledger: Ledger) -> None:
    """The reviewer's probe: 100,000 stated (known 2021-03-01), a correction to 150,000
    known before it is refused; one known after it is accepted. On every basis the opening
    and closing the balances show are what the lineage's deltas add up to."""
    app = ledger.app
    app.establish_reserve(
        Context(actor=ACTOR, known_at=day("2019-01-01"), source="Staat van reserves"),
        code=CODE,
        name="Saldireserve",
        kind=ReserveKind.ALGEMEEN,
        purpose="Weerstandsvermogen",
        fiscal_year=2021,
    )

    def state(known: str, amount: str) -> None:
        app.state_reserve_opening(
            Context(actor=ACTOR, known_at=day(known), source="Jaarrekening 2020"),
            code=CODE,
            fiscal_year=2021,
            amount=money(amount),
        )

    state("2021-03-01", "100000.00")
    ledger.runner.catch_up()
    first = ledger.runner.position()
    with pytest.raises(InvalidInputError) as caught:
        state("2021-01-01", "150000.00")
    assert caught.value.field == "known_at"
    state("2021-05-01", "150000.00")
    ledger.runner.catch_up()

    bases = [
        ("2021-02-01", None, None),
        ("2021-04-01", None, E("100000.00")),
        ("2021-06-01", None, E("150000.00")),
        (None, None, E("150000.00")),
        (None, first, E("100000.00")),
    ]
    with ledger.engine.connect() as conn:
        for as_of, position, expected in bases:
            basis = resolve_basis(conn, as_of, position or ledger.runner.position())
            [year] = reserve_balances(conn, basis, code=CODE, fiscal_year=2021)
            for figure in ("opening", "closing"):
                traced = reserve_lineage(conn, basis, code=CODE, fiscal_year=2021, figure=figure)
                assert traced is not None
                deltas = [r["delta"] for r in traced["rows"]]
                summed = sum(deltas, E("0.00")) if deltas else None
                assert year[figure] == traced["value"] == summed == expected

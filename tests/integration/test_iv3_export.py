"""The Iv3 matrix (ADR 0031) on SQLite and PostgreSQL: the sums per taakveld x categorie of
each period from a small made-up year; the refusal listing every line that does not fit;
the Nijmegen demo, recorded without categorieën, refused with its lines listed."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from api import spreadsheets as writers
from api.ledger import Ledger
from domain import budget, realisation
from domain.application import Begroting, Context
from domain.money import Money
from domain.values import LineKey, Side
from projections.queries import figures
from projections.queries import iv3_matrix as iv3
from projections.queries.basis import head_at, resolve_basis
from support import iv3 as given
from support.demo import DEMO_HEAD, DEMO_LAST_POSITION

D = Decimal


@pytest.fixture
def year(ledger: Ledger) -> Ledger:
    given.load(ledger.app)
    ledger.runner.catch_up()
    return ledger


def matrix(ledger: Ledger, period: str, as_of: str | None = None) -> list[tuple[Any, ...]]:
    """(side, taakveld, categorie, amount, voorlopig, lines) per cell."""
    with ledger.engine.connect() as conn:
        wanted = as_of if as_of is not None else iv3.default_as_of(2025, period)
        basis = resolve_basis(conn, wanted, ledger.runner.position())
        export = iv3.iv3_export(conn, basis, fiscal_year=2025, period=period)
    keys = [column.key for column in export.columns]
    return [
        tuple(
            row[keys.index(k)]
            for k in ("side", "taakveld", "categorie", "amount", "voorlopig", "lines")
        )
        for row in export.rows
    ]


def test_the_begroting_is_the_primitieve_begroting_per_cell(year: Ledger) -> None:
    assert matrix(year, "begroting") == [
        ("lasten", "6.1", "3.8", D("1000.25"), None, 2),
        ("lasten", "8.3", "3.8", D("250.50"), None, 1),
        ("baten", "0.2", "3.7", D("300.00"), None, 1),
    ]


@pytest.mark.parametrize(
    ("period", "cells"),
    [
        ("Q1", [("lasten", "6.1", "3.8", D("200.10"), D("200.10"), 1)]),
        (
            "Q2",
            [
                ("lasten", "6.1", "3.8", D("500.10"), D("200.10"), 2),
                ("baten", "0.2", "3.7", D("50.00"), D("50.00"), 1),
            ],
        ),
        (
            "Q3",
            [
                ("lasten", "6.1", "3.8", D("501.10"), D("200.10"), 3),
                ("baten", "0.2", "3.7", D("50.00"), D("50.00"), 1),
            ],
        ),
        (
            "jaarrekening",
            [
                ("lasten", "6.1", "3.8", D("501.10"), D("200.10"), 3),
                ("lasten", "8.3", "3.8", D("10.00"), D("0.00"), 1),
                ("baten", "0.2", "3.7", D("50.00"), D("50.00"), 1),
            ],
        ),
    ],
)
def test_a_quarter_sums_the_realisations_to_date_and_the_jaarrekening_the_year(
    year: Ledger, period: str, cells: list[tuple[Any, ...]]
) -> None:
    assert matrix(year, period) == cells


def test_a_quarter_is_as_of_now_unless_a_basis_is_given(year: Ledger) -> None:
    # A quarter's last month is known after its end (a March extract is dated in April):
    # by default it counts; as of the quarter's end it does not.
    year.app.report_realisation(
        Context(actor="concern control", known_at=given.at("2025-04-03T12:00:00"), source="x"),
        key=given.JEUGD,
        amount=Money.parse("7.00"),
        status=given.VOORLOPIG,
        quarter=1,
    )
    year.runner.catch_up()

    assert matrix(year, "Q1") == [("lasten", "6.1", "3.8", D("207.10"), D("207.10"), 2)]
    assert matrix(year, "Q1", as_of="2025Q1") == [
        ("lasten", "6.1", "3.8", D("200.10"), D("200.10"), 1)
    ]
    assert matrix(year, "Q2", as_of="2025Q1") == matrix(year, "Q1", as_of="2025Q1")


def test_a_figure_with_a_month_and_no_quarter_counts_in_its_months_quarter(
    year: Ledger,
) -> None:
    # Leges of May 2025, named by its month alone: in Q2 and later, not in Q1 (ADR 0033).
    year.app.report_realisation(
        Context(
            actor="concern control", known_at=given.at("2025-06-30T12:00:00"), source="grootboek"
        ),
        key=given.LEGES,
        amount=Money.parse("7.00"),
        status=given.DEFINITIEF,
        month="2025-05",
    )
    year.runner.catch_up()

    assert matrix(year, "Q1") == [("lasten", "6.1", "3.8", D("200.10"), D("200.10"), 1)]
    assert matrix(year, "Q2") == [
        ("lasten", "6.1", "3.8", D("500.10"), D("200.10"), 2),
        ("baten", "0.2", "3.7", D("57.00"), D("50.00"), 2),
    ]
    assert matrix(year, "jaarrekening")[-1] == ("baten", "0.2", "3.7", D("57.00"), D("50.00"), 2)
    # The listing keeps the figure's own quarter (none) beside its month, after the Q2 one.
    with year.engine.connect() as conn:
        basis = resolve_basis(conn, None, year.runner.position())
        leges = [
            (row["quarter"], row["month"], row["amount"])
            for row in figures.realisation_amounts(conn, basis, fiscal_year=2025)
            if row["taakveld"] == "0.2"
        ]
    assert leges == [(2, None, D("50.00")), (None, "2025-05", D("7.00"))]


def test_the_export_carries_the_basis_the_chain_head_and_the_model(year: Ledger) -> None:
    with year.engine.connect() as conn:
        basis = resolve_basis(conn, "2025Q1", year.runner.position())
        export = iv3.iv3_export(conn, basis, fiscal_year=2025, period="Q1")
        head = head_at(conn, basis.position)
    text = writers.to_csv(export, "rfc4180").decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "fiscal_year", "period", "side", "taakveld", "taakveld_name", "categorie",
        "categorie_name", "amount", "voorlopig", "lines", "basis_as_of", "basis_report",
        "basis_knowledge_cutoff", "basis_log_position", "chain_head",
    ]  # fmt: skip
    cutoff = "2025-03-31T23:59:59.999999+02:00"
    assert rows[1:] == [
        [
            "2025", "Q1", "lasten", "6.1", "Samenkracht en burgerparticipatie", "3.8",
            "Overige goederen en diensten", "200.10", "200.10", "1", cutoff, "", cutoff,
            str(basis.position), head,
        ]
    ]  # fmt: skip
    provenance = dict(export.provenance)
    assert provenance["export"] == "iv3 2025 Q1"
    assert provenance["iv3_model"] == (
        "CBS statistiekcbs/iv3_definities@9d77a88 iv3_definities_Gemeente_2025.json,"
        " iv3_definities_Gemeente_2026.json (Iv3 definitiebestand versie 2.1)"
    )
    assert (provenance["total_lasten"], provenance["total_baten"]) == ("200.10", "0.00")
    assert provenance["chain_head"] == head
    assert export.name == "iv3-2025-q1"


def _record_unchecked(app: Begroting, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Lines as a ledger recorded before the check (or under an older model) could hold
    them: the recording check switched off. Returns their ids, in log order."""
    monkeypatch.setattr(budget, "check_key", lambda key: None)
    monkeypatch.setattr(realisation, "check_key", lambda key: None)
    finance = Context(actor="concern control", known_at=given.at("2024-11-06T20:00:00"))
    keys = [
        LineKey(2025, "Bestuur", "0.1", Side.LASTEN),  # no categorie
        LineKey(2025, "Bestuur", "0.2", Side.LASTEN, categorie="4.4.1"),  # gone since 2025
        LineKey(2025, "Bestuur", "0.10", Side.LASTEN, categorie="1.1"),  # a grey cell
    ]
    for key in keys:
        app.establish_budget(finance, key=key, amount=Money.parse("1"), decision=given.BEGROTING)
    monkeypatch.undo()
    return [str(budget.line_id(key)) for key in keys]


def test_a_line_that_does_not_fit_refuses_the_export_each_listed(
    year: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _record_unchecked(year.app, monkeypatch)
    year.runner.catch_up()

    with pytest.raises(iv3.Iv3Refused) as caught:
        matrix(year, "begroting")

    assert [offence.to_json() for offence in caught.value.offences] == [
        {
            "kind": "line",
            "id": ids[0],
            "label": "Bestuur / taakveld 0.1 / lasten",
            "reason": "no categorie",
        },
        {
            "kind": "line",
            "id": ids[1],
            "label": "Bestuur / taakveld 0.2 / categorie 4.4.1 / lasten",
            "reason": "categorie 4.4.1 is not among the lasten of the Iv3 model of 2025",
        },
        {
            "kind": "line",
            "id": ids[2],
            "label": "Bestuur / taakveld 0.10 / categorie 1.1 / lasten",
            "reason": "taakveld 0.10 x categorie 1.1 is a grey cell",
        },
    ]
    assert caught.value.field == "categorie"
    assert caught.value.message.splitlines()[0] == (
        "cannot export Iv3 2025 begroting: 3 line(s) do not fit the Iv3 model of that year"
    )
    # The realisations of the year all fit: the quarters still export.
    assert matrix(year, "Q1") == [("lasten", "6.1", "3.8", D("200.10"), D("200.10"), 1)]


def test_a_year_before_the_first_model_is_refused(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, 0)
        with pytest.raises(iv3.InvalidInputError) as caught:
            iv3.iv3_export(conn, basis, fiscal_year=2016, period="jaarrekening")
    assert caught.value.field == "fiscal_year"
    assert caught.value.message == "the Iv3 model has no boekjaar 2016: the first is 2017"


def test_the_demo_without_categorieen_is_refused_with_its_lines(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, demo_ledger.runner.position())
        assert head_at(conn, DEMO_LAST_POSITION) == DEMO_HEAD  # the history as before
        with pytest.raises(iv3.Iv3Refused) as caught:
            iv3.iv3_export(conn, basis, fiscal_year=2019, period="jaarrekening")
    offences = caught.value.offences
    assert len(offences) == 6
    assert {offence.reason for offence in offences} == {"no categorie"}
    assert {offence.kind for offence in offences} == {"realisation"}
    assert offences[0].label == (
        "Welzijn, Wijkontwikkeling en Zorg / taakveld 6.71 / interventie 2"
        " / fund transformatiebudget / lasten"
    )

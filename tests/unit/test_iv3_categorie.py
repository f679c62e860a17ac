"""The economische categorie of a line or realisation (ADR 0031): checked against the Iv3
model of its fiscal year and side when recorded; a grey cell is refused; no categorie is as
before (the history without one)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import iv3
from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.errors import GreyCellError, UnknownCategorieError
from domain.events import DecisionKind
from domain.realisation import Realisation, RealisationStatus, realisation_id
from domain.values import LineKey, Side

from .support import FINANCE, events_since, given_decision, given_line, money, position

BEGROTING = "2024-B-1"
DIENSTEN = LineKey(2024, "Zorg", "6.1", categorie="3.8")
KNOWN_AT = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def adopted(app: Begroting) -> Begroting:
    """Given: the adopted begroting 2024."""
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    return app


def report(app: Begroting, key: LineKey) -> None:
    app.report_realisation(
        Context(actor=FINANCE, known_at=KNOWN_AT, source="grootboek"),
        key=key,
        amount=money("12.34"),
        status=RealisationStatus.VOORLOPIG,
        quarter=1,
    )


def test_a_line_with_a_categorie_of_its_year_and_side_is_opened_with_it(
    adopted: Begroting,
) -> None:
    before = position(adopted)

    given_line(adopted, DIENSTEN, "500.00", decision=BEGROTING)

    opened, _established = events_since(adopted, before)
    assert isinstance(opened, BudgetLine.Opened)
    assert opened.key == DIENSTEN
    assert opened.originator_id == line_id(DIENSTEN)
    assert line_id(DIENSTEN) != line_id(LineKey(2024, "Zorg", "6.1"))


def test_a_line_with_a_categorie_its_year_does_not_know_is_refused(adopted: Begroting) -> None:
    before = position(adopted)
    # 4.5.1 (investeringsbijdragen) arrived in the model of 2025; 2024 does not have it.
    key = LineKey(2024, "Zorg", "6.1", categorie="4.5.1")

    with pytest.raises(UnknownCategorieError) as caught:
        given_line(adopted, key, "500.00", decision=BEGROTING)

    assert caught.value.field == "categorie"
    assert caught.value.code == "unknown-categorie"
    assert caught.value.message == (
        "categorie '4.5.1' does not exist among the lasten of the Iv3 model of fiscal year 2024"
    )
    assert caught.value.data == {"categorie": "4.5.1", "fiscal_year": 2024, "side": "lasten"}
    assert position(adopted) == before


def test_a_categorie_of_the_other_side_is_refused(adopted: Begroting) -> None:
    # 3.7 leges is a baten categorie only.
    key = LineKey(2024, "Zorg", "0.2", Side.LASTEN, categorie="3.7")

    with pytest.raises(UnknownCategorieError) as caught:
        given_line(adopted, key, "1.00", decision=BEGROTING)

    assert caught.value.field == "categorie"
    assert caught.value.message == (
        "categorie '3.7' does not exist among the lasten of the Iv3 model of fiscal year 2024"
    )


def test_a_line_in_a_grey_cell_is_refused(adopted: Begroting) -> None:
    before = position(adopted)
    # Mutaties reserves (0.10) carries no salaries: a grey cell in every model.
    key = LineKey(2024, "Algemeen", "0.10", categorie="1.1")

    with pytest.raises(GreyCellError) as caught:
        given_line(adopted, key, "1.00", decision=BEGROTING)

    assert caught.value.field == "categorie"
    assert caught.value.code == "iv3-grey-cell"
    assert caught.value.message == (
        "taakveld 0.10 with categorie 1.1 is a grey cell of the lasten in the Iv3 model of"
        " fiscal year 2024: the CBS definitions forbid it"
    )
    assert position(adopted) == before


def test_a_realisation_with_a_categorie_is_reported_with_it(app: Begroting) -> None:
    report(app, DIENSTEN)

    [event] = events_since(app, 0)
    assert isinstance(event, Realisation.Reported)
    assert event.key == DIENSTEN
    assert event.originator_id == realisation_id(DIENSTEN, 1)
    assert event.originator_id != realisation_id(LineKey(2024, "Zorg", "6.1"), 1)


def test_a_realisation_with_an_unknown_categorie_is_refused(app: Begroting) -> None:
    with pytest.raises(UnknownCategorieError) as caught:
        report(app, LineKey(2024, "Zorg", "6.1", Side.BATEN, categorie="9.9"))

    assert caught.value.field == "categorie"
    assert caught.value.message == (
        "categorie '9.9' does not exist among the baten of the Iv3 model of fiscal year 2024"
    )
    assert position(app) == 0


def test_a_realisation_in_a_grey_cell_is_refused(app: Begroting) -> None:
    with pytest.raises(GreyCellError) as caught:
        report(app, LineKey(2024, "Algemeen", "0.10", Side.BATEN, categorie="2.2.1"))

    assert caught.value.field == "categorie"
    assert position(app) == 0


def test_a_realisation_per_deelproduct_is_checked_on_its_categorie_alone(app: Begroting) -> None:
    report(app, LineKey(2024, "Zorg", None, deelproduct="DP-1", categorie="3.8"))

    [event] = events_since(app, 0)
    assert isinstance(event, Realisation.Reported)
    assert event.key.categorie == "3.8"


def test_a_year_before_the_first_model_knows_no_categorie(adopted: Begroting) -> None:
    with pytest.raises(UnknownCategorieError) as caught:
        report(adopted, LineKey(2016, "Zorg", None, deelproduct="DP-1", categorie="3.8"))

    assert caught.value.message == (
        "categorie '3.8' does not exist among the lasten of the Iv3 model of fiscal year 2016"
    )


def test_every_fiscal_year_maps_to_the_model_of_its_boekjaar() -> None:
    spans = {year: iv3.model_for(year) for year in (2016, 2017, 2019, 2020, 2024, 2026, 2031)}

    assert spans[2016] is None
    assert {year: m.boekjaren for year, m in spans.items() if m is not None} == {
        2017: (2017, 2018, 2019),
        2019: (2017, 2018, 2019),
        2020: (2020,),
        2024: (2023, 2024),
        2026: (2025, 2026),
        2031: (2025, 2026),  # after the newest model: the newest
    }
    newest = iv3.models()[-1]
    assert newest.commit == "9d77a88bfe1b939e405bfa4f3ccea83d712e99ef"
    assert newest.source_files == (
        "iv3_definities_Gemeente_2025.json",
        "iv3_definities_Gemeente_2026.json",
    )
    assert len(newest.sides["lasten"].categorieen) == 37
    assert len(newest.sides["baten"].categorieen) == 39
    assert newest.sides["lasten"].categorieen["4.5.1"] == "Investeringsbijdragen - Rijk"


def test_every_grey_cell_names_a_taakveld_of_the_catalogue_of_its_years() -> None:
    from domain.taakvelden import catalogue_for

    for model in iv3.models():
        for year in model.boekjaren:
            catalogue = catalogue_for(year)
            for side in model.sides.values():
                strays = set(side.grijze_cellen) - set(catalogue)
                assert strays <= {"6.71", "6.72", "6.81", "6.82"}, (year, strays)
                assert {c for cats in side.grijze_cellen.values() for c in cats} <= set(
                    side.categorieen
                )

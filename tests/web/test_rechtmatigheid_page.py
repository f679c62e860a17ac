"""The Rechtmatigheid page over a small history (ADR 0029): an overschrijding by the
Kadernota's categories, the data gap apart, the verantwoordingsgrens exceeded, a year without
a grens, and the fund-rule findings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.settings import Settings
from api.web.bevoegdheid import in_dutch
from support.clock import Clock
from support.ledgers import ledger_on
from support.rechtmatigheid import record_2021, record_2022, set_grens
from support.web import sign_in


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    clock = Clock()
    with ledger_on("sqlite", tmp_path_factory.mktemp("rechtmatigheid"), clock) as ledger:
        record_2021(ledger)
        record_2022(ledger)
        set_grens(ledger, 2021, "3")
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        yield create_app(Settings(), ledger=ledger, clock=clock.now)


@pytest.fixture
def page(web_app: FastAPI) -> Iterator[str]:
    with TestClient(web_app, follow_redirects=False) as client:
        sign_in(client, DEMO_TOKENS[Role.AUDITOR])
        answer = client.get("/rechtmatigheid")
        assert answer.status_code == 200
        yield answer.text


def section(text: str, year: int) -> str:
    return text.split(f'<h2 id="jaar-{year}">')[1].split("</section>")[0]


def test_an_overschrijding_shows_its_categories_and_the_grens_exceeded(page: str) -> None:
    found = section(page, 2021)
    overschrijding = found.split('<table class="list lawfulness">')[1].split("</table>")[0]
    row = overschrijding.split("<tbody>")[1].split("</tr>")[0]

    assert (
        '<p class="grens">Verantwoordingsgrens: 3% van de totale lasten (€ 2.870.000) = '
        "€ 86.100, vastgesteld door verordening-2021-3. Telt mee: € 140.000: "
        "<strong>grens overschreden</strong>.</p>"
    ) in found
    assert row == (
        "\n  \n    <tr>\n"
        '      <th scope="row">Zorg</th>\n'
        '      <td class="num">€ 1.800.000<br><span class="hint">3 begrotingsregels</span></td>\n'
        '      <td class="num">€ 2.170.000<br><span class="hint">3 realisaties</span></td>\n'
        '      <td class="num">€ 370.000</td>\n'
        '      <td><ul class="categories">'
        "<li><code>gecompenseerd-door-baten</code> € 80.000 (Kadernota categorie 1, telt niet "
        "mee)</li>"
        "<li><code>open-einde</code> € 100.000 (Kadernota categorie 2, telt niet mee)</li>"
        "<li><code>nog-niet-geautoriseerd</code> € 50.000 (Kadernota categorie 4, telt niet "
        "mee)</li>"
        "<li><code>onrechtmatig-telt-mee</code> € 140.000 (Kadernota categorie 5, telt mee)"
        "</li></ul></td>\n"
        '      <td class="num">€ 140.000</td>\n    '
    )


def test_a_data_gap_stands_apart_from_the_findings(page: str) -> None:
    gaps = section(page, 2021).split('<table class="list lawfulness-gaps">')[1]
    row = gaps.split("<tbody>")[1].split("</tr>")[0]

    assert row == (
        "\n  \n    <tr>\n"
        '      <th scope="row">Overhead</th>\n'
        '      <td class="num">€ 700.000<br><span class="hint">1 realisaties</span></td>\n'
        "      <td><code>geen-begroting-vastgelegd</code>: het grootboek bevat voor dit "
        "programma in 2021 geen primitieve begroting; of deze lasten rechtmatig zijn, valt uit "
        "het grootboek niet op te maken.</td>\n    "
    )


def test_a_year_without_a_grens_says_so_and_lists_its_fund_rule_findings(page: str) -> None:
    found = section(page, 2022)

    assert (
        '<p class="grens">Geen verantwoordingsgrens vastgelegd: de raad stelde voor 2022 geen '
        "grens vast. Telt mee: € 20.000.</p>"
    ) in found
    assert found.count("<li><code>fund-rule</code>: ") == 2
    assert (
        "€ 50.000 van het transformatiebudget naar Zorg 6.1 (transfer, begroting-2022, logpositie "
    ) in found
    assert "€ 30.000 van het transformatiebudget naar Zorg 6.1 (reserve-onttrekking" in found
    assert "Interventieplan Sociaal Domein fase 4 (S1), §6.2: &ldquo;De budgetten die" in found


def test_the_authority_views_problem_of_a_fund_rule_reads_in_dutch() -> None:
    rule = "De budgetten die ... niet om tekorten in de exploitatie mee te dekken."
    problem = (
        "fund-rule: money of the transformatiebudget goes to a line without that fund "
        f"(reserve-onttrekking); Interventieplan Sociaal Domein fase 4 (S1), §6.2: {rule}"
    )

    assert in_dutch(problem) == (
        "regel van het fonds: geld van het transformatiebudget gaat naar een regel buiten dat "
        "fonds (onttrekking uit een reserve); Interventieplan Sociaal Domein fase 4 (S1), "
        f"§6.2: {rule}"
    )

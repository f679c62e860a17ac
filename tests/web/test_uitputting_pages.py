"""Uitputting on the web (ADR 0026) over the small begroting of support.begroting: the
figures per side as of a Peildatum, the quarter-ends beside it, every figure a link to its
Figuurhistorie, and the tab beside the year's other views."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.settings import Settings
from support import begroting
from support.clock import Clock
from support.ledgers import ledger_on
from support.web import sign_in


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    clock = Clock()
    with ledger_on("sqlite", tmp_path_factory.mktemp("uitputting"), clock) as ledger:
        begroting.load(ledger.app)
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        app = create_app(Settings(), ledger=ledger, clock=clock.now)
        with TestClient(app, follow_redirects=False) as client:
            sign_in(client, DEMO_TOKENS[Role.AUDITOR])
            yield client


def rows_of(html: str, caption_start: str) -> list[str]:
    table = html[html.index(f"<caption>{caption_start}") :]
    table = table[: table.index("</table>")]
    return [
        re.sub(r">\s+<", "><", row).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)
    ]


FIGURE = (
    "/figuur/uitputting?jaar=2019&amp;per=programma&amp;sleutel=Zorg+en+Welzijn"
    "&amp;kant=lasten&amp;figuur={}{}&amp;peildatum=2019Q3"
)


def test_the_lasten_as_of_a_quarter_end_each_figure_a_link(browser: TestClient) -> None:
    answer = browser.get("/begroting/uitputting?jaar=2019&peildatum=2019Q3")

    assert answer.status_code == 200
    assert "<h1>Uitputting 2019</h1>" in answer.text
    assert rows_of(answer.text, "Lasten 2019 per programma") == [
        '<th scope="col">Programma</th><th scope="col" class="num">Primitief</th>'
        '<th scope="col" class="num">Wijzigingen</th><th scope="col" class="num">Na wijziging'
        '</th><th scope="col" class="num">Realisatie</th><th scope="col" class="num">Saldo</th>'
        '<th scope="col" class="num">Uitputting</th>',
        '<th scope="row">Zorg en Welzijn</th>'
        f'<td class="num"><a href="{FIGURE.format("primitief", "")}">€ 1.500.000</a></td>'
        f'<td class="num"><a href="{FIGURE.format("wijzigingen", "")}">€ 150.000</a></td>'
        '<td class="num">€ 1.650.000</td>'
        f'<td class="num"><a href="{FIGURE.format("realisatie", "")}">€ 700.000</a>'
        '<br><span class="hint">voorlopig € 700.000</span></td>'
        '<td class="num">€ 950.000</td><td class="num">42,4%</td>',
        '<th scope="row">Zorg en Welzijn<br><span class="hint">zonder begrotingsregel</span></th>'
        '<td class="num">€ 0</td><td class="num">€ 0</td><td class="num">€ 0</td>'
        f'<td class="num"><a href="{FIGURE.format("realisatie", "&amp;zonder_regel=ja")}">'
        '€ 50.000</a><br><span class="hint">voorlopig € 50.000</span></td>'
        '<td class="num">€ -50.000</td><td class="num">–</td>',
        '<th scope="row">Totaal</th><td class="num">€ 1.500.000</td>'
        '<td class="num">€ 150.000</td><td class="num">€ 1.650.000</td>'
        '<td class="num">€ 750.000<br><span class="hint">voorlopig € 750.000</span></td>'
        '<td class="num">€ 900.000</td><td class="num">45,5%</td>',
    ]


def test_the_quarter_ends_beside_it_leave_out_those_after_the_peildatum(
    browser: TestClient,
) -> None:
    answer = browser.get("/begroting/uitputting?jaar=2019&peildatum=2019Q3")

    assert rows_of(answer.text, "Baten 2019: realisatie en uitputting per kwartaaleinde") == [
        '<th scope="col">Programma</th><th scope="col" class="num">2019Q1</th>'
        '<th scope="col" class="num">2019Q2</th><th scope="col" class="num">2019Q3</th>'
        '<th scope="col" class="num">2019Q4</th>',
        '<th scope="row">Zorg en Welzijn</th>'
        '<td class="num">€ 0<br><span class="hint">0,0%</span></td>'
        '<td class="num">€ 250.000<br><span class="hint">125,0%</span></td>'
        '<td class="num">€ 250.000<br><span class="hint">125,0%</span></td>'
        '<td class="num">–</td>',
        '<th scope="row">Totaal</th>'
        '<td class="num">€ 0<br><span class="hint">0,0%</span></td>'
        '<td class="num">€ 250.000<br><span class="hint">125,0%</span></td>'
        '<td class="num">€ 250.000<br><span class="hint">125,0%</span></td>'
        '<td class="num">–</td>',
    ]


def test_the_begroting_pages_link_to_it_as_a_tab(browser: TestClient) -> None:
    answer = browser.get("/begroting?jaar=2019&peildatum=2019Q4")

    assert (
        '<li><a href="/begroting/uitputting?jaar=2019&amp;indeling=programma&amp;'
        'peildatum=2019Q4">Uitputting</a></li>'
    ) in answer.text


def test_a_wijzigingen_figure_shows_its_wijziging_number_and_dekking(browser: TestClient) -> None:
    answer = browser.get(
        "/figuur/uitputting?jaar=2019&per=programma&sleutel=Zorg+en+Welzijn&kant=lasten"
        "&figuur=wijzigingen"
    )

    assert answer.status_code == 200
    assert "<h1>Wijzigingen 2019 · Zorg en Welzijn · lasten</h1>" in answer.text
    assert answer.text.count('<span class="hint">begrotingswijziging 2019-12</span>') == 2
    assert answer.text.count("dekking: Saldireserve, oormerk transformatiebudget") == 1


def test_a_figure_the_ledger_does_not_know_is_not_found(browser: TestClient) -> None:
    answer = browser.get(
        "/figuur/uitputting?jaar=2019&per=programma&sleutel=Elders&kant=lasten&figuur=primitief"
    )

    assert answer.status_code == 404


def test_an_unknown_grouping_is_refused(browser: TestClient) -> None:
    answer = browser.get("/begroting/uitputting?jaar=2019&per=fonds")

    assert answer.status_code == 422

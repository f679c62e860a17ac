"""Begroting and the Figuurhistorie of budget figures, taakstellingen and realisations
(ADR 0022) on the Nijmegen demo: the budget of a year by a chosen indeling as of a
Peildatum, quarter-end shortcuts, the year's other figures as tabs, every amount a link to
the events behind it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from api.auth import DEMO_TOKENS, Role
from api.ledger import Ledger
from api.web import workspace
from api.web.workspace import PAGE_SIZE, paged
from support import iv3
from support.web import sign_in

Signed = Callable[[Role], TestClient]


def rows_of(html: str, caption_start: str) -> list[str]:
    """The rows of the table whose caption starts so, whitespace between tags dropped."""
    table = html[html.index(f"<caption>{caption_start}") :]
    table = table[: table.index("</table>")]
    return [
        re.sub(r">\s+<", "><", row).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)
    ]


# -- Begroting ---------------------------------------------------------------------------


def test_the_budget_of_a_year_by_taakveld_as_of_a_quarter_end(signed_in: Signed) -> None:
    browser = signed_in(Role.FINANCE)

    answer = browser.get("/begroting?jaar=2019&indeling=taakveld&peildatum=2019Q2")

    assert answer.status_code == 200
    assert "<h1>Begroting 2019</h1>" in answer.text
    assert '<p class="basis">Stand: <strong>peildatum 30 juni 2019</strong>' in answer.text
    figure = "/figuur/begroting?jaar=2019&amp;taakveld={}&amp;kant=lasten&amp;peildatum=2019Q2"
    assert rows_of(answer.text, "Begroting 2019 per taakveld") == [
        '<th scope="col">Taakveld</th><th scope="col" class="num">Lasten</th>',
        f'<th scope="row">6.1 Samenkracht en burgerparticipatie</th>'
        f'<td class="num"><a href="{figure.format("6.1")}">€ 175.000</a></td>',
        f'<th scope="row">6.71 Maatwerkdienstverlening 18+</th>'
        f'<td class="num"><a href="{figure.format("6.71")}">€ 459.000</a></td>',
        f'<th scope="row">6.72 Maatwerkdienstverlening 18-</th>'
        f'<td class="num"><a href="{figure.format("6.72")}">€ 190.000</a></td>',
        f'<th scope="row">6.82 Geëscaleerde zorg 18-</th>'
        f'<td class="num"><a href="{figure.format("6.82")}">€ 400.000</a></td>',
        '<th scope="row">Totaal</th><td class="num"><a href="/figuur/begroting?jaar=2019'
        '&amp;kant=lasten&amp;peildatum=2019Q2">€ 1.224.000</a></td>',
    ]


def test_the_same_year_as_known_now_shows_the_later_changes(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting?jaar=2019&indeling=taakveld")

    assert answer.status_code == 200
    assert '<p class="basis">Stand: <strong>nu (alles wat bekend is)</strong>' in answer.text
    assert (
        '<th scope="row">6.71 Maatwerkdienstverlening 18+</th>'
        '<td class="num"><a href="/figuur/begroting?jaar=2019&amp;taakveld=6.71&amp;kant=lasten">'
        "€ 441.000</a></td>"
    ) in rows_of(answer.text, "Begroting 2019 per taakveld")


def test_the_quarter_end_shortcuts_keep_the_year_and_the_indeling(signed_in: Signed) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get("/begroting?jaar=2019&indeling=taakveld&peildatum=2019Q2")

    links = re.findall(r'<li><a href="(/begroting\?[^"]*)"[^>]*>(Q\d|nu)</a></li>', answer.text)
    assert links == [
        ("/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=2019Q1", "Q1"),
        ("/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=2019Q2", "Q2"),
        ("/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=2019Q3", "Q3"),
        ("/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=2019Q4", "Q4"),
        ("/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=nu", "nu"),
    ]
    assert (
        '<li><a href="/begroting?jaar=2019&amp;indeling=taakveld&amp;peildatum=2019Q2" '
        'aria-current="page">Q2</a></li>'
    ) in answer.text


def test_without_a_year_the_latest_with_a_budget_by_programma(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting")

    assert answer.status_code == 200
    assert '<label for="jaar">Begrotingsjaar</label>' in answer.text
    assert '<label for="indeling">Indeling</label>' in answer.text
    assert (
        '<option value="2019">2019</option><option value="2020">2020</option>'
        '<option value="2021" selected>2021</option>'
    ) in answer.text
    assert '<option value="programma" selected>Programma</option>' in answer.text
    assert rows_of(answer.text, "Begroting 2021 per programma")[1:] == [
        '<th scope="row">Welzijn, Wijkontwikkeling en Zorg</th><td class="num"><a href="'
        "/figuur/begroting?jaar=2021&amp;programma=Welzijn%2C+Wijkontwikkeling+en+Zorg"
        '&amp;kant=lasten">€ 140.000</a></td>',
        '<th scope="row">Totaal</th><td class="num">'
        '<a href="/figuur/begroting?jaar=2021&amp;kant=lasten">€ 140.000</a></td>',
    ]
    # The Peildatum form keeps the year and the indeling.
    assert (
        '<input type="hidden" name="jaar" value="2021">'
        '<input type="hidden" name="indeling" value="programma">'
    ) in answer.text


def test_a_group_without_a_value_has_no_history_of_its_own(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting?jaar=2019&indeling=interventie")

    rows = rows_of(answer.text, "Begroting 2019 per interventie")
    assert rows[1] == (
        '<th scope="row">Interventie 1</th><td class="num"><a href="/figuur/begroting?jaar=2019'
        '&amp;interventie=1&amp;kant=lasten">€ 0</a></td>'
    )
    assert rows[-2:] == [
        '<th scope="row">Zonder interventie</th><td class="num">€ 2.300.000</td>',
        '<th scope="row">Totaal</th><td class="num">'
        '<a href="/figuur/begroting?jaar=2019&amp;kant=lasten">€ 3.268.000</a></td>',
    ]
    assert "Een groep zonder interventie heeft geen eigen historie; het totaal wel." in (
        answer.text
    )


def test_a_bad_peildatum_is_shown_at_the_field_and_the_budget_as_known_now(
    signed_in: Signed,
) -> None:
    browser = signed_in(Role.FINANCE)

    answer = browser.get("/begroting?jaar=2019&indeling=taakveld&peildatum=2019Q7")

    assert answer.status_code == 422
    assert 'value="2019Q7"' in answer.text
    assert 'aria-describedby="peildatum-uitleg peildatum-fout"' in answer.text
    assert (
        '<p class="error" id="peildatum-fout" role="alert">‘2019Q7’ is geen geldige peildatum: '
        "gebruik een datum (2019-12-31 of 31-12-2019), een kwartaal (2019Q4), nu of een "
        "rapport</p>"
    ) in answer.text
    assert '<p class="basis">Stand: <strong>nu (alles wat bekend is)</strong>' in answer.text
    # Links do not carry the Peildatum nobody could read.
    assert '<a href="/figuur/begroting?jaar=2019&amp;taakveld=6.71&amp;kant=lasten">' in (
        answer.text
    )


def test_an_unknown_report_as_peildatum_names_the_choices(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting?peildatum=geen-rapport")

    assert answer.status_code == 422
    assert (
        "er is geen rapport ‘geen-rapport’: kies een rapport, een datum (2019-12-31 of "
        "31-12-2019), een kwartaal (2019Q4) of nu"
    ) in answer.text


def test_an_unknown_indeling_is_refused(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting?indeling=afdeling")

    assert answer.status_code == 422
    refusal = "de vraag aan deze pagina klopt niet: indeling"
    assert f'<p class="error" role="alert">{refusal}</p>' in answer.text


def test_the_admin_role_may_not_read_the_budget(signed_in: Signed) -> None:
    browser = signed_in(Role.ADMIN)

    for path in ("/begroting", "/begroting/reserves", "/figuur/begroting?jaar=2020"):
        answer = browser.get(path)
        assert answer.status_code == 403, path
        assert (
            '<p class="error" role="alert">deze pagina is voor de rollen griffie, finance en '
            "auditor</p>"
        ) in answer.text


def test_without_a_session_the_budget_sends_the_browser_to_sign_in(browser: TestClient) -> None:
    answer = browser.get("/begroting?jaar=2019")

    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/?volgende=%2Fbegroting%3Fjaar%3D2019",
    )


# -- the year's other figures, as tabs -----------------------------------------------------


def test_the_tabs_are_links_that_keep_the_basis(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting/reserves?jaar=2019&peildatum=2019Q4")

    assert re.findall(
        r'<li><a href="(/begroting[^"]*\?[^"]*)"( aria-current="page")?>', answer.text
    )[:4] == [
        ("/begroting?jaar=2019&amp;indeling=programma&amp;peildatum=2019Q4", ""),
        ("/begroting/taakstellingen?jaar=2019&amp;indeling=programma&amp;peildatum=2019Q4", ""),
        ("/begroting/realisaties?jaar=2019&amp;indeling=programma&amp;peildatum=2019Q4", ""),
        (
            "/begroting/reserves?jaar=2019&amp;indeling=programma&amp;peildatum=2019Q4",
            ' aria-current="page"',
        ),
    ]


def test_the_taakstellingen_of_a_year_with_totals_per_kind(signed_in: Signed) -> None:
    browser = signed_in(Role.FINANCE)

    answer = browser.get("/begroting/taakstellingen?jaar=2021")

    assert answer.status_code == 200
    rows = rows_of(answer.text, "Taakstellingen en risico's met een bedrag in 2021")
    assert rows[1] == (
        '<th scope="row">Beschikbaarheid van en toeleiding naar collectieve voorzieningen '
        "(IVP-2: 2.1)<br><code>ivp2-2.1-collectieve-voorzieningen</code></th><td>1</td>"
        "<td>6.71 Maatwerkdienstverlening 18+</td><td>taakstelling</td>"
        '<td class="num"><a href="/figuur/taakstelling?jaar=2021&amp;'
        'referentie=ivp2-2.1-collectieve-voorzieningen">€ 40.000</a></td>'
        '<td class="num">0.2%</td>'
    )
    assert rows[-2:] == [
        '<th scope="row" colspan="4">Totaal taakstelling</th>'
        '<td class="num">€ 13.142.000</td><td></td>',
        '<th scope="row" colspan="4">Totaal risico</th><td class="num">€ 13.639.000</td><td></td>',
    ]


def test_the_realisations_of_a_year_link_to_their_history(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting/realisaties?jaar=2019")

    rows = rows_of(answer.text, "Realisaties 2019")
    assert rows[0] == (
        '<th scope="col">Deelproduct</th><th scope="col">Programma</th>'
        '<th scope="col">Taakveld</th><th scope="col">Interventie</th><th scope="col">Fonds</th>'
        '<th scope="col">Kwartaal</th><th scope="col">Maand</th><th scope="col">Kant</th>'
        '<th scope="col">Status</th><th scope="col" class="num">Bedrag</th>'
    )
    assert rows[1] == (
        '<th scope="row">–</th><td>Welzijn, Wijkontwikkeling en Zorg</td>'
        "<td>6.71 Maatwerkdienstverlening 18+</td><td>2</td><td>transformatiebudget</td>"
        "<td>heel jaar</td><td>–</td><td>Lasten</td><td>voorlopig (versie 1)</td>"
        '<td class="num"><a href="/figuur/realisatie?jaar=2019&amp;fonds=transformatiebudget'
        '&amp;interventie=2">€ 290.000</a></td>'
    )
    assert (
        rows[-1] == '<th scope="row" colspan="9">Totaal lasten</th><td class="num">€ 967.000</td>'
    )


def test_the_realisations_of_a_deelproduct_carry_its_name(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting/realisaties?jaar=2017")

    first = rows_of(answer.text, "Realisaties 2017")[1]
    assert first.startswith('<th scope="row">60131 Wet Werk en Bijstand</th>')
    assert first.endswith(
        '<td class="num"><a href="/figuur/realisatie?jaar=2017&amp;deelproduct=60131">'
        "€ 111.747.000</a></td>"
    )


def test_the_reserve_mutations_of_a_year(signed_in: Signed) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get("/begroting/reserves?jaar=2020")

    assert rows_of(answer.text, "Mutaties van de reserves in 2020") == [
        '<th scope="col">Reserve</th><th scope="col">Soort</th><th scope="col">Oormerk</th>'
        '<th scope="col" class="num">Mutatie 2020</th>',
        '<th scope="row">F022 Saldireserve</th><td>algemeen</td><td>transformatiebudget</td>'
        '<td class="num">€ -636.000</td>',
        '<th scope="row">F058 Bestemmingsreserve Wmo-Jeugd</th><td>bestemming</td><td>–</td>'
        '<td class="num">€ -256.000</td>',
    ]


def test_a_long_list_is_paged() -> None:
    rows: list[dict[str, object]] = [{"n": n} for n in range(2 * PAGE_SIZE + 3)]
    asked = Request({"type": "http", "path": "/x", "query_string": b"a=1", "headers": []})

    second, last = paged(asked, rows, 2), paged(asked, rows, 3)
    beyond = paged(asked, rows, 9)

    assert (second.number, second.count, second.total) == (2, 3, 2 * PAGE_SIZE + 3)
    assert (second.previous, second.next) == ("/x?a=1&pagina=1", "/x?a=1&pagina=3")
    assert second.rows[0] == {"n": PAGE_SIZE}
    assert len(last.rows) == 3
    assert (beyond.number, beyond.rows, beyond.next) == (3, last.rows, None)
    assert paged(asked, [], 1).count == 1


def test_a_page_of_the_budget_links_to_the_pages_before_and_after_it(
    signed_in: Signed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace, "PAGE_SIZE", 3)
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/begroting?jaar=2019&indeling=interventie&peildatum=2019Q4&pagina=2")

    assert [row.split("</th>")[0] for row in rows_of(answer.text, "Begroting 2019 per")] == [
        '<th scope="col">Interventie',
        '<th scope="row">Interventie 5',
        '<th scope="row">Interventie 8',
        '<th scope="row">Interventie 9',
        '<th scope="row">Totaal',
    ]
    base = "/begroting?jaar=2019&amp;indeling=interventie&amp;peildatum=2019Q4&amp;pagina="
    assert f'<a href="{base}1" rel="prev">Vorige</a>' in answer.text
    assert "<span>Pagina 2 van 3 (4–6 van 8 rijen)</span>" in answer.text
    assert f'<a href="{base}3" rel="next">Volgende</a>' in answer.text


# -- Figuurhistorie -----------------------------------------------------------------------


def test_a_budget_figure_lists_its_events_with_running_totals(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/figuur/begroting?jaar=2020&interventie=2&kant=lasten")

    assert answer.status_code == 200
    assert "<h1>Begroting 2020 · interventie 2 · lasten</h1>" in answer.text
    assert (
        '<p class="crumbs"><a href="/begroting?jaar=2020&amp;indeling=interventie">'
        "Begroting 2020</a> › Figuurhistorie</p>"
    ) in answer.text
    assert "<dt>Bedrag op deze peildatum</dt><dd>€ 119.000</dd>" in answer.text
    assert "<dt>Zoals nu bekend</dt><dd>€ 119.000</dd>" in answer.text
    events = rows_of(answer.text, "2 gebeurtenissen")
    assert [re.findall(r'<td class="num">([^<]*)</td>', row) for row in events[1:]] == [
        ["€ 101.000", "€ 101.000"],
        ["€ 18.000", "€ 119.000"],
    ]
    assert "<td>Gewijzigd<br>" in events[1]
    assert "<code>raad-2019-05-08-interventieplan-fase-4</code>" in events[1]
    assert "<td>Overgeheveld (ontvangen)<br>" in events[2]
    assert (
        "<code>raad-2019-12-nota-slotwijzigingen-2019</code><br>Nota Slotwijzigingen 2019"
        in (events[2])
    )
    # A mark per published report: the figure as of that report's basis.
    assert (
        '<ul class="marks"><li>Interventieplan fase 4 – Opgave Sociale Stad (8 mei 2019): '
        "€ 101.000</li><li>Voortgangsrapportage Interventieplan 2019 Q4 (3 juni 2020): "
        "€ 119.000</li></ul>"
    ) in answer.text
    assert "De punten: het bedrag zoals het bekend was op elk gepubliceerd rapport." in (
        answer.text
    )
    assert '<svg class="chart"' in answer.text
    assert '<desc id="chart-desc">8 mei 2019: € 101.000; 18 december 2019: € 119.000</desc>' in (
        answer.text
    )


def test_a_budget_figure_as_of_a_peildatum_before_the_carry_over(signed_in: Signed) -> None:
    browser = signed_in(Role.FINANCE)

    answer = browser.get("/figuur/begroting?jaar=2020&interventie=2&kant=lasten&peildatum=2019Q3")

    assert answer.status_code == 200
    assert "<dt>Bedrag op deze peildatum</dt><dd>€ 101.000</dd>" in answer.text
    assert "<dt>Zoals nu bekend</dt><dd>€ 119.000</dd>" in answer.text
    assert "<caption>1 gebeurtenis," in answer.text
    # The Peildatum form keeps the figure's filters; the way back keeps the basis.
    assert (
        '<input type="hidden" name="jaar" value="2020"><input type="hidden" name="interventie" '
        'value="2"><input type="hidden" name="kant" value="lasten">'
    ) in answer.text
    assert '<a href="/begroting?jaar=2020&amp;indeling=interventie&amp;peildatum=2019Q3">' in (
        answer.text
    )


def test_a_budget_figure_with_a_bad_peildatum_shows_it_at_the_field(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/figuur/begroting?jaar=2020&taakveld=6.71&peildatum=32-13-2019")

    assert answer.status_code == 422
    assert '<p class="error" id="peildatum-fout" role="alert">' in answer.text
    assert "<h1>Begroting 2020 · taakveld 6.71 Maatwerkdienstverlening 18+</h1>" in answer.text
    assert "<dt>Bedrag op deze peildatum</dt><dd>€ 314.000</dd>" in answer.text


def test_a_budget_figure_the_ledger_does_not_know_is_not_found(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/figuur/begroting?jaar=2020&taakveld=9.9")

    assert answer.status_code == 404
    assert "Begroting 2020 · taakveld 9.9: het grootboek kent hier niets van" in answer.text


def test_a_taakstelling_history(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/figuur/taakstelling?jaar=2020&referentie=ca-doorbraakaanpak")

    assert answer.status_code == 200
    assert "<h1>Doorbraakaanpak (CA) · 2020</h1>" in answer.text
    assert '<a href="/begroting/taakstellingen?jaar=2020">Taakstellingen 2020</a>' in answer.text
    events = rows_of(answer.text, "1 gebeurtenis")
    assert re.findall(r'<td class="num">([^<]*)</td>', events[1]) == ["€ 500.000", "€ 500.000"]
    assert "<td>Opgelegd<br>" in events[1]
    assert "<code>raad-2018-11-stadsbegroting-2019-2022</code>" in events[1]


def test_an_unknown_taakstelling_is_not_found(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/figuur/taakstelling?jaar=2020&referentie=geen")

    assert answer.status_code == 404
    assert "taakstelling &#39;geen&#39; bestaat niet" in answer.text


def test_a_realisation_history(signed_in: Signed) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get("/figuur/realisatie?jaar=2019&fonds=transformatiebudget&interventie=2")

    assert answer.status_code == 200
    assert "<h1>Realisatie 2019 · fonds transformatiebudget · interventie 2</h1>" in answer.text
    assert "<dt>Bedrag op deze peildatum</dt><dd>€ 290.000</dd>" in answer.text
    events = rows_of(answer.text, "1 gebeurtenis")
    assert re.findall(r'<td class="num">([^<]*)</td>', events[1]) == ["€ 290.000", "€ 290.000"]
    assert "<td>voorlopig v1<br>" in events[1]


def test_a_report_cells_history_keeps_its_own_caption(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get(
        "/figuur/cel?rapport=voortgangsrapportage-2019-q4&tabel=figuur-1&rij=2"
        "&kolom=beschikbaar-2020"
    )

    assert answer.status_code == 200
    assert "De punten: wat elk gepubliceerd rapport toonde." in answer.text


def test_a_budget_figure_of_one_side_leaves_the_other_out(signed_in: Signed) -> None:
    browser = signed_in(Role.AUDITOR)

    # Interventie 2 has lasten only in 2020: its baten are nothing the ledger knows.
    answer = browser.get("/figuur/begroting?jaar=2020&interventie=2&kant=baten")

    assert answer.status_code == 404
    assert "Begroting 2020 · interventie 2 · baten: het grootboek kent hier niets van" in (
        answer.text
    )


def test_the_totals_stand_under_their_own_side_whichever_side_comes_first(
    api: TestClient, ledger: Ledger
) -> None:
    # Burgerzaken, first in programma order, has baten only: the totals still follow the
    # columns (lasten, baten), not the side of the first group.
    iv3.load(ledger.app)
    sign_in(api, DEMO_TOKENS[Role.AUDITOR])

    answer = api.get("/begroting?jaar=2025")

    rows = rows_of(answer.text, "Begroting 2025 per programma")
    assert rows[0] == (
        '<th scope="col">Programma</th><th scope="col" class="num">Lasten</th>'
        '<th scope="col" class="num">Baten</th>'
    )
    assert re.sub(r"<a [^>]*>|</a>", "", rows[-1]) == (
        '<th scope="row">Totaal</th><td class="num">€ 1.350,75</td><td class="num">€ 300</td>'
    )

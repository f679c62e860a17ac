"""Vergelijken, Besluiten and Rechtmatigheid (ADR 0022) on the Nijmegen demo: the cells of
a report that changed between two bases with the events behind each change, decisions with
their status and what they authorised, mutations without valid authority, and
begrotingsrechtmatigheid per programma; exact cells and links, wrong input at its field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.demo import nijmegen
from api.settings import Settings
from api.web import workspace
from api.web.bevoegdheid import in_dutch
from domain.application import Context
from domain.budget import BudgetLine, line_id
from domain.events import Bestuursorgaan, DecisionKind, MutationKind, Stamp
from domain.money import Money
from domain.values import Meta, Period
from projections.queries import authority
from projections.queries.authority import DecisionState
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_LAST_POSITION
from support.ledgers import ledger_on
from support.web import sign_in

IVP4 = "raad-2019-05-08-interventieplan-fase-4"
SLOTWIJZIGING = "raad-2019-12-nota-slotwijzigingen-2019"
MANDAAT = "raad-2019-05-08-mandaat-transformatiebudget"
COMPARED = (
    "/vergelijken?rapport=interventieplan-fase-4&van=interventieplan-fase-4"
    "&naar=voortgangsrapportage-2019-q4"
)
PAGES = ("/vergelijken", "/besluiten", f"/besluiten/{IVP4}", "/rechtmatigheid")


def cell_href(column: str, as_of: str, row: str = "2") -> str:
    return (
        "/figuur/cel?rapport=interventieplan-fase-4&amp;tabel=tabel-7.2"
        f"&amp;rij={row}&amp;kolom={column}&amp;peildatum={as_of}"
    )


# -- Vergelijken -----------------------------------------------------------------------


def test_compare_without_a_choice_names_both_default_bases_in_the_url(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/vergelijken")
    only_the_report = browser.get("/vergelijken?rapport=voortgangsrapportage-2019-q4")

    assert (answer.status_code, answer.headers["location"]) == (303, COMPARED)
    # The last report has no later one: it is compared with now.
    assert (only_the_report.status_code, only_the_report.headers["location"]) == (
        303,
        "/vergelijken?rapport=voortgangsrapportage-2019-q4&van=voortgangsrapportage-2019-q4"
        "&naar=nu",
    )


def test_compare_shows_each_changed_cell_as_published_and_in_exact_euros(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get(COMPARED)

    assert answer.status_code == 200
    text = answer.text
    assert '<option value="interventieplan-fase-4" selected>' in text
    assert '<input id="van" name="van" value="interventieplan-fase-4"' in text
    assert '<input id="naar" name="naar" value="voortgangsrapportage-2019-q4"' in text
    assert "Zonder keuze: het eerste gepubliceerde rapport, van zijn eigen peildatum" in text
    assert (
        "Van: <strong>rapport interventieplan-fase-4, zoals gepubliceerd</strong> · "
        f"logpositie {INTERVENTIEPLAN_LAST_POSITION}" in text
    )
    assert (
        "Naar: <strong>rapport voortgangsrapportage-2019-q4, zoals gepubliceerd</strong>"
        f" · logpositie {DEMO_LAST_POSITION}" in text
    )
    # Tabel 7.2's twelve, and the Totaal beroep op het transformatiebudget of tables 5.2, 5.4,
    # 5.5 and 5.8 in 2019 and 2020: the same five carry-overs.
    assert "<caption>20 cijfers verschillen tussen de twee peildata." in text
    # Interventie 2, beschikbaar 2020: 101 became 119 (the carry-over of the slotwijziging).
    assert (
        "<tr>\n      <td>tabel-7.2</td>\n"
        '      <th scope="row">2. Wijkaanpak sociaal domein</th>\n'
        "      <td>2020</td>\n"
        f'      <td class="num"><a href="{cell_href("2020", "interventieplan-fase-4")}"'
        ' aria-label="2. Wijkaanpak sociaal domein, 2020, was: 101">101</a></td>\n'
        f'      <td class="num"><a href="{cell_href("2020", "voortgangsrapportage-2019-q4")}"'
        ' aria-label="2. Wijkaanpak sociaal domein, 2020, wordt: 119">119</a></td>\n'
        '      <td class="num">+18</td>\n'
        '      <td class="num">€ +18.000<br><span class="hint">€ 101.000 → € 119.000</span></td>\n'
        '      <td><a href="#cel-4">overheveling</a></td>\n'
    ) in text
    # A total that fell: the published difference and the exact one, both with their sign.
    assert (
        '<td class="num">-256</td>\n'
        '      <td class="num">€ -256.000<br><span class="hint">€ 1.224.000 → € 968.000</span>'
        in text
    )


def test_compare_names_the_events_behind_each_change_with_decision_and_actor(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    text = browser.get(COMPARED).text

    group = text.split('<tbody id="cel-4">')[1].split("</tbody>")[0]
    assert (
        '<th scope="rowgroup" colspan="6">tabel-7.2 · 2. Wijkaanpak sociaal domein · 2020: '
        "€ +18.000</th>"
    ) in group
    assert group.count("<tr>") == 1
    assert "<td>18 december 2019<br>" in group
    assert "positie 145</span></td>" in group
    assert '<td>Overgeheveld (ontvangen)<br><span class="hint">overheveling' in group
    assert '<td class="num">€ 18.000</td>' in group
    assert (
        f'<td><a href="/besluiten/{SLOTWIJZIGING}"><code>{SLOTWIJZIGING}</code></a>'
        "<br>Nota Slotwijzigingen 2019<br>"
        '<span class="hint">nieuw sinds de van-peildatum</span></td>'
    ) in group
    assert "<td>import:nijmegen-demo</td>" in group
    # The total of 2019 fell by the five carry-overs together.
    total = text.split('<tbody id="cel-11">')[1].split("</tbody>")[0]
    assert total.count("<td>Overgeheveld (naar volgend jaar)<br>") == 5


def test_each_changed_figure_leads_to_its_history_on_that_basis(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    history = browser.get(cell_href("2020", "voortgangsrapportage-2019-q4").replace("&amp;", "&"))

    assert history.status_code == 200
    assert "<h1>2. Wijkaanpak sociaal domein · 2020</h1>" in history.text
    assert '<dd>€ 119.000 <span class="hint">(gepubliceerd: 119 x € 1.000)</span></dd>' in (
        history.text
    )


def test_compare_takes_quarters_and_dutch_dates_and_says_when_nothing_differs(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.FINANCE)

    answer = browser.get("/vergelijken?rapport=interventieplan-fase-4&van=2019Q3&naar=30-11-2019")

    assert answer.status_code == 200
    assert "Van: <strong>peildatum 30 september 2019</strong>" in answer.text
    assert "Naar: <strong>peildatum 30 november 2019</strong>" in answer.text
    assert (
        "<p>Geen enkel cijfer van dit rapport verschilt tussen deze twee peildata.</p>"
        in answer.text
    )


def test_a_wrong_basis_is_named_at_its_field_and_the_form_is_kept(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/vergelijken?rapport=interventieplan-fase-4&van=31-13-2019&naar=nope")

    assert answer.status_code == 422
    text = answer.text
    assert '<option value="interventieplan-fase-4" selected>' in text
    assert (
        '<input id="van" name="van" value="31-13-2019" list="basis-keuzes"\n'
        '      aria-describedby="basis-uitleg van-fout"\n'
        '      aria-invalid="true">'
    ) in text
    assert (
        '<p class="error" id="van-fout" role="alert">‘31-13-2019’ is geen geldige peildatum: '
        "gebruik een datum (2019-12-31 of 31-12-2019), een kwartaal (2019Q4), nu of een "
        "rapport</p>"
    ) in text
    assert '<input id="naar" name="naar" value="nope"' in text
    assert (
        '<p class="error" id="naar-fout" role="alert">er is geen rapport ‘nope’: kies een '
        "rapport, een datum (2019-12-31 of 31-12-2019), een kwartaal (2019Q4) of nu</p>"
    ) in text
    assert "gewijzigde cijfers" not in text


def test_an_unknown_report_is_named_at_its_field(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/vergelijken?rapport=begroting-2030&van=nu&naar=nu")

    assert answer.status_code == 422
    assert (
        '<select id="rapport" name="rapport" aria-invalid="true" aria-describedby="rapport-fout">'
    ) in answer.text
    assert (
        '<p class="error" id="rapport-fout" role="alert">onbekend rapport &#39;begroting-2030'
        "&#39;: kies een gepubliceerd rapport</p>"
    ) in answer.text


def test_compare_before_any_report_is_published_says_so(tmp_path: Path) -> None:
    clock = Clock()
    with ledger_on("sqlite", tmp_path, clock) as ledger:
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        app = create_app(Settings(), ledger=ledger, clock=clock.now)
        with TestClient(app, follow_redirects=False) as browser:
            sign_in(browser, DEMO_TOKENS[Role.FINANCE])
            answer = browser.get("/vergelijken")

    assert answer.status_code == 200
    assert "<p>Er is nog geen rapport gepubliceerd.</p>" in answer.text
    assert "<form" not in answer.text.split("<h1>Vergelijken</h1>")[1]


# -- Besluiten -------------------------------------------------------------------------


def test_the_decisions_with_status_body_kind_mandate_and_what_they_authorised(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/besluiten")

    assert answer.status_code == 200
    text = answer.text
    assert (
        f"Stand: <strong>nu (alles wat bekend is)</strong> · logpositie {DEMO_LAST_POSITION}"
        in text
    )
    assert "<caption>9 besluiten bekend op deze peildatum" in text
    slot = text.split(f'<a href="/besluiten/{SLOTWIJZIGING}">')[1].split("</tr>")[0]
    assert slot == (
        f"Nota Slotwijzigingen 2019</a><br><code>{SLOTWIJZIGING}</code></th>\n"
        "      <td>raad</td>\n"
        "      <td>slotwijziging</td>\n"
        '      <td>vastgesteld<br><span class="hint">sinds 18 december 2019</span></td>\n'
        "      <td>–</td>\n"
        '      <td class="num">10</td>\n'
        '      <td class="num">€ 256.000</td>\n'
        '      <td class="num">€ -256.000</td>\n    '
    )
    mandate = text.split(f"<code>{MANDAAT}</code></th>")[1].split("</tr>")[0]
    assert "<td>mandaat</td>" in mandate
    assert (
        "<td>verleent: overboeken, overhevelen; fonds transformatiebudget; 2019–2021</td>"
        in mandate
    )
    assert '<td class="num">15</td>\n      <td class="num">€ 2.000.000</td>' in text
    assert (
        '<tr><td colspan="7">Geen: elke begrotingsmutatie op deze peildatum steunt op een '
        "geldig besluit.</td></tr>"
    ) in text


def test_the_decisions_as_of_a_quarter_are_those_known_then(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get("/besluiten?peildatum=2019Q2")

    assert answer.status_code == 200
    # Those of 2017 and 2018, the interventieplan and its mandate.
    assert "<caption>6 besluiten bekend op deze peildatum" in answer.text
    assert f'<a href="/besluiten/{IVP4}?peildatum=2019Q2">' in answer.text
    assert SLOTWIJZIGING not in answer.text


def test_a_wrong_peildatum_is_named_at_its_field(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/besluiten?peildatum=2019Q5")

    assert answer.status_code == 422
    assert '<input id="peildatum" name="peildatum" value="2019Q5"' in answer.text
    assert '<p class="error" id="peildatum-fout" role="alert">' in answer.text
    assert "<caption>" not in answer.text


def test_a_decision_page_lists_the_mutations_it_authorised(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get(f"/besluiten/{IVP4}?peildatum=2019Q4")

    assert answer.status_code == 200
    text = answer.text
    assert "<h1>Interventieplan fase 4 – Opgave Sociale Stad</h1>" in text
    assert "<div><dt>Bestuursorgaan</dt><dd>raad</dd></div>" in text
    assert "<div><dt>Soort</dt><dd>beleidsnota</dd></div>" in text
    assert (
        '<div><dt>Status</dt><dd>vastgesteld <span class="hint">sinds 8 mei 2019 12:00</span>'
        "</dd></div>"
    ) in text
    assert "<div><dt>Mutaties</dt><dd>15 · bij € 2.000.000 · af € 0</dd></div>" in text
    assert "<caption>15 begrotingsmutaties onder dit besluit" in text
    assert (
        "<td>2019 · Welzijn, Wijkontwikkeling en Zorg · taakveld 6.71 "
        "Maatwerkdienstverlening 18+ · interventie 2 · lasten · fonds transformatiebudget</td>\n"
        '      <td class="num">€ 309.000</td>'
    ) in text
    assert text.count('<span class="ok">bevoegd</span>') == 15


def test_a_mandate_page_names_what_it_grants(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get(f"/besluiten/{MANDAAT}")

    assert answer.status_code == 200
    assert (
        "<div><dt>Mandaat</dt><dd>verleent het college: overboeken, overhevelen; "
        "fonds transformatiebudget; 2019–2021</dd></div>"
    ) in answer.text
    assert (
        '<tr><td colspan="7">Onder dit besluit is op deze peildatum geen begrotingsmutatie '
        "vastgelegd.</td></tr>"
    ) in answer.text


def test_a_decision_not_yet_known_on_the_peildatum_is_a_404_that_keeps_the_control(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get(f"/besluiten/{SLOTWIJZIGING}?peildatum=2019Q2")

    assert answer.status_code == 404
    assert (
        f'<p class="error" role="alert">Besluit {SLOTWIJZIGING} is op deze peildatum niet '
        "bekend.</p>"
    ) in answer.text
    assert '<input id="peildatum" name="peildatum" value="2019Q2"' in answer.text


def test_a_long_list_is_paged_with_links_that_keep_the_peildatum(
    signed_in: Callable[[Role], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = signed_in(Role.AUDITOR)
    monkeypatch.setattr(workspace, "PAGE_SIZE", 3)

    answer = browser.get("/besluiten?peildatum=nu&pagina=2")

    assert answer.status_code == 200
    assert (
        '<a href="/besluiten?peildatum=nu&amp;pagina=1" rel="prev">Vorige</a>\n'
        "  <span>Pagina 2 van 3 (4–6 van 9 besluiten)</span>\n"
        '  <a href="/besluiten?peildatum=nu&amp;pagina=3" rel="next">Volgende</a>'
    ) in answer.text
    assert f"<code>{IVP4}</code></th>" in answer.text
    assert "raad-2018-03-interventieplan-fase-2" not in answer.text


# -- mutations without valid authority ------------------------------------------------


@pytest.fixture(scope="module")
def late_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The demo plus one mutation back-dated to before the raad adopted its decision."""
    clock = Clock()
    with ledger_on("sqlite", tmp_path_factory.mktemp("laat"), clock) as ledger:
        nijmegen.load(ledger.app)
        clock.advance()
        finance = Context(actor="concern control", source="Memo")
        ledger.app.propose_decision(
            finance,
            reference="raad-2020-laat",
            title="Late begrotingswijziging",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=Period.year(2020),
        )
        ledger.app.adopt_decision(finance, reference="raad-2020-laat")
        decision = ledger.app.find_decision("raad-2020-laat")
        assert decision is not None
        line = ledger.app.repository.get(line_id(nijmegen.fund_line(2020, 10)))
        assert isinstance(line, BudgetLine)
        line.amend(
            delta=Money(Decimal("750.00")),
            stamp=Stamp(
                meta=Meta(
                    actor="migratie",
                    known_at=clock.now() - timedelta(days=2),
                    period=Period.year(2020),
                    decision_id=decision.id,
                    source=None,
                    import_id=None,
                ),
                recorded_at=clock.now(),
                authority=decision.authority(),
                mutation_id=uuid4(),
            ),
        )
        ledger.app.save(line)
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        yield create_app(Settings(), ledger=ledger, clock=clock.now)


def test_a_mutation_without_valid_authority_is_listed_with_its_problem(
    late_app: FastAPI,
) -> None:
    with TestClient(late_app, follow_redirects=False) as browser:
        sign_in(browser, DEMO_TOKENS[Role.AUDITOR])
        answer = browser.get("/besluiten")

    assert answer.status_code == 200
    section = answer.text.split('<h2 id="onbevoegd">')[1]
    assert "<caption>1 mutatie zonder geldige bevoegdheid</caption>" in section
    assert (
        '<td>21 november 2026<br><span class="hint">vastgelegd 23 november 2026 10:01 · '
        f"positie {DEMO_LAST_POSITION + 3}</span></td>\n"
        "      <td>Gewijzigd</td>\n"
        "      <td>2020 · Welzijn, Wijkontwikkeling en Zorg · taakveld 6.71 "
        "Maatwerkdienstverlening 18+ · interventie 10 · lasten · fonds transformatiebudget</td>\n"
        '      <td class="num">€ 750</td>\n'
        '      <td><a href="/besluiten/raad-2020-laat"><code>raad-2020-laat</code></a>'
        " (raad)</td>\n"
        "      <td>migratie</td>\n"
        '      <td><span class="bad">niet bevoegd</span>\n'
        '        <ul class="problems"><li>besluit &#39;raad-2020-laat&#39; is pas na deze '
        "wijziging vastgesteld</li></ul></td>"
    ) in section


# -- the problems in Dutch, as the audit query words them -----------------------------

EARLY = datetime(2020, 1, 1, tzinfo=UTC)
CHANGE = datetime(2020, 3, 1, tzinfo=UTC)
LATE = datetime(2020, 6, 1, tzinfo=UTC)
SCOPE = '{"kinds": ["transfer"], "fund": "f", "period": {"first_year": 2019, "last_year": 2021}}'


def state(
    reference: str,
    *,
    body: str = "raad",
    kind: str = "begrotingswijziging",
    status: str | None = "adopted",
    adopted: datetime = EARLY,
    mandate: str | None = None,
    scope: str | None = None,
) -> DecisionState:
    return DecisionState(
        id=reference,
        reference=reference,
        title=reference,
        body=body,
        kind=kind,
        mandate_id=mandate,
        mandate_scope=scope,
        status=status,
        adopted_known_at=adopted if status == "adopted" else None,
    )


def college(mandate: DecisionState) -> dict[str, DecisionState]:
    return {
        "c": state("c", body="college", kind="begrotingswijziging", mandate="m"),
        "m": mandate,
    }


@pytest.mark.parametrize(
    ("decisions", "decision_id", "crossing", "dutch"),
    [
        (
            {},
            "x",
            False,
            [
                "besluit 'x' staat niet in het leesmodel: een wijziging werkt alleen "
                "door een vastgesteld besluit"
            ],
        ),
        (
            {},
            None,
            False,
            ["geen besluit: een wijziging werkt alleen door een vastgesteld besluit"],
        ),
        (
            {"r": state("r", status=None)},
            "r",
            False,
            ["besluit 'r' is op deze peildatum niet bekend"],
        ),
        (
            {"r": state("r", status="withdrawn")},
            "r",
            False,
            ["besluit 'r' is op deze peildatum ingetrokken"],
        ),
        (
            {"r": state("r", adopted=LATE)},
            "r",
            False,
            ["besluit 'r' is pas na deze wijziging vastgesteld"],
        ),
        (
            {"r": state("r", kind="motie")},
            "r",
            False,
            ["een motie ('r') autoriseert zelf geen wijziging"],
        ),
        (
            {"c": state("c", body="college")},
            "c",
            True,
            [
                "een wijziging tussen fondsen vraagt een besluit van de raad",
                "collegebesluit 'c' steunt op geen mandaat van de raad",
            ],
        ),
        (college(state("m", kind="begroting")), "c", False, ["'m' is geen mandaat van de raad"]),
        (
            college(state("m", kind="mandate", scope=SCOPE, adopted=LATE)),
            "c",
            False,
            [
                "mandaat 'm' is niet door de raad vastgesteld (op deze peildatum pas na deze "
                "wijziging vastgesteld)"
            ],
        ),
        (
            college(state("m", kind="mandate", scope=SCOPE, status="proposed")),
            "c",
            False,
            ["mandaat 'm' is niet door de raad vastgesteld (op deze peildatum voorgesteld)"],
        ),
        (
            college(state("m", kind="mandate", scope=SCOPE)),
            "c",
            False,
            ["mandaat 'm' dekt geen wijzigen op fonds 'f' in 2020"],
        ),
    ],
)
def test_each_problem_of_the_audit_query_is_said_in_dutch(
    decisions: dict[str, DecisionState], decision_id: str | None, crossing: bool, dutch: list[str]
) -> None:
    _, problems = authority.chain(
        decisions,
        decision_id,
        reference=decision_id,
        known_at=CHANGE,
        kinds=(MutationKind.AMEND,),
        fund="f",
        fiscal_year=2020,
        raad_only="a change between funds" if crossing else None,
    )

    assert [in_dutch(problem) for problem in problems] == dutch


def test_a_problem_not_known_to_the_translation_is_left_as_the_query_gave_it() -> None:
    assert in_dutch("decision 'x' is lost in space") is None


# -- Rechtmatigheid --------------------------------------------------------------------


def test_lawfulness_shows_the_demos_programmas_without_a_begroting_as_data_gaps(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/rechtmatigheid")

    assert answer.status_code == 200
    text = answer.text
    assert '<h2 id="jaar-2017">Begrotingsjaar 2017</h2>' in text
    assert '<h2 id="jaar-2018">Begrotingsjaar 2018</h2>' in text
    # No overschrijding anywhere: only data gaps (ADR 0029).
    assert '<table class="list lawfulness">' not in text
    row_2017 = text.split('<h2 id="jaar-2017">')[1].split("<tbody>")[1].split("</tr>")[0]
    assert row_2017 == (
        "\n  \n    <tr>\n"
        '      <th scope="row">Opgave Sociale Stad</th>\n'
        '      <td class="num">€ 267.638.000<br><span class="hint">17 realisaties</span></td>\n'
        "      <td><code>geen-begroting-vastgelegd</code>: het grootboek bevat voor dit "
        "programma in 2017 geen primitieve begroting; of deze lasten rechtmatig zijn, valt uit "
        "het grootboek niet op te maken.</td>\n    "
    )
    assert (
        '<p class="grens">Geen verantwoordingsgrens vastgelegd: de raad stelde voor 2017 geen '
        "grens vast. Telt mee: € 0.</p>"
    ) in text


def test_lawfulness_says_how_much_of_a_programmas_realised_lasten_is_voorlopig(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/rechtmatigheid?peildatum=nu&jaar=2019")

    assert answer.status_code == 200
    # The demo's 2019 spending (Figuur 1 of the Q4 report) is recorded voorlopig.
    assert (
        '      <td class="num">€ 967.000<br><span class="hint">6 realisaties, waarvan € 967.000 '
        "voorlopig</span></td>\n"
    ) in answer.text


def test_lawfulness_for_one_year_and_a_year_without_findings(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.FINANCE)

    in_2018 = browser.get("/rechtmatigheid?peildatum=nu&jaar=2018")
    in_2019 = browser.get("/rechtmatigheid?peildatum=2019Q4&jaar=2019")

    assert in_2018.status_code == 200
    assert "Begrotingsjaar 2018" in in_2018.text
    assert "Begrotingsjaar 2017" not in in_2018.text
    assert in_2019.status_code == 200
    assert "Stand: <strong>peildatum 31 december 2019</strong>" in in_2019.text
    assert (
        "<p>Op deze peildatum zijn in 2019 bij geen enkel programma de gerealiseerde lasten "
        "hoger dan begroot.</p>"
    ) in in_2019.text


def test_a_wrong_year_is_named_at_its_field_and_the_peildatum_kept(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.get("/rechtmatigheid?peildatum=2019Q4&jaar=19")

    assert answer.status_code == 422
    assert '<input id="peildatum" name="peildatum" value="2019Q4"' in answer.text
    assert '<input id="jaar" name="jaar" value="19"' in answer.text
    assert (
        '<p class="error" id="jaar-fout" role="alert">een begrotingsjaar is een jaartal van '
        "2000 tot en met 2100</p>"
    ) in answer.text
    assert "Begrotingsjaar 2017" not in answer.text


# -- who may look ----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_the_admin_role_may_not_see_the_analysis_pages(
    signed_in: Callable[[Role], TestClient], path: str
) -> None:
    browser = signed_in(Role.ADMIN)

    answer = browser.get(path)

    assert answer.status_code == 403
    assert (
        '<p class="error" role="alert">deze pagina is voor de rollen griffie, finance en '
        "auditor</p>"
    ) in answer.text


@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_the_analysis_pages_send_the_browser_to_sign_in(
    browser: TestClient, path: str
) -> None:
    answer = browser.get(path)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/?volgende=" + path.replace("/", "%2F")

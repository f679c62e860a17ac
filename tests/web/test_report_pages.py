"""Rapporten and Figuurhistorie (ADR 0022): each report as published, as of any Peildatum,
every figure a link to its history; the 119 of the Q4 report's figuur 1 leads to the
interventieplan's amendment and the carry-over of the nota slotwijzigingen 2019."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from support.demo import INTERVENTIEPLAN_LAST_POSITION

Q4 = "voortgangsrapportage-2019-q4"
PLAN = "interventieplan-fase-4"
CELL_119 = f"/figuur/cel?rapport={Q4}&tabel=figuur-1&rij=2&kolom=beschikbaar-2020&peildatum={Q4}"


@pytest.fixture
def auditor(signed_in: Callable[[Role], TestClient]) -> TestClient:
    return signed_in(Role.AUDITOR)


def cell(html: str, label: str, column: str) -> str:
    """The text of the figure in row `label`, column `column` (its link's aria-label)."""
    found = re.search(rf'aria-label="{re.escape(label)}, {re.escape(column)}: ([^"]+)"', html)
    assert found is not None, f"no figure for {label} / {column}"
    return found[1]


def test_the_report_list_names_each_report_with_its_dates(auditor: TestClient) -> None:
    page = auditor.get("/rapporten")

    assert page.status_code == 200
    assert (
        f'<a href="/rapporten/{PLAN}">Interventieplan fase 4 – Opgave Sociale Stad</a>' in page.text
    )
    assert (
        f'<a href="/rapporten/{Q4}">Voortgangsrapportage Interventieplan 2019 Q4</a>' in page.text
    )
    assert "<td>8 mei 2019</td>" in page.text
    assert "<td>3 juni 2020 12:00</td>" in page.text  # the Q4 report's cutoff, Amsterdam time


def test_a_report_renders_as_published_with_its_units_and_totals(auditor: TestClient) -> None:
    page = auditor.get(f"/rapporten/{PLAN}")

    assert page.status_code == 200
    heading = 'Beroep op het transformatiebudget <span class="unit">(x € 1.000)</span>'
    assert f'<h2 id="t-tabel-7.2">{heading}</h2>' in page.text
    assert cell(page.text, "2. Wijkaanpak sociaal domein", "2019") == "309"
    assert cell(page.text, "Totaal beroep op transformatiebudget", "2019") == "1.224"
    assert cell(page.text, "Kwartaalgesprekken (IVP-2 - 2.5)", "2019") == "3.100"
    assert "Stand: <strong>rapport interventieplan-fase-4, zoals gepubliceerd</strong>" in page.text
    assert f"logpositie {INTERVENTIEPLAN_LAST_POSITION}" in page.text


def test_every_figure_links_to_its_history_on_the_same_basis(auditor: TestClient) -> None:
    page = auditor.get(f"/rapporten/{Q4}")

    assert (
        '<a href="/figuur/cel?rapport=voortgangsrapportage-2019-q4&amp;tabel=figuur-1&amp;rij=2'
        '&amp;kolom=beschikbaar-2020&amp;peildatum=voortgangsrapportage-2019-q4" '
        'aria-label="2. Wijkaanpak sociaal domein, beschikbaar-2020: 119">119</a>'
    ) in page.text


@pytest.mark.parametrize("peildatum", ["2019Q4", "2019-12-31", "31-12-2019"])
def test_the_peildatum_rerenders_the_figures_as_of_that_basis(
    auditor: TestClient, peildatum: str
) -> None:
    page = auditor.get(f"/rapporten/{PLAN}?peildatum={peildatum}")

    assert page.status_code == 200
    # By the end of 2019 the amendment of interventie 2 for 2019 was known: 291, not 309.
    assert cell(page.text, "2. Wijkaanpak sociaal domein", "2019") == "291"
    assert "Stand: <strong>peildatum 31 december 2019</strong>" in page.text
    assert f'name="peildatum" value="{peildatum}"' in page.text
    assert f"&amp;peildatum={peildatum}" in page.text  # the figures' links keep the basis


def test_another_report_and_now_are_bases_too(auditor: TestClient) -> None:
    other = auditor.get(f"/rapporten/{PLAN}?peildatum={Q4}")
    now = auditor.get(f"/rapporten/{PLAN}?peildatum=nu")

    assert cell(other.text, "2. Wijkaanpak sociaal domein", "2020") == "119"
    assert (
        "Stand: <strong>rapport voortgangsrapportage-2019-q4, zoals gepubliceerd</strong>"
        in other.text
    )
    assert "Stand: <strong>nu (alles wat bekend is)</strong>" in now.text


@pytest.mark.parametrize(
    ("peildatum", "message"),
    [
        (
            "31-13-2019",
            "‘31-13-2019’ is geen geldige peildatum: gebruik een datum (2019-12-31 of "
            "31-12-2019), een kwartaal (2019Q4), nu of een rapport",
        ),
        (
            "begroting-2030",
            "er is geen rapport ‘begroting-2030’: kies een rapport, een datum "
            "(2019-12-31 of 31-12-2019), een kwartaal (2019Q4) of nu",
        ),
    ],
)
def test_a_peildatum_the_ledger_cannot_read_is_shown_at_the_field(
    auditor: TestClient, peildatum: str, message: str
) -> None:
    page = auditor.get(f"/rapporten/{PLAN}?peildatum={peildatum}")

    assert page.status_code == 422
    assert f'<p class="error" id="peildatum-fout" role="alert">{message}</p>' in page.text
    assert 'aria-invalid="true"' in page.text
    # The report is still there, as published.
    assert cell(page.text, "2. Wijkaanpak sociaal domein", "2019") == "309"


def test_an_unknown_report_is_a_not_found_page(auditor: TestClient) -> None:
    page = auditor.get("/rapporten/begroting-2030")

    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Niet gevonden</h1>" in page.text


def test_the_119_leads_to_the_amendment_and_the_carry_over(auditor: TestClient) -> None:
    page = auditor.get(CELL_119)

    assert page.status_code == 200
    assert "<h1>2. Wijkaanpak sociaal domein · beschikbaar-2020</h1>" in page.text
    assert "<dd>€ 119.000 <span" in page.text
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page.text, re.S)
    assert len(rows) == 2
    amended, carried = rows
    assert "8 mei 2019" in amended
    assert "Gewijzigd" in amended
    assert '<td class="num">€ 101.000</td>\n      <td class="num">€ 101.000</td>' in amended
    assert "<code>raad-2019-05-08-interventieplan-fase-4</code>" in amended
    assert "18 december 2019" in carried
    assert "Overgeheveld (ontvangen)" in carried
    assert '<td class="num">€ 18.000</td>\n      <td class="num">€ 119.000</td>' in carried
    assert (
        "<code>raad-2019-12-nota-slotwijzigingen-2019</code><br>Nota Slotwijzigingen 2019"
        in carried
    )
    assert '<span class="ok">bevoegd</span>' in carried


def test_the_history_chart_is_a_step_line_with_a_mark_per_published_report(
    auditor: TestClient,
) -> None:
    page = auditor.get(CELL_119)

    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert 'role="img"' in svg
    assert '<path class="step" d="M ' in svg
    assert svg.count('<g class="mark">') == 2
    assert "Interventieplan fase 4 – Opgave Sociale Stad (8 mei 2019): € 101.000</title>" in svg
    assert "Voortgangsrapportage Interventieplan 2019 Q4 (3 juni 2020): € 119.000</title>" in svg
    assert '<desc id="chart-desc">8 mei 2019: € 101.000; 18 december 2019: € 119.000</desc>' in svg


def test_an_unknown_cell_is_a_not_found_page(auditor: TestClient) -> None:
    page = auditor.get(f"/figuur/cel?rapport={Q4}&tabel=figuur-1&rij=99&kolom=beschikbaar-2020")

    assert page.status_code == 404
    assert "<h1>Niet gevonden</h1>" in page.text


def test_a_browser_asking_for_a_path_that_does_not_exist_gets_a_page(
    auditor: TestClient,
) -> None:
    page = auditor.get("/bestaat-niet", headers={"Accept": "text/html,*/*;q=0.8"})
    api = auditor.get("/bestaat-niet")

    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<p class="error" role="alert">deze pagina bestaat niet</p>' in page.text
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_a_report_offers_its_downloads_on_the_same_basis(auditor: TestClient) -> None:
    own = auditor.get(f"/rapporten/{PLAN}")
    quarter = auditor.get(f"/rapporten/{PLAN}?peildatum=2019Q4")

    assert f'<a href="/audit/export/rapporten/{PLAN}.xlsx" download>Excel (XLSX)</a>' in own.text
    assert (
        f'<a href="/audit/export/rapporten/{PLAN}.csv?peildatum=2019Q4" download>'
        "CSV (Excel, puntkomma)</a>"
    ) in quarter.text
    download = auditor.get(f"/audit/export/rapporten/{PLAN}.csv?peildatum=2019Q4")
    assert download.status_code == 200
    assert download.content.startswith("\ufeff".encode())

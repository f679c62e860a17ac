"""A report table whose rows carry their own measure (ADR 0025) on the Rapporten page: a
section heading as a row of its own, a percentage and a kengetal in Dutch, a figure in
millions with two decimals; a repeated label's figure links to its history by its key, and
a heading has no history (422)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.settings import Settings
from support.clock import Clock
from support.ledgers import ledger_on
from support.row_measures import REPORT, publish
from support.web import sign_in


@pytest.fixture(scope="module")
def row_measures_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    clock = Clock()
    with ledger_on("sqlite", tmp_path_factory.mktemp("web-rows"), clock) as ledger:
        publish(ledger)
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        yield create_app(Settings(), ledger=ledger, clock=clock.now)


@pytest.fixture
def auditor(row_measures_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(row_measures_app, follow_redirects=False) as client:
        sign_in(client, DEMO_TOKENS[Role.AUDITOR])
        yield client


def test_a_heading_is_a_section_row_and_each_figure_shows_in_its_unit(
    auditor: TestClient,
) -> None:
    page = auditor.get(f"/rapporten/{REPORT}")

    assert page.status_code == 200
    assert (
        '<tr class="section"><th scope="rowgroup" colspan="6">Taakstellingen</th></tr>' in page.text
    )
    link = (
        f"/figuur/cel?rapport={REPORT}&amp;tabel=tabel-5.2&amp;rij=rel-t-1&amp;kolom=2018"
        f"&amp;peildatum={REPORT}"
    )
    assert (
        f'<a href="{link}" aria-label="Relatief t.o.v. Realisatie 2017, 2018: 16,8%">16,8%</a>'
        in page.text
    )
    # A row without a key whose interventie other rows share links by its label.
    uren = f"/figuur/cel?rapport={REPORT}&amp;tabel=tabel-5.2&amp;rij=Uren+per+cli%C3%ABnt"
    assert (
        f'<a href="{uren}&amp;kolom=2017&amp;peildatum={REPORT}" '
        'aria-label="Uren per cliënt, 2017: 7,7">7,7</a>'
    ) in page.text
    assert 'aria-label="Deelproduct (61296), 2017: 16.664">16.664</a>' in page.text
    assert 'aria-label="2.1 Beschikbaarheid, 2018: 0,02">0,02</a>' in page.text
    assert 'Opbrengsten maatregelen <span class="unit">(x € 1 mln)</span>' in page.text


def test_a_relative_figures_history_opens_by_its_key_and_a_heading_has_none(
    auditor: TestClient,
) -> None:
    history = auditor.get(f"/figuur/cel?rapport={REPORT}&tabel=tabel-5.2&rij=rel-t-1&kolom=2018")
    heading = auditor.get(
        f"/figuur/cel?rapport={REPORT}&tabel=tabel-5.2&rij=Taakstellingen&kolom=2018"
    )

    assert history.status_code == 200
    assert heading.status_code == 422
    assert "is a heading: it has no figures to trace" in heading.text

"""Audit and Tokens in the web workspace (ADR 0022): the chain's verification and the seals,
the verify button (auditor only, CSRF), the auditor's kit and the exports as downloads for
the session's identity, the event log's filters and paging; Tokens for the admin role."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api import spreadsheets as writers
from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.demo import nijmegen
from api.ledger import Ledger
from api.settings import Settings
from projections.store import schema
from support import tampering
from support.clock import Clock
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.http import bearer
from support.ledgers import ledger_on
from support.web import csrf_of, sign_in

SignedIn = Callable[[Role], TestClient]
KIT = f"auditor-kit-{DEMO_LAST_POSITION}"
FORM_EXPIRED = '<p class="error" role="alert">het formulier is verlopen: laad de pagina opnieuw</p>'
ROW_POSITION = re.compile(r'<th scope="row" class="num">(\d+)</th>')


def shown_positions(html: str) -> list[int]:
    return [int(found) for found in ROW_POSITION.findall(html)]


def paging_links(html: str) -> dict[str, str]:
    """The paging links by rel, their hrefs as a browser reads them (`&amp;` is `&`)."""
    found = re.findall(r'<a href="([^"]+)" rel="(prev|next)">', html)
    return {rel: href.replace("&amp;", "&") for href, rel in found}


# -- Audit ------------------------------------------------------------------------------


def test_the_audit_page_shows_the_chain_and_each_reports_seal(signed_in: SignedIn) -> None:
    answer = signed_in(Role.FINANCE).get("/audit")

    assert answer.status_code == 200
    html = answer.text
    assert f"<div><dt>Gebeurtenissen in het log</dt><dd>{DEMO_LAST_POSITION}</dd></div>" in html
    assert f"<div><dt>Geketend tot positie</dt><dd>{DEMO_LAST_POSITION}</dd></div>" in html
    assert f'<dd><code class="hash">{DEMO_HEAD}</code></dd>' in html
    assert '<div><dt>Verificatie</dt><dd><span class="ok">in orde</span></dd></div>' in html
    assert f"<div><dt>Geverifieerd tot positie</dt><dd>{DEMO_LAST_POSITION}</dd></div>" in html
    assert (
        '<th scope="row"><a href="/rapporten/interventieplan-fase-4">Interventieplan fase 4 – '
        "Opgave Sociale Stad</a><br><code>interventieplan-fase-4</code></th>\n"
        f'      <td class="num">{INTERVENTIEPLAN_LAST_POSITION}</td>\n'
        f'      <td><code class="hash">{INTERVENTIEPLAN_HEAD}</code></td>'
    ) in html
    assert html.count('<td><span class="ok">ja</span></td>') == 2
    # Only the auditor verifies, as in the API: the others see the recorded state.
    assert 'action="/audit/verifieer"' not in html
    assert "Alleen de rol auditor laat de keten opnieuw verifiëren" in html
    assert '<a class="download" href="/audit/kit" download>' in html
    assert '<a href="/audit/export/log.csv" download>log.csv</a>' in html
    assert (
        '<a href="/audit/export/rapporten/voortgangsrapportage-2019-q4.xlsx" download>'
        "voortgangsrapportage-2019-q4.xlsx</a>"
    ) in html


def test_the_auditor_verifies_the_chain_now_and_the_page_shows_when(signed_in: SignedIn) -> None:
    browser = signed_in(Role.AUDITOR)
    page = browser.get("/audit")
    assert '<button type="submit">Verifieer de keten nu</button>' in page.text

    answer = browser.post("/audit/verifieer", data={"csrf": csrf_of(page.text)})

    assert (answer.status_code, answer.headers["location"]) == (303, "/audit")
    after = browser.get("/audit").text
    assert '<span class="hint">(web)</span></dd></div>' in after
    assert '<div><dt>Verificatie</dt><dd><span class="ok">in orde</span></dd></div>' in after


@pytest.mark.parametrize("sent", [{"csrf": "forged"}, {}])
def test_verifying_without_the_sessions_csrf_secret_is_refused(
    signed_in: SignedIn, sent: dict[str, str]
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.post("/audit/verifieer", data=sent)

    assert answer.status_code == 403
    assert FORM_EXPIRED in answer.text


def test_a_reader_who_is_not_the_auditor_may_not_verify(signed_in: SignedIn) -> None:
    browser = signed_in(Role.GRIFFIE)
    page = browser.get("/audit")

    answer = browser.post("/audit/verifieer", data={"csrf": csrf_of(page.text)})

    assert answer.status_code == 403
    assert (
        '<p class="error" role="alert">alleen de rol auditor verifieert de keten</p>'
    ) in answer.text


# -- the auditor's kit and the exports ---------------------------------------------------


def test_the_kit_is_the_export_auditor_folder_as_a_zip_that_verifies(
    signed_in: SignedIn, tmp_path: Path
) -> None:
    answer = signed_in(Role.GRIFFIE).get("/audit/kit")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["content-disposition"] == f'attachment; filename="{KIT}.zip"'
    with zipfile.ZipFile(io.BytesIO(answer.content)) as kit:
        assert kit.namelist() == [
            f"{KIT}/events.jsonl",
            f"{KIT}/manifest.json",
            f"{KIT}/reports.json",
            f"{KIT}/verify.py",
        ]
        manifest = json.loads(kit.read(f"{KIT}/manifest.json"))
        assert (manifest["events"], manifest["head"]) == (DEMO_LAST_POSITION, DEMO_HEAD)
        kit.extractall(tmp_path)
    checked = subprocess.run(
        [sys.executable, str(tmp_path / KIT / "verify.py"), str(tmp_path / KIT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["status"] == "ok"


def test_the_log_download_is_the_apis_export_byte_for_byte(signed_in: SignedIn) -> None:
    browser = signed_in(Role.AUDITOR)

    for fmt in ("csv", "xlsx"):
        page_side = browser.get(f"/audit/export/log.{fmt}")
        api = browser.get(f"/api/v1/exports/log.{fmt}", headers=bearer("auditor"))

        assert page_side.status_code == 200
        assert page_side.headers["content-type"] == writers.MEDIA_TYPES[fmt]
        assert page_side.headers["content-disposition"] == api.headers["content-disposition"]
        if fmt == "csv":
            assert page_side.content == api.content
        else:  # a zip whose entries carry their writing time: the same workbook, re-dated
            assert page_side.content[:4] == b"PK\x03\x04"


def test_a_report_download_takes_the_peildatum(signed_in: SignedIn) -> None:
    browser = signed_in(Role.FINANCE)
    path = "voortgangsrapportage-2019-q4.csv"

    published = browser.get(f"/audit/export/rapporten/{path}")
    on_q2 = browser.get(f"/audit/export/rapporten/{path}?peildatum=2019Q2")

    assert published.status_code == 200
    assert published.headers["content-type"] == writers.CSV_MEDIA_TYPE
    assert published.headers["content-disposition"] == (
        'attachment; filename="voortgangsrapportage-2019-q4.csv"'
    )
    assert (
        published.content
        == browser.get(f"/api/v1/exports/reports/{path}", headers=bearer("finance")).content
    )
    assert (
        on_q2.content
        == browser.get(
            f"/api/v1/exports/reports/{path}?as_of=2019Q2", headers=bearer("finance")
        ).content
    )
    assert on_q2.content != published.content


def test_a_report_download_with_a_peildatum_it_cannot_read_is_a_422_page(
    signed_in: SignedIn,
) -> None:
    answer = signed_in(Role.FINANCE).get(
        "/audit/export/rapporten/interventieplan-fase-4.xlsx?peildatum=2019Q5"
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Onjuiste invoer</h1>" in answer.text


# -- the event log ----------------------------------------------------------------------


def test_the_log_filtered_by_event_type_shows_those_events(signed_in: SignedIn) -> None:
    answer = signed_in(Role.GRIFFIE).get("/audit/log?soort=BudgetLine.Amended")

    assert answer.status_code == 200
    html = answer.text
    assert shown_positions(html) == [*range(82, 111, 2), 137]
    assert (
        "16 gebeurtenissen voldoen aan het filter; hier 1–16, pagina 1 van 1 · "
        f"log tot positie {DEMO_LAST_POSITION}"
    ) in html
    assert (
        '<option value="BudgetLine.Amended" selected>Gewijzigd (BudgetLine.Amended)</option>'
    ) in html
    assert paging_links(html) == {}
    assert (
        '<th scope="row" class="num">137</th>\n'
        '      <td>Gewijzigd<br><span class="hint">BudgetLine.Amended</span></td>\n'
        "      <td>10 juli 2019 12:00</td>"
    ) in html
    assert "<td><code>raad-2019-07-zomernota-2019</code></td>" in html


def test_the_log_filtered_by_period_and_decision(signed_in: SignedIn) -> None:
    browser = signed_in(Role.AUDITOR)

    one_day = browser.get("/audit/log?van=10-07-2019&tot=2019-07-10")
    decided = browser.get(
        "/audit/log?besluit=raad-2019-07-zomernota-2019&actor=import:nijmegen-demo"
    )

    assert shown_positions(one_day.text) == [9, 10, 136, 137]
    assert 'id="van" name="van" value="10-07-2019"' in one_day.text
    assert shown_positions(decided.text) == [9, 137]
    assert '<option value="import:nijmegen-demo" selected>' in decided.text


def test_the_log_pages_by_fifty_keeping_the_filters_in_the_links(signed_in: SignedIn) -> None:
    browser = signed_in(Role.AUDITOR)

    first = browser.get("/audit/log?van=01-01-2019")
    last = browser.get("/audit/log?van=01-01-2019&pagina=5")

    assert shown_positions(first.text)[:3] == [7, 8, 9]
    assert len(shown_positions(first.text)) == 50
    assert "237 gebeurtenissen voldoen aan het filter; hier 1–50, pagina 1 van 5" in first.text
    assert paging_links(first.text) == {"next": "/audit/log?van=01-01-2019&pagina=2"}
    assert shown_positions(last.text)[0] == 254
    assert shown_positions(last.text)[-1] == DEMO_LAST_POSITION
    assert len(shown_positions(last.text)) == 37
    assert "hier 201–237, pagina 5 van 5" in last.text
    assert paging_links(last.text) == {"prev": "/audit/log?van=01-01-2019&pagina=4"}


def test_an_unfiltered_log_has_no_filters_in_its_links(signed_in: SignedIn) -> None:
    answer = signed_in(Role.FINANCE).get("/audit/log?pagina=2")

    assert shown_positions(answer.text) == list(range(51, 101))
    assert paging_links(answer.text) == {
        "prev": "/audit/log?pagina=1",
        "next": "/audit/log?pagina=3",
    }


def test_a_date_the_log_cannot_read_is_shown_at_its_field(signed_in: SignedIn) -> None:
    answer = signed_in(Role.FINANCE).get("/audit/log?van=31-02-2019")

    assert answer.status_code == 422
    assert (
        '<p class="error" id="van-fout" role="alert">geen datum: ‘31-02-2019’ '
        "(schrijf 2019-12-31 of 31-12-2019, een dag van 2000 tot en met 2100)</p>"
    ) in answer.text
    assert 'aria-describedby="periode-uitleg van-fout" aria-invalid="true"' in answer.text
    assert shown_positions(answer.text) == []


def test_a_period_that_ends_before_it_begins_is_refused(signed_in: SignedIn) -> None:
    answer = signed_in(Role.FINANCE).get("/audit/log?van=2020-01-01&tot=2019-01-01")

    assert answer.status_code == 422
    assert (
        '<p class="error" id="tot-fout" role="alert">de periode eindigt voor ze begint</p>'
    ) in answer.text


# -- roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/audit", "/audit/log?soort=Report.Published", "/audit/kit", "/tokens"]
)
def test_without_a_session_the_pages_send_the_browser_to_sign_in(
    browser: TestClient, path: str
) -> None:
    answer = browser.get(path)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/?volgende=%2F")


@pytest.mark.parametrize("path", ["/audit", "/audit/log", "/audit/kit", "/audit/export/log.csv"])
def test_the_admin_role_may_not_read_the_audit_pages(signed_in: SignedIn, path: str) -> None:
    answer = signed_in(Role.ADMIN).get(path)

    assert answer.status_code == 403
    assert (
        '<p class="error" role="alert">deze pagina is voor de rollen griffie, finance en '
        "auditor</p>"
    ) in answer.text


@pytest.mark.parametrize("role", [Role.GRIFFIE, Role.FINANCE, Role.AUDITOR])
def test_readers_may_not_see_the_tokens(signed_in: SignedIn, role: Role) -> None:
    answer = signed_in(role).get("/tokens")

    assert answer.status_code == 403
    assert '<p class="error" role="alert">deze pagina is voor de rol admin</p>' in answer.text


def test_the_admin_sees_every_token_read_only(signed_in: SignedIn) -> None:
    answer = signed_in(Role.ADMIN).get("/tokens")

    assert answer.status_code == 200
    html = answer.text
    assert "<caption>4 tokens, oudste eerst</caption>" in html
    names = re.findall(r'<th scope="row">([^<]+)<br>', html)
    assert names == ["demo griffie", "demo finance", "demo auditor", "demo admin"]
    assert html.count("<td>demo</td>") == 4
    assert html.count("<td>nee</td>") == 4
    assert "<td>auditor</td>" in html
    assert "begroting token revoke ID" in html
    assert "<form" not in html.split("<main", 1)[1]  # nothing to write with


# -- a log that no longer verifies ------------------------------------------------------


@pytest.fixture
def tampered(tmp_path: Path) -> Iterator[tuple[Ledger, TestClient]]:
    """A demo of its own (the module's is shared), its client signed in as the auditor."""
    clock = Clock()
    with ledger_on("sqlite", tmp_path, clock) as ledger:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        app = create_app(Settings(), ledger=ledger, clock=clock.now)
        with TestClient(app, follow_redirects=False) as client:
            sign_in(client, DEMO_TOKENS[Role.AUDITOR])
            yield ledger, client


def test_a_break_found_by_the_button_is_shown_and_the_kit_still_downloads(
    tampered: tuple[Ledger, TestClient],
) -> None:
    ledger, browser = tampered
    tampering.drop_guards(ledger.engine)
    tampering.change_amount(ledger.engine, 90, "400000.00", "900000.00")
    page = browser.get("/audit")

    browser.post("/audit/verifieer", data={"csrf": csrf_of(page.text)})
    after = browser.get("/audit")

    assert after.status_code == 200
    assert '<div><dt>Verificatie</dt><dd><span class="bad">gebroken</span></dd></div>' in after.text
    assert "<div><dt>Geverifieerd tot positie</dt><dd>89</dd></div>" in after.text
    assert (
        "Breuk in het log: changed op positie 90: the event at position 90 differs from the one "
        "chained there."
    ) in after.text
    assert browser.get("/audit/log").status_code == 503  # figures wait, as in the API
    assert browser.get("/audit/kit").status_code == 200


def test_a_seal_that_no_longer_matches_its_figures_says_so(
    tampered: tuple[Ledger, TestClient],
) -> None:
    ledger, browser = tampered
    tampering.drop_chain_guards(ledger.engine)
    with ledger.engine.begin() as conn:
        conn.execute(
            update(schema.report_seals)
            .where(schema.report_seals.c.report_id == "interventieplan-fase-4")
            .values(digest="0" * 64)
        )

    html = browser.get("/audit").text

    assert html.count('<td><span class="ok">ja</span></td>') == 1
    assert '<td><span class="bad">nee</span><br>de cijfers geven nu <code class="hash">' in html

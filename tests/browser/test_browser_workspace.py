"""The web workspace (issue #12, ADR 0022) driven in a real Chromium: sign-in with each role
and sign-out, both reports with their key figures, the Peildatum typed and submitted (also
with the keyboard alone), the 119 followed to its history, two bases compared, the auditor's
kit downloaded, and every other page of the menu. axe-core runs over every page visited, and
(the `page` fixture's checks) no request left 127.0.0.1 and the CSP refused nothing.

Signing in is a round trip through the form, so the tests that are not about signing in
share one auditor session per module (its cookie, put into each test's fresh context)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from api.auth import Role
from support.browser import VIEWPORT, Workspace, assert_accessible, screenshot
from support.demo import DEMO_LAST_POSITION
from support.processes import verifier

PLAN = "interventieplan-fase-4"
Q4 = "voortgangsrapportage-2019-q4"
IVP4 = "raad-2019-05-08-interventieplan-fase-4"
SLOTWIJZIGING = "raad-2019-12-nota-slotwijzigingen-2019"
INTERVENTIE_2 = "2. Wijkaanpak sociaal domein"
READER_MENU = ["Rapporten", "Begroting", "Vergelijken", "Besluiten", "Rechtmatigheid", "Audit"]
PEILDATUM_HINT = "Een rapport, een datum (2019-12-31 of 31-12-2019), een kwartaal (2019Q4) of nu."
# "vastgelegd <when> · positie N": when the demo was recorded is this run's clock.
RECORDED = r"\svastgelegd \d{1,2} \w+ \d{4} \d{2}:\d{2} · positie"


def sign_in(page: Page, token: str) -> None:
    """Through the form, as a person would: the field labelled Token, the button."""
    page.goto("/")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")


def go(page: Page, label: str) -> None:
    """Follow the main menu's link, and check it is marked as the current page."""
    menu(page).filter(has_text=label).click()
    expect(menu(page).and_(page.locator("[aria-current=page]"))).to_have_text(label)


def figure(page: Page, table: str, row: str, column: str) -> Locator:
    """The cell of a report's table (named by its caption's leading id) in the row with this
    header, under this column's header. Call it once the page's URL is the one to read: the
    header's position is read at once, so the document must have loaded."""
    page.wait_for_load_state()
    found = page.get_by_role("table", name=re.compile(rf"^{re.escape(table)}: "))
    columns = found.locator("thead th").all_inner_texts()
    header = page.get_by_role("rowheader", name=row, exact=True)
    return found.locator("tr").filter(has=header).locator("th, td").nth(columns.index(column))


@pytest.fixture(scope="module")
def session_cookies(browser: Browser, workspace: Workspace) -> list[Any]:
    """An auditor signed in once through the form: the session's cookie, for each test's
    own context (the session lives on the server; no test here signs it out)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=workspace.url)
    try:
        signing_in = context.new_page()
        sign_in(signing_in, workspace.tokens[Role.AUDITOR])
        expect(signing_in).to_have_url(f"{workspace.url}/rapporten")
        cookies: list[Any] = context.cookies()
    finally:
        context.close()
    assert [cookie["name"] for cookie in cookies] == ["begroting_sessie"]
    return cookies


@pytest.fixture
def auditor(page: Page, session_cookies: list[Any]) -> Page:
    page.context.add_cookies(session_cookies)
    return page


# -- Signing in and out ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FINANCE, Role.AUDITOR, Role.GRIFFIE])
def test_each_reading_role_signs_in_to_the_reports_and_out_again(
    page: Page, workspace: Workspace, role: Role
) -> None:
    page.goto("/")
    expect(page).to_have_title("Aanmelden · Begroting")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    assert_accessible(page)
    if role is Role.AUDITOR:
        screenshot(page, "aanmelden")

    sign_in(page, workspace.tokens[role])

    expect(page).to_have_url(f"{workspace.url}/rapporten")
    expect(menu(page)).to_have_text(READER_MENU)
    expect(page.locator(".who")).to_have_text(f"browser {role.value} ({role.value})")
    expect(
        page.get_by_role("link", name="Interventieplan fase 4 – Opgave Sociale Stad")
    ).to_be_visible()
    assert_accessible(page)
    session = page.context.cookies()

    page.get_by_role("button", name="Afmelden").click()

    expect(page).to_have_url(f"{workspace.url}/")
    expect(page.get_by_label("Token")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_have_count(0)
    # Back to the page just left: no cache kept it, so it sends the browser to sign in.
    page.go_back()
    expect(page).to_have_url(f"{workspace.url}/?volgende=%2Frapporten")
    expect(page.get_by_label("Token")).to_be_visible()
    assert_accessible(page)
    # The session ended on the server, not only in this browser: its cookie opens nothing.
    page.context.add_cookies(session)
    page.goto(f"/rapporten/{Q4}")
    expect(page).to_have_url(f"{workspace.url}/?volgende=%2Frapporten%2F{Q4}")


def test_the_admin_sees_only_the_tokens_and_no_report(page: Page, workspace: Workspace) -> None:
    sign_in(page, workspace.tokens[Role.ADMIN])

    expect(page).to_have_url(f"{workspace.url}/tokens")
    expect(menu(page)).to_have_text(["Tokens"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Tokens")
    tokens = page.get_by_role("table", name="4 tokens, oudste eerst")
    rows = tokens.locator("tbody tr")
    expect(rows).to_have_count(4)
    # All four were made at the same moment: "oldest first" leaves their order open.
    assert sorted(
        (row.locator("th").inner_text().split("\n")[0], row.locator("td").first.inner_text())
        for row in rows.all()
    ) == [(f"browser {role.value}", role.value) for role in sorted(Role, key=lambda r: r.value)]
    assert_accessible(page)
    screenshot(page, "tokens")

    answer = page.goto("/rapporten")

    assert answer is not None
    assert answer.status == 403
    assert answer.headers["cache-control"] == "no-store"  # a signed-in page: no cache keeps it
    expect(page).to_have_title("Geen toegang · Begroting")
    expect(page.get_by_role("alert")).to_have_text(
        "deze pagina is voor de rollen griffie, finance en auditor"
    )
    assert_accessible(page)


def test_an_unknown_token_is_named_at_the_field(page: Page, workspace: Workspace) -> None:
    sign_in(page, "geen-token")

    token = page.get_by_label("Token")
    expect(token).to_have_attribute("aria-invalid", "true")
    expect(token).to_have_accessible_description("dit token is onbekend of ingetrokken")
    expect(menu(page)).to_have_count(0)
    assert_accessible(page)


# -- Rapporten and the Peildatum -------------------------------------------------------


def test_both_reports_show_their_figures_as_published(auditor: Page, workspace: Workspace) -> None:
    page = auditor
    page.goto("/rapporten")
    assert_accessible(page)
    screenshot(page, "rapporten")

    page.get_by_role("link", name="Interventieplan fase 4 – Opgave Sociale Stad").click()

    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Interventieplan fase 4 – Opgave Sociale Stad"
    )
    expect(page.locator(".basis strong")).to_have_text(f"rapport {PLAN}, zoals gepubliceerd")
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2019")).to_have_text("309")
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2020")).to_have_text("101")
    expect(figure(page, "tabel-7.2", "Totaal beroep op transformatiebudget", "2019")).to_have_text(
        "1.224"
    )
    assert_accessible(page)
    screenshot(page, "rapport")

    page.get_by_role("link", name="Rapporten", exact=True).first.click()
    page.get_by_role("link", name="Voortgangsrapportage Interventieplan 2019 Q4").click()

    expect(page).to_have_url(f"{workspace.url}/rapporten/{Q4}")
    expect(figure(page, "figuur-1", INTERVENTIE_2, "beschikbaar-2020")).to_have_text("119")
    assert_accessible(page)


def test_the_peildatum_typed_into_its_field_rerenders_the_report(
    auditor: Page, workspace: Workspace
) -> None:
    page = auditor
    page.goto(f"/rapporten/{PLAN}")
    peildatum = page.get_by_label("Peildatum")
    expect(peildatum).to_have_accessible_description(PEILDATUM_HINT)

    peildatum.fill("2019Q4")
    page.get_by_role("button", name="Toon").click()

    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}?peildatum=2019Q4")
    expect(page.locator(".basis strong")).to_have_text("peildatum 31 december 2019")
    # By the end of 2019 the amendment of interventie 2 for 2019 was known: 291, not 309.
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2019")).to_have_text("291")
    expect(page.get_by_label("Peildatum")).to_have_value("2019Q4")
    assert_accessible(page)
    # The table whose figures changed, at the top of the README's picture.
    page.locator("section", has=page.locator("#t-tabel-7\\.2")).evaluate("e => e.scrollIntoView()")
    screenshot(page, "rapport-peildatum")

    page.get_by_label("Peildatum").fill("31-12-2019")
    page.get_by_role("button", name="Toon").click()

    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}?peildatum=31-12-2019")
    expect(page.locator(".basis strong")).to_have_text("peildatum 31 december 2019")
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2019")).to_have_text("291")
    assert_accessible(page)

    page.get_by_label("Peildatum").fill("2019Q5")
    page.get_by_role("button", name="Toon").click()

    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}?peildatum=2019Q5")
    field = page.get_by_label("Peildatum")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        f"{PEILDATUM_HINT} ‘2019Q5’ is geen geldige peildatum: gebruik een datum "
        "(2019-12-31 of 31-12-2019), een kwartaal (2019Q4), nu of een rapport"
    )
    # The report is still there, as published.
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2019")).to_have_text("309")
    assert_accessible(page)


def test_the_keyboard_alone_skips_to_the_content_and_submits_the_peildatum(
    auditor: Page, workspace: Workspace
) -> None:
    page = auditor
    page.goto(f"/rapporten/{PLAN}")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}#inhoud")
    # From the start of the content: the crumb back to Rapporten, then the Peildatum.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Rapporten")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Peildatum")).to_be_focused()
    page.keyboard.type("2019Q4")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{workspace.url}/rapporten/{PLAN}?peildatum=2019Q4")
    expect(figure(page, "tabel-7.2", INTERVENTIE_2, "2019")).to_have_text("291")
    assert_accessible(page)


# -- Figuurhistorie and Vergelijken ----------------------------------------------------


def test_the_119_leads_to_its_chart_and_both_events(auditor: Page, workspace: Workspace) -> None:
    page = auditor
    page.goto(f"/rapporten/{Q4}")

    figure(page, "figuur-1", INTERVENTIE_2, "beschikbaar-2020").get_by_role("link").click()

    expect(page).to_have_url(
        f"{workspace.url}/figuur/cel?rapport={Q4}&tabel=figuur-1&rij=2"
        f"&kolom=beschikbaar-2020&peildatum={Q4}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{INTERVENTIE_2} · beschikbaar-2020")
    chart = page.locator("svg[role=img]")
    expect(chart).to_be_visible()
    # Its name: the title, then the description that names every step for a screen reader.
    expect(chart).to_have_accessible_name(
        f"{INTERVENTIE_2} · beschikbaar-2020: verloop in de tijd "
        "8 mei 2019: € 101.000; 18 december 2019: € 119.000"
    )
    marks = chart.locator("g.mark")
    expect(marks).to_have_count(2)
    expect(marks.locator("title")).to_have_text(
        [
            "Interventieplan fase 4 – Opgave Sociale Stad (8 mei 2019): € 101.000",
            "Voortgangsrapportage Interventieplan 2019 Q4 (3 juni 2020): € 119.000",
        ]
    )
    events = page.get_by_role(
        "table", name="2 gebeurtenissen, in de volgorde waarin ze bekend werden"
    )
    rows = events.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        [
            re.compile(rf"^8 mei 2019{RECORDED} \d+$"),
            re.compile(r"^Gewijzigd\s"),
            "€ 101.000",
            "€ 101.000",
            f"{IVP4} Interventieplan fase 4 – Opgave Sociale Stad",
            "import:nijmegen-demo",
            "bevoegd",
            re.compile(r"."),
        ],
        use_inner_text=True,
    )
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        [
            re.compile(rf"^18 december 2019{RECORDED} 145$"),
            re.compile(r"^Overgeheveld \(ontvangen\)\s"),
            "€ 18.000",
            "€ 119.000",
            f"{SLOTWIJZIGING} Nota Slotwijzigingen 2019",
            "import:nijmegen-demo",
            "bevoegd",
            re.compile(r"."),
        ],
        use_inner_text=True,
    )
    assert_accessible(page)
    screenshot(page, "figuurhistorie")


def test_comparing_the_two_reports_shows_the_119_and_its_cause(
    auditor: Page, workspace: Workspace
) -> None:
    page = auditor
    page.goto("/rapporten")
    go(page, "Vergelijken")
    page.get_by_label("Rapport").select_option(PLAN)
    page.get_by_label("Van (peildatum)").fill(PLAN)
    page.get_by_label("Naar (peildatum)").fill(Q4)
    page.get_by_role("button", name="Vergelijk").click()

    expect(page).to_have_url(f"{workspace.url}/vergelijken?rapport={PLAN}&van={PLAN}&naar={Q4}")
    changes = page.get_by_role("table", name=re.compile(r"^20 cijfers verschillen"))
    changed = (
        changes.locator("tbody tr")
        .filter(has=page.get_by_role("rowheader", name=INTERVENTIE_2, exact=True))
        .filter(has=page.get_by_role("cell", name="2020", exact=True))
    )
    expect(changed).to_have_count(1)
    expect(changed.locator("th, td")).to_have_text(
        [
            "tabel-7.2",
            INTERVENTIE_2,
            "2020",
            "101",
            "119",
            "+18",
            "€ +18.000 € 101.000 → € 119.000",
            "overheveling",
        ],
        use_inner_text=True,
    )
    assert_accessible(page)
    screenshot(page, "vergelijken")

    changed.get_by_role("link", name="overheveling").click()

    cause = page.locator("tbody:target")
    expect(cause.get_by_role("rowheader")).to_have_text(
        f"tabel-7.2 · {INTERVENTIE_2} · 2020: € +18.000"
    )
    expect(cause.locator("tr:not(.group)")).to_have_count(1)
    expect(cause.locator("tr:not(.group) td")).to_have_text(
        [
            re.compile(rf"^18 december 2019{RECORDED} 145$"),
            re.compile(r"^Overgeheveld \(ontvangen\)\soverheveling · "),
            "€ 18.000",
            f"{SLOTWIJZIGING} Nota Slotwijzigingen 2019 nieuw sinds de van-peildatum",
            "import:nijmegen-demo",
            re.compile(r"."),
        ],
        use_inner_text=True,
    )


# -- Begroting, Besluiten, Rechtmatigheid ----------------------------------------------


def test_the_budget_by_programma_at_a_quarter_end(auditor: Page, workspace: Workspace) -> None:
    page = auditor
    page.goto("/rapporten")
    go(page, "Begroting")
    assert_accessible(page)
    page.get_by_label("Begrotingsjaar").select_option("2019")
    page.get_by_role("button", name="Kies").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Begroting 2019")
    budget = page.get_by_role("table", name=re.compile(r"^Begroting 2019 per programma"))
    expect(budget.locator("tfoot td")).to_have_text(["€ 3.268.000"])
    assert_accessible(page)
    screenshot(page, "begroting")

    quarters = page.get_by_role("navigation", name="Stand op een kwartaaleinde")
    quarters.get_by_role("link", name="Q2").click()

    expect(page).to_have_url(re.compile(r"/begroting\?.*peildatum=2019Q2"))
    expect(page.locator(".basis strong")).to_have_text("peildatum 30 juni 2019")
    expect(quarters.locator("[aria-current=page]")).to_have_text("Q2")
    expect(budget.locator("tfoot td")).to_have_text(["€ 1.224.000"])
    expect(page.get_by_label("Peildatum")).to_have_value("2019Q2")
    assert_accessible(page)


def test_the_decisions_and_what_one_authorised(auditor: Page, workspace: Workspace) -> None:
    page = auditor
    page.goto("/rapporten")
    go(page, "Besluiten")

    decisions = page.get_by_role("table", name=re.compile(r"^9 besluiten bekend op deze peildatum"))
    expect(decisions.locator("tbody tr")).to_have_count(9)
    assert_accessible(page)
    screenshot(page, "besluiten")

    decisions.get_by_role("link", name="Interventieplan fase 4 – Opgave Sociale Stad").click()

    expect(page).to_have_url(f"{workspace.url}/besluiten/{IVP4}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Interventieplan fase 4 – Opgave Sociale Stad"
    )
    mutations = page.get_by_role(
        "table", name=re.compile(r"^15 begrotingsmutaties onder dit besluit")
    )
    expect(mutations.locator("tbody tr")).to_have_count(15)
    expect(mutations.locator("tbody .ok")).to_have_text(["bevoegd"] * 15)
    assert_accessible(page)


def test_begrotingsrechtmatigheid_per_programma(auditor: Page) -> None:
    page = auditor
    page.goto("/rapporten")
    go(page, "Rechtmatigheid")

    expect(page.get_by_role("heading", level=2).first).to_have_text("Begrotingsjaar 2017")
    first = page.get_by_role("table").first
    expect(first.locator("tbody th")).to_have_text(["Opgave Sociale Stad"])
    # A programme without a recorded budget is a data gap, shown apart, not an overrun.
    expect(first.locator("th").nth(1)).to_have_text("Lasten zonder vastgelegde begroting")
    expect(first.locator("tbody td").nth(0)).to_have_text(
        re.compile(r"^€ 267\.638\.000\s*17 realisaties$")
    )
    expect(first.locator("tbody td code")).to_have_text("geen-begroting-vastgelegd")
    assert_accessible(page)
    screenshot(page, "rechtmatigheid")


# -- Audit -----------------------------------------------------------------------------


def test_the_auditors_kit_downloads_as_a_zip_that_verifies(
    auditor: Page, workspace: Workspace, tmp_path: Path
) -> None:
    page = auditor
    page.goto("/rapporten")
    go(page, "Audit")
    facts = page.locator(".facts dd")
    expect(facts.first).to_have_text(str(DEMO_LAST_POSITION))
    head = facts.nth(2).inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", head)
    assert_accessible(page)
    screenshot(page, "audit")

    with page.expect_download() as started:
        page.get_by_role("link", name="Download de auditorkit (zip)").click()
    download = started.value

    assert download.suggested_filename == f"auditor-kit-{DEMO_LAST_POSITION}.zip"
    with zipfile.ZipFile(download.path()) as kit:
        assert kit.testzip() is None
        assert f"auditor-kit-{DEMO_LAST_POSITION}/verify.py" in kit.namelist()
        assert all(name.startswith(f"auditor-kit-{DEMO_LAST_POSITION}/") for name in kit.namelist())
        kit.extractall(tmp_path)
    # The kit's own verifier, with the standard library only, agrees with the page's head.
    verified = verifier(tmp_path / f"auditor-kit-{DEMO_LAST_POSITION}")
    assert (verified.returncode, verified.stderr) == (0, "")
    assert json.loads(verified.stdout) == {
        "status": "ok",
        "head": head,
        "position": DEMO_LAST_POSITION,
        "count": DEMO_LAST_POSITION,
        "reports": 2,
    }


def test_the_event_log_filters_by_event_type(auditor: Page, workspace: Workspace) -> None:
    page = auditor
    page.goto("/audit")
    page.get_by_role("link", name="Het log doorzoeken").click()

    expect(page).to_have_url(f"{workspace.url}/audit/log")
    expect(page.locator(".basis")).to_have_text(
        f"{DEMO_LAST_POSITION} gebeurtenissen; hier 1–50, pagina 1 van 6"
        f" · log tot positie {DEMO_LAST_POSITION}"
    )
    assert_accessible(page)
    screenshot(page, "audit-log")

    page.get_by_label("Soort gebeurtenis").select_option("BudgetLine.CarriedIn")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/audit/log\?.*soort=BudgetLine\.CarriedIn"))
    log = page.get_by_role("table", name="Het log in logvolgorde, gefilterd")
    expect(log.locator("tbody td:nth-child(2)")).to_have_text(
        ["Overgeheveld (ontvangen) BudgetLine.CarriedIn"] * 5, use_inner_text=True
    )
    expect(page.get_by_label("Soort gebeurtenis")).to_have_value("BudgetLine.CarriedIn")
    assert_accessible(page)

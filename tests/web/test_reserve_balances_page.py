"""The reserves page shows the balances (ADR 0027) on the Nijmegen demo: an unknown
opening as "onbekend", never as 0, each earmark, and the opening the withdrawals imply."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth import Role
from api.demo.nijmegen import ZOMERNOTA_2019 as ZOMERNOTA

Signed = Callable[[Role], TestClient]
CAPTION = "Saldi van de reserves in"


def rows_of(html: str, caption_start: str) -> list[str]:
    table = html[html.index(f"<caption>{caption_start}") :]
    table = table[: table.index("</table>")]
    return [
        re.sub(r">\s+<", "><", row).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)
    ]


def test_the_balances_of_a_year_show_an_unknown_opening_as_onbekend(signed_in: Signed) -> None:
    browser = signed_in(Role.GRIFFIE)

    answer = browser.get("/begroting/reserves?jaar=2020")

    assert answer.status_code == 200
    assert rows_of(answer.text, CAPTION) == [
        '<th scope="col">Reserve</th><th scope="col">Onderdeel</th>'
        '<th scope="col" class="num">Beginsaldo</th><th scope="col" class="num">Stortingen</th>'
        '<th scope="col" class="num">Onttrekkingen</th><th scope="col" class="num">Geoormerkt</th>'
        '<th scope="col" class="num">Vrijgevallen</th><th scope="col" class="num">Eindsaldo</th>',
        '<th scope="row">BR-BESCHERMD-WONEN Bestemmingsreserve Beschermd Wonen</th>'
        '<td>totaal</td><td class="num">onbekend</td><td class="num">€ 0</td>'
        '<td class="num">€ 0</td><td></td><td></td><td class="num">onbekend</td>',
        '<th scope="row">BR-BESCHERMD-WONEN</th><td>vrij deel</td><td class="num">onbekend</td>'
        '<td class="num">€ 0</td><td class="num">€ 0</td><td class="num">€ 0</td>'
        '<td class="num">€ 0</td><td class="num">onbekend</td>',
        '<th scope="row">F022 Saldireserve</th><td>totaal</td><td class="num">onbekend</td>'
        '<td class="num">€ 0</td><td class="num">€ 636.000</td><td></td><td></td>'
        '<td class="num">onbekend</td>',
        '<th scope="row">F022</th><td>vrij deel</td><td class="num">onbekend</td>'
        '<td class="num">€ 0</td><td class="num">€ 0</td><td class="num">€ 0</td>'
        '<td class="num">€ 0</td><td class="num">onbekend</td>',
        '<th scope="row">F022</th><td>oormerk transformatiebudget</td>'
        '<td class="num">€ 776.000</td><td class="num">€ 0</td><td class="num">€ 636.000</td>'
        '<td class="num">€ 0</td><td class="num">€ 0</td><td class="num">€ 140.000</td>',
        # The oormerk of € 2m came out of an opening no document states.
        '<td colspan="8" class="hint">De onttrekkingen overtreffen de bekende mutaties met '
        "€ 2.000.000: een beginsaldo van ten minste € 2.000.000 is verondersteld.</td>",
        '<th scope="row">F058 Bestemmingsreserve Wmo-Jeugd</th><td>totaal</td>'
        '<td class="num">onbekend</td><td class="num">€ 0</td><td class="num">€ 256.000</td>'
        '<td></td><td></td><td class="num">onbekend</td>',
        '<th scope="row">F058</th><td>vrij deel</td><td class="num">onbekend</td>'
        '<td class="num">€ 0</td><td class="num">€ 256.000</td><td class="num">€ 0</td>'
        '<td class="num">€ 0</td><td class="num">onbekend</td>',
        # The withdrawals of € 3m (2017) and € 1m (2018) from an opening no document states.
        '<td colspan="8" class="hint">De onttrekkingen overtreffen de bekende mutaties met '
        "€ 4.000.000: een beginsaldo van ten minste € 4.000.000 is verondersteld.</td>",
    ]


def test_withdrawals_beyond_the_known_movements_show_the_implied_opening(
    signed_in: Signed,
) -> None:
    browser = signed_in(Role.GRIFFIE)
    withdrawn = browser.post(
        "/api/v1/reserves/F058/withdrawals",
        json={"fiscal_year": 2020, "amount": "1000.00", "decision": ZOMERNOTA},
        headers={"Authorization": "Bearer demo-finance"},
    )
    assert withdrawn.status_code == 200

    answer = browser.get("/begroting/reserves?jaar=2020")

    # F058's implied opening of € 4.000.000 grows by the € 1.000 withdrawn.
    assert rows_of(answer.text, CAPTION)[-1] == (
        '<td colspan="8" class="hint">De onttrekkingen overtreffen de bekende mutaties met '
        "€ 4.001.000: een beginsaldo van ten minste € 4.001.000 is verondersteld.</td>"
    )

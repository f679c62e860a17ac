"""The Nijmegen demo history reproduces the published figures of the seeds: tabel 6.1 and
tabel 7.2 of the Interventieplan fase 4 [S1] and figuur 1 of the voortgangsrapportage Q4
2019 [S2], each as of its own report's basis. (Every other table of both documents:
test_published_tables.py.)"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from api.demo import nijmegen
from api.ledger import Ledger
from projections.queries import figures
from projections.queries.basis import resolve_basis
from projections.queries.reports import render_report
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)

Figure = str | None


def table(
    table_id: str,
    title: str,
    columns: list[str],
    rows: list[tuple[int, str, list[Figure]]],
    totals: list[tuple[str, list[Figure]]],
) -> dict[str, Any]:
    """The rendered shape of one published table, from its figures in column order."""
    return {
        "id": table_id,
        "title": title,
        "unit": "EUR_1000",
        "columns": columns,
        "rows": [
            {
                "interventie": interventie,
                "label": label,
                "values": dict(zip(columns, values, strict=True)),
            }
            for interventie, label, values in rows
        ],
        "totals": [
            {"label": label, "values": dict(zip(columns, values, strict=True))}
            for label, values in totals
        ],
    }


YEARS_6_1 = ["2019", "2020", "2021", "2022"]
TABEL_6_1 = table(
    "tabel-6.1",
    "Overzicht taakstellingen/opgaven",
    YEARS_6_1,
    [
        (
            1,
            "Welzijn, vrijwilligers, leefbare wijken gericht versterken (IVP-2)",
            ["40", "40", "40", "40"],
        ),
        (2, "Kwartaalgesprekken (IVP-2 - 2.5)", ["3100", "3100", "2800", "2800"]),
        (2, "Kantelgesprekken PGB Hulp bij Huishouden (IVP-2: 2.1)", ["100", "100", "100", "100"]),
        (2, "Aanvullende efficiëncyslag keten zorg en welzijn (CA)", [None, None, "300", "300"]),
        (
            3,
            "Premiebijdrage Collectieve Aanvullende Ziektekostenverzekeringen (CA)",
            [None, "790", "790", "790"],
        ),
        (
            3,
            "Vergoeding Bijzondere Bijstand obv tweedehandsgoederen (CA)",
            [None, "500", "500", "500"],
        ),
        (3, "Bezuiniging op Meerwerk (o.a. WerkBedrijf) (CA)", [None, "750", "1200", "1200"]),
        (4, "Sterke basis kinderen en jongeren", ["250", "250", "650", "650"]),
        (5, "Verminderen gebruik ambulante Jeugdzorg (IVP-2)", ["1280", "1280", "1280", "1280"]),
        (6, "Jeugdzorg met verblijf (IVP-2: 2.2 en CA)", ["900", "1400", "1900", "2400"]),
        (7, "Risico nieuw verdeelmodel", [None, None, "13639", "13639"]),
        (7, "Medische Heroïne afbouwen (CA)", [None, "232", "232", "232"]),
        (7, "Rente over voorschotten", ["100", "100", "100", "100"]),
        (8, "Doorbraakaanpak (CA)", ["300", "500", "750", "1000"]),
        (9, "Stelselwijziging (CA)", [None, None, "1000", "2000"]),
        (10, "Datagestuurd werken in het sociaal domein", [None, None, None, None]),
        (11, "Taakstellende besparing Zorg en Welzijn", [None, "1000", "1500", "2000"]),
    ],
    [
        (
            "Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)",
            ["6070", "10042", "13142", "15392"],
        ),
        (
            "Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)",
            ["6070", "10042", "26781", "29031"],
        ),
    ],
)

# With its totaal column (issue #11): the sum of 2019..2021.
YEARS_7_2 = ["2019", "2020", "2021", "totaal"]
TABEL_7_2 = table(
    "tabel-7.2",
    "Beroep op het transformatiebudget",
    YEARS_7_2,
    [
        (
            1,
            "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
            ["25", "25", None, "50"],
        ),
        (2, "2. Wijkaanpak sociaal domein", ["309", "101", None, "410"]),
        (3, "3. Inkomen, werk, schulden", [None, None, None, None]),
        (4, "4. Sterke basis kinderen en jongeren", ["150", None, None, "150"]),
        (5, "5. Verminderen gebruik ambulante Jeugdzorg", ["190", "175", None, "365"]),
        (6, "6. Jeugdzorg met verblijf", [None, None, None, None]),
        (7, "7. Ombouw Beschermd Wonen en maatschappelijke opvang", [None, None, None, None]),
        (8, "8. Doorbraakaanpak", ["400", "140", None, "540"]),
        (9, "9. Stelselwijziging", ["25", "70", "40", "135"]),
        (10, "10. Datagestuurd werken in het sociaal domein", ["125", "125", "100", "350"]),
    ],
    [("Totaal beroep op transformatiebudget", ["1224", "636", "140", "2000"])],
)

FIGUUR_1 = table(
    "figuur-1",
    "Transformatiebudget",
    ["uitgaven-2019", "beschikbaar-2020", "beschikbaar-2021"],
    [
        (1, "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken", [None, "50", None]),
        (2, "2. Wijkaanpak sociaal domein", ["290", "119", None]),
        (3, "3. Inkomen, werk, schulden", [None, None, None]),
        (4, "4. Sterke basis kinderen en jongeren", ["70", "80", None]),
        (5, "5. Verminderen gebruik ambulante Jeugdzorg", ["123", "242", None]),
        (6, "6. Jeugdzorg met verblijf*", [None, None, None]),
        (7, "7. Ombouw Beschermd Wonen en maatschappelijke opvang", [None, None, None]),
        (8, "8. Doorbraakaanpak", ["334", "206", None]),
        (9, "9. Stelselwijziging", ["25", "70", "40"]),
        (10, "10. Datagestuurd werken i/h sociaal domein", ["125", "125", "100"]),
    ],
    [("Totaal", ["967", "892", "140"])],
)


def render(ledger: Ledger, report_id: str, as_of: str | None = None) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return render_report(conn, report_id, as_of, ledger.runner.position())


def test_the_interventieplan_reproduces_tabel_6_1_and_tabel_7_2_as_published(
    demo_ledger: Ledger,
) -> None:
    report = render(demo_ledger, "interventieplan-fase-4")
    tables = report.pop("tables")

    assert report == {
        "report": "interventieplan-fase-4",
        "title": "Interventieplan fase 4 – Opgave Sociale Stad",
        "basis": {
            "as_of": "report:interventieplan-fase-4",
            "report": "interventieplan-fase-4",
            "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
            "log_position": INTERVENTIEPLAN_LAST_POSITION,
            "chain_head": INTERVENTIEPLAN_HEAD,
        },
    }
    # Tables 4.1 and 5.1-5.11 follow them (test_published_tables.py).
    assert tables[:2] == [TABEL_6_1, TABEL_7_2]
    assert len(tables) == 14


def test_the_voortgangsrapportage_reproduces_figuur_1_as_published(demo_ledger: Ledger) -> None:
    report = render(demo_ledger, "voortgangsrapportage-2019-q4")
    tables = report.pop("tables")

    assert report == {
        "report": "voortgangsrapportage-2019-q4",
        "title": "Voortgangsrapportage Interventieplan 2019 Q4",
        "basis": {
            "as_of": "report:voortgangsrapportage-2019-q4",
            "report": "voortgangsrapportage-2019-q4",
            "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
            "log_position": DEMO_LAST_POSITION,
            "chain_head": DEMO_HEAD,
        },
    }
    # The financieel beeld follows it (test_published_tables.py).
    assert [tables[0], tables[1]["id"]] == [FIGUUR_1, "financieel-beeld"]


def test_a_rendered_report_survives_a_json_round_trip_unchanged(demo_ledger: Ledger) -> None:
    report = render(demo_ledger, "interventieplan-fase-4")

    assert json.loads(json.dumps(report, ensure_ascii=False)) == report


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)",
            [6070, 10042, 13142, 15392],
        ),
        (
            "Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)",
            [6070, 10042, 26781, 29031],
        ),
    ],
)
def test_the_totals_of_tabel_6_1_are_the_sums_of_its_rows(
    demo_ledger: Ledger, label: str, expected: list[int]
) -> None:
    tabel = render(demo_ledger, "interventieplan-fase-4")["tables"][0]
    include_risk = "inclusief" in label
    sums = [
        sum(
            int(row["values"][year] or 0)
            for row in tabel["rows"]
            if include_risk or row["label"] != "Risico nieuw verdeelmodel"
        )
        for year in YEARS_6_1
    ]
    total = next(t for t in tabel["totals"] if t["label"] == label)

    assert sums == expected
    assert [int(total["values"][year]) for year in YEARS_6_1] == expected


def test_loading_the_demo_a_second_time_records_nothing_new(ledger: Ledger) -> None:
    first = nijmegen.load(ledger.app)
    recorded_up_to = ledger.app.recorder.max_notification_id()
    assert ledger.runner.catch_up() == recorded_up_to

    second = nijmegen.load(ledger.app)

    assert (first.recorded, first.skipped) == (239, 0)
    assert (second.recorded, second.skipped) == (0, 239)
    assert ledger.app.recorder.max_notification_id() == recorded_up_to == DEMO_LAST_POSITION
    assert ledger.runner.catch_up() == recorded_up_to
    assert render(ledger, "interventieplan-fase-4")["tables"][:2] == [TABEL_6_1, TABEL_7_2]


# "Relatief t.o.v. realisatie 2017" in tables 5.x of [S1]: a taakstelling's amount over
# the 2017 realisations of its base deelproducten, to 0.1%.
PUBLISHED_WEIGHTS = [
    ("ivp2-kwartaalgesprekken-wijkteams-wmo", 2021, "2800.00", "16664.00", "16.8"),
    ("ca-rente-voorschotten", 2019, "100.00", "43725.00", "0.2"),
    ("risico-verdeelmodel-beschermd-wonen", 2021, "13639.00", "43725.00", "31.2"),
    ("ca-medische-heroine", 2020, "232.00", "1506.00", "15.4"),
    ("ca-doorbraakaanpak", 2019, "300.00", "38760.00", "0.8"),
    ("ca-hervormen-keten", 2022, "2000.00", "46174.00", "4.3"),
    ("ca-meerwerk-werkbedrijf", 2021, "1200.00", "11979.00", "10.0"),
]


def weights(ledger: Ledger) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """(reference, year) -> (amount in thousands, base in thousands) as of now."""
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, ledger.runner.position())
        amounts = figures.taakstelling_amounts(conn, basis)
        realised = figures.realisation_amounts(conn, basis, fiscal_year=2017)
    by_deelproduct = {row["deelproduct"]: row["amount"] for row in realised}
    result = {}
    for row in amounts:
        deelproducten = json.loads(row["base_deelproducten"])
        base = sum((by_deelproduct[d] for d in deelproducten), Decimal(0))
        for year, amount in row["amounts"].items():
            result[(row["reference"], year)] = (amount / 1000, base / 1000)
    return result


@pytest.mark.parametrize(
    ("reference", "year", "amount", "base", "percentage"),
    PUBLISHED_WEIGHTS,
    ids=[f"{reference}-{year}" for reference, year, *_ in PUBLISHED_WEIGHTS],
)
def test_a_taakstelling_weighs_as_published_against_the_2017_realisations_of_its_base(
    demo_ledger: Ledger, reference: str, year: int, amount: str, base: str, percentage: str
) -> None:
    found_amount, found_base = weights(demo_ledger)[(reference, year)]

    assert (found_amount, found_base) == (Decimal(amount), Decimal(base))
    weight = (found_amount / found_base * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert str(weight) == percentage


def test_every_base_deelproduct_of_a_taakstelling_has_a_2017_realisation(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, demo_ledger.runner.position())
        amounts = figures.taakstelling_amounts(conn, basis)
        realised = {
            row["deelproduct"] for row in figures.realisation_amounts(conn, basis, fiscal_year=2017)
        }
    bases = {row["reference"]: json.loads(row["base_deelproducten"]) for row in amounts}

    assert len(bases) == 23
    # No table weighs these against a base (README.md, A15).
    assert sorted(ref for ref, deelproducten in bases.items() if not deelproducten) == [
        "ca-taakstellende-besparing-zorg-welzijn",
        "ivp2-4.2-indexatie-tarieven-beschermd-wonen",
        "ivp2-4.3-wooncomponent-pgb",
    ]
    assert {d for deelproducten in bases.values() for d in deelproducten} <= realised
    assert len(realised) == 17


def test_the_deelproducten_are_named_as_the_stadsrekening_names_them_in_the_ledger(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, demo_ledger.runner.position())
        names = figures.deelproduct_names(conn, basis, ["61307", "99999"])
        every = figures.deelproduct_names(conn, basis, [c for c, *_ in nijmegen.DEELPRODUCTEN])

    # A name with parentheses of its own keeps them; only the citation is dropped; a code no
    # realisation cites has no name.
    assert names == {"61307": "Sociale wijkteams (product Welzijn)"}
    assert every == {code: name for code, name, *_ in nijmegen.DEELPRODUCTEN}

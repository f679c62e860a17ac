"""Every table of the two Nijmegen documents, figure for figure, as of its own report's
basis: tabel 4.1, tables 5.1-5.11 and tabel 7.2 (with its totaal) of the Interventieplan
fase 4 [S1], and the "Financieel beeld" of the voortgangsrapportage Q4 2019 [S2].

The expected figures are the documents' own, transcribed as printed and written in the
report tables' JSON convention (EUR_1000 "16664", EUR_1000000 "1.93", percent "16.8",
counts as recorded "15000", hours "7.7"). Where the rendered table departs from the print
(0,00, "pm", "t/o", "nvt", and tabel 5.4's research budget), the test says so below and
asserts the departure on its own (src/api/demo/README.md, A7 and A18)."""

from __future__ import annotations

from typing import Any

import pytest

from api.ledger import Ledger
from projections.queries.reports import render_report

Figure = str | None
YEARS = ["2017", "2018", "2019", "2020", "2021", "2022"]


def render(ledger: Ledger, report_id: str) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return render_report(conn, report_id, None, ledger.runner.position())


def published(ledger: Ledger, report_id: str, table_id: str) -> dict[str, Any]:
    tables = render(ledger, report_id)["tables"]
    return next(table for table in tables if table["id"] == table_id)


def row(
    interventie: int | None,
    label: str,
    values: list[Figure] | None = None,
    *,
    key: str | None = None,
    unit: str | None = None,
    columns: list[str] = YEARS,
) -> dict[str, Any]:
    """A rendered row; no values is a row without figures (a heading, an empty measure)."""
    figures = values if values is not None else [None] * len(columns)
    shaped: dict[str, Any] = {
        "interventie": interventie,
        "label": label,
        "values": dict(zip(columns, figures, strict=True)),
    }
    if key is not None:
        shaped["key"] = key
    if unit is not None:
        shaped["unit"] = unit
    return shaped


def table(
    table_id: str,
    title: str,
    rows: list[dict[str, Any]],
    *,
    unit: str = "EUR_1000",
    columns: list[str] = YEARS,
    totals: list[tuple[str, list[Figure]]] | None = None,
) -> dict[str, Any]:
    return {
        "id": table_id,
        "title": title,
        "unit": unit,
        "columns": columns,
        "rows": rows,
        "totals": [
            {"label": label, "values": dict(zip(columns, values, strict=True))}
            for label, values in totals or []
        ],
    }


def kengetal(
    interventie: int, label: str, key: str, values: list[Figure], unit: str = "count"
) -> dict[str, Any]:
    return row(interventie, label, values + [None] * (6 - len(values)), key=key, unit=unit)


def relative(interventie: int, label: str, key: str, values: list[Figure]) -> dict[str, Any]:
    return row(interventie, label, values, key=key, unit="percent")


_ = None  # an empty cell as printed

# -- Tabel 4.1 (in mln. €): 0,00 is an empty cell, as ADR 0003 renders an exact zero. ----
T41 = ["2018"]
TABEL_4_1 = table(
    "tabel-4.1",
    "Opbrengsten maatregelen Interventieplan in 2018",
    [
        row(None, "Beoogde opbrengst fase 2", ["7.05"], columns=T41),
        row(None, "1 Jeugd", ["1.93"], columns=T41),
        row(None, "1.1 Vroeginterventie huis- en jeugdarts", ["0.28"], columns=T41),
        row(None, "1.2 Transformatie Jeugdhulp met verblijf", ["0.40"], columns=T41),
        row(None, "1.3 Transformatie J-LVB", ["0.25"], columns=T41),
        row(None, "1.4 Poortwachtersfunctie dyslexie", ["0.10"], columns=T41),
        row(
            None,
            "1.5 Inzet tweedelijns Jeugdhulp in primair en speciaal onderwijs",
            ["0.25"],
            columns=T41,
        ),
        row(None, "1.6 Effecten nieuwe aanbesteding en budgetplafonds", ["0.65"], columns=T41),
        row(None, "2 Transformatie Wmo", ["2.92"], columns=T41),
        row(
            None,
            "2.1 Beschikbaarheid en toeleiding naar collectieve voorzieningen",
            ["0.02"],
            columns=T41,
        ),
        row(None, "2.2 Meer inzet groepsbegeleiding", [_], columns=T41),  # 0,00
        row(None, "2.3 Kortdurende ondersteuning", [_], columns=T41),  # 0,00
        row(None, "2.4 Effecten nieuwe aanbesteding", ["2.80"], columns=T41),
        row(None, "2.5 Kantelgesprekken PGB Hulp bij Huishouden", ["0.10"], columns=T41),
        row(None, "2.6 Individuele plaatsing en steun", [_], columns=T41),  # 0,00
        row(None, "3 Overige interventies", [_], columns=T41),  # 0,00
        row(None, "3.1 Casemanagement", [_], columns=T41),  # 0,00
        row(None, "4 Wmo Beschermd Wonen", ["2.20"], columns=T41),
        row(None, "4.1 Ambulantisering Beschermd Wonen regionaal", [_], columns=T41),  # 0,00
        row(None, "4.2 Indexatie tarieven beschermd Wonen", ["1.80"], columns=T41),
        row(None, "4.3 Wooncomponent PGB", ["0.40"], columns=T41),
    ],
    unit="EUR_1000000",
    columns=T41,
)

# -- Tables 5.1-5.11 (x € 1.000; percent; counts) -------------------------------------
TABEL_5_1 = table(
    "tabel-5.1",
    "Kernegevens Interventie Welzijn, vrijwilligers leefbare wijken gericht versterken",
    [
        row(1, "Realisatie stadsrekening"),
        row(
            1,
            "Deelproduct: ambulante trajecten volwassenen (61296)",
            ["16664", "11561", _, _, _, _],
        ),
        row(1, "Taakstellingen"),
        row(
            1,
            "Beschikbaarheid van en toeleiding naar collectieve voorzieningen (IVP-2: 2.1)",
            [_, "20", "40", "40", "40", "40"],
        ),
        relative(
            1,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-collectieve-voorzieningen",
            [_, "0.1", "0.2", "0.2", "0.2", "0.2"],
        ),
        row(1, "Kengetallen"),
        kengetal(1, "Aantal bezoeken Stips per jaar", "bezoeken-stips", ["15000", "20000"]),
        kengetal(1, "Aantal vragen aan Stips per jaar", "vragen-stips", ["17000", "23000"]),
        kengetal(
            1, "Aantal bezoeken Hobbycentra per jaar", "bezoeken-hobbycentra", ["69075", "66000"]
        ),
        kengetal(
            1,
            "Aantal vrijwilligers Hulpdienst per jaar",
            "vrijwilligers-hulpdienst",
            ["229", "237"],
        ),
        kengetal(1, "Aantal cliënten Hulpdienst per jaar", "clienten-hulpdienst", ["517", "576"]),
        row(1, "Beroep op gemeentelijk transformatiebudget"),
        row(1, "Onderzoeksbudget", [_, _, "25", "25", _, _]),
    ],
)

TABEL_5_2 = table(
    "tabel-5.2",
    "Kerngegevens Interventie Wijkaanpak Sociaal Domein",
    [
        row(2, "Realisatie stadsrekening"),
        row(
            2,
            "Deelproduct: Ambulante trajecten volwassenen (61296)",
            ["16664", "11561", _, _, _, _],
        ),
        row(2, "Deelproduct: PGB Maatwerkvoorzieningen (61301)", ["3749", "3072", _, _, _, _]),
        row(2, "Deelproduct: Sociale wijkteams (61307)", ["6923", "7724", _, _, _, _]),
        row(2, "Taakstellingen"),
        row(
            2,
            "Kwartaalgesprekken wijkteams (IVP-2: 2.4)",
            [_, "2800", "3100", "3100", "2800", "2800"],
        ),
        relative(
            2,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-kwartaalgesprekken",
            [_, "16.8", "18.6", "18.6", "16.8", "16.8"],
        ),
        row(
            2,
            "Kantelgesprekken PGB Hulp bij Huishouden (IVP-2: 2.1)",
            [_, "100", "100", "100", "100", "100"],
        ),
        relative(
            2,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-kantelgesprekken",
            [_, "2.7", "2.7", "2.7", "2.7", "2.7"],
        ),
        row(
            2,
            "Aanvullende efficiëncyslag keten zorg en welzijn (CA)",
            [_, _, _, _, "300", "300"],
        ),
        relative(
            2,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-efficiencyslag",
            [_, _, _, _, "4.3", "4.3"],
        ),
        row(
            2,
            "Totale opgave voor deze interventie",
            [_, "2900", "3200", "3200", "3200", "3200"],
        ),
        row(2, "Kengetallen"),
        kengetal(
            2,
            "Aantal cliënten met indicatie reguliere begeleiding Wmo (stand januari)",
            "clienten-reguliere-begeleiding",
            ["1010", "1133", "1443"],
        ),
        kengetal(
            2,
            "Aantal cliënten met indicatie specialistische begeleiding Wmo (stand januari)",
            "clienten-specialistische-begeleiding",
            ["1553", "1581", "1433"],
        ),
        kengetal(
            2,
            "Uren reguliere begeleiding per cliënt per maand (stand januari)",
            "uren-reguliere-begeleiding",
            ["7.7", "7.3", _],  # 2019: pm
            unit="hours",
        ),
        kengetal(
            2,
            "Uren specialistische begeleiding per cliënt per maand (stand januari)",
            "uren-specialistische-begeleiding",
            ["8.2", "7.7", _],  # 2019: pm
            unit="hours",
        ),
        kengetal(
            2,
            "Gemiddelde kosten behandelingstraject per cliënt",
            "kosten-behandelingstraject",
            [_, _, _],  # t/o, t/o, t/o
            unit="euros",
        ),
        row(2, "t/o: te ontwikkelen"),
        row(2, "Beroep op gemeentelijk transformatiebudget"),
        row(2, "Opstart Stip Nijmegen-zuid", [_, _, "64", "19", _, _]),
        row(2, "Opbouwwerk", [_, _, "76", "25", _, _]),
        row(2, "Innovatie- en knelpuntenbudget", [_, _, "169", "57", _, _]),
        row(2, "Totaal", [_, _, "309", "101", _, _]),
    ],
)

TABEL_5_3 = table(
    "tabel-5.3",
    "Kerngegevens interventie Inkomen, Werk, Schulden",
    [
        row(3, "Realisatie stadsrekening"),
        row(3, "Bijzondere Bijstand (60132)", ["17853", "17276", _, _, _, _]),
        row(3, "Wet Werk en Bijstand (60131)", ["111747", "110638", _, _, _, _]),
        row(3, "Participatie (61096)", ["11979", "12954", _, _, _, _]),
        row(3, "Taakstellingen"),
        row(
            3,
            "Premiebijdrage Collectieve Aanvullende Ziektekostenverzekeringen (CA)",
            [_, _, _, "790", "790", "790"],
        ),
        relative(
            3,
            "Relatief tov Realisatie 2017",
            "relatief-premie-caz",
            [_, _, _, "4.4", "4.4", "4.4"],
        ),
        row(
            3,
            "Vergoeding Bijzondere Bijstand obv tweedehandsgoederen (CA)",
            [_, _, _, "500", "500", "500"],
        ),
        relative(
            3,
            "Relatief tov Realisatie 2017",
            "relatief-tweedehandsgoederen",
            [_, _, _, "2.8", "2.8", "2.8"],
        ),
        row(
            3,
            "Bezuiniging op Meerwerk (o.a. Werkbedrijf) (CA)",
            [_, _, _, "750", "1200", "1200"],
        ),
        relative(
            3,
            "Relatief tov Realisatie 2017",
            "relatief-meerwerk",
            [_, _, _, "6.3", "10.0", "10.0"],
        ),
        row(3, "Kengetallen"),
        kengetal(
            3,
            "aantal bijstandsgerechtigden (peilmaand januari)",
            "bijstandsgerechtigden",
            ["7922", "7754", "7462"],
        ),
        kengetal(
            3,
            "aantal aanmeldingen gemeentelijke schuldhulpverlening",
            "aanmeldingen-schuldhulpverlening",
            ["512", _],  # 2018: pm
        ),
        kengetal(
            3,
            "aantal unieke personen met inkomens-/studietoelage",
            "inkomens-studietoelage",
            ["4302", "4778"],
        ),
        kengetal(
            3,
            "aantal unieke personen met overige bijzondere bijstand",
            "overige-bijzondere-bijstand",
            ["6752", "7364"],
        ),
        kengetal(3, "aantal unieke deelnemers CAZ", "deelnemers-caz", ["11125", "11422"]),
        kengetal(
            3,
            "aantal unieke personen met inkomens voorziening",
            "inkomensvoorziening",
            ["18345", "18544"],
        ),
        row(3, "Beroep op gemeentelijk transformatiebudget"),  # nvt in 2020-2022
    ],
)

# A7: tabel 5.4 prints the research budget (120 + 30 = 150) in 2020; tabel 7.2 and the
# text ("We stellen voor in 2019 150.000,- euro uit het transformatiebudget over te
# hevelen") put it in 2019, and so does the history.
TABEL_5_4 = table(
    "tabel-5.4",
    "Kerngegevens Interventie",
    [
        row(4, "Realisatie stadsrekening"),
        row(4, "Deelproduct: Preventief jeugdbeleid (61287)", ["2956", "4621", _, _, _, _]),
        row(
            4,
            "Deelproduct: Zorgstructuur Onderwijs en voorschool (61288)",
            ["2388", "2366", _, _, _, _],
        ),
        row(4, "Deelproduct: Onderwijs Achterstandenbeleid (60595)", ["4262", "4234", _, _, _, _]),
        row(4, "Deelproduct: Kinderopvang (61117)", ["666", "346", _, _, _, _]),
        row(
            4,
            "Deelproduct: Bestrijden voortijdig schoolverlaten (60594)",
            ["3619", "3609", _, _, _, _],
        ),
        row(4, "Totaal zoekgebied preventie", ["13891", "15176", _, _, _, _]),
        row(4, "Dagbesteding en ambulante trajecten (61290)", ["18928", "23582", _, _, _, _]),
        row(4, "Taakstellingen"),
        row(4, "Preventie kinderen en jongeren (CA)", [_, _, _, _, "400", "400"]),
        relative(
            4, "Relatief tov Realisatie 2017", "relatief-preventie", [_, _, _, _, "2.9", "2.9"]
        ),
        row(
            4,
            "Inzet tweedelijns jeugdhulp in primair en speciaal onderwijs (IVP-2)",
            [_, "250", "250", "250", "250", "250"],
        ),
        relative(
            4,
            "Relatief tov Realisatie 2017",
            "relatief-tweedelijns-jeugdhulp",
            [_, "1.3", "1.3", "1.3", "1.3", "1.3"],
        ),
        row(
            4,
            "Totale opgave voor deze interventie",
            [_, "250", "250", "250", "650", "650"],
        ),
        row(4, "Kengetallen"),
        row(4, "Voor deze interventie moeten nog kengetallen vastgesteld worden"),
        row(4, "Beroep op gemeentelijk transformatiebudget"),
        row(
            4,
            "Onderzoekskosten onderwijs en zorgstructuur PO, MBO en VO",
            [_, _, "120", _, _, _],  # printed in 2020 (A7)
        ),
        row(
            4,
            "Evaluatie MBC vindplaats-gericht-werken in PO en kinderopvang",
            [_, _, "30", _, _, _],  # printed in 2020 (A7)
        ),
        row(4, "Totaal", [_, _, "150", _, _, _]),  # printed in 2020 (A7)
    ],
)

TABEL_5_5 = table(
    "tabel-5.5",
    "Kerngegevens Interventie Verminderen gebruik ambulante Jeugdzorg",
    [
        row(5, "Realisatie stadsrekening (x € 1.000)"),
        row(
            5,
            "Deelproduct: Dagbesteding en ambulante trajecten Jeugd (61290)",
            ["18928", "23582", _, _, _, _],
        ),
        row(5, "Taakstellingen (x € 1.000)"),
        row(
            5,
            "Kwartaalgesprekken wijkteams (IVP-2 - 1.6)",
            [_, "650", "650", "650", "650", "650"],
        ),
        row(5, "Transformatie Jeugd-LVB (IVP-2 - 1.3)", [_, "250", "250", "250", "250", "250"]),
        row(
            5,
            "Poortwachtersfunctie Dyslexie (IVP-2 - 1.4)",
            [_, "100", "100", "100", "100", "100"],
        ),
        row(
            5,
            "Jeugd GGZ (IVP-2; als vroeginterventie huis- en jeugdarts 1.1)",
            [_, "280", "280", "280", "280", "280"],
        ),
        row(
            5,
            "Totale opgave voor deze interventie",
            [_, "1280", "1280", "1280", "1280", "1280"],
        ),
        relative(
            5,
            "Relatief tov Realisatie 2017",
            "relatief-totale-opgave",
            [_, "6.8", "6.8", "6.8", "6.8", "6.8"],
        ),
        row(5, "Kengetallen"),
        kengetal(
            5,
            "aantal cliënten met indicatie reguliere begeleiding Wmo (stand januari)",
            "clienten-reguliere-begeleiding",
            ["448", "279", "351"],
        ),
        kengetal(
            5,
            "aantal cliënten met indicatie specialistische begeleiding Wmo (stand januari)",
            "clienten-specialistische-begeleiding",
            ["260", "561", "443"],
        ),
        kengetal(
            5,
            "uren reguliere begeleiding per cliënt per maand (stand januari)",
            "uren-reguliere-begeleiding",
            ["4.5", "11.4", _],  # 2019: pm
            unit="hours",
        ),
        kengetal(
            5,
            "uren specialistische begeleiding per cliënt per maand (stand januari)",
            "uren-specialistische-begeleiding",
            ["13.8", "4.5", _],  # 2019: pm
            unit="hours",
        ),
        kengetal(
            5,
            "gemiddelde kosten behandelingstraject per cliënt",
            "kosten-behandelingstraject",
            [_, _, _],  # t/o, t/o, t/o
            unit="euros",
        ),
        row(5, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),
        row(5, "Onderzoek keten jonge kind", [_, _, "40", _, _, _]),
        row(5, "continueren POH tot aan stelselwijziging", [_, _, "150", "175", _, _]),
        row(5, "Totaal", [_, _, "190", "175", _, _]),
    ],
)

TABEL_5_6 = table(
    "tabel-5.6",
    "Kernegegevens Interventie Jeugdzorg met Verblijf",
    [
        row(6, "Realisatie stadsrekening (x € 1.000)"),
        row(6, "Deelproduct: Verblijf Jeugd (61295)", ["16802", "12161", _, _, _, _]),
        row(6, "Taakstellingen (x € 1.000)"),
        row(
            6,
            "Casusoverleg Jeugdzorg met verblijf (IVP-2 - 1.2)",
            [_, "400", "400", "400", "400", "400"],
        ),
        row(
            6,
            "Transformatie Jeugdhulp met verblijf (CA)",
            [_, _, "500", "1000", "1500", "2000"],
        ),
        row(
            6,
            "Totale opgave voor deze interventie",
            [_, "400", "900", "1400", "1900", "2400"],
        ),
        relative(
            6,
            "Relatief tov Realisatie 2017",
            "relatief-totale-opgave",
            [_, "2.4", "5.4", "8.3", "11.3", "14.3"],
        ),
        row(6, "Kengetallen"),
        kengetal(
            6,
            "aantal kinderen met indicatie pleegzorg (stand januari)",
            "pleegzorg",
            ["341", "388", "348"],
        ),
        kengetal(
            6,
            "aantal kinderen met indicatie behandelgroep 24-uurs, jeugdzorgplus en Beschermd "
            "Wonen J-GGZ",
            "behandelgroep-jeugdzorgplus-bw-jggz",
            ["101", "134", "98"],
        ),
        kengetal(
            6,
            "aantal kinderen met indicatie pleegzorg (stand januari)",
            "pleegzorg-tweede-rij",
            ["133", "151", "142"],
        ),
        kengetal(
            6,
            "aantal kinderen met overige indicatie jeugd met verblijf (stand januari)",
            "overige-indicatie-verblijf",
            ["123", "114", "120"],
        ),
        kengetal(
            6,
            "aantal kinderen met indicatie ambulante behandeling J&O/J-LVG (stand januari)",
            "ambulante-behandeling-jo-jlvg",
            ["134", "516", "530"],
        ),
        kengetal(
            6,
            "aantal kinderen met indicatie ambulante behandeling intensief thuis (stand januari)",
            "ambulante-behandeling-intensief-thuis",
            ["0", "11", "12"],
        ),
        row(6, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),  # nvt 2019-2021
    ],
)

TABEL_5_7 = table(
    "tabel-5.7",
    "Kernegevens Interventie Ombouw Beschermd Wonen, maatschappelijke opvang",
    [
        row(7, "Realisatie stadsrekening (x € 1.000)"),
        row(7, "Beschermd Wonen GGZ (61310)", ["43725", "48347", _, _, _, _]),
        row(7, "Verslavingsbeleid (61220)", ["1506", "1519", _, _, _, _]),
        row(7, "Taakstellingen (x € 1.000)"),
        row(
            7,
            "Voorzien effect objectief verdeelmodel beschermd wonen, maatschappelijke opvang en "
            "Wmo 2015 begeleiding",
            [_, _, _, _, "13639", "13639"],
        ),
        relative(
            7,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-verdeelmodel",
            [_, _, _, _, "31.2", "31.2"],
        ),
        row(7, "Medische Heroïne Behandeling afbouwen (CA)", [_, _, _, "232", "232", "232"]),
        relative(
            7,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-medische-heroine",
            [_, _, _, "15.4", "15.4", "15.4"],
        ),
        row(7, "Rente over voorschotten (CA)", [_, _, "100", "100", "100", "100"]),
        relative(
            7,
            "Relatief t.o.v. Realisatie 2017",
            "relatief-rente-voorschotten",
            [_, _, "0.2", "0.2", "0.2", "0.2"],
        ),
        row(
            7,
            "Totale opgave voor deze interventie",
            [_, _, "100", "332", "13971", "13971"],
        ),
        row(7, "Kengetallen"),
        kengetal(
            7,
            "aantal cliënten met indicatie Beschermd Wonen (stand januari)",
            "clienten-beschermd-wonen",
            ["1238", "1302", "1236"],
        ),
        kengetal(
            7,
            "aantal cliënten met indicatie BW verblijf (stand januari)",
            "clienten-bw-verblijf",
            ["1213", "1269", "1223"],
        ),
        kengetal(
            7,
            "aantal cliënten met indicatie BW verblijf met perspectief (stand januari)",
            "clienten-bw-verblijf-perspectief",
            ["10", "33", "41"],
        ),
        kengetal(
            7,
            "aantal cliënten volledig pakket thuis (stand januari)",
            "clienten-volledig-pakket-thuis",
            ["3", "18", "3"],
        ),
        row(7, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),  # nvt 2019-2020
    ],
)

TABEL_5_8 = table(
    "tabel-5.8",
    "Kernegevens Interventie Doorbraakaanpak",
    [
        row(8, "Realisatie stadsrekening (x € 1.000)"),
        row(8, "Deelproduct: Schuldhulp en preventie (61099)", ["3168", "3032", _, _, _, _]),
        row(
            8,
            "Deelproduct: Ambulante trajecten volwassenen (61296)",
            ["16664", "11561", _, _, _, _],
        ),
        row(
            8,
            "Deelproduct: Dagbesteding en ambulante trajecten Jeugd (61290)",
            ["18928", "23582", _, _, _, _],
        ),
        row(8, "Totaal zoekgebied doorbraakaanpak", ["38760", "38175", _, _, _, _]),
        row(8, "Taakstellingen (x € 1.000)"),
        row(8, "Doorbraakaanpak (CA)", [_, _, "300", "500", "750", "1000"]),
        relative(
            8,
            "Relatief tov Realisatie 2017",
            "relatief-doorbraakaanpak",
            [_, _, "0.8", "1.3", "1.9", "2.6"],
        ),
        row(8, "Kengetallen"),
        row(8, "Voor deze interventie worden nog kengetallen vastgesteld"),
        row(8, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),
        row(8, "Opdracht IPW", [_, _, "175", _, _, _]),
        row(8, "Inzet gemeentelijk doorbraakteam", [_, _, "150", "80", _, _]),
        row(8, "Doorbraakbudget", [_, _, "60", "60", _, _]),
        row(8, "Externe evaluatie", [_, _, "15", _, _, _]),
        row(8, "Totaal", [_, _, "400", "140", _, _]),
    ],
)

TABEL_5_9 = table(
    "tabel-5.9",
    "Kernegevens Interventie Stelselwijziging",
    [
        row(9, "Realisatie stadsrekening (x € 1.000)"),
        row(
            9,
            "Deelproduct: Ambulante trajecten volwassenen (61296)",
            ["16664", "11561", _, _, _, _],
        ),
        row(
            9,
            "Deelproduct: Dagbesteding en ambulante trajecten Jeugd (61290)",
            ["18928", "23582", _, _, _, _],
        ),
        row(
            9,
            "Deelproduct: Sociale wijkteams - product Welzijn (61307)",
            ["6923", "7724", _, _, _, _],
        ),
        row(
            9, "Deelproduct: Sociale wijkteams - product Jeugd (61292)", ["703", "774", _, _, _, _]
        ),
        row(9, "Deelproduct: Preventief jeugdbeleid (61287)", ["2956", "4621", _, _, _, _]),
        row(9, "Totaal zoekgebied stelselwijziging", ["46174", "48262", _, _, _, _]),
        row(9, "Taakstellingen (x € 1.000)"),
        row(9, "Hervormen Keten Zorg & Welzijn (CA)", [_, _, _, _, "1000", "2000"]),
        relative(
            9,
            "Relatief tov Realisatie 2017",
            "relatief-hervormen-keten",
            [_, _, _, _, "2.2", "4.3"],
        ),
        row(9, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),
        row(9, "Onderzoeksbudget en kwartiermaker", [_, _, "25", "70", "40", _]),
    ],
)

TABEL_5_10 = table(
    "tabel-5.10",
    "Kerngegevens Interventie Datagestuurd werken in het sociaal domein",
    [
        row(10, "Beroep op gemeentelijk transformatiebudget (x € 1.000)"),
        row(10, "Transformatiebudget", [_, _, "125", "125", "100", _]),
    ],
)

TABEL_5_11 = table(
    "tabel-5.11",
    "Kernegevens Taakstellende besparing Zorg en Welzijn",
    [
        row(11, "Taakstellingen (x € 1.000)"),
        row(11, "Taakstellende besparing Zorg en Welzijn", [_, _, _, "1000", "1500", "2000"]),
    ],
)

# -- Tabel 7.2 with its totaal (2019-2021) ----------------------------------------------
T72 = ["2019", "2020", "2021", "totaal"]
TABEL_7_2 = table(
    "tabel-7.2",
    "Beroep op het transformatiebudget",
    [
        row(
            1,
            "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
            ["25", "25", _, "50"],
            columns=T72,
        ),
        row(2, "2. Wijkaanpak sociaal domein", ["309", "101", _, "410"], columns=T72),
        row(3, "3. Inkomen, werk, schulden", [_, _, _, _], columns=T72),
        row(4, "4. Sterke basis kinderen en jongeren", ["150", _, _, "150"], columns=T72),
        row(5, "5. Verminderen gebruik ambulante Jeugdzorg", ["190", "175", _, "365"], columns=T72),
        row(6, "6. Jeugdzorg met verblijf", [_, _, _, _], columns=T72),
        row(7, "7. Ombouw Beschermd Wonen en maatschappelijke opvang", [_, _, _, _], columns=T72),
        row(8, "8. Doorbraakaanpak", ["400", "140", _, "540"], columns=T72),
        row(9, "9. Stelselwijziging", ["25", "70", "40", "135"], columns=T72),
        row(
            10,
            "10. Datagestuurd werken in het sociaal domein",
            ["125", "125", "100", "350"],
            columns=T72,
        ),
    ],
    columns=T72,
    totals=[("Totaal beroep op transformatiebudget", ["1224", "636", "140", "2000"])],
)

# -- [S2] Financieel beeld (x € 1.000, voordeel positive) ------------------------------
FB = ["2019"]
FINANCIEEL_BEELD = table(
    "financieel-beeld",
    "Financieel beeld",
    [
        row(None, "Wmo", ["1000"], columns=FB),
        row(None, "Beschermd Wonen", ["10000"], columns=FB),
        row(None, "Jeugd", ["-3400"], columns=FB),
        row(None, "Werk en Inkomen", ["3300"], columns=FB),
    ],
    columns=FB,
)

INTERVENTIEPLAN_TABLES = [
    TABEL_4_1,
    TABEL_5_1,
    TABEL_5_2,
    TABEL_5_3,
    TABEL_5_4,
    TABEL_5_5,
    TABEL_5_6,
    TABEL_5_7,
    TABEL_5_8,
    TABEL_5_9,
    TABEL_5_10,
    TABEL_5_11,
    TABEL_7_2,
]


@pytest.mark.parametrize(
    "expected", INTERVENTIEPLAN_TABLES, ids=[t["id"] for t in INTERVENTIEPLAN_TABLES]
)
def test_the_interventieplan_renders_each_table_as_published(
    demo_ledger: Ledger, expected: dict[str, Any]
) -> None:
    assert published(demo_ledger, "interventieplan-fase-4", expected["id"]) == expected


def test_the_voortgangsrapportage_renders_the_financieel_beeld_as_published(
    demo_ledger: Ledger,
) -> None:
    assert (
        published(demo_ledger, "voortgangsrapportage-2019-q4", "financieel-beeld")
        == FINANCIEEL_BEELD
    )


def test_the_reports_hold_their_tables_in_the_order_published(demo_ledger: Ledger) -> None:
    ids = {
        report_id: [t["id"] for t in render(demo_ledger, report_id)["tables"]]
        for report_id in ("interventieplan-fase-4", "voortgangsrapportage-2019-q4")
    }

    assert ids == {
        "interventieplan-fase-4": [
            "tabel-6.1",
            "tabel-7.2",
            "tabel-4.1",
            "tabel-5.1",
            "tabel-5.2",
            "tabel-5.3",
            "tabel-5.4",
            "tabel-5.5",
            "tabel-5.6",
            "tabel-5.7",
            "tabel-5.8",
            "tabel-5.9",
            "tabel-5.10",
            "tabel-5.11",
        ],
        "voortgangsrapportage-2019-q4": ["figuur-1", "financieel-beeld"],
    }


# Cells the documents print as something other than a figure, or as 0,00: each is an
# empty cell (null) in the rendered table. (table, row label or key, column, as printed)
NOT_FIGURES = [
    ("tabel-4.1", "2.2 Meer inzet groepsbegeleiding", "2018", "0,00"),
    ("tabel-4.1", "2.3 Kortdurende ondersteuning", "2018", "0,00"),
    ("tabel-4.1", "2.6 Individuele plaatsing en steun", "2018", "0,00"),
    ("tabel-4.1", "3 Overige interventies", "2018", "0,00"),
    ("tabel-4.1", "3.1 Casemanagement", "2018", "0,00"),
    ("tabel-4.1", "4.1 Ambulantisering Beschermd Wonen regionaal", "2018", "0,00"),
    ("tabel-5.2", "uren-reguliere-begeleiding", "2019", "pm"),
    ("tabel-5.2", "uren-specialistische-begeleiding", "2019", "pm"),
    ("tabel-5.2", "kosten-behandelingstraject", "2017", "t/o"),
    ("tabel-5.2", "kosten-behandelingstraject", "2018", "t/o"),
    ("tabel-5.2", "kosten-behandelingstraject", "2019", "t/o"),
    ("tabel-5.3", "aanmeldingen-schuldhulpverlening", "2018", "pm"),
    ("tabel-5.3", "Beroep op gemeentelijk transformatiebudget", "2020", "nvt"),
    ("tabel-5.3", "Beroep op gemeentelijk transformatiebudget", "2021", "nvt"),
    ("tabel-5.3", "Beroep op gemeentelijk transformatiebudget", "2022", "nvt"),
    ("tabel-5.5", "uren-reguliere-begeleiding", "2019", "pm"),
    ("tabel-5.5", "uren-specialistische-begeleiding", "2019", "pm"),
    ("tabel-5.5", "kosten-behandelingstraject", "2019", "t/o"),
    ("tabel-5.6", "Beroep op gemeentelijk transformatiebudget (x € 1.000)", "2019", "nvt"),
    ("tabel-5.6", "Beroep op gemeentelijk transformatiebudget (x € 1.000)", "2021", "nvt"),
    ("tabel-5.7", "Beroep op gemeentelijk transformatiebudget (x € 1.000)", "2020", "nvt"),
]


def cell(tables: list[dict[str, Any]], table_id: str, row_name: str, column: str) -> Figure:
    found = next(t for t in tables if t["id"] == table_id)
    [named] = [r for r in found["rows"] if row_name in (r.get("key"), r["label"])]
    value: Figure = named["values"][column]
    return value


def test_what_the_documents_print_as_no_figure_is_an_empty_cell(demo_ledger: Ledger) -> None:
    tables = render(demo_ledger, "interventieplan-fase-4")["tables"]

    assert {
        (table_id, row_name, column, printed): cell(tables, table_id, row_name, column)
        for table_id, row_name, column, printed in NOT_FIGURES
    } == {entry: None for entry in NOT_FIGURES}


def test_tabel_5_4_has_its_research_budget_in_2019_where_the_text_puts_it(
    demo_ledger: Ledger,
) -> None:
    tables = render(demo_ledger, "interventieplan-fase-4")["tables"]
    rows = [
        "Onderzoekskosten onderwijs en zorgstructuur PO, MBO en VO",
        "Evaluatie MBC vindplaats-gericht-werken in PO en kinderopvang",
        "Totaal",
    ]

    # Printed: 120, 30 and 150 in the 2020 column. Tabel 7.2 and §5.4 put 150 in 2019.
    assert [
        (cell(tables, "tabel-5.4", r, "2019"), cell(tables, "tabel-5.4", r, "2020")) for r in rows
    ] == [("120", None), ("30", None), ("150", None)]
    assert cell(tables, "tabel-7.2", "4. Sterke basis kinderen en jongeren", "2019") == "150"

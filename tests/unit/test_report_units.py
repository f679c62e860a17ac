"""A report row in its unit (ADR 0025), as the terminal and the web page write it in
Dutch: a percentage `16,8%`, millions `1,93`, a kengetal as recorded, thousands `16.664`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.cli import tables
from api.cli.rendering import format_report
from api.web.formatting import cijfer
from projections.queries.reports import ReportDocument

DOCUMENT: ReportDocument = {
    "report": "kerngegevens",
    "title": "Kerngegevens",
    "basis": {
        "as_of": "report:kerngegevens",
        "report": "kerngegevens",
        "knowledge_cutoff": None,
        "log_position": 9,
        "chain_head": None,
    },
    "tables": [
        {
            "id": "tabel-5.2",
            "title": "Wijkaanpak",
            "unit": "EUR_1000",
            "columns": ["2017", "2018"],
            "rows": [
                {
                    "interventie": 2,
                    "label": "Taakstellingen",
                    "values": {"2017": None, "2018": None},
                },
                {
                    "interventie": 2,
                    "label": "Kwartaalgesprekken",
                    "values": {"2017": None, "2018": "2800"},
                },
                {
                    "interventie": 2,
                    "label": "Relatief",
                    "key": "rel",
                    "unit": "percent",
                    "values": {"2017": None, "2018": "16.8"},
                },
                {
                    "interventie": 2,
                    "label": "Uren",
                    "unit": "hours",
                    "values": {"2017": "7.7", "2018": "15000"},
                },
            ],
            "totals": [],
        },
        {
            "id": "tabel-4.1",
            "title": "Opbrengsten",
            "unit": "EUR_1000000",
            "columns": ["2018"],
            "rows": [{"interventie": 1, "label": "Jeugd", "values": {"2018": "1.90"}}],
            "totals": [{"label": "Totaal", "values": {"2018": "1930.00"}}],
        },
    ],
}


@pytest.mark.parametrize(
    ("value", "unit", "table_unit", "text"),
    [
        (Decimal("16.8"), "percent", "EUR_1000", "16,8%"),
        (Decimal("1.90"), "EUR_1000000", "EUR_1000000", "1,90"),
        (Decimal("1930.00"), "EUR_1000000", "EUR_1000000", "1.930,00"),
        (Decimal("16664"), "EUR_1000", "EUR_1000", "16.664"),
        (Decimal("7.7"), "hours", "EUR_1000", "7,7"),
        (Decimal("15000"), "count", "EUR_1000", "15.000"),
    ],
)
def test_the_terminal_writes_a_figure_in_its_unit(
    value: Decimal, unit: str, table_unit: str, text: str
) -> None:
    assert tables.unit_figure(value, unit, table_unit) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ("16.8", "percent", "16,8%"),
        ("1.90", "EUR_1000000", "1,90"),
        ("16664", "EUR_1000", "16.664"),
        ("7.7", "hours", "7,7"),
        (None, "percent", "–"),
    ],
)
def test_the_web_page_writes_a_figure_in_its_unit(value: str | None, unit: str, text: str) -> None:
    assert cijfer(value, unit) == text


def test_the_table_format_shows_units_and_a_heading_as_its_label_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    tables.print_report(DOCUMENT, "basis", wide=True)

    lines = {" ".join(line.split()) for line in capsys.readouterr().out.splitlines()}
    assert {
        "tabel-4.1: Opbrengsten (x € 1 mln)",
        "2 Taakstellingen",
        "2 Kwartaalgesprekken 2.800",
        "2 Relatief 16,8%",
        "2 Uren 7,7 15.000",
        "1 Jeugd 1,90",
        "Totaal 1.930,00",
    } <= lines


def test_the_text_format_marks_a_percentage() -> None:
    lines = {" ".join(line.split()) for line in format_report(DOCUMENT).splitlines()}
    assert {"2 Relatief 16.8%", "2 Uren 7.7 15000", "1 Jeugd 1.90"} <= lines

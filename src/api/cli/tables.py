"""`--format table`: rows and a report's tables through rich, fitted to the terminal (ADR
0023). Amounts are right-aligned with Dutch separators from Babel (nl_NL): `1.224` for a
published figure in thousands, `119.000,00` for euros. Not a terminal: 80 columns unless
$COLUMNS says otherwise, no colour, no cursor codes, so a pipe or a test reads the same
text every time; `--wide` lets every table be as wide as it needs. Imported only when a
table is printed: rich and Babel cost start-up the other commands need not pay."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import format_decimal, format_percent, parse_pattern
from rich.box import Box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from domain.values import escaped
from projections.queries.basis import AMSTERDAM
from projections.queries.reports import ReportDocument, ReportRow, ReportTable

# Parsed once: Babel parses a locale given by name again for every number it formats.
LOCALE = Locale.parse("nl_NL")
# And the number patterns: Babel parses a pattern given as text again for every number, a
# quarter of a millisecond each, which a report's few hundred figures add up.
CENTS = parse_pattern("#,##0.00")
WHOLE = parse_pattern("#,##0")
ONE_DECIMAL = parse_pattern("#,##0.0")
PERCENT = parse_pattern("#,##0.0%")
NOT_A_TERMINAL_WIDTH = 80
# --wide: no table or line is cut or wrapped below this many columns.
WIDE_WIDTH = 100_000
# A rule under the header and one above the totals (a section's end); nothing else, so a
# table takes no more columns than its cells and the gaps between them.
RULES = Box("    \n    \n ── \n    \n ── \n ── \n    \n    \n", ascii=False)
ASCII_RULES = Box("    \n    \n -- \n    \n -- \n -- \n    \n    \n", ascii=True)
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")
GAP = 2  # between two columns
SHORTEST = 10  # a text column is not shortened or wrapped below this
UNITS = {"EUR_1000": "x € 1.000", "EUR_1000000": "x € 1 mln", "EUR": "€"}
MONEY_UNITS = ("EUR_1000", "EUR")


def console(wide: bool = False) -> Console:
    """stdout as rich sees it: a terminal's own width and colours, else plain text at
    $COLUMNS or 80 columns."""
    terminal = sys.stdout.isatty()
    width: int | None = None
    if wide:
        width = WIDE_WIDTH
    elif not terminal:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) > 0 else NOT_A_TERMINAL_WIDTH
    return Console(
        width=width,
        force_terminal=terminal,
        color_system="auto" if terminal else None,
        markup=False,
        emoji=False,
        highlight=False,
    )


def emit(out: Console, *renderables: object) -> None:
    """Print through rich; off a terminal without the padding rich leaves at line ends, so
    what a pipe reads has no trailing blanks."""
    if out.is_terminal:
        for renderable in renderables:
            out.print(renderable)
        return
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    lines = captured.get().splitlines()
    sys.stdout.write("".join(line.rstrip() + "\n" for line in lines))


def print_text(text: str, *, wide: bool = False) -> None:
    """A line of text wrapped at the terminal's width (at its spaces; a long word folded)."""
    out = console(wide)
    emit(out, Text(text, overflow="fold"))


def amount(value: Decimal, cents: bool = True) -> str:
    """`119.000,00` (euros, with cents) or `1.224` (a published figure in thousands)."""
    return format_decimal(value, format=CENTS if cents else WHOLE, locale=LOCALE)


def cell(value: object, wide: bool = False) -> tuple[str, bool]:
    """A value as a table shows it, and whether it is a number (right-aligned)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, Decimal):
        return amount(value), True
    if isinstance(value, int):
        return str(value), True  # positions, years, interventies: no separators
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    if _PERCENT.match(text):
        return format_percent(Decimal(text[:-1]) / 100, format=PERCENT, locale=LOCALE), True
    if not wide and _MOMENT.match(text):
        # A moment to the minute in Amsterdam's time; --wide and the text format keep it
        # to the microsecond, with its offset.
        moment = datetime.fromisoformat(text).astimezone(AMSTERDAM)
        return moment.strftime("%Y-%m-%d %H:%M"), False
    return escaped(text), False


def _table(ascii_only: bool, *, header: bool = True) -> Table:
    return Table(
        box=ASCII_RULES if ascii_only else RULES,
        show_edge=False,
        show_header=header,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
        header_style="bold",
    )


def _longest_word(text: str) -> int:
    return max(len(word) for word in text.split())


def widths(
    shown: Sequence[Sequence[tuple[str, bool]]], headers: Sequence[str], width: int
) -> list[int] | None:
    """Each column's width in `width` columns: numbers and ids whole, prose wrapped down to
    SHORTEST or its longest word; None when even that does not fit."""
    natural, least = [], []
    for index, header in enumerate(headers):
        texts = [row[index][0] for row in shown]
        numeric = any(row[index][1] for row in shown)
        longest = max([len(text) for text in texts] + [_longest_word(header)])
        natural.append(max(longest, len(header)))
        # Prose wraps at its spaces, down to its longest word; an id (no spaces) stays whole,
        # for it is what a user types next (a report id, a decision).
        prose = not numeric and any(" " in text for text in texts)
        words = [_longest_word(text) for text in texts if text.strip()]
        least.append(max([SHORTEST, _longest_word(header), *words]) if prose else longest)
    room = width - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    spare, slack = room - sum(least), sum(natural) - sum(least)
    found = [low + (high - low) * spare // slack for low, high in zip(least, natural, strict=True)]
    return found


def print_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, wide: bool = False
) -> None:
    """Rows under their column names: numbers right-aligned, numbers and ids whole, prose
    wrapped to fit; a row per block when even that does not fit."""
    out = console(wide)
    shown = [[cell(row.get(column), wide) for column in columns] for row in rows]
    headers = [column.replace("_", " ") for column in columns]
    ascii_only = out.encoding != "utf-8"
    found = widths(shown, headers, out.width)
    if found is None:
        emit(out, _records(shown, headers, ascii_only))
        return
    table = _table(ascii_only)
    numeric = [any(row[index][1] for row in shown) for index in range(len(columns))]
    prose = [any(" " in row[index][0] for row in shown) for index in range(len(columns))]
    for index, header in enumerate(headers):
        table.add_column(
            Text(header, overflow="fold"),
            justify="right" if numeric[index] else "left",
            width=found[index],
        )
    for row in shown:
        table.add_row(
            *(
                # Prose wraps at its spaces; an id or a moment is shortened: a wrapped id
                # reads as two.
                Text(text, overflow="fold")
                if prose[index]
                else Text(text, no_wrap=True, overflow="ellipsis")
                for index, (text, _) in enumerate(row)
            )
        )
    emit(out, table)


def _records(
    shown: Sequence[Sequence[tuple[str, bool]]], headers: Sequence[str], ascii_only: bool
) -> Table:
    """Too many columns for the terminal: each row as a block of `column  value` lines,
    the blocks between rules (psql's expanded display)."""
    table = _table(ascii_only, header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for row in shown:
        for index, (header, (text, _)) in enumerate(zip(headers, row, strict=True)):
            table.add_row(Text(header), Text(text), end_section=index == len(headers) - 1)
    return table


def print_report(report: ReportDocument, basis_line: str, *, wide: bool = False) -> None:
    """A report's tables as published: labels wrapped to fit, figures in thousands with
    Dutch separators, the totals under a rule."""
    out = console(wide)
    shown: list[object] = [Text(f"{report['title']} ({report['report']})"), Text(basis_line)]
    for table in report["tables"]:
        unit = UNITS.get(table["unit"], table["unit"])
        shown += [
            Text(""),
            Text(f"{table['id']}: {table['title']} ({unit})"),
            _report_table(table, out.encoding != "utf-8", wide),
        ]
    emit(out, *shown)


def _numbered(row: ReportRow) -> bool:
    """Whether the row's label names its interventie itself (`2. Wijkaanpak ...`)."""
    return row["interventie"] is None or row["label"].startswith(f"{row['interventie']}.")


def _report_table(table: ReportTable, ascii_only: bool, wide: bool) -> Table:
    shown = _table(ascii_only)
    # A column of interventies where the labels do not number themselves (tabel-6.1).
    numbers = not all(_numbered(row) for row in table["rows"])
    if numbers:
        shown.add_column("", justify="right", no_wrap=True)
    shown.add_column("", ratio=1, no_wrap=wide, overflow="fold")
    for column in table["columns"]:
        # uitgaven-2019 over two lines leaves the labels room; the key stays readable.
        header = column if wide else column.replace("-", "-\n")
        shown.add_column(header, justify="right", no_wrap=True)
    rows = table["rows"]
    for index, row in enumerate(rows):
        number = [] if not numbers else [Text("" if _numbered(row) else str(row["interventie"]))]
        shown.add_row(
            *number,
            Text(escaped(row["label"])),
            *(
                _figure(row["values"][c], row.get("unit", table["unit"]), table["unit"])
                for c in table["columns"]
            ),
            end_section=index == len(rows) - 1 and bool(table["totals"]),
        )
    for total in table["totals"]:
        shown.add_row(
            *([Text("")] if numbers else []),
            Text(escaped(total["label"])),
            *(_figure(total["values"][c], table["unit"], table["unit"]) for c in table["columns"]),
            style="bold",
        )
    return shown


def _figure(value: str | None, unit: str = "EUR_1000", table_unit: str = "EUR_1000") -> Text:
    """A published figure with Dutch separators in its unit (ADR 0025): whole thousands
    (`1.224`), millions with two decimals (`1,93`), a percentage (`16,8%`), or a count or
    hours with the digits they were recorded in (`15.000`, `7,7`)."""
    if not value:
        return Text("")
    try:
        number = Decimal(value)
    except InvalidOperation:
        return Text(escaped(value))
    return Text(unit_figure(number, unit, table_unit))


def unit_figure(number: Decimal, unit: str, table_unit: str = "EUR_1000") -> str:
    """A published figure in its unit (a row's own, else its table's), in Dutch."""
    if unit == "percent":
        return format_decimal(number, format=ONE_DECIMAL, locale=LOCALE) + "%"
    if unit == "EUR_1000000":
        return amount(number)
    if unit in MONEY_UNITS or unit == table_unit:
        return amount(number, cents=number != number.to_integral_value())
    return format_decimal(number, locale=LOCALE, decimal_quantization=False)  # as recorded

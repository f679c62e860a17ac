"""A mapping file (TOML): how an ERP's extract names what the import calls by the canonical
column names (ADR 0033, "Reading a file"). Every table and key is optional:

    sheet = "Export"             # the XLSX sheet to read (--sheet wins)

    [columns]                    # canonical column = the file's own header (any case)
    jaar = "Boekjaar"
    bedrag = "Bedrag EUR"

    [constants]                  # one value for every row: the file needs no such column
    jaar = 2026
    peildatum = 2026-03-31       # the extract's date (known_at)

    [values.soort]               # the file's own words for a column's values
    L = "lasten"
    B = "baten"

    [amounts]
    decimal = "comma"            # or "point": how the file's text amounts write decimals
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime

from api.imports.amounts import Convention

LINE_COLUMNS = (
    "jaar",
    "programma",
    "taakveld",
    "categorie",
    "deelproduct",
    "soort",
    "bedrag",
    "omschrijving",
)
REALISATION_COLUMNS = ("periode", "status")
EXTRA_COLUMNS = ("peildatum",)
CANONICAL = (*LINE_COLUMNS, *REALISATION_COLUMNS, *EXTRA_COLUMNS)
# Columns whose values a mapping may translate (their values are a fixed list).
TRANSLATED = ("soort", "status")
TABLES = {"sheet", "columns", "constants", "values", "amounts"}


class MappingError(ValueError):
    """The mapping itself is at fault: the import names the mapping file and the key."""


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> the file's header
    constants: dict[str, str] = field(default_factory=dict)  # canonical -> its value, as text
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> own -> ours
    decimal: Convention | None = None
    sheet: str | None = None

    def header_of(self, column: str) -> str:
        """The header the file gives `column`, folded for comparison."""
        return fold(self.columns.get(column, column))


def fold(header: str) -> str:
    """Headers compare without case or surrounding spaces."""
    return header.strip().casefold()


def _canonical(table: str, key: str) -> str:
    name = key.strip().lower()
    if name not in CANONICAL:
        raise MappingError(
            f"[{table}] {key!r} is not a column of an import: use {', '.join(CANONICAL)}"
        )
    return name


def _constant(key: str, value: object) -> str:
    if key == "bedrag":
        raise MappingError("[constants] bedrag: an amount is never a constant")
    if isinstance(value, bool) or not isinstance(value, str | int | date | datetime):
        raise MappingError(f"[constants] {key}: a text, a whole number or a date, not {value!r}")
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _table(document: dict[str, object], name: str) -> dict[str, object]:
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise MappingError(f"{name} is a table ([{name}])")
    return table


def parse_mapping(data: bytes) -> Mapping:
    """The mapping a TOML file states; MappingError names what is wrong with it."""
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError("the mapping is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"the mapping is not TOML: {error}") from None
    unknown = sorted(set(document) - TABLES)
    if unknown:
        raise MappingError(f"unknown key {unknown[0]!r}: use {', '.join(sorted(TABLES))}")
    columns: dict[str, str] = {}
    for key, header in _table(document, "columns").items():
        if not isinstance(header, str) or not header.strip():
            raise MappingError(f"[columns] {key}: the file's header, as text")
        columns[_canonical("columns", key)] = header
    constants = {
        (name := _canonical("constants", key)): _constant(name, value)
        for key, value in _table(document, "constants").items()
    }
    both = sorted(set(columns) & set(constants))
    if both:
        raise MappingError(f"{both[0]} is both a column and a constant: give one")
    values: dict[str, dict[str, str]] = {}
    for key, table in _table(document, "values").items():
        column = _canonical("values", key)
        if column not in TRANSLATED or not isinstance(table, dict):
            raise MappingError(f"[values] translates {' and '.join(TRANSLATED)}: [values.soort]")
        if not all(isinstance(ours, str) for ours in table.values()):
            raise MappingError(f"[values.{column}] maps the file's words to text")
        values[column] = {fold(own): str(ours) for own, ours in table.items()}
    amounts = _table(document, "amounts")
    unknown = sorted(set(amounts) - {"decimal"})
    if unknown:
        raise MappingError(f"[amounts] has no key {unknown[0]!r}: only decimal")
    decimal = amounts.get("decimal")
    if decimal is not None and decimal not in ("comma", "point"):
        raise MappingError('[amounts] decimal is "comma" (1.234,56) or "point" (1,234.56)')
    sheet = document.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingError("sheet is the name of a sheet, as text")
    return Mapping(
        columns=columns,
        constants=constants,
        values=values,
        decimal=None if decimal is None else Convention(decimal),
        sheet=sheet,
    )

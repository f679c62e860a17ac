"""A file read into a `SourceFile`, or refused whole with every problem named by its row
and canonical column (ADR 0033, "Reading a file"). Rules that need the ledger (a closed
year, a line a wijziging changes, a decision) are the application's; the Iv3 categorie's
(shipped data) are checked here and again by the domain."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TypeVar
from zoneinfo import ZoneInfo

from api.imports.amounts import AmountError, Convention, excel_number, read_text, settled
from api.imports.cell_values import (
    Fault,
    code_of,
    moment_of,
    month_of,
    opt,
    text_of,
    year_of,
)
from api.imports.mapping import (
    EXTRA_COLUMNS,
    LINE_COLUMNS,
    REALISATION_COLUMNS,
    Mapping,
    MappingError,
    fold,
    parse_mapping,
)
from api.imports.sheet_cells import Cell, Number, Table, TableError, read_table
from domain.errors import DomainError
from domain.imports import ImportKind, ImportRefused, RowProblem, SourceFile, SourceRow
from domain.iv3 import check_categorie, check_cell
from domain.money import Money
from domain.realisation import RealisationStatus, check_month
from domain.taakvelden import check_taakveld
from domain.values import (
    NAME_LENGTH,
    LineKey,
    Side,
    escaped,
    text_fault,
)

REQUIRED = ("jaar", "programma", "taakveld", "soort", "bedrag")
# The canonical column a field of the domain is read from.
COLUMN_OF = {"fiscal_year": "jaar", "side": "soort", "amount": "bedrag", "month": "periode"}
T = TypeVar("T")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def columns_of(kind: ImportKind) -> tuple[str, ...]:
    extra = REALISATION_COLUMNS if kind is ImportKind.REALISATIE else ()
    return (*LINE_COLUMNS, *extra, *EXTRA_COLUMNS)


def required_of(kind: ImportKind) -> tuple[str, ...]:
    return REQUIRED + (REALISATION_COLUMNS if kind is ImportKind.REALISATIE else ())


def refused(file_name: str, column: str | None, message: str, code: str) -> ImportRefused:
    return ImportRefused((RowProblem(None, column, message, code),), file_name)


def read_source(
    kind: ImportKind,
    data: bytes,
    file_name: str,
    *,
    mapping: bytes | None = None,
    mapping_name: str = "mapping",
    sheet: str | None = None,
    known_at: str | None = None,
    now: datetime | None = None,
) -> SourceFile:
    """The rows of `data`, checked; ImportRefused lists every problem if any row fails.
    A date-only extract date is at most `now` (an extract of today is known now)."""
    name = PurePath(file_name.replace("\\", "/")).name or "upload"
    # The name is recorded on every event of the file: one the ledger cannot hold is the
    # file's problem, said before anything else is read.
    if len(name) > NAME_LENGTH:
        raise refused(
            escaped(name[:NAME_LENGTH]) + "...",
            "file",
            f"the file name is {len(name)} characters: at most {NAME_LENGTH} are recorded;"
            " rename the file",
            "invalid-file-name",
        )
    if text_fault(name) is not None:
        raise refused(
            escaped(name),
            "file",
            f"the file name {escaped(name)!r} holds a control character; rename the file",
            "invalid-file-name",
        )
    try:
        rules = Mapping() if mapping is None else parse_mapping(mapping)
    except MappingError as error:
        raise refused(name, "mapping", f"{mapping_name}: {error}", "invalid-mapping") from None
    columns = columns_of(kind)

    def recognised(headers: list[str]) -> int:
        wanted = {rules.header_of(column) for column in columns}
        return sum(fold(header) in wanted for header in headers)

    try:
        table = read_table(data, sheet or rules.sheet, recognised)
    except TableError as error:
        raise refused(name, None, str(error), "unreadable-file") from None
    if table.headers and not recognised(table.headers):
        # Not one column known: a tab- or otherwise-separated file, or an ERP's own headers;
        # one line saying so, not a missing column each.
        raise refused(
            name,
            None,
            f"row 1 names none of the columns of a {kind.value} extract "
            f"({', '.join(required_of(kind))}, ...): a CSV is separated by ; or , and a "
            "mapping names a file's own headers",
            "unknown-header",
        )
    reader = _Reader(kind, table, rules, now)
    rows = reader.rows()
    moment = reader.known_at(known_at)
    if reader.problems:
        order = {column: i for i, column in enumerate(("mapping", "known_at", *columns))}
        problems = sorted(
            reader.problems,
            key=lambda p: (p.row or 0, order.get(p.column or "", -1)),
        )
        raise ImportRefused(tuple(problems), name)
    if moment is None:  # a missing one is a problem above: never reached
        raise refused(name, "known_at", "the extract's date is missing", "invalid-input")
    return SourceFile(
        kind=kind,
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        sheet=table.sheet,
        known_at=moment,
        rows=tuple(rows),
        mapping_sha256=None if mapping is None else hashlib.sha256(mapping).hexdigest(),
        stated_at=_stated(moment, now),
    )


def _stated(moment: datetime, now: datetime | None) -> datetime:
    """The extract's date as stated: a date of today read as now is the end of that day,
    so the same file read later today is the same import."""
    if now is None or moment != now:
        return moment
    from projections.queries.basis import parse_moment

    return parse_moment(now.astimezone(AMSTERDAM).date().isoformat())


def letter(index: int) -> str:
    """A column's letter as a spreadsheet shows it: 0 is A, 26 is AA."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


@dataclass
class _Reader:
    kind: ImportKind
    table: Table
    rules: Mapping
    now: datetime | None = None

    def __post_init__(self) -> None:
        self.problems: list[RowProblem] = []
        self.index: dict[str, int] = {}
        folded = [fold(header) for header in self.table.headers]
        for column in columns_of(self.kind):
            if column in self.rules.constants:
                continue
            header = self.rules.header_of(column)
            places = [i for i, found in enumerate(folded) if found == header]
            if len(places) > 1:
                cells = ", ".join(f"{letter(i)}1" for i in places)
                self._problem(1, column, f"the header {header!r} appears twice ({cells})")
            elif places:
                self.index[column] = places[0]
            elif column in required_of(self.kind):
                mapped = column in self.rules.columns
                self._problem(
                    1,
                    column,
                    f"the file has no column {self.rules.columns.get(column, column)!r}"
                    + ("" if mapped else " (a mapping can name the file's own header for it)"),
                    "missing-column",
                )
        self.convention = self.rules.decimal or self._file_convention()
        self.peildatum: tuple[int, datetime] | None = None

    def _problem(
        self, row: int | None, column: str | None, message: str, code: str = "invalid-input"
    ) -> None:
        self.problems.append(RowProblem(row, column, message, code))

    def _cell(self, cells: list[Cell], column: str) -> Cell:
        if column in self.rules.constants:
            return self.rules.constants[column]
        at = self.index.get(column)
        if at is None or at >= len(cells):
            return None
        cell = cells[at]
        return None if isinstance(cell, str) and not cell.strip() else cell

    def _where(self, row: int, column: str) -> str:
        if column in self.rules.constants:
            return "the mapping's constant"
        at = self.index[column]
        header = self.table.headers[at]
        own = f", header {header!r}" if fold(header) != column else ""
        return f"cell {letter(at)}{row}{own}"

    def _file_convention(self) -> Convention | None:
        """The convention the file's own text amounts settle, if they all agree."""
        at = self.index.get("bedrag")
        found: set[Convention] = set()
        for _, cells in self.table.rows:
            cell = cells[at] if at is not None and at < len(cells) else None
            if isinstance(cell, str):
                try:
                    reading = read_text(cell)
                except AmountError:
                    continue
                if reading.settles is not None:
                    found.add(reading.settles)
        return found.pop() if len(found) == 1 else None

    def _read(self, row: int, cells: list[Cell], column: str, parse: Callable[[Cell], T]) -> T:
        """The value of `column` in this row; else the problem is noted and _Noted raised.
        A mapping's constant at fault is the file's problem, named once, not each row's."""
        try:
            return parse(self._cell(cells, column))
        except (Fault, AmountError, DomainError) as error:
            reason = error.message if isinstance(error, DomainError) else str(error)
            code = getattr(error, "code", "invalid-input")
            problem = RowProblem(
                None if column in self.rules.constants else row,
                column,
                f"{reason} ({self._where(row, column)})",
                code,
            )
            if problem not in self.problems:
                self.problems.append(problem)
            raise _Noted() from None

    def rows(self) -> list[SourceRow]:
        read: list[SourceRow] = []
        for row, cells in self.table.rows:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue  # a blank row (an export's last line)
            if self.table.sheet is None and len(cells) != len(self.table.headers):
                # A CSV row's cells shifted: an unquoted decimal comma would read a wrong
                # amount from the next column.
                self._problem(
                    row,
                    None,
                    f"row {row} has {len(cells)} cells, the header {len(self.table.headers)}:"
                    ' quote an amount with a decimal comma ("1234,56") or separate the cells'
                    ' with ";"',
                    "row-width",
                )
                continue
            found = self._row(row, cells)
            if found is not None:
                read.append(found)
        if not read and not self.problems:
            self._problem(None, None, "the file has no rows to import", "no-rows")
        return read

    def _row(self, row: int, cells: list[Cell]) -> SourceRow | None:
        values: dict[str, object] = {}
        parsers: dict[str, Callable[[Cell], object]] = {
            "jaar": year_of,
            "programma": lambda cell: text_of(cell, "programma", required=True),
            "taakveld": lambda cell: code_of(cell, "taakveld", required=True),
            "categorie": lambda cell: code_of(cell, "categorie"),
            "deelproduct": lambda cell: code_of(cell, "deelproduct"),
            "soort": lambda cell: Side(self._word(cell, "soort", Side)),
            "bedrag": self._amount,
            "omschrijving": lambda cell: text_of(cell, "omschrijving"),
        }
        if self.kind is ImportKind.REALISATIE:
            parsers["periode"] = month_of
            parsers["status"] = lambda cell: RealisationStatus(
                self._word(cell, "status", RealisationStatus)
            )
        failed = False
        for column, parse in parsers.items():
            if column not in self.index and column not in self.rules.constants:
                if column in required_of(self.kind):
                    failed = True  # named once, as a missing column
                    continue
                values[column] = None
                continue
            try:
                values[column] = self._read(row, cells, column, parse)
            except _Noted:
                failed = True
        if "peildatum" in self.index or "peildatum" in self.rules.constants:
            self._peildatum(row, cells)
        year = values.get("jaar")
        if isinstance(year, int):  # the rules of a year's catalogue, Iv3 model and months
            for column, check in (
                ("taakveld", lambda: check_taakveld(str(values["taakveld"]), year)),
                ("categorie", lambda: self._categorie(values, year)),
                ("periode", lambda: check_month(opt(values["periode"]), year, None)),
            ):
                if values.get(column) is not None:
                    try:
                        check()
                    except DomainError as error:
                        where = self._where(row, column)
                        self._problem(row, column, f"{error.message} ({where})", error.code)
                        failed = True
        if failed or not isinstance(year, int):
            return None
        try:
            key = LineKey(
                fiscal_year=year,
                programma=str(values["programma"]),
                taakveld=str(values["taakveld"]),
                side=values["soort"],  # type: ignore[arg-type]
                deelproduct=opt(values["deelproduct"]),
                categorie=opt(values["categorie"]),
            )
        except DomainError as error:
            field = error.field or ""
            self._problem(row, COLUMN_OF.get(field, field) or None, error.message, error.code)
            return None
        return SourceRow(
            row=row,
            key=key,
            amount=values["bedrag"],  # type: ignore[arg-type]
            omschrijving=opt(values["omschrijving"]),
            month=opt(values.get("periode")),
            status=values.get("status"),  # type: ignore[arg-type]
        )

    @staticmethod
    def _categorie(values: dict[str, object], year: int) -> None:
        """The Iv3 model's rules (shipped data, ADR 0031), checked here too so that a file
        with an unknown categorie or a grey cell names them beside its other problems; the
        domain checks them again when it records. Needs a soort; a grey cell also a valid
        taakveld (else that is the problem)."""
        side = values.get("soort")
        if not isinstance(side, Side):
            return
        categorie = str(values["categorie"])
        check_categorie(categorie, year, side.value)
        taakveld = str(values.get("taakveld") or "")
        try:
            check_taakveld(taakveld, year)
        except DomainError:
            return
        check_cell(taakveld, categorie, year, side.value)

    def _word(self, cell: Cell, column: str, choices: type[Side] | type[RealisationStatus]) -> str:
        text = text_of(cell, column, required=True)
        if text is None:  # required: text_of refuses an empty cell first
            raise Fault(f"{column} is empty")
        own = self.rules.values.get(column, {})
        word = own.get(fold(text), text).strip().lower()
        allowed = [choice.value for choice in choices]
        if word not in allowed:
            raise Fault(f"{column} is {' or '.join(allowed)}, not {text!r}")
        return word

    def _amount(self, cell: Cell) -> Money:
        if cell is None:
            raise Fault("bedrag is empty")
        if isinstance(cell, Number):
            return Money(excel_number(cell.text))
        if isinstance(cell, datetime):
            raise Fault("bedrag is a date, not an amount")
        return Money(settled(read_text(cell), self.convention, cell))

    def _peildatum(self, row: int, cells: list[Cell]) -> None:
        try:
            moment = self._read(row, cells, "peildatum", lambda cell: moment_of(cell, self.now))
        except _Noted:
            return
        if self.peildatum is None:
            self.peildatum = (row, moment)
        elif self.peildatum[1] != moment:
            first, earlier = self.peildatum
            where = self._where(row, "peildatum")
            self._problem(
                row,
                "peildatum",
                f"an extract has one peildatum: {moment.isoformat()} here, "
                f"{earlier.isoformat()} in row {first} ({where})",
            )

    def known_at(self, option: str | None) -> datetime | None:
        """The extract's date: its peildatum (a column or a constant), else the option."""
        given = None
        if option is not None:
            try:
                given = moment_of(option, self.now)
            except Fault as error:
                self._problem(None, "known_at", f"known_at: {error}", "invalid-known-at")
                return None
        if self.peildatum is not None:
            row, moment = self.peildatum
            if given is not None and given != moment:
                self._problem(
                    None,
                    "known_at",
                    f"known_at {given.isoformat()} is not the file's peildatum "
                    f"{moment.isoformat()} (row {row}): give one of them",
                    "conflicting-known-at",
                )
            return moment
        if given is None and not ("peildatum" in self.index or "peildatum" in self.rules.constants):
            self._problem(
                None,
                "known_at",
                "the extract's date is not given: a peildatum column, peildatum in the "
                "mapping's [constants], or known_at (--known-at)",
                "missing-known-at",
            )
        return given


class _Noted(Exception):
    """A cell's problem is noted; the row is not read further."""

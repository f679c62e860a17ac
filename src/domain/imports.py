"""An import: the rows of a financial system's extract, read and typed, and what recording
them did (ADR 0033).

An interface reads the file (CSV or XLSX, a mapping of its headers) into a `SourceFile`;
the application checks every row against the ledger and records all of them in one
transaction, or none (`ImportRefused` lists every row at fault). The file's name, SHA-256,
sheet and row travel with each event (its source and import id), so the trail shows where
every imported figure came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.errors import DomainError
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey


class ImportKind(Enum):
    BEGROTING = "begroting"  # the primitieve begroting: one amount per line
    WIJZIGING = "wijziging"  # a begrotingswijziging: a change per line, under a decision
    REALISATIE = "realisatie"  # a realisation extract: year-to-date totals up to `periode`


@dataclass(frozen=True)
class SourceRow:
    """One row of the file: `row` is its number as the spreadsheet shows it (the header is
    row 1). `month` ("YYYY-MM", the extract's periode) and `status` are a realisation's."""

    row: int
    key: LineKey
    amount: Money
    omschrijving: str | None = None
    month: str | None = None
    status: RealisationStatus | None = None


@dataclass(frozen=True)
class SourceFile:
    """A file as read: what it is, where it came from, and its rows in file order.
    `known_at` is the extract's date (when its figures were known), never the import's."""

    kind: ImportKind
    file_name: str
    sha256: str
    sheet: str | None
    known_at: datetime
    rows: tuple[SourceRow, ...]
    mapping_sha256: str | None = None  # the mapping's bytes, part of the import's identity
    # The extract's date as stated (a date of today: the end of that day, though known_at is
    # the moment it was read), part of the import's identity; None: known_at.
    stated_at: datetime | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or the file, `row` None) cannot be recorded; `column` is the canonical
    column at fault, if one is."""

    row: int | None
    column: str | None
    message: str
    code: str = "invalid-input"


class ImportRefused(DomainError):
    """The file has rows at fault: nothing of it was recorded. Every problem is listed."""

    code = "import-refused"

    def __init__(self, problems: tuple[RowProblem, ...], file_name: str) -> None:
        super().__init__(
            f"{file_name}: {len(problems)} problem{'s' if len(problems) != 1 else ''};"
            " nothing was recorded",
            field="file",
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    """What an import recorded (or, on a dry run, would record)."""

    kind: ImportKind
    file_name: str
    sha256: str
    sheet: str | None
    known_at: datetime
    rows: int
    lines: int  # distinct lines (or realisation subjects) the rows name
    events: int  # events recorded (0 on a dry run or a repeat)
    corrections: int  # realisation corrections among them
    total_lasten: Money
    total_baten: Money
    dry_run: bool = False
    already_imported: bool = False  # the same file was imported before: nothing recorded
    position: int = 0  # the log position of its last event, 0 if nothing was recorded

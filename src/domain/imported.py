"""What the ledger remembers of its imports (ADR 0033): each file it recorded, and per
fiscal year the realisation extracts it recorded.

`Import` has the natural id of its kind, SHA-256 and identity (a digest of what else
changes what is recorded: the sheet, the mapping, the extract's date, the decision): the
same file imported so again finds it and records nothing; another sheet, mapping, date
or decision is another import. `RealisationExtracts` holds, per fiscal year, the periodes of the
realisation extracts recorded and every line they named, so that a newer extract knows
the lines an earlier one held without a read model (a line missing from it is at zero).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import InvalidInputError, RealisationError
from domain.events import Created, Event, Stamp, natural_id
from domain.realisation import check_month
from domain.values import NAME_LENGTH, LineKey, check_fiscal_year, check_text

SHA256 = re.compile(r"[0-9a-f]{64}")
KINDS = ("begroting", "wijziging", "realisatie")


def import_identity(
    sheet: str | None,
    mapping_sha256: str | None,
    known_at: datetime | None,
    decision: str | None,
) -> str:
    """The digest of what, besides the file's bytes, changes what an import records."""
    stated = "" if known_at is None else known_at.isoformat()
    parts = (sheet or "", mapping_sha256 or "", stated, decision or "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def import_id_of(kind: str, sha256: str) -> str:
    """The import id every event of the file carries (Meta.import_id): "<kind>:<sha256>"."""
    return f"{kind}:{sha256}"


class Import(LedgerAggregate):
    """One file recorded: its kind, name, SHA-256, sheet, rows and the extract's date."""

    def __init__(self, kind: str, sha256: str) -> None:
        self.kind = kind
        self.sha256 = sha256

    @staticmethod
    def id_for(kind: str, sha256: str, identity: str) -> UUID:
        """The file's identity ("<kind>:<sha256>", on every event) and the import's."""
        return natural_id("import", f"{import_id_of(kind, sha256)}:{identity}")

    @classmethod
    def record(
        cls,
        *,
        kind: str,
        file_name: str,
        sha256: str,
        identity: str,
        sheet: str | None,
        rows: int,
        known_at: datetime,
        periode: str | None,
        stamp: Stamp,
    ) -> Import:
        if kind not in KINDS:
            raise InvalidInputError(f"an import is one of {', '.join(KINDS)}", field="kind")
        if SHA256.fullmatch(sha256) is None:
            raise InvalidInputError("a SHA-256 is 64 lowercase hex digits", field="sha256")
        check_text(file_name, "file_name", max_length=NAME_LENGTH)
        check_text(sheet, "sheet", max_length=NAME_LENGTH, required=False)
        if rows < 1:
            raise InvalidInputError("an import has at least one row", field="rows")
        return cls._create(
            cls.Recorded,
            id=cls.id_for(kind, sha256, identity),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            kind=kind,
            file_name=file_name,
            sha256=sha256,
            sheet=sheet,
            rows=rows,
            known_at=known_at,
            periode=periode,
        )

    class Recorded(Created):
        """The file `file_name` (`sheet`, `rows` data rows), of the extract's date
        `known_at` and, for a realisation extract, its `periode` ("YYYY-MM")."""

        kind: str
        file_name: str
        sha256: str
        sheet: str | None
        rows: int
        known_at: datetime
        periode: str | None


class RealisationExtracts(LedgerAggregate):
    """The realisation extracts of one fiscal year: the periodes recorded and every line
    any of them named. An extract older than the last periode is refused."""

    def __init__(self, fiscal_year: int) -> None:
        self.fiscal_year = fiscal_year
        self.periodes: list[str] = []  # ascending
        self.keys: set[LineKey] = set()

    @staticmethod
    def id_for(fiscal_year: int) -> UUID:
        return natural_id("realisation-extracts", str(fiscal_year))

    @property
    def last_periode(self) -> str | None:
        return self.periodes[-1] if self.periodes else None

    @classmethod
    def begin(cls, *, fiscal_year: int, stamp: Stamp) -> RealisationExtracts:
        check_fiscal_year(fiscal_year)
        return cls._create(
            cls.Begun,
            id=cls.id_for(fiscal_year),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            fiscal_year=fiscal_year,
        )

    class Begun(Created):
        fiscal_year: int

    def check_periode(self, periode: str) -> None:
        """Refuse a periode outside the year or older than the last one recorded."""
        check_month(periode, self.fiscal_year, None)
        last = self.last_periode
        if last is not None and periode < last:
            raise RealisationError(
                f"an extract of periode {periode} is older than the extract of {last} already"
                f" imported for {self.fiscal_year}; import a newer one",
                field="month",
                last_periode=last,
            )

    def record(self, *, periode: str, keys: tuple[LineKey, ...], stamp: Stamp) -> None:
        self.check_periode(periode)
        if any(key.fiscal_year != self.fiscal_year for key in keys):
            raise InvalidInputError(
                f"an extract of {self.fiscal_year} names lines of that year", field="jaar"
            )
        self.trigger_event(
            self.ExtractRecorded,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            periode=periode,
            keys=keys,
        )

    class ExtractRecorded(Event):
        """An extract of `periode` held these lines (its year-to-date totals are the
        realisations of the same import)."""

        periode: str
        keys: tuple[LineKey, ...]

        def apply(self, aggregate: Any) -> None:
            extracts = cast(RealisationExtracts, aggregate)
            if self.periode not in extracts.periodes:
                extracts.periodes = sorted([*extracts.periodes, self.periode])
            extracts.keys.update(self.keys)

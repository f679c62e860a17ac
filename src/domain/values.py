"""Value objects shared by the aggregates: periods, provenance, line keys, per-year amounts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInputError, InvalidTimeError
from domain.money import Money

# The fiscal years the domain accepts (check_fiscal_year); interfaces validate against these.
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100
# The fiscal year whose realisation on a taakstelling's base deelproducten its relative weight
# is measured against (tabel 6.1's "relatief" columns), unless a reader names another.
BASE_YEAR = 2017
# One text rule for the whole product (ADR 0006). Names, codes, references, titles, labels,
# actors and token names are single-line printable text: no character of the Unicode
# categories Cc (C0, DEL and the C1 range U+0080-U+009F), Cf (bidi overrides such as U+202E,
# zero-width characters), Zl, Zp or Cs (a lone surrogate, which UTF-8 cannot hold). Such a
# character splits a table row or spoofs an actor; NUL, which PostgreSQL refuses, would be
# recorded for ever and then stop every projection. Free text (FREE_TEXT: a reserve's
# purpose, a correction's or late result's reason, a cancellation's coverage) may also hold
# a line break, "\n" and nothing else of those (no "\r": one line ending, not two).
# Lengths are those of the read model.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Every character of those categories (Python 3.11's Unicode database), as a regex class; a test
# recomputes it from unicodedata, so a newer Unicode database cannot slip past it.
REFUSED_CLASS = (
    "\\x00-\\x1f\\x7f-\\x9f\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890-\\u0891\\u08e2"
    "\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ud800-\\udfff"
    "\\ufeff\\ufff9-\\ufffb\\U000110bd\\U000110cd\\U00013430-\\U00013438"
    "\\U0001bca0-\\U0001bca3\\U0001d173-\\U0001d17a\\U000e0001\\U000e0020-\\U000e007f"
)
_REFUSED = re.compile(f"[{REFUSED_CLASS}]")
FREE_TEXT = frozenset({"purpose", "reason", "coverage"})
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
CODE_LENGTH = 32  # a reserve code, a deelproduct
SHORT_LENGTH = 100  # a fund, an origin, an earmark, an import id
NAME_LENGTH = 200  # a reference, a programma, a name, an actor
TAAKVELD_LENGTH = 16
CATEGORIE_LENGTH = 16  # an Iv3 economische categorie: 3.4.1


def text_fault(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` breaks the text rule, or None (for free text, "\\n" is allowed)."""
    for found in _REFUSED.finditer(value):
        if found.group() != "\n":
            return "holds a control character"
        if not multiline:
            return "holds a line break (it is single-line text)"
    return None


def escaped(value: str) -> str:
    """`value` on one line, for a table: every character the text rule refuses written as an
    escape (a line break as \\n, a tab as \\t, others as \\uXXXX)."""
    return _REFUSED.sub(
        lambda found: _ESCAPES.get(found.group(), f"\\u{ord(found.group()):04x}"), value
    )


def check_text(
    value: str | None,
    field: str,
    *,
    max_length: int | None = None,
    required: bool = True,
    multiline: bool | None = None,
) -> str | None:
    """Refuse text that breaks the text rule (free text if `multiline`, by default if the
    field is one of FREE_TEXT), text beyond `max_length` and, if required, blank text."""
    if value is None:
        if required:
            raise InvalidInputError(f"{field} is required", field=field)
        return None
    fault = text_fault(value, multiline=field in FREE_TEXT if multiline is None else multiline)
    if fault is not None:
        raise InvalidInputError(f"{field} {fault}", field=field)
    if max_length is not None and len(value) > max_length:
        raise InvalidInputError(f"{field} is longer than {max_length} characters", field=field)
    if required and not value.strip():
        raise InvalidInputError(f"{field} is blank", field=field)
    return value


def programma_key(programma: str) -> str:
    """A programma as the ledger compares it: case and surrounding spaces do not matter (a
    line's id, and every read that groups lines and realisations per programma)."""
    return programma.strip().lower()


def check_fiscal_year(year: int, field: str = "fiscal_year") -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInputError(f"fiscal year must be a whole year, not {year!r}", field=field)
    if not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        raise InvalidInputError(f"fiscal year {year} is out of range", field=field)
    return year


# An interventie is the number of a measure in an interventieplan (Nijmegen's run 1-11); the
# bound keeps every number the read model's 32-bit columns can hold on either database.
MAX_INTERVENTIE = 9999


def check_interventie(number: int | None, field: str = "interventie") -> int | None:
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int):
        raise InvalidInputError(f"interventie is a whole number, not {number!r}", field=field)
    if not 1 <= number <= MAX_INTERVENTIE:
        raise InvalidInputError(
            f"interventie is a number from 1 to {MAX_INTERVENTIE}, not {number}", field=field
        )
    return number


def check_aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTimeError(f"{field} must carry a time zone", field=field)
    return moment


class Side(Enum):
    """Budget lines and realisations are lasten (expenses) or baten (revenue)."""

    LASTEN = "lasten"
    BATEN = "baten"


@dataclass(frozen=True)
class Period:
    """The valid period of an event: a fiscal year or a run of years, optionally a quarter."""

    first_year: int
    last_year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        check_fiscal_year(self.first_year)
        check_fiscal_year(self.last_year)
        if self.last_year < self.first_year:
            raise InvalidInputError("a period cannot end before it starts", field="period")
        if self.quarter is not None and (
            self.quarter not in (1, 2, 3, 4) or self.first_year != self.last_year
        ):
            raise InvalidInputError("a quarter is 1 to 4 of a single year", field="quarter")

    @classmethod
    def year(cls, year: int, quarter: int | None = None) -> Period:
        return cls(year, year, quarter)

    @classmethod
    def spanning(cls, years: Iterable[int]) -> Period:
        ordered = sorted(years)
        if not ordered:
            raise InvalidInputError("a period needs at least one year", field="period")
        return cls(ordered[0], ordered[-1])

    def __str__(self) -> str:
        text = str(self.first_year)
        if self.last_year != self.first_year:
            text += f"..{self.last_year}"
        if self.quarter is not None:
            text += f"-Q{self.quarter}"
        return text


@dataclass(frozen=True)
class Meta:
    """Who, why and when, on every event (ADR 0002).

    `recorded_at` is the event's `timestamp`, set by the application's clock. `known_at` is
    the business moment the fact became true or known. `decision_id` or `source` says why.
    `import_id` marks history loaded at go-live, so the trail never hides an import.
    `mutation_id` is the id its caller fixed for the whole command (an Idempotency-Key): the
    log can then tell which events a retried command already recorded (ADR 0016). Without
    one it is left out of the stored event, as it is from every event recorded before it.
    """

    actor: str
    known_at: datetime
    period: Period
    decision_id: UUID | None
    source: str | None
    import_id: str | None
    mutation_id: UUID | None = dataclasses.field(default=None, metadata={"omitted_when_none": True})


@dataclass(frozen=True)
class LineKey:
    """The dimensions that identify a budget line (and a realisation subject)."""

    fiscal_year: int
    programma: str
    taakveld: str | None
    side: Side = Side.LASTEN
    deelproduct: str | None = None
    interventie: int | None = None
    fund: str | None = None
    # The Iv3 economische categorie (ADR 0031): optional for the history recorded before it,
    # required by the Iv3 export. Left out of the stored key (and of the ids) while unset, so
    # every key recorded before it is stored and identified exactly as before.
    categorie: str | None = dataclasses.field(default=None, metadata={"omitted_when_none": True})

    def __post_init__(self) -> None:
        check_fiscal_year(self.fiscal_year)
        if not self.programma.strip():
            raise InvalidInputError("a line needs a programma", field="programma")
        check_text(self.programma, "programma", max_length=NAME_LENGTH)
        check_text(self.taakveld, "taakveld", max_length=TAAKVELD_LENGTH, required=False)
        check_text(self.deelproduct, "deelproduct", max_length=CODE_LENGTH, required=False)
        check_text(self.fund, "fund", max_length=SHORT_LENGTH, required=False)
        check_text(self.categorie, "categorie", max_length=CATEGORIE_LENGTH, required=False)
        check_interventie(self.interventie)

    def label(self) -> str:
        parts = [str(self.fiscal_year), self.programma]
        if self.taakveld:
            parts.append(f"taakveld {self.taakveld}")
        if self.deelproduct:
            parts.append(f"deelproduct {self.deelproduct}")
        if self.interventie is not None:
            parts.append(f"interventie {self.interventie}")
        if self.fund:
            parts.append(f"fund {self.fund}")
        if self.categorie:
            parts.append(f"categorie {self.categorie}")
        parts.append(self.side.value)
        return " / ".join(parts)


@dataclass(frozen=True)
class YearAmounts:
    """Amounts per fiscal year, ordered by year (a taakstelling's series)."""

    items: tuple[tuple[int, Money], ...]

    def __post_init__(self) -> None:
        years = [year for year, _ in self.items]
        for year in years:
            check_fiscal_year(year, "years")
        if len(set(years)) != len(years):
            raise InvalidInputError("a year appears twice", field="years")
        object.__setattr__(self, "items", tuple(sorted(self.items)))

    @classmethod
    def of(cls, mapping: dict[int, Money]) -> YearAmounts:
        return cls(tuple(mapping.items()))

    def __iter__(self) -> Iterator[tuple[int, Money]]:
        return iter(self.items)

    def years(self) -> list[int]:
        return [year for year, _ in self.items]

    def get(self, year: int) -> Money:
        for item_year, amount in self.items:
            if item_year == year:
                return amount
        return Money.zero()

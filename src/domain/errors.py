"""Typed domain errors. Each carries the data a caller needs to say what is wrong.

`field` names the input at fault where there is one, in the domain's terms, so an interface
can point at it; `item` names the member of a list input it is in, if it is in one. Where
that is in a request (a body path, a header, a command-line option) the interface decides.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class DomainError(Exception):
    """A business rule refused a command. Nothing was recorded."""

    code = "domain-error"

    def __init__(self, message: str, *, field: str | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.data = data
        # The member of a list input that `field` is in: (the input, its index).
        self.item: tuple[str, int] | None = None


@contextmanager
def relocated(prefix: str, to: str) -> Iterator[None]:
    """A rule checked on a part or a derived value points at the input it came from: an
    error about `prefix` (or `prefix.x`) is said to be about `to` (or `to.x`)."""
    try:
        yield
    except DomainError as error:
        field = error.field
        if field == prefix or (field is not None and field.startswith(prefix + ".")):
            error.field = to + field.removeprefix(prefix)
        raise


class InvalidInputError(DomainError):
    """Input that can never be valid, whatever the state (malformed, out of range)."""

    code = "invalid-input"


class InvalidAmountError(InvalidInputError):
    code = "invalid-amount"

    def __init__(self, value: str, reason: str, *, field: str | None = "amount") -> None:
        super().__init__(f"{reason}: {value}", field=field, value=value)


class UnknownTaakveldError(InvalidInputError):
    code = "unknown-taakveld"

    def __init__(self, code: str, fiscal_year: int) -> None:
        super().__init__(
            f"taakveld {code!r} does not exist in the catalogue of fiscal year {fiscal_year}",
            field="taakveld",
            taakveld=code,
            fiscal_year=fiscal_year,
        )


class UnknownCategorieError(InvalidInputError):
    """An economische categorie the Iv3 model of the line's fiscal year and side does not
    know (ADR 0031)."""

    code = "unknown-categorie"

    def __init__(self, code: str, fiscal_year: int, side: str) -> None:
        super().__init__(
            f"categorie {code!r} does not exist among the {side} of the Iv3 model of fiscal"
            f" year {fiscal_year}",
            field="categorie",
            categorie=code,
            fiscal_year=fiscal_year,
            side=side,
        )


class GreyCellError(InvalidInputError):
    """A taakveld x categorie combination the Iv3 model forbids (a grey cell, ADR 0031)."""

    code = "iv3-grey-cell"

    def __init__(self, taakveld: str, code: str, fiscal_year: int, side: str) -> None:
        super().__init__(
            f"taakveld {taakveld} with categorie {code} is a grey cell of the {side} in the"
            f" Iv3 model of fiscal year {fiscal_year}: the CBS definitions forbid it",
            field="categorie",
            taakveld=taakveld,
            categorie=code,
            fiscal_year=fiscal_year,
            side=side,
        )


class InvalidTimeError(InvalidInputError):
    code = "invalid-time"


class NotFoundError(DomainError):
    code = "not-found"


class DuplicateError(DomainError):
    """The aggregate or the mutation already exists (a retried or repeated command)."""

    code = "duplicate"


class UnauthorisedMutationError(DomainError):
    """No adopted decision, nor a mandate granted by the raad, authorises the change."""

    code = "unauthorised"


class DecisionStateError(DomainError):
    code = "decision-state"


class InsufficientBudgetError(DomainError):
    code = "insufficient-budget"


class ReserveBalanceError(DomainError):
    code = "reserve-below-zero"


class ClosedFiscalYearError(DomainError):
    code = "fiscal-year-closed"

    def __init__(self, fiscal_year: int) -> None:
        super().__init__(
            f"fiscal year {fiscal_year} is closed; a late result goes to the next open year",
            field="fiscal_year",
            fiscal_year=fiscal_year,
        )


class OpenFiscalYearError(DomainError):
    """Reopening a year that is not closed."""

    code = "fiscal-year-open"

    def __init__(self, fiscal_year: int) -> None:
        super().__init__(
            f"fiscal year {fiscal_year} is not closed; there is nothing to reopen",
            field="fiscal_year",
            fiscal_year=fiscal_year,
        )


class TransferError(DomainError):
    code = "invalid-transfer"


class TaakstellingError(DomainError):
    code = "taakstelling"


class RealisationError(DomainError):
    code = "realisation"


class ConcurrentChangeError(DomainError):
    """Another writer changed the same aggregate first; reload and try again."""

    code = "conflict"


class StaleVersionError(ConcurrentChangeError):
    """The actor changed a record on the basis of a version that is no longer current."""

    code = "stale-version"

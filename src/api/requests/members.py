"""The members request bodies are made of. Pydantic lives here, at the edge, and nowhere inwards.

A command's body mirrors its application method's parameters, name for name, so that a
domain error's `field` is also the body member at fault (ADR 0006). Amounts are decimal
strings ("1234.56"): a JSON number with a fraction is a binary float and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from domain.errors import InvalidInputError, UnknownTaakveldError
from domain.iv3 import check_categorie, check_cell
from domain.taakvelden import check_taakveld
from domain.values import (
    CATEGORIE_LENGTH,
    CODE_LENGTH,
    FREE_TEXT,
    MAX_FISCAL_YEAR,
    MAX_INTERVENTIE,
    MIN_FISCAL_YEAR,
    REFUSED_CLASS,
    SHORT_LENGTH,
    TAAKVELD_LENGTH,
    LineKey,
    Period,
    Side,
    text_fault,
)

AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
AMOUNT_FORMAT = (
    "an amount is a string of ASCII digits with an optional leading minus and at most two "
    'decimals after a point, below 10^15 euros, such as "1234.56" or "-150000"'
)
_AMOUNT = re.compile(AMOUNT_PATTERN)
# How the OpenAPI document publishes an amount, in requests and answers alike.
AMOUNT_SCHEMA = {"type": "string", "pattern": AMOUNT_PATTERN, "example": "119000.00"}


def _amount(value: Any) -> Decimal:
    """The one format of an amount over HTTP (ADR 0006): exactly AMOUNT_PATTERN, as a JSON
    string. No JSON number (a fraction has been through a binary float, and one format is
    easier to get right than two), no "+5", ".5", "1E+2", "1_000" or non-ASCII digits."""
    if isinstance(value, Decimal):  # a model built in Python, not from a request
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "invalid-amount", f"{AMOUNT_FORMAT}, not a JSON {_json_type(value)}"
        )
    if not _AMOUNT.fullmatch(value):
        raise PydanticCustomError("invalid-amount", AMOUNT_FORMAT)
    amount = Decimal(value)
    return amount if amount else abs(amount)  # "-0" is 0


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "array", type(None): "null"}.get(type(value), "value")


# Exact euros and cents: at most two decimals, below 10^15 (the domain's Money range).
Amount = Annotated[
    Decimal,
    PlainValidator(_amount),
    PlainSerializer(lambda amount: format(amount, "f"), return_type=str),
    WithJsonSchema(AMOUNT_SCHEMA),
]
FiscalYearNumber = Annotated[int, Strict(), Field(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
InterventieNumber = Annotated[int, Strict(), Field(ge=1, le=MAX_INTERVENTIE)]
Quarter = Annotated[int, Strict(), Field(ge=1, le=4)]
Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        examples=["raad-2019-05-08-interventieplan-fase-4"],
    ),
]
# The text rule (ADR 0006, domain.values): the validator below checks it and names the member;
# the schema states it as a pattern, so a client (or schemathesis) knows what is valid.
SINGLE_LINE = f"^[^{REFUSED_CLASS}]*$"
NOT_BLANK = f"^[^{REFUSED_CLASS}]*[^{REFUSED_CLASS}\\s][^{REFUSED_CLASS}]*$"
FREE_TEXT_NOT_BLANK = NOT_BLANK.replace("\\x00-\\x1f", "\\x00-\\x09\\x0b-\\x1f")


def line(max_length: int, *, blank: bool = False, **extra: Any) -> Any:
    """A single-line text member of at most `max_length` characters, not blank unless
    `blank`: its schema states the text rule."""
    return Field(
        min_length=0 if blank else 1,
        max_length=max_length,
        pattern=None if blank else r"\S",
        json_schema_extra={"pattern": SINGLE_LINE if blank else NOT_BLANK},
        **extra,
    )


Text = Annotated[str, line(2000)]
FreeText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        pattern=r"\S",
        json_schema_extra={"pattern": FREE_TEXT_NOT_BLANK},
    ),
]
Name = Annotated[str, line(200)]
Short = Annotated[str, line(SHORT_LENGTH)]
Code = Annotated[str, line(CODE_LENGTH)]
Taakveld = Annotated[str, line(TAAKVELD_LENGTH, examples=["6.71"])]
Categorie = Annotated[str, line(CATEGORIE_LENGTH, examples=["3.8"])]
YearKey = Annotated[str, Field(pattern=r"^[0-9]{4}$")]


def _printable(value: Any, multiline: bool) -> Any:
    for text in _texts(value):
        fault = text_fault(text, multiline=multiline)
        if fault is not None:
            raise ValueError(fault)
    return value


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _text_rule(cls, value: Any, info: ValidationInfo) -> Any:
        """Every text member follows the text rule (ADR 0006): single-line, or free text
        with line breaks. The domain refuses the rest too, but here the member is named."""
        return _printable(value, multiline=info.field_name in FREE_TEXT)


class Provenance(Input):
    """When the fact became known (default: when recorded) and the source document that
    says so (needed where no decision authorises the change)."""

    known_at: AwareDatetime | None = None
    source_document: Text | None = None


class PeriodIn(Input):
    first_year: FiscalYearNumber
    last_year: FiscalYearNumber

    def to_domain(self) -> Period:
        return Period(self.first_year, self.last_year)


class LineKeyIn(Input):
    fiscal_year: FiscalYearNumber
    programma: Name
    taakveld: Taakveld | None = None
    side: Side = Side.LASTEN
    deelproduct: Code | None = None
    interventie: InterventieNumber | None = None
    fund: Short | None = None
    # The Iv3 economische categorie (ADR 0031); unset for a line of the history before it.
    categorie: Categorie | None = None

    @field_validator("taakveld")
    @classmethod
    def _taakveld_of_its_year(cls, value: str | None, info: ValidationInfo) -> str | None:
        year = info.data.get("fiscal_year")
        if value is not None and year is not None:
            try:
                check_taakveld(value, year)
            except UnknownTaakveldError as error:
                raise ValueError(error.message) from None
        return value

    @field_validator("categorie")
    @classmethod
    def _categorie_of_its_year_and_side(cls, value: str | None, info: ValidationInfo) -> str | None:
        year, side = info.data.get("fiscal_year"), info.data.get("side")
        if value is not None and year is not None and side is not None:
            try:
                check_categorie(value, year, side.value)
                if info.data.get("taakveld") is not None:
                    check_cell(info.data["taakveld"], value, year, side.value)
            except InvalidInputError as error:
                raise ValueError(error.message) from None
        return value

    def to_domain(self) -> LineKey:
        return LineKey(
            fiscal_year=self.fiscal_year,
            programma=self.programma,
            taakveld=self.taakveld,
            side=self.side,
            deelproduct=self.deelproduct,
            interventie=self.interventie,
            fund=self.fund,
            categorie=self.categorie,
        )

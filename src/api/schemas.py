"""Request and response bodies. Pydantic lives here, at the edge, and nowhere inwards.

A command's body mirrors its application method's parameters, name for name, so that a
domain error's `field` is also the body member at fault (ADR 0006). Amounts are decimal
strings ("1234.56"): a JSON number with a fraction is a binary float and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

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

from domain.decision import MandateScope
from domain.errors import UnknownTaakveldError, relocated
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.reserve import FREE, ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.taakvelden import check_taakveld
from domain.values import (
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
    YearAmounts,
    text_fault,
)

AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
AMOUNT_FORMAT = (
    "an amount is a string of ASCII digits with an optional leading minus and at most two "
    'decimals after a point, below 10^15 euros, such as "1234.56" or "-150000"'
)
_AMOUNT = re.compile(AMOUNT_PATTERN)


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
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": AMOUNT_FORMAT,
            "examples": ["1234.56"],
        }
    ),
]
FiscalYear = Annotated[int, Strict(), Field(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
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
    first_year: FiscalYear
    last_year: FiscalYear

    def to_domain(self) -> Period:
        return Period(self.first_year, self.last_year)


class LineKeyIn(Input):
    fiscal_year: FiscalYear
    programma: Name
    taakveld: Taakveld | None = None
    side: Side = Side.LASTEN
    deelproduct: Code | None = None
    interventie: InterventieNumber | None = None
    fund: Short | None = None

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

    def to_domain(self) -> LineKey:
        return LineKey(
            fiscal_year=self.fiscal_year,
            programma=self.programma,
            taakveld=self.taakveld,
            side=self.side,
            deelproduct=self.deelproduct,
            interventie=self.interventie,
            fund=self.fund,
        )


# -- decisions -------------------------------------------------------------------------


class MandateScopeIn(Input):
    kinds: list[MutationKind] = Field(min_length=1)
    fund: Short | None = None
    period: PeriodIn

    def to_domain(self) -> MandateScope:
        return MandateScope(kinds=tuple(self.kinds), fund=self.fund, period=self.period.to_domain())


class ProposeDecision(Provenance):
    reference: Reference
    title: Text
    body: Bestuursorgaan
    kind: DecisionKind
    period: PeriodIn
    mandate_scope: MandateScopeIn | None = None
    mandate: Reference | None = Field(
        default=None, description="the reference of the raad mandate a college decision uses"
    )

    def scope(self) -> MandateScope | None:
        if self.mandate_scope is None:
            return None
        with relocated("period", "mandate_scope.period"):
            return self.mandate_scope.to_domain()


class DecideDecision(Provenance):
    """Adopt, reject or withdraw: the body is optional."""


# -- budget ----------------------------------------------------------------------------


class EstablishBudget(Provenance):
    key: LineKeyIn
    amount: Amount
    decision: Reference


class AmendBudget(Provenance):
    key: LineKeyIn
    delta: Amount
    decision: Reference


class TransferBudget(Provenance):
    source: LineKeyIn
    target: LineKeyIn
    amount: Amount
    decision: Reference


class CarryOverBudget(Provenance):
    source: LineKeyIn
    target: LineKeyIn
    amount: Amount
    reserve: Reference
    decision: Reference


# -- taakstellingen --------------------------------------------------------------------


class ImposeTaakstelling(Provenance):
    reference: Reference
    label: Text
    interventie: InterventieNumber | None = None
    programma: Name
    taakveld: Taakveld
    kind: TaakstellingKind = TaakstellingKind.TARGET
    origin: Short
    amounts: dict[YearKey, Amount] = Field(
        min_length=1, examples=[{"2019": "-150000.00", "2020": "-300000.00"}]
    )
    base_deelproducten: list[Code] = []
    decision: Reference | None = None

    def year_amounts(self) -> YearAmounts:
        return YearAmounts.of({int(year): Money(amount) for year, amount in self.amounts.items()})


class AdjustTaakstelling(Provenance):
    fiscal_year: FiscalYear
    delta: Amount
    decision: Reference


class ShiftTaakstelling(Provenance):
    source: Reference
    target: Reference
    fiscal_year: FiscalYear
    amount: Amount
    decision: Reference


class CancelTaakstellingYear(Provenance):
    fiscal_year: FiscalYear
    coverage: FreeText
    decision: Reference


# -- realisations ----------------------------------------------------------------------


class ReportRealisation(Provenance):
    key: LineKeyIn
    amount: Amount
    status: RealisationStatus
    quarter: Quarter | None = None


class CorrectRealisation(Provenance):
    key: LineKeyIn
    corrects_version: Annotated[int, Strict(), Field(ge=1)]
    amount: Amount
    status: RealisationStatus
    reason: FreeText
    quarter: Quarter | None = None


class ReportLateResult(Provenance):
    """Resultaat voorgaand jaar: `key` names the closed year's line; the result is booked
    on the same dimensions in the next open year. `corrects_version` (with `quarter`, if the
    figure is a quarter's) names the closed year's figure it corrects."""

    key: LineKeyIn
    amount: Amount
    status: RealisationStatus
    reason: FreeText
    corrects_version: Annotated[int, Strict(), Field(ge=1)] | None = None
    quarter: Quarter | None = None


# -- reserves --------------------------------------------------------------------------


class EstablishReserve(Provenance):
    code: Annotated[Reference, Field(max_length=CODE_LENGTH)]
    name: Name
    kind: ReserveKind
    purpose: FreeText
    fiscal_year: FiscalYear


class ReserveMutation(Provenance):
    fiscal_year: FiscalYear
    amount: Amount
    decision: Reference
    earmark: Annotated[str, line(SHORT_LENGTH, blank=True)] = FREE


class Allocation(Input):
    key: LineKeyIn
    amount: Amount


class AllocateFromReserve(Provenance):
    earmark: Annotated[str, line(SHORT_LENGTH, blank=True)]
    allocations: list[Allocation] = Field(min_length=1)
    decision: Reference

    @field_validator("allocations")
    @classmethod
    def _each_line_once(cls, allocations: list[Allocation]) -> list[Allocation]:
        seen: dict[LineKeyIn, int] = {}
        for index, item in enumerate(allocations):
            if item.key in seen:
                raise ValueError(
                    f"allocations {seen[item.key]} and {index} name the same line; "
                    "give each line one amount"
                )
            seen[item.key] = index
        return allocations

    def line_amounts(self) -> dict[LineKey, Money]:
        return {item.key.to_domain(): Money(item.amount) for item in self.allocations}


# -- fiscal years and reports ----------------------------------------------------------


class CloseFiscalYear(Provenance):
    decision: Reference


class ReopenFiscalYear(Provenance):
    """The adopted raad decision (a jaarrekening or a begrotingswijziging) that reopens it."""

    decision: Reference


class ColumnIn(Input):
    key: Annotated[str, line(64)]
    measure: Measure
    fiscal_year: FiscalYear


class RowIn(Input):
    interventie: InterventieNumber | None = None
    label: Name
    taakstellingen: list[Reference] = []


class TotalIn(Input):
    label: Name
    include_risks: bool = True


class TableIn(Input):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
    title: Text
    unit: Name
    fund: Short | None = None
    columns: list[ColumnIn] = Field(min_length=1)
    rows: list[RowIn] = Field(min_length=1)
    totals: list[TotalIn] = []

    def to_domain(self) -> TableSpec:
        return TableSpec(
            id=self.id,
            title=self.title,
            unit=self.unit,
            fund=self.fund,
            columns=tuple(ColumnSpec(c.key, c.measure, c.fiscal_year) for c in self.columns),
            rows=tuple(RowSpec(r.interventie, r.label, tuple(r.taakstellingen)) for r in self.rows),
            totals=tuple(TotalSpec(t.label, t.include_risks) for t in self.totals),
        )


class PublishReport(Provenance):
    report_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
    title: Text
    published_at: AwareDatetime
    knowledge_cutoff: AwareDatetime
    tables: list[TableIn] = Field(min_length=1)

    def table_specs(self) -> tuple[TableSpec, ...]:
        specs = []
        for index, table in enumerate(self.tables):
            with relocated("tables", f"tables.{index}"):
                specs.append(table.to_domain())
        return tuple(specs)

    period: PeriodIn
    decision: Reference | None = None


# -- tokens ----------------------------------------------------------------------------


class CreateToken(Input):
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            pattern=r"^\S(.*\S)?$",
            json_schema_extra={
                "pattern": f"^[^{REFUSED_CLASS}\\s]([^{REFUSED_CLASS}]*[^{REFUSED_CLASS}\\s])?$"
            },
        ),
    ]
    role: Literal["griffie", "finance", "auditor", "admin"]


# -- responses -------------------------------------------------------------------------


class CommandResult(BaseModel):
    """What a command recorded: the aggregates it touched (their ids and new versions) and
    the log position of its last event (pass it as `min_position` to read your write)."""

    ids: dict[str, str]
    versions: dict[str, int]
    position: int


class BasisOut(BaseModel):
    as_of: str
    report: str | None
    knowledge_cutoff: str | None
    log_position: int
    as_recorded_at: str | None = None


class QueryResult(BaseModel):
    basis: BasisOut
    rows: list[dict[str, Any]]


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, with the fields at fault in `errors`."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[dict[str, Any]] = []

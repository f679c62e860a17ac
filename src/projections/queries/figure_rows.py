"""The row types of the figures queries (`projections.queries.figures`): what each list and
record of the read side answers, field by field, as the OpenAPI document publishes it."""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from projections.queries.rows import Euros, MandateScopeRow


class BudgetLineRow(TypedDict):
    """A budget line's amount as of the basis: the sum of its mutations then."""

    line_id: str
    fiscal_year: int
    programma: str
    taakveld: str
    side: str
    deelproduct: str | None
    interventie: int | None
    fund: str | None
    categorie: str | None  # the Iv3 economische categorie (ADR 0031)
    amount: Euros
    mutations: int


class BudgetRollupRow(TypedDict):
    """The budget of a year and side per value of one dimension: the row carries only the
    dimension it was rolled up by."""

    fiscal_year: int
    side: str
    amount: Euros
    programma: NotRequired[str]
    taakveld: NotRequired[str]
    interventie: NotRequired[int | None]
    fund: NotRequired[str | None]


class SlotwijzigingRow(TypedDict):
    """A change decided at the year's closing (the slotwijziging), in log order."""

    position: int
    fiscal_year: int
    decision: str
    kind: str
    programma: str
    taakveld: str
    interventie: int | None
    fund: str | None
    delta: Euros
    known_at: str
    recorded_at: str


class TaakstellingAmountRow(TypedDict):
    """A taakstelling's amount per fiscal year as of the basis (what reports add up)."""

    reference: str
    label: str
    interventie: int | None
    taakveld: str
    kind: str
    origin: str
    base_deelproducten: str  # a JSON list of deelproduct codes
    amounts: dict[int, Euros]


class RealisationRow(TypedDict):
    """A realised amount of a subject (year, quarter, deelproduct, ...) as of the basis,
    with the status and version of its latest entry."""

    fiscal_year: int
    quarter: int | None
    month: str | None  # "YYYY-MM" the figure covers, if named (ADR 0020, ADR 0033)
    programma: str
    taakveld: str | None
    deelproduct: str | None
    interventie: int | None
    fund: str | None
    categorie: str | None  # the Iv3 economische categorie (ADR 0031)
    side: str
    amount: Euros
    status: str
    version: int
    origin_year: int | None
    corrects_realisation: str | None


class ReserveRow(TypedDict):
    """A reserve's mutations summed per earmark and year."""

    code: str
    name: str
    kind: str
    earmark: str | None
    fiscal_year: int | None
    mutation: Euros


class EventRow(TypedDict):
    """One event of the log as the audit log shows it; `payload` is the event's JSON."""

    position: int
    event_type: str
    aggregate_id: str
    version: int
    period: str
    known_at: str
    recorded_at: str
    actor: str
    decision: str | None
    source: str | None
    import_id: str | None
    payload: str


class DecisionRow(TypedDict):
    """A decision with its status as of the basis; a raad mandate with its scope."""

    reference: str
    title: str
    body: str
    kind: str
    status: str
    status_known_at: str
    mandate: str | None
    mandate_scope: MandateScopeRow | None
    proposed_at_position: int
    # A begrotingswijziging's number ("2019-12"); its mutations are those it authorised.
    number: str | None


class FiscalYearStepRow(TypedDict):
    """One closing or reopening of a fiscal year."""

    status: str
    decision: str | None
    known_at: str
    recorded_at: str
    position: int


class FiscalYearRow(TypedDict):
    """A fiscal year's status (its last step) and its trail of steps."""

    fiscal_year: int
    status: str
    decision: str | None
    known_at: str
    recorded_at: str
    position: int
    trail: list[FiscalYearStepRow]


class TaakstellingRow(TypedDict):
    """A taakstelling per year, weighed against the realised base of its deelproducten in
    `base_year`: `relative` is each year's amount as a percentage of `base`."""

    reference: str
    label: str
    interventie: int | None
    taakveld: str
    kind: str
    amounts: dict[str, Euros]
    base_deelproducten: list[str]
    base_year: int
    base: Euros | None
    relative: dict[str, str]

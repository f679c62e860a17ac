"""The row types of taakstellingen achieved (`projections.queries.achievement`, ADR 0028):
what the document answers, field by field, as the OpenAPI document publishes it."""

from __future__ import annotations

from typing_extensions import TypedDict

from projections.queries.lineage import LineageRow, RealisationLineageRow
from projections.queries.rows import BasisRow, Euros


class YearFigure(TypedDict):
    """One deelproduct's year figure: one that is missing, or one that is voorlopig."""

    deelproduct: str
    fiscal_year: int


class Measured(TypedDict):
    """A zoekgebied measured: realised lasten in the base year and the year, the saving
    (base - year), the difference with the target (saving - target: a surplus positive, a
    shortfall negative) and the status; null where a year figure is missing."""

    zoekgebied: list[str]
    target: Euros
    target_relative: str | None
    base: Euros | None
    realised: Euros | None
    saving: Euros | None
    saving_relative: str | None
    difference: Euros | None
    status: str
    reason: str | None
    missing: list[YearFigure]
    voorlopig: list[YearFigure]


class TaakstellingAchievementRow(Measured):
    """A taakstelling with an amount in the year, measured on its own base deelproducten;
    `shared_deelproducten` are also in another taakstelling's zoekgebied, so its saving is
    not its own alone."""

    reference: str
    label: str
    interventie: int | None
    taakveld: str
    shared_deelproducten: list[str]


class InterventieAchievementRow(Measured):
    """An interventie with a target in the year (the documents' "Totale opgave voor deze
    interventie" without risico's; `risico` beside it, `opgave_incl_risico` as tabel 5.7
    adds them). `shared_deelproducten` lie in another interventie's zoekgebied too;
    `unshared_saving` is the saving on the rest of its zoekgebied."""

    interventie: int | None
    taakstellingen: list[str]
    risico: Euros | None
    opgave_incl_risico: Euros
    shared_deelproducten: list[str]
    unshared_saving: Euros | None


class RisicoRow(TypedDict):
    """A risico with an amount in the year: listed beside the targets, never in one."""

    reference: str
    label: str
    interventie: int | None
    taakveld: str
    amount: Euros
    base_deelproducten: list[str]


class DeelproductAchievementRow(TypedDict):
    """One deelproduct of a zoekgebied: its realised lasten in both years (null when not
    recorded), whether either is voorlopig, and who weighs on it."""

    deelproduct: str
    name: str | None
    base: Euros | None
    base_status: str | None
    realised: Euros | None
    realised_status: str | None
    saving: Euros | None
    interventies: list[int | None]
    taakstellingen: list[str]


class OverlapRow(TypedDict):
    """A deelproduct in more than one interventie's zoekgebied: its saving counts once in
    the opgave, though each interventie's own figure includes it."""

    deelproduct: str
    interventies: list[int | None]
    saving: Euros | None


class OpgaveRow(Measured):
    """The whole opgave: every interventie with a target in the year; the saving over the
    union of their zoekgebieden (each deelproduct once) against the sum of their targets:
    the compensated result (S1 §6.1). `unmeasured` names taakstellingen without a zoekgebied
    whose target is in the sum all the same."""

    interventies: list[int | None]
    risico: Euros | None
    opgave_incl_risico: Euros
    over: list[int | None]
    achieved: list[int | None]
    not_yet: list[int | None]
    unknown: list[int | None]
    unmeasured: list[str]


class Achievement(TypedDict):
    """The answer: a document, never paged (its opgave adds up over all its rows)."""

    basis: BasisRow
    fiscal_year: int
    base_year: int
    interventie: int | None
    taakstellingen: list[TaakstellingAchievementRow]
    interventies: list[InterventieAchievementRow]
    risicos: list[RisicoRow]
    deelproducten: list[DeelproductAchievementRow]
    overlap: list[OverlapRow]
    opgave: OpgaveRow


class TargetLineage(TypedDict):
    amount: Euros
    rows: list[LineageRow]


class RealisedLineage(TypedDict):
    fiscal_year: int
    amount: Euros
    missing: list[str]
    rows: list[RealisationLineageRow]


class AchievementLineage(TypedDict):
    """The events behind one achievement's figures: the target's taakstelling mutations and
    the realisation entries of its zoekgebied in both years; each list in the shape of the
    other lineage answers, its running total adding up to the figure."""

    basis: BasisRow
    fiscal_year: int
    base_year: int
    interventie: int | None
    reference: str | None
    zoekgebied: list[str]
    target: TargetLineage
    base: RealisedLineage
    realised: RealisedLineage
    saving: Euros | None

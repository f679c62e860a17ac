"""The rows of budget against realisation (ADR 0026): what `uitputting` answers."""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from projections.queries.rows import BasisRow, Euros


class UitputtingLine(TypedDict):
    """The dimensions of a budget line (or of realisations that meet none)."""

    fiscal_year: int
    programma: str
    taakveld: str | None
    side: str
    deelproduct: str | None
    interventie: int | None
    fund: str | None
    categorie: str | None  # the Iv3 economische categorie (ADR 0031)


class UitputtingFigures(TypedDict):
    """The figures of one row or total. `saldo` is positive for a voordeel: begroting na
    wijziging minus realisatie for lasten, realisatie minus begroting for baten. `uitputting`
    is realisatie / begroting na wijziging x 100, half away from zero to one decimal ("16.8"),
    null where the budget is zero. `realisatie_voorlopig`: the part of the realisatie whose
    figures are still voorlopig (the jaarrekening not yet adopted)."""

    primitief: Euros
    wijzigingen: Euros
    begroting_na_wijziging: Euros
    realisatie: Euros
    realisatie_voorlopig: Euros
    saldo: Euros
    uitputting: str | None


class UitputtingRow(UitputtingFigures):
    """One group and side. `key`: the line's id (by line), the programma, the taakveld code
    or the interventie number as text; null for a group without a value. `no_line`: the
    realisations of the group that meet no budget line. `quarters` (when asked): the same
    figures as of each quarter-end of the year, null for one after the basis's moment."""

    key: str | None
    label: str
    side: str
    no_line: bool
    line: UitputtingLine | None
    quarters: NotRequired[dict[str, UitputtingFigures | None]]


class UitputtingTotal(UitputtingFigures):
    side: str
    quarters: NotRequired[dict[str, UitputtingFigures | None]]


class UitputtingDocument(TypedDict):
    basis: BasisRow
    fiscal_year: int
    by: str
    side: str | None
    quarters: NotRequired[list[str]]
    rows: list[UitputtingRow]
    totals: list[UitputtingTotal]

"""Taakstellingen achieved (ADR 0028): per taakstelling, per interventie and for the whole
opgave, the target of a fiscal year against the realised change of its zoekgebied (the
deelproducten it weighs on) since the base year, with the overlap of zoekgebieden shown
rather than one saving credited twice.

The measurement rule: the zoekgebied of a taakstelling is its base deelproducten; of an
interventie the union of its taakstellingen' base deelproducten. Saving(Y) = realised lasten
of the zoekgebied in the base year - realised lasten in Y (S1 footnote 5: the lastenkant
only), both year figures as of the basis (every realisation of the year, whole-year and
quarterly: projections.queries.realised), voorlopig ones included and named. A deelproduct
without a year figure in either year makes the saving unknown: a data gap, never a zero."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Connection, select

from domain.money import percent_of
from domain.values import BASE_YEAR
from projections.queries import backdating, lineage
from projections.queries.achievement_rows import (
    Achievement,
    AchievementLineage,
    DeelproductAchievementRow,
    InterventieAchievementRow,
    Measured,
    OpgaveRow,
    OverlapRow,
    RealisedLineage,
    TaakstellingAchievementRow,
    YearFigure,
)
from projections.queries.basis import Basis
from projections.queries.figure_rows import TaakstellingAmountRow
from projections.queries.figures import (
    dashed,
    deelproduct_names,
    taakstelling_amounts,
)
from projections.queries.lineage import LineageRow, RealisationLineageRow
from projections.queries.realised import RealisedYear, realised_lasten
from projections.store import schema

__all__ = [
    "BASE_YEAR",
    "Achievement",
    "AchievementError",
    "AchievementLineage",
    "achievement",
    "achievement_lineage",
]

ACHIEVED, NOT_YET, OVER, UNKNOWN = "achieved", "not-yet", "over", "unknown"
TARGET, RISK = "taakstelling", "risico"
LASTEN = "lasten"
VOORLOPIG = "voorlopig"


class AchievementError(ValueError):
    """A question the rule cannot answer (the base year not before the year); `field` names
    the parameter."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


# -- the rule ----------------------------------------------------------------------------


def percent(part: Decimal, whole: Decimal | None) -> str | None:
    """part / whole x 100 as JSON text (domain.money.percent_of); None when the whole is
    zero or unknown. A zero part is a known 0.0, not an unknown."""
    found = percent_of(part, whole)
    return None if found is None else str(found)


def status_of(saving: Decimal, target: Decimal) -> str:
    if saving < target:
        return NOT_YET
    return ACHIEVED if saving == target else OVER


class _Measure:
    def __init__(
        self, base_year: int, base: RealisedYear, fiscal_year: int, year: RealisedYear
    ) -> None:
        self.base_year, self.base = base_year, base
        self.fiscal_year, self.year = fiscal_year, year

    def missing(self, zoekgebied: Sequence[str]) -> list[YearFigure]:
        return [
            {"deelproduct": code, "fiscal_year": fiscal_year}
            for code in zoekgebied
            for fiscal_year, known in ((self.base_year, self.base), (self.fiscal_year, self.year))
            if code not in known.amounts
        ]

    def total(self, known: RealisedYear, zoekgebied: Sequence[str]) -> Decimal | None:
        if not zoekgebied or any(code not in known.amounts for code in zoekgebied):
            return None
        return sum((known.amounts[code] for code in zoekgebied), Decimal("0.00"))

    def saving(self, zoekgebied: Sequence[str]) -> Decimal | None:
        base, realised = self.total(self.base, zoekgebied), self.total(self.year, zoekgebied)
        return None if base is None or realised is None else base - realised

    def measured(self, zoekgebied: Sequence[str], target: Decimal) -> Measured:
        base, realised = self.total(self.base, zoekgebied), self.total(self.year, zoekgebied)
        missing = self.missing(zoekgebied)
        saving = None if base is None or realised is None else base - realised
        reason = None
        if not zoekgebied:
            reason = "no base deelproducten: the zoekgebied is not recorded"
        elif missing:
            reason = "no realisation recorded for " + ", ".join(
                f"{gap['deelproduct']} in {gap['fiscal_year']}" for gap in missing
            )
        return {
            "zoekgebied": list(zoekgebied),
            "target": target,
            "target_relative": percent(target, base),
            "base": base,
            "realised": realised,
            "saving": saving,
            "saving_relative": None if saving is None else percent(saving, base),
            "difference": None if saving is None else saving - target,
            "status": UNKNOWN if saving is None else status_of(saving, target),
            "reason": reason,
            "missing": missing,
            "voorlopig": [
                {"deelproduct": code, "fiscal_year": fiscal_year}
                for code in zoekgebied
                for fiscal_year, known in (
                    (self.base_year, self.base),
                    (self.fiscal_year, self.year),
                )
                if code in known.voorlopig
            ],
        }


def _ordered(values: Iterable[int | None]) -> list[int | None]:
    """Interventies in order, none last."""
    found = set(values)
    known = sorted(value for value in found if value is not None)
    return [*known, *([None] if None in found else [])]


def _union(groups: Iterable[Sequence[str]]) -> list[str]:
    return list(dict.fromkeys(code for group in groups for code in group))


class _Scope:
    """What the year asks: the taakstellingen and risico's with an amount in it, and every
    taakstelling's zoekgebied (one without an amount in the year still widens its
    interventie's zoekgebied: tabel 5.2 lists 61307 in 2018)."""

    def __init__(self, conn: Connection, basis: Basis, fiscal_year: int) -> None:
        rows = taakstelling_amounts(conn, basis)
        self.zoekgebied: dict[str, list[str]] = {
            row["reference"]: list(dict.fromkeys(json.loads(row["base_deelproducten"])))
            for row in rows
        }
        self.targets = [
            row for row in rows if row["kind"] == TARGET and row["amounts"].get(fiscal_year)
        ]
        self.risks = [
            row for row in rows if row["kind"] == RISK and row["amounts"].get(fiscal_year)
        ]
        self.fiscal_year = fiscal_year
        self.interventies = _ordered(row["interventie"] for row in self.targets)
        self.of_interventie: dict[int | None, list[str]] = {}
        for row in rows:
            if row["kind"] == TARGET:
                self.of_interventie.setdefault(row["interventie"], []).append(row["reference"])

    def interventie_zoekgebied(self, interventie: int | None) -> list[str]:
        return _union(self.zoekgebied[ref] for ref in self.of_interventie.get(interventie, []))

    def amount(self, row: TaakstellingAmountRow) -> Decimal:
        return row["amounts"][self.fiscal_year]

    def target(self, interventie: int | None) -> Decimal:
        return sum(
            (self.amount(row) for row in self.targets if row["interventie"] == interventie),
            Decimal("0.00"),
        )

    def risico(self, interventies: Sequence[int | None]) -> Decimal | None:
        amounts = [self.amount(row) for row in self.risks if row["interventie"] in interventies]
        return sum(amounts, Decimal("0.00")) if amounts else None

    def everything(self) -> list[str]:
        """Every deelproduct some interventie's zoekgebied holds (a risico's aside)."""
        return _union(self.interventie_zoekgebied(i) for i in self.of_interventie)


def _check_years(fiscal_year: int, base_year: int) -> None:
    if base_year >= fiscal_year:
        raise AchievementError(
            f"the base year ({base_year}) must come before the fiscal year ({fiscal_year})",
            field="base_year",
        )


def _years(
    conn: Connection, basis: Basis, fiscal_year: int, base_year: int, codes: Sequence[str]
) -> _Measure:
    def year(of: int) -> RealisedYear:
        return realised_lasten(conn, basis, fiscal_year=of, deelproducten=codes)

    return _Measure(base_year, year(base_year), fiscal_year, year(fiscal_year))


def achievement(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    base_year: int = BASE_YEAR,
    interventie: int | None = None,
) -> Achievement:
    """The taakstellingen of `fiscal_year` achieved as of the basis, measured against
    `base_year`; `interventie` narrows the rows, never the opgave (which compensates
    between all interventies)."""
    _check_years(fiscal_year, base_year)
    scope = _Scope(conn, basis, fiscal_year)
    measure = _years(conn, basis, fiscal_year, base_year, scope.everything())

    zoekgebieden = {i: scope.interventie_zoekgebied(i) for i in scope.interventies}
    sharing: dict[str, list[int | None]] = {}
    for number, codes in zoekgebieden.items():
        for code in codes:
            sharing.setdefault(code, []).append(number)
    weighing: dict[str, list[str]] = {}
    for row in scope.targets:
        for code in scope.zoekgebied[row["reference"]]:
            weighing.setdefault(code, []).append(row["reference"])

    interventies: list[InterventieAchievementRow] = []
    for number in scope.interventies:
        codes = zoekgebieden[number]
        target = scope.target(number)
        shared = [code for code in codes if len(sharing[code]) > 1]
        unshared = [code for code in codes if code not in shared]
        risico = scope.risico([number])
        interventies.append(
            {
                "interventie": number,
                "taakstellingen": [
                    row["reference"] for row in scope.targets if row["interventie"] == number
                ],
                "risico": risico,
                "opgave_incl_risico": target + (risico or 0),
                **measure.measured(codes, target),
                "shared_deelproducten": shared,
                # Nothing unshared saves nothing: an exact zero, not a gap.
                "unshared_saving": measure.saving(unshared) if unshared else Decimal("0.00"),
            }
        )

    taakstellingen: list[TaakstellingAchievementRow] = [
        {
            "reference": row["reference"],
            "label": row["label"],
            "interventie": row["interventie"],
            "taakveld": row["taakveld"],
            **measure.measured(scope.zoekgebied[row["reference"]], scope.amount(row)),
            "shared_deelproducten": [
                code for code in scope.zoekgebied[row["reference"]] if len(weighing[code]) > 1
            ],
        }
        for row in scope.targets
    ]

    union = _union(zoekgebieden.values())
    names = deelproduct_names(conn, basis, union) if union else {}
    deelproducten: list[DeelproductAchievementRow] = [
        {
            "deelproduct": code,
            "name": names.get(code),
            "base": measure.base.amounts.get(code),
            "base_status": _status(measure.base, code),
            "realised": measure.year.amounts.get(code),
            "realised_status": _status(measure.year, code),
            "saving": measure.saving([code]),
            "interventies": sharing[code],
            "taakstellingen": weighing.get(code, []),
        }
        for code in union
    ]
    overlap: list[OverlapRow] = [
        {"deelproduct": code, "interventies": sharing[code], "saving": measure.saving([code])}
        for code in union
        if len(sharing[code]) > 1
    ]

    total = sum((row["target"] for row in interventies), Decimal("0.00"))
    risico = scope.risico(scope.interventies)
    by_status = {
        status: [row["interventie"] for row in interventies if row["status"] == status]
        for status in (OVER, ACHIEVED, NOT_YET, UNKNOWN)
    }
    opgave: OpgaveRow = {
        "interventies": list(scope.interventies),
        "risico": risico,
        "opgave_incl_risico": total + (risico or 0),
        **measure.measured(union, total),
        "over": by_status[OVER],
        "achieved": by_status[ACHIEVED],
        "not_yet": by_status[NOT_YET],
        "unknown": by_status[UNKNOWN],
        "unmeasured": [row["reference"] for row in taakstellingen if not row["zoekgebied"]],
    }
    if not interventies:
        opgave["reason"] = f"no taakstelling has a target in {fiscal_year} as of this basis"

    def wanted(number: int | None) -> bool:
        return interventie is None or number == interventie

    mine = set(zoekgebieden.get(interventie, [])) if interventie is not None else None
    return {
        "basis": basis.to_json(),
        "fiscal_year": fiscal_year,
        "base_year": base_year,
        "interventie": interventie,
        "taakstellingen": [row for row in taakstellingen if wanted(row["interventie"])],
        "interventies": [row for row in interventies if wanted(row["interventie"])],
        "risicos": [
            {
                "reference": row["reference"],
                "label": row["label"],
                "interventie": row["interventie"],
                "taakveld": row["taakveld"],
                "amount": scope.amount(row),
                "base_deelproducten": scope.zoekgebied[row["reference"]],
            }
            for row in scope.risks
            if wanted(row["interventie"])
        ],
        "deelproducten": [
            row for row in deelproducten if mine is None or row["deelproduct"] in mine
        ],
        "overlap": [row for row in overlap if mine is None or row["deelproduct"] in mine],
        "opgave": opgave,
    }


def _status(known: RealisedYear, code: str) -> str | None:
    if code not in known.amounts:
        return None
    return VOORLOPIG if code in known.voorlopig else "definitief"


# -- lineage -----------------------------------------------------------------------------


R = TypeVar("R", LineageRow, RealisationLineageRow)


def _merged(rows: Iterable[R]) -> list[R]:
    """Rows of several figures as one: by business time, the log breaking ties (as each
    lineage orders its own), the running total over them all."""
    ordered = sorted(
        rows, key=lambda row: (datetime.fromisoformat(row["known_at"]), row["position"])
    )
    running = Decimal("0.00")
    for row in ordered:
        running += row["delta"]
        row["running_total"] = running
    return ordered


def _realised_lineage(
    conn: Connection, basis: Basis, fiscal_year: int, zoekgebied: Sequence[str], grace: timedelta
) -> RealisedLineage:
    subjects = schema.realisations
    counted = {
        dashed(row.id)
        for row in conn.execute(
            select(subjects.c.id).where(
                subjects.c.fiscal_year == fiscal_year,
                subjects.c.deelproduct.in_(list(zoekgebied)),
                subjects.c.side == LASTEN,
            )
        )
    }
    found: list[RealisationLineageRow] = []
    for code in zoekgebied:
        found += [
            row
            for row in lineage.realisation_lineage(
                conn, basis, fiscal_year=fiscal_year, deelproduct=code, grace=grace
            )
            if row["subject"] in counted
        ]
    rows = _merged(found)
    return {
        "fiscal_year": fiscal_year,
        "amount": rows[-1]["running_total"] if rows else Decimal("0.00"),
        "missing": [],
        "rows": rows,
    }


def achievement_lineage(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    base_year: int = BASE_YEAR,
    interventie: int | None = None,
    reference: str | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> AchievementLineage | None:
    """The events behind the figures of one taakstelling (`reference`), one interventie or,
    with neither, the whole opgave; None when the year has no such target as of the basis."""
    _check_years(fiscal_year, base_year)
    scope = _Scope(conn, basis, fiscal_year)
    if reference is not None:
        targets = [row for row in scope.targets if row["reference"] == reference]
        if interventie is not None:
            targets = [row for row in targets if row["interventie"] == interventie]
        zoekgebied = _union(scope.zoekgebied[row["reference"]] for row in targets)
    elif interventie is not None:
        targets = [row for row in scope.targets if row["interventie"] == interventie]
        zoekgebied = scope.interventie_zoekgebied(interventie)
    else:
        targets = scope.targets
        zoekgebied = _union(scope.interventie_zoekgebied(i) for i in scope.interventies)
    if not targets:
        return None
    target_rows = _merged(
        row
        for found in targets
        for row in lineage.taakstelling_lineage(
            conn, basis, reference=found["reference"], fiscal_year=fiscal_year, grace=grace
        )
    )
    measure = _years(conn, basis, fiscal_year, base_year, zoekgebied)
    base = _realised_lineage(conn, basis, base_year, zoekgebied, grace)
    realised = _realised_lineage(conn, basis, fiscal_year, zoekgebied, grace)
    base["missing"] = [code for code in zoekgebied if code not in measure.base.amounts]
    realised["missing"] = [code for code in zoekgebied if code not in measure.year.amounts]
    return {
        "basis": basis.to_json(),
        "fiscal_year": fiscal_year,
        "base_year": base_year,
        "interventie": interventie,
        "reference": reference,
        "zoekgebied": zoekgebied,
        "target": {
            "amount": target_rows[-1]["running_total"] if target_rows else Decimal("0.00"),
            "rows": target_rows,
        },
        "base": base,
        "realised": realised,
        "saving": measure.saving(zoekgebied),
    }

"""Resultaat taakstellingen (ADR 0028): per interventie and taakstelling the target of a year
against the realised change of its zoekgebied since the base year, as of any Peildatum (the
query behind GET /api/v1/taakstellingen/achievement); the overlap of zoekgebieden and the
opgave after compensation. Every target and realisation links to its Figuurhistorie."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api.web import budget_history
from api.web.budget_history import Figure, Interventie, NeededYear, Text, link
from api.web.workspace import ReaderDep, basis_or, basis_text, page, reading_now
from domain.values import BASE_YEAR, MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from projections.queries import achievement, figures, reports
from projections.queries.achievement import AchievementError, AchievementLineage
from projections.queries.basis import Basis
from projections.queries.lineage import LineageRow, RealisationLineageRow

router = APIRouter(include_in_schema=False)

Year = Annotated[int | None, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
BaseYear = Annotated[int, Query(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)]
Part = Annotated[str, Query(pattern="^(doel|basis|realisatie)$")]
PATH = "/begroting/taakstellingen/resultaat"

STATUS = {
    achievement.ACHIEVED: "gehaald",
    achievement.NOT_YET: "nog niet gehaald",
    achievement.OVER: "meer dan gehaald",
    achievement.UNKNOWN: "onbekend",
}


def _years(conn: Connection, basis: Basis) -> list[int]:
    return sorted(
        {
            year
            for row in figures.taakstelling_amounts(conn, basis)
            if row["kind"] == achievement.TARGET
            for year, amount in row["amounts"].items()
            if amount
        }
    )


@router.get(PATH, response_class=HTMLResponse)
def achievement_page(
    request: Request,
    viewer: ReaderDep,
    jaar: Year = None,
    basisjaar: BaseYear = BASE_YEAR,
    interventie: Text = None,
    peildatum: Text = None,
) -> HTMLResponse:
    """The year's taakstellingen achieved as of the Peildatum. A bad Peildatum or a base
    year not before the year is shown at its field (422); the year is the latest with a
    target unless the URL names one."""
    text = (peildatum or "").strip()
    # The form sends an empty field for every interventie.
    wanted = (interventie or "").strip()
    number = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    interventie_error = None if not wanted or number else f"‘{wanted}’ is geen interventienummer"
    with reading_now(viewer) as (conn, now):
        listed = reports.list_reports(conn)
        basis, error = basis_or(conn, text, now.position, now)
        years = _years(conn, basis) or _years(conn, now)
        year = jaar or max((y for y in years if y > basisjaar), default=None)
        shown = None if error else (text or None)
        found, year_error = None, None
        if year is not None:
            try:
                found = achievement.achievement(
                    conn, basis, fiscal_year=year, base_year=basisjaar, interventie=number
                )
            except AchievementError:
                year_error = f"het basisjaar ({basisjaar}) moet vóór het jaar ({year}) liggen"

    def history(part: str, **query: object) -> str:
        return link(
            "/figuur/taakstellingresultaat",
            jaar=year,
            basisjaar=basisjaar,
            deel=part,
            **query,
            peildatum=shown,
        )

    def figure(kind: str, **query: object) -> str:
        jaar_of = basisjaar if query.pop("basis", False) else year
        return link(f"/figuur/{kind}", jaar=jaar_of, **query, peildatum=shown)

    here: dict[str, object] = {"jaar": year, "basisjaar": basisjaar, "interventie": number}
    context = {
        "title": "Resultaat taakstellingen" + ("" if year is None else f" {year}"),
        "years": sorted(set(years) | ({year} if year else set())),
        "jaar": year,
        "basisjaar": basisjaar,
        "interventie": number if number is not None else wanted,
        "interventie_error": interventie_error,
        "found": found,
        "status": STATUS,
        "history": history,
        "figure": figure,
        "year_error": year_error,
        "reports": listed,
        "keep": {name: value for name, value in here.items() if value is not None},
        "peildatum_text": text,
        "peildatum_error": error,
        "basis_text": basis_text(basis.as_of),
        "basis": basis.to_json(),
    }
    status = 422 if error or year_error or interventie_error else 200
    return page(request, "taakstellingen_resultaat.html", viewer, context, status)


def _as_lineage(rows: list[RealisationLineageRow]) -> list[LineageRow]:
    """A realisation entry as the history page shows any event (its extra members left)."""
    return [
        {
            "position": row["position"],
            "event": row["event"],
            "subject": row["subject"],
            "delta": row["delta"],
            "running_total": row["running_total"],
            "decision": row["decision"],
            "actor": row["actor"],
            "period": row["period"],
            "known_at": row["known_at"],
            "recorded_at": row["recorded_at"],
            "import_id": row["import_id"],
            "mandate": row["mandate"],
            "authorised": row["authorised"],
            "problems": row["problems"],
            "source": row["source"],
            "backdated": row["backdated"],
            "backfill": row["backfill"],
        }
        for row in rows
    ]


@router.get("/figuur/taakstellingresultaat", response_class=HTMLResponse)
def achievement_history(
    request: Request,
    viewer: ReaderDep,
    jaar: NeededYear,
    deel: Part,
    basisjaar: BaseYear = BASE_YEAR,
    interventie: Interventie = None,
    referentie: Text = None,
    peildatum: Text = None,
) -> HTMLResponse:
    """Figuurhistorie of an achievement's target (`doel`: the taakstelling mutations) or of
    the realised lasten of its zoekgebied in the base year (`basis`) or the year
    (`realisatie`): GET /api/v1/taakstellingen/achievement/lineage."""
    of = (
        f"taakstelling {referentie}"
        if referentie
        else ("de opgave" if interventie is None else f"interventie {interventie}")
    )
    heading = {
        "doel": f"Doel {jaar} van {of}",
        "basis": f"Realisatie {basisjaar} van het zoekgebied van {of}",
        "realisatie": f"Realisatie {jaar} van het zoekgebied van {of}",
    }[deel]

    def lineage_of(conn: Connection, basis: Basis, grace: timedelta) -> list[LineageRow]:
        try:
            found: AchievementLineage | None = achievement.achievement_lineage(
                conn,
                basis,
                fiscal_year=jaar,
                base_year=basisjaar,
                interventie=interventie,
                reference=referentie,
                grace=grace,
            )
        except AchievementError:
            return []
        if found is None:
            return []
        if deel == "doel":
            return found["target"]["rows"]
        return _as_lineage(found["base" if deel == "basis" else "realised"]["rows"])

    shown = Figure(
        heading=heading,
        subject="Resultaat taakstellingen",
        back=link(
            PATH, jaar=jaar, basisjaar=basisjaar, interventie=interventie, peildatum=peildatum
        ),
        keep={
            "jaar": jaar,
            "basisjaar": basisjaar,
            "deel": deel,
            "interventie": interventie,
            "referentie": referentie,
        },
        lineage_of=lineage_of,
    )
    # The history page every figure of the workspace shares (budget_history).
    return budget_history._history(request, viewer, shown, peildatum)

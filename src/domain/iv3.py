"""The Iv3 model's economische categorieën and grey cells per fiscal year (ADR 0031).

The code lists ship as data in domain/iv3_definities/ (one JSON file per span of boekjaren
whose lists are identical), extracted from the CBS's definition files; each file names its
source files, their version and the commit. A fiscal year after the newest model uses the
newest (as the taakveld catalogue does); a year before the first has no model: no categorie
is valid in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from domain.errors import GreyCellError, UnknownCategorieError
from domain.values import LineKey

SIDES = ("lasten", "baten")


@dataclass(frozen=True)
class Iv3Side:
    """One side of the model: its categorieën (code -> name, in the model's order) and its
    grey cells (taakveld -> the categorieën it forbids)."""

    categorieen: dict[str, str]
    grijze_cellen: dict[str, frozenset[str]]

    def is_grey(self, taakveld: str, categorie: str) -> bool:
        return categorie in self.grijze_cellen.get(taakveld, frozenset())


@dataclass(frozen=True)
class Iv3Model:
    boekjaren: tuple[int, ...]
    source_files: tuple[str, ...]
    version: str
    commit: str
    sides: dict[str, Iv3Side]

    @property
    def source(self) -> str:
        """Where the lists come from, in one line (an export names it)."""
        return (
            f"CBS statistiekcbs/iv3_definities@{self.commit[:7]}"
            f" {', '.join(self.source_files)} ({self.version})"
        )


def _read(name: str) -> Iv3Model:
    body = json.loads(
        resources.files("domain").joinpath("iv3_definities", name).read_text(encoding="utf-8")
    )
    sides = {
        side: Iv3Side(
            dict(body[side]["categorieen"]),
            {tv: frozenset(cats) for tv, cats in body[side]["grijze_cellen"].items()},
        )
        for side in SIDES
    }
    source = body["bron"]
    return Iv3Model(
        tuple(body["boekjaren"]),
        tuple(source["bestanden"]),
        source["versie"],
        source["commit"],
        sides,
    )


@cache
def models() -> tuple[Iv3Model, ...]:
    """Every shipped model, oldest first."""
    folder = resources.files("domain").joinpath("iv3_definities")
    names = sorted(item.name for item in folder.iterdir() if item.name.endswith(".json"))
    return tuple(sorted((_read(name) for name in names), key=lambda model: model.boekjaren))


def model_for(fiscal_year: int) -> Iv3Model | None:
    """The model of that fiscal year, or None before the first."""
    found: Iv3Model | None = None
    for model in models():
        if model.boekjaren[0] <= fiscal_year:
            found = model
        if fiscal_year in model.boekjaren:
            return model
    return found


def check_categorie(code: str, fiscal_year: int, side: str) -> str:
    """Return the code if the model of that year knows it on that side, else raise."""
    model = model_for(fiscal_year)
    if model is None or code not in model.sides[side].categorieen:
        raise UnknownCategorieError(code, fiscal_year, side)
    return code


def check_cell(taakveld: str, code: str, fiscal_year: int, side: str) -> None:
    """Refuse a known categorie in a grey cell of its taakveld (the model forbids it)."""
    model = model_for(fiscal_year)
    if model is not None and model.sides[side].is_grey(taakveld, code):
        raise GreyCellError(taakveld, code, fiscal_year, side)


def check_key(key: LineKey) -> None:
    """A line's or realisation's categorie, if it has one: known in the model of its fiscal
    year on its side, and not in a grey cell of its taakveld (ADR 0031: refused when
    recorded, so a new fact never needs mending before an Iv3 export)."""
    if key.categorie is None:
        return
    check_categorie(key.categorie, key.fiscal_year, key.side.value)
    if key.taakveld is not None:
        check_cell(key.taakveld, key.categorie, key.fiscal_year, key.side.value)

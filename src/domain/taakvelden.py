"""The official taakveld catalogue per fiscal year (Regeling taakvelden, CBS iv3_definities).

Codes are valid only for the years of their catalogue version: 6.71 exists in 2019 and is
gone in 2023, when it was split into 6.71a-d. A line or taakstelling is checked against the
catalogue of its own fiscal year. Sources and versions: docs/domain.md, "Taakvelden".
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import UnknownTaakveldError

_COMMON: dict[str, str] = {
    "0.1": "Bestuur",
    "0.2": "Burgerzaken",
    "0.3": "Beheer overige gebouwen en gronden",
    "0.4": "Overhead",
    "0.5": "Treasury",
    "0.61": "OZB woningen",
    "0.62": "OZB niet-woningen",
    "0.63": "Parkeerbelasting",
    "0.64": "Belastingen overig",
    "0.7": "Algemene uitkering(en) en overige uitkeringen gemeentefonds",
    "0.8": "Overige baten en lasten",
    "0.9": "Vennootschapsbelasting (VpB)",
    "0.10": "Mutaties reserves",
    "0.11": "Resultaat van de rekening van baten en lasten",
    "1.1": "Crisisbeheersing en brandweer",
    "1.2": "Openbare orde en veiligheid",
    "2.1": "Verkeer en vervoer",
    "2.2": "Parkeren",
    "2.3": "Recreatieve havens",
    "2.4": "Economische havens en waterwegen",
    "2.5": "Openbaar vervoer",
    "3.1": "Economische ontwikkeling",
    "3.2": "Fysieke bedrijfsinfrastructuur",
    "3.3": "Bedrijvenloket en bedrijfsregelingen",
    "3.4": "Economische promotie",
    "4.1": "Openbaar basisonderwijs",
    "4.2": "Onderwijshuisvesting",
    "4.3": "Onderwijsbeleid en leerlingzaken",
    "5.1": "Sportbeleid en activering",
    "5.2": "Sportaccommodaties",
    "5.3": "Cultuurpresentatie, cultuurproductie en cultuurparticipatie",
    "5.4": "Musea",
    "5.5": "Cultureel erfgoed",
    "5.6": "Media",
    "5.7": "Openbaar groen en (openlucht) recreatie",
    "6.1": "Samenkracht en burgerparticipatie",
    "6.3": "Inkomensregelingen",
    "6.5": "Arbeidsparticipatie",
    "7.1": "Volksgezondheid",
    "7.2": "Riolering",
    "7.3": "Afval",
    "7.4": "Milieubeheer",
    "7.5": "Begraafplaatsen en crematoria",
    "8.1": "Ruimtelijke ordening",
    "8.2": "Grondexploitatie (niet-bedrijventerreinen)",
    "8.3": "Wonen en bouwen",
}

_SOCIAAL_2017: dict[str, str] = {
    "6.2": "Wijkteams",
    "6.4": "Begeleide participatie",
    "6.6": "Maatwerkvoorzieningen (WMO)",
    "6.71": "Maatwerkdienstverlening 18+",
    "6.72": "Maatwerkdienstverlening 18-",
    "6.81": "Geëscaleerde zorg 18+",
    "6.82": "Geëscaleerde zorg 18-",
}

_SOCIAAL_2023: dict[str, str] = {
    "6.2": "Toegang en eerstelijnsvoorzieningen",
    "6.4": "WSW en beschut werk",
    "6.6": "Maatwerkvoorzieningen (WMO)",
    "6.71a": "Huishoudelijke hulp (WMO)",
    "6.71b": "Begeleiding (WMO)",
    "6.71c": "Dagbesteding (WMO)",
    "6.71d": "Overige maatwerkarrangementen (WMO)",
    "6.72a": "Jeugdhulp begeleiding",
    "6.72b": "Jeugdhulp behandeling",
    "6.72c": "Jeugdhulp dagbesteding",
    "6.72d": "Jeugdhulp zonder verblijf overig",
    "6.73a": "Pleegzorg",
    "6.73b": "Gezinsgericht",
    "6.73c": "Jeugdhulp met verblijf overig",
    "6.74a": "Jeugd(hulp) behandeling GGZ zonder verblijf",
    "6.74b": "Jeugdhulp crisis/LTA/GGZ-verblijf",
    "6.74c": "Gesloten plaatsing",
    "6.81a": "Beschermd wonen (WMO)",
    "6.81b": "Maatschappelijke- en vrouwenopvang (WMO)",
    "6.82a": "Jeugdbescherming",
    "6.82b": "Jeugdreclassering",
}

_SOCIAAL_2025: dict[str, str] = {
    "6.21": "Toegang en eerstelijnsvoorzieningen WMO",
    "6.22": "Toegang en eerstelijnsvoorzieningen Jeugd",
    "6.23": "Toegang en eerstelijnsvoorzieningen Integraal",
    "6.4": "WSW en beschut werk",
    "6.60": "Hulpmiddelen en diensten (WMO)",
    "6.711": "Huishoudelijke hulp (WMO)",
    "6.712": "Begeleiding (WMO)",
    "6.713": "Dagbesteding (WMO)",
    "6.714": "Overige maatwerkarrangementen (WMO)",
    "6.751": "Jeugdhulp ambulant lokaal",
    "6.752": "Jeugdhulp ambulant regionaal",
    "6.753": "Jeugdhulp ambulant landelijk",
    "6.761": "Jeugdhulp met verblijf lokaal",
    "6.762": "Jeugdhulp met verblijf regionaal",
    "6.763": "Jeugdhulp met verblijf landelijk",
    "6.791": "PGB WMO",
    "6.792": "PGB Jeugd",
    "6.811": "Beschermd wonen",
    "6.812": "Maatschappelijke- en vrouwenopvang",
    "6.821": "Jeugdbescherming",
    "6.822": "Jeugdreclassering",
    "6.91": "Coördinatie en beleid WMO",
    "6.92": "Coördinatie en beleid Jeugd",
}


@dataclass(frozen=True)
class CatalogueVersion:
    first_year: int
    last_year: int | None
    taakvelden: dict[str, str]


CATALOGUE: tuple[CatalogueVersion, ...] = (
    CatalogueVersion(2017, 2022, {**_COMMON, **_SOCIAAL_2017}),
    CatalogueVersion(2023, 2024, {**_COMMON, **_SOCIAAL_2023}),
    CatalogueVersion(2025, None, {**_COMMON, **_SOCIAAL_2025}),
)


def catalogue_for(fiscal_year: int) -> dict[str, str]:
    for version in CATALOGUE:
        if version.first_year <= fiscal_year and (
            version.last_year is None or fiscal_year <= version.last_year
        ):
            return version.taakvelden
    return {}


def check_taakveld(code: str, fiscal_year: int) -> str:
    """Return the code if it exists in that fiscal year's catalogue, else raise."""
    if code not in catalogue_for(fiscal_year):
        raise UnknownTaakveldError(code, fiscal_year)
    return code


def taakveld_name(code: str, fiscal_year: int) -> str | None:
    return catalogue_for(fiscal_year).get(code)

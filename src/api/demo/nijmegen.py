"""The events behind the Nijmegen seeds, recorded through the application's own commands.

[S1] Interventieplan fase 4 (raad, 8 May 2019); [S2] Voortgangsrapportage Q4 2019.
Amounts are exact euros: the seeds' "x € 1.000" figures times 1,000 (README.md, A1).
Every command has a deterministic id, so loading twice records nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from types import TracebackType
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from domain.application import Begroting, Context, Recorded
from domain.decision import DecisionStatus, MandateScope
from domain.errors import DuplicateError
from domain.events import BEGROTING_NAMESPACE, Bestuursorgaan, DecisionKind, MutationKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.reserve import ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Period, YearAmounts

IMPORT_ID = "nijmegen-demo-v1"
ACTOR = "import:nijmegen-demo"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
S1 = "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019)"
S2 = "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4)"
WWZ = "Welzijn, Wijkontwikkeling en Zorg"
SOCIALE_STAD = "Opgave Sociale Stad"  # A4: the seeds name no programma per deelproduct
FUND = "transformatiebudget"
SALDIRESERVE = "F022"
RESERVE_WMO_JEUGD = "F058"


def day(text: str) -> datetime:
    """A fact dated by day is taken as known at noon, Amsterdam time (README.md, A2)."""
    return datetime.combine(date.fromisoformat(text), time(12), AMSTERDAM)


def k(thousands: int) -> Money:
    return Money.thousands(thousands)


# Decisions: reference, title, body, kind, adopted on, period (README.md, A3 for dates).
IVP2 = "raad-2018-03-interventieplan-fase-2"
STADSBEGROTING_2019 = "raad-2018-11-stadsbegroting-2019-2022"
AMENDEMENT_CAZ = "raad-2018-11-amendement-caz-2019"
INTERVENTIEPLAN_4 = "raad-2019-05-08-interventieplan-fase-4"
MANDAAT = "raad-2019-05-08-mandaat-transformatiebudget"
ZOMERNOTA_2019 = "raad-2019-07-zomernota-2019"
SLOTWIJZIGING_2019 = "raad-2019-12-nota-slotwijzigingen-2019"

DECISIONS: list[tuple[str, str, DecisionKind, str, Period, str]] = [
    (
        IVP2,
        "Interventieplan fase 2 (maatregelen 2018)",
        DecisionKind.BELEIDSNOTA,
        "2018-03-07",
        Period(2018, 2022),
        f"{S1}, §4.3",
    ),
    (
        STADSBEGROTING_2019,
        "Stadsbegroting 2019-2022 (coalitieakkoord Samen Vooruit)",
        DecisionKind.BEGROTING,
        "2018-11-07",
        Period(2019, 2022),
        f"{S1}, §5.3 and §6.2",
    ),
    (
        AMENDEMENT_CAZ,
        "Taakstelling CAZ-premie 2019 ongedaan, gedekt uit BUIG-meevallers",
        DecisionKind.AMENDEMENT,
        "2018-11-07",
        Period.year(2019),
        f"{S1}, §5.3",
    ),
    (
        INTERVENTIEPLAN_4,
        "Interventieplan fase 4 – Opgave Sociale Stad",
        DecisionKind.BELEIDSNOTA,
        "2019-05-08",
        Period(2019, 2022),
        f"{S2}, inleiding",
    ),
    (
        ZOMERNOTA_2019,
        "Zomernota 2019",
        DecisionKind.ZOMERNOTA,
        "2019-07-10",
        Period.year(2019),
        f"{S2}, financieel beeld Jeugd",
    ),
    (
        SLOTWIJZIGING_2019,
        "Nota Slotwijzigingen 2019",
        DecisionKind.SLOTWIJZIGING,
        "2019-12-18",
        Period(2019, 2020),
        f"{S2}, uitputting transformatiebudget",
    ),
]

# Taakstellingen of tables 5.1-5.11: reference, label, interventie, taakveld, origin,
# base deelproducten (the "relatief t.o.v. realisatie 2017" base), amounts in thousands.
IVP2_TAAKSTELLINGEN: list[tuple[str, str, int, str, str, tuple[str, ...], dict[int, int]]] = [
    (
        "ivp2-2.1-collectieve-voorzieningen",
        "Beschikbaarheid van en toeleiding naar collectieve voorzieningen (IVP-2: 2.1)",
        1,
        "6.71",
        "IVP-2 2.1",
        ("61296",),
        {2018: 20, 2019: 40, 2020: 40, 2021: 40, 2022: 40},
    ),
    (
        "ivp2-kwartaalgesprekken-wijkteams-wmo",
        "Kwartaalgesprekken wijkteams (IVP-2: 2.4)",
        2,
        "6.71",
        "IVP-2 2.4 (tabel 5.2; 2.5 in tabel 6.1)",
        ("61296",),
        dict.fromkeys(range(2018, 2023), 2800),
    ),
    (
        "ivp2-kantelgesprekken-pgb-hbh",
        "Kantelgesprekken PGB Hulp bij Huishouden (IVP-2: 2.1)",
        2,
        "6.71",
        "IVP-2 2.1 (2.5 in tabel 4.1)",
        ("61301",),
        dict.fromkeys(range(2018, 2023), 100),
    ),
    (
        "ivp2-1.5-tweedelijns-jeugdhulp-onderwijs",
        "Inzet tweedelijns jeugdhulp in primair en speciaal onderwijs (IVP-2)",
        4,
        "6.72",
        "IVP-2 1.5",
        ("61290",),
        dict.fromkeys(range(2018, 2023), 250),
    ),
    (
        "ivp2-1.6-kwartaalgesprekken-wijkteams-jeugd",
        "Kwartaalgesprekken wijkteams (IVP-2 - 1.6)",
        5,
        "6.72",
        "IVP-2 1.6",
        ("61290",),
        dict.fromkeys(range(2018, 2023), 650),
    ),
    (
        "ivp2-1.3-transformatie-jeugd-lvb",
        "Transformatie Jeugd-LVB (IVP-2 - 1.3)",
        5,
        "6.72",
        "IVP-2 1.3",
        ("61290",),
        dict.fromkeys(range(2018, 2023), 250),
    ),
    (
        "ivp2-1.4-poortwachter-dyslexie",
        "Poortwachtersfunctie Dyslexie (IVP-2 - 1.4)",
        5,
        "6.72",
        "IVP-2 1.4",
        ("61290",),
        dict.fromkeys(range(2018, 2023), 100),
    ),
    (
        "ivp2-1.1-jeugd-ggz",
        "Jeugd GGZ (IVP-2; als vroeginterventie huis- en jeugdarts 1.1)",
        5,
        "6.72",
        "IVP-2 1.1",
        ("61290",),
        dict.fromkeys(range(2018, 2023), 280),
    ),
    (
        "ivp2-1.2-casusoverleg-jeugdzorg-verblijf",
        "Casusoverleg Jeugdzorg met verblijf (IVP-2 - 1.2)",
        6,
        "6.82",
        "IVP-2 1.2 (2.2 in tabel 6.1)",
        ("61295",),
        dict.fromkeys(range(2018, 2023), 400),
    ),
]

CA_TAAKSTELLINGEN: list[tuple[str, str, int, str, str, tuple[str, ...], dict[int, int]]] = [
    (
        "ca-aanvullende-efficiencyslag",
        "Aanvullende efficiëncyslag keten zorg en welzijn (CA)",
        2,
        "6.2",
        "CA",
        ("61307",),
        dict.fromkeys(range(2019, 2023), 300),
    ),
    (
        "ca-premie-caz",
        "Premiebijdrage Collectieve Aanvullende Ziektekostenverzekeringen (CA)",
        3,
        "6.3",
        "CA",
        ("60132",),
        dict.fromkeys(range(2019, 2023), 790),
    ),
    (
        "ca-bijzondere-bijstand-tweedehands",
        "Vergoeding Bijzondere Bijstand obv tweedehandsgoederen (CA)",
        3,
        "6.3",
        "CA",
        ("60132",),
        dict.fromkeys(range(2020, 2023), 500),
    ),
    (
        "ca-meerwerk-werkbedrijf",
        "Bezuiniging op Meerwerk (o.a. Werkbedrijf) (CA)",
        3,
        "6.5",
        "CA",
        ("61096",),
        {2020: 750, 2021: 1200, 2022: 1200},
    ),
    (
        "ca-preventie-kinderen-jongeren",
        "Preventie kinderen en jongeren (CA)",
        4,
        "6.72",
        "CA",
        ("61287", "61288", "60595", "61117", "60594"),
        {2021: 400, 2022: 400},
    ),
    (
        "ca-transformatie-jeugdhulp-verblijf",
        "Transformatie Jeugdhulp met verblijf (CA)",
        6,
        "6.82",
        "CA",
        ("61295",),
        {2019: 500, 2020: 1000, 2021: 1500, 2022: 2000},
    ),
    (
        "ca-medische-heroine",
        "Medische Heroïne Behandeling afbouwen (CA)",
        7,
        "6.81",
        "CA",
        ("61220",),
        dict.fromkeys(range(2020, 2023), 232),
    ),
    (
        "ca-rente-voorschotten",
        "Rente over voorschotten (CA)",
        7,
        "6.81",
        "CA",
        ("61310",),
        dict.fromkeys(range(2019, 2023), 100),
    ),
    (
        "ca-doorbraakaanpak",
        "Doorbraakaanpak (CA)",
        8,
        "6.72",
        "CA",
        ("61099", "61296", "61290"),
        {2019: 300, 2020: 500, 2021: 750, 2022: 1000},
    ),
    (
        "ca-hervormen-keten",
        "Hervormen Keten Zorg & Welzijn (CA)",
        9,
        "6.71",
        "CA",
        ("61296", "61290", "61307", "61292", "61287"),
        {2021: 1000, 2022: 2000},
    ),
    (
        "ca-taakstellende-besparing-zorg-welzijn",
        "Taakstellende besparing Zorg en Welzijn",
        11,
        "6.71",
        "CA",
        (),
        {2020: 1000, 2021: 1500, 2022: 2000},
    ),
]

RISK = (
    "risico-verdeelmodel-beschermd-wonen",
    "Voorzien effect objectief verdeelmodel beschermd wonen, maatschappelijke opvang en "
    "Wmo 2015 begeleiding",
    7,
    "6.81",
    "BZK voorlopige verdeling",
    ("61310",),
    {2021: 13639, 2022: 13639},
)

# Realisatie stadsrekening per deelproduct, in thousands: code, name, 2017, 2018.
DEELPRODUCTEN: list[tuple[str, str, int, int]] = [
    ("61296", "Ambulante trajecten volwassenen", 16664, 11561),
    ("61301", "PGB Maatwerkvoorzieningen", 3749, 3072),
    ("61307", "Sociale wijkteams (product Welzijn)", 6923, 7724),
    ("61292", "Sociale wijkteams (product Jeugd)", 703, 774),
    ("60132", "Bijzondere Bijstand", 17853, 17276),
    ("60131", "Wet Werk en Bijstand", 111747, 110638),
    ("61096", "Participatie", 11979, 12954),
    ("61287", "Preventief jeugdbeleid", 2956, 4621),
    ("61288", "Zorgstructuur Onderwijs en voorschool", 2388, 2366),
    ("60595", "Onderwijs Achterstandenbeleid", 4262, 4234),
    ("61117", "Kinderopvang", 666, 346),
    ("60594", "Bestrijden voortijdig schoolverlaten", 3619, 3609),
    ("61290", "Dagbesteding en ambulante trajecten Jeugd", 18928, 23582),
    ("61295", "Verblijf Jeugd", 16802, 12161),
    ("61310", "Beschermd Wonen GGZ", 43725, 48347),
    ("61220", "Verslavingsbeleid", 1506, 1519),
    ("61099", "Schuldhulp en preventie", 3168, 3032),
]
DEELPRODUCT_NAMES = {code: name for code, name, _, _ in DEELPRODUCTEN}

# Tabel 7.2: interventie, label, taakveld, thousands per year 2019, 2020, 2021.
TRANSFORMATIEBUDGET: list[tuple[int, str, str | None, tuple[int, int, int]]] = [
    (1, "Welzijn, vrijwilligers, leefbare wijken gericht versterken", "6.1", (25, 25, 0)),
    (2, "Wijkaanpak sociaal domein", "6.71", (309, 101, 0)),
    (3, "Inkomen, werk, schulden", None, (0, 0, 0)),
    (4, "Sterke basis kinderen en jongeren", "6.1", (150, 0, 0)),
    (5, "Verminderen gebruik ambulante Jeugdzorg", "6.72", (190, 175, 0)),
    (6, "Jeugdzorg met verblijf", "6.82", (0, 0, 0)),
    (7, "Ombouw Beschermd Wonen en maatschappelijke opvang", "6.81", (0, 0, 0)),
    (
        8,
        "Doorbraakaanpak",
        "6.82",
        (400, 140, 0),
    ),  # A6: tabel 7.2 gives Geëscaleerde zorg 18- (6.82); tabel 6.1 gives 6.72
    (9, "Stelselwijziging", "6.71", (25, 70, 40)),
    (10, "Datagestuurd werken in het sociaal domein", "6.71", (125, 125, 100)),
]
TAAKVELD = {interventie: taakveld for interventie, _, taakveld, _ in TRANSFORMATIEBUDGET}

# Figuur 1 of [S2]: spending 2019 and the carry-over to 2020 (thousands).
SPENDING_2019 = {2: 290, 4: 70, 5: 123, 8: 334, 9: 25, 10: 125}
CARRY_OVER_2019 = {1: 25, 2: 18, 4: 80, 5: 67, 8: 66}  # A5: interventie 2 carries 18, not 19

FIGUUR_1_LABELS = {
    1: "Welzijn, vrijwilligers, leefbare wijken gericht versterken",
    2: "Wijkaanpak sociaal domein",
    3: "Inkomen, werk, schulden",
    4: "Sterke basis kinderen en jongeren",
    5: "Verminderen gebruik ambulante Jeugdzorg",
    6: "Jeugdzorg met verblijf*",
    7: "Ombouw Beschermd Wonen en maatschappelijke opvang",
    8: "Doorbraakaanpak",
    9: "Stelselwijziging",
    10: "Datagestuurd werken i/h sociaal domein",
}


def fund_line(year: int, interventie: int) -> LineKey:
    return LineKey(year, WWZ, TAAKVELD[interventie], interventie=interventie, fund=FUND)


def tabel_6_1() -> TableSpec:
    years = (2019, 2020, 2021, 2022)
    rows = (
        RowSpec(
            1,
            "Welzijn, vrijwilligers, leefbare wijken gericht versterken (IVP-2)",
            ("ivp2-2.1-collectieve-voorzieningen",),
        ),
        RowSpec(2, "Kwartaalgesprekken (IVP-2 - 2.5)", ("ivp2-kwartaalgesprekken-wijkteams-wmo",)),
        RowSpec(
            2,
            "Kantelgesprekken PGB Hulp bij Huishouden (IVP-2: 2.1)",
            ("ivp2-kantelgesprekken-pgb-hbh",),
        ),
        RowSpec(
            2,
            "Aanvullende efficiëncyslag keten zorg en welzijn (CA)",
            ("ca-aanvullende-efficiencyslag",),
        ),
        RowSpec(
            3,
            "Premiebijdrage Collectieve Aanvullende Ziektekostenverzekeringen (CA)",
            ("ca-premie-caz",),
        ),
        RowSpec(
            3,
            "Vergoeding Bijzondere Bijstand obv tweedehandsgoederen (CA)",
            ("ca-bijzondere-bijstand-tweedehands",),
        ),
        RowSpec(3, "Bezuiniging op Meerwerk (o.a. WerkBedrijf) (CA)", ("ca-meerwerk-werkbedrijf",)),
        RowSpec(4, "Sterke basis kinderen en jongeren"),
        RowSpec(5, "Verminderen gebruik ambulante Jeugdzorg (IVP-2)"),
        RowSpec(6, "Jeugdzorg met verblijf (IVP-2: 2.2 en CA)"),
        RowSpec(7, "Risico nieuw verdeelmodel", ("risico-verdeelmodel-beschermd-wonen",)),
        RowSpec(7, "Medische Heroïne afbouwen (CA)", ("ca-medische-heroine",)),
        RowSpec(7, "Rente over voorschotten", ("ca-rente-voorschotten",)),
        RowSpec(8, "Doorbraakaanpak (CA)"),
        RowSpec(9, "Stelselwijziging (CA)"),
        RowSpec(10, "Datagestuurd werken in het sociaal domein"),
        RowSpec(11, "Taakstellende besparing Zorg en Welzijn"),
    )
    return TableSpec(
        id="tabel-6.1",
        title="Overzicht taakstellingen/opgaven",
        unit="EUR_1000",
        fund=None,
        columns=tuple(ColumnSpec(str(y), Measure.TAAKSTELLING, y) for y in years),
        rows=rows,
        totals=(
            TotalSpec("Totaal besparingsopgave (exclusief risico nieuw verdeelmodel)", False),
            TotalSpec("Totaal besparingsopgave (inclusief risico nieuw verdeelmodel)", True),
        ),
    )


def tabel_7_2() -> TableSpec:
    return TableSpec(
        id="tabel-7.2",
        title="Beroep op het transformatiebudget",
        unit="EUR_1000",
        fund=FUND,
        columns=tuple(ColumnSpec(str(y), Measure.BUDGET, y) for y in (2019, 2020, 2021)),
        rows=tuple(RowSpec(i, f"{i}. {label}") for i, label, _, _ in TRANSFORMATIEBUDGET),
        totals=(TotalSpec("Totaal beroep op transformatiebudget"),),
    )


def figuur_1() -> TableSpec:
    return TableSpec(
        id="figuur-1",
        title="Transformatiebudget",
        unit="EUR_1000",
        fund=FUND,
        columns=(
            ColumnSpec("uitgaven-2019", Measure.REALISATION, 2019),
            ColumnSpec("beschikbaar-2020", Measure.BUDGET, 2020),
            ColumnSpec("beschikbaar-2021", Measure.BUDGET, 2021),
        ),
        rows=tuple(RowSpec(i, f"{i}. {label}") for i, label in FIGUUR_1_LABELS.items()),
        totals=(TotalSpec("Totaal"),),
    )


@dataclass
class LoadResult:
    recorded: int = 0
    skipped: int = 0


class _Step:
    """One command of the history. Its mutation id derives from the step's name; a command
    that was already recorded raises DuplicateError and is skipped, so loading is idempotent."""

    def __init__(self, result: LoadResult, name: str) -> None:
        self.result = result
        self.mutation_id = uuid5(BEGROTING_NAMESPACE, f"{IMPORT_ID}:{name}")

    def __enter__(self) -> UUID:
        return self.mutation_id

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if error is None:
            self.result.recorded += 1
            return False
        if isinstance(error, DuplicateError):
            self.result.skipped += 1
            return True
        return False


def ctx(known: str, source: str) -> Context:
    return Context(actor=ACTOR, known_at=day(known), source=source, import_id=IMPORT_ID)


def load(app: Begroting) -> LoadResult:
    result = LoadResult()

    def step(name: str) -> _Step:
        return _Step(result, name)

    for reference, title, kind, adopted, period, source in DECISIONS:
        with step(f"propose:{reference}"):
            app.propose_decision(
                ctx(adopted, source),
                reference=reference,
                title=title,
                body=Bestuursorgaan.RAAD,
                kind=kind,
                period=period,
            )
        with step(f"adopt:{reference}"):
            _adopt_once(app, ctx(adopted, source), reference)
    with step(f"propose:{MANDAAT}"):
        app.propose_decision(
            ctx("2019-05-08", f"{S1}, §6.2"),
            reference=MANDAAT,
            body=Bestuursorgaan.RAAD,
            title="College mag transformatiebudget tussen interventies schuiven en onbenut "
            "budget via de bestemmingsreserve Wmo-Jeugd naar een volgend jaar overhevelen",
            kind=DecisionKind.MANDATE,
            period=Period(2019, 2021),
            mandate_scope=MandateScope(
                (MutationKind.TRANSFER, MutationKind.CARRY_OVER), FUND, Period(2019, 2021)
            ),
        )
    with step(f"adopt:{MANDAAT}"):
        _adopt_once(app, ctx("2019-05-08", f"{S1}, §6.2"), MANDAAT)

    # Reserves: the saldireserve holds the €2m earmark; Wmo-Jeugd carries unspent budget.
    with step("reserve:F022"):
        app.establish_reserve(
            ctx("2018-11-07", "Stadsrekening 2018, toelichting passiva (F022 Saldireserve)"),
            code=SALDIRESERVE,
            name="Saldireserve",
            kind=ReserveKind.ALGEMEEN,
            purpose="Algemene reserve, bedoeld om risico's op te vangen",
            fiscal_year=2018,
        )
    with step("reserve:F058"):
        app.establish_reserve(
            ctx("2018-11-07", "Stadsrekening 2018, toelichting passiva (F058)"),
            code=RESERVE_WMO_JEUGD,
            name="Bestemmingsreserve Wmo-Jeugd",
            kind=ReserveKind.BESTEMMING,
            purpose="Transformatie Wmo en Jeugd",
            fiscal_year=2018,
        )
    with step("earmark:transformatiebudget") as mutation:
        app.deposit_to_reserve(
            ctx("2018-11-07", f"{S1}, §6.2: € 2 miljoen geoormerkt in de Saldireserve"),
            code=SALDIRESERVE,
            fiscal_year=2019,
            amount=k(2000),
            earmark=FUND,
            decision=STADSBEGROTING_2019,
            mutation_id=mutation,
        )

    # Realisations per deelproduct, stadsrekening 2017 and 2018 (README.md A3 for the dates).
    for code, name, r2017, r2018 in DEELPRODUCTEN:
        for year, amount, known in ((2017, r2017, "2018-04-17"), (2018, r2018, "2019-04-16")):
            with step(f"realisatie:{code}:{year}"):
                app.report_realisation(
                    ctx(
                        known,
                        f"Stadsrekening {year}, deelproduct {code} {name} ({S1}, tabellen 5.x)",
                    ),
                    key=LineKey(year, SOCIALE_STAD, None, deelproduct=code),
                    amount=k(amount),
                    status=RealisationStatus.DEFINITIEF,
                )

    # Taakstellingen: IVP-2 (March 2018), coalitieakkoord via the stadsbegroting (Nov 2018).
    for specs, decision, known, origin_document in (
        (IVP2_TAAKSTELLINGEN, IVP2, "2018-03-07", "Interventieplan fase 2"),
        (CA_TAAKSTELLINGEN, STADSBEGROTING_2019, "2018-11-07", "Coalitieakkoord 2018-2022"),
    ):
        for ref, label, interventie, taakveld, origin, base, amounts in specs:
            with step(f"taakstelling:{ref}"):
                app.impose_taakstelling(
                    ctx(known, f"{origin_document}; {S1}, tabel 5.{interventie} en 6.1"),
                    reference=ref,
                    label=label,
                    interventie=interventie,
                    programma="Werk en Inkomen" if interventie == 3 else WWZ,
                    taakveld=taakveld,
                    kind=TaakstellingKind.TARGET,
                    origin=origin,
                    amounts=YearAmounts.of({y: k(v) for y, v in amounts.items()}),
                    base_deelproducten=base,
                    decision=decision,
                )
    ref, label, interventie, taakveld, origin, base, amounts = RISK
    with step(f"taakstelling:{ref}"):
        app.impose_taakstelling(
            ctx(
                "2019-03-06",
                f"BZK, voorlopige verdeling beschermd wonen (6 maart 2019); "
                f"{S1}, tabel 5.7 en 6.1, voetnoot 9: geen taakstelling",
            ),
            reference=ref,
            label=label,
            interventie=interventie,
            programma=WWZ,
            taakveld=taakveld,
            kind=TaakstellingKind.RISK,
            origin=origin,
            amounts=YearAmounts.of({y: k(v) for y, v in amounts.items()}),
            base_deelproducten=base,
        )
    with step("cancel:ca-premie-caz:2019") as mutation:
        app.cancel_taakstelling_year(
            ctx("2018-11-07", f"{S1}, §5.3"),
            reference="ca-premie-caz",
            fiscal_year=2019,
            coverage="Meevallende ontvangsten BUIG",
            decision=AMENDEMENT_CAZ,
            mutation_id=mutation,
        )
    for year in (2019, 2020):
        with step(f"verleggen:efficiencyslag:{year}") as mutation:
            app.shift_taakstelling(
                ctx("2019-05-08", f"{S1}, §5.2"),
                source="ca-aanvullende-efficiencyslag",
                target="ivp2-kwartaalgesprekken-wijkteams-wmo",
                fiscal_year=year,
                amount=k(300),
                decision=INTERVENTIEPLAN_4,
                mutation_id=mutation,
            )

    # Tabel 7.2: the earmark comes out of the saldireserve onto the interventies' lines.
    allocations = {
        fund_line(year, interventie): k(amount)
        for interventie, _, _, amounts_per_year in TRANSFORMATIEBUDGET
        for year, amount in zip((2019, 2020, 2021), amounts_per_year, strict=True)
        if amount
    }
    with step("allocate:transformatiebudget") as mutation:
        app.allocate_from_reserve(
            ctx("2019-05-08", f"{S1}, §6.2 en tabel 7.2"),
            code=SALDIRESERVE,
            earmark=FUND,
            allocations=allocations,
            decision=INTERVENTIEPLAN_4,
            mutation_id=mutation,
        )

    with step("zomernota-2019:jeugd") as mutation:
        app.amend_budget(
            ctx("2019-07-10", f"{S2}, financieel beeld Jeugd: € 2,3 miljoen extra Rijksmiddelen"),
            key=LineKey(2019, WWZ, "6.72"),
            delta=k(2300),
            decision=ZOMERNOTA_2019,
            mutation_id=mutation,
        )

    for interventie, amount in CARRY_OVER_2019.items():
        with step(f"overheveling:2019:{interventie}") as mutation:
            app.carry_over_budget(
                ctx("2019-12-18", f"{S2}, uitputting transformatiebudget (Figuur 1)"),
                source=fund_line(2019, interventie),
                target=fund_line(2020, interventie),
                amount=k(amount),
                reserve=RESERVE_WMO_JEUGD,
                decision=SLOTWIJZIGING_2019,
                mutation_id=mutation,
            )

    for interventie, amount in SPENDING_2019.items():
        with step(f"uitgaven:2019:{interventie}"):
            app.report_realisation(
                ctx("2020-06-03", f"{S2}, Figuur 1 (uitgaven 2019)"),
                key=fund_line(2019, interventie),
                amount=k(amount),
                status=RealisationStatus.VOORLOPIG,
            )

    with step("report:interventieplan-fase-4"):
        app.publish_report(
            ctx("2019-05-08", S1),
            report_id="interventieplan-fase-4",
            title="Interventieplan fase 4 – Opgave Sociale Stad",
            published_at=day("2019-05-08"),
            knowledge_cutoff=day("2019-05-08"),
            tables=(tabel_6_1(), tabel_7_2()),
            period=Period(2019, 2022),
            decision=INTERVENTIEPLAN_4,
        )
    with step("report:voortgangsrapportage-2019-q4"):
        app.publish_report(
            ctx("2020-06-03", S2),
            report_id="voortgangsrapportage-2019-q4",
            title="Voortgangsrapportage Interventieplan 2019 Q4",
            published_at=day("2020-06-03"),
            knowledge_cutoff=day("2020-06-03"),
            tables=(figuur_1(),),
            period=Period(2019, 2021),
        )
    return result


def _adopt_once(app: Begroting, context: Context, reference: str) -> Recorded:
    decision = app.find_decision(reference)
    if decision is not None and decision.status is not DecisionStatus.PROPOSED:
        raise DuplicateError(f"decision {reference!r} is already {decision.status.value}")
    return app.adopt_decision(context, reference=reference)

"""A synthetic municipality's budget history, seeded and reproducible, recorded through the
application's own commands, so every event is one the product would record.

Its shape follows the P&C cycle of the Nijmegen seeds, scaled up: per fiscal year the raad
adopts the begroting (every line established) and a mandate for the college; the college
shifts budget between interventies each quarter under that mandate; the zomernota, the
najaarsnota and the slotwijziging amend lines; unspent budget of some lines is carried over
to the next year through a bestemmingsreserve; taakstellingen are imposed and adjusted;
every line's realisation is reported per quarter, first provisionally, corrected as the
months' invoices come in and made definitive after the year; the jaarrekening closes the
year; a progress report is published every quarter.

The history is a go-live load: every fact carries the moment it was known in its own year,
and is recorded "now" by a clock that advances a millisecond per command.

Many municipalities: each `municipality` name gives its own seed and its own names (funds,
deelproducten, decisions, taakstellingen, reserve, reports), so their histories are
disjoint. Begroting is one ledger per municipality (fiscal years close for the whole
ledger), so each municipality's history goes into a database or schema of its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from domain.application import Begroting, Context
from domain.decision import MandateScope
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.reserve import ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.taakvelden import catalogue_for
from domain.values import LineKey, Period, YearAmounts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ACTOR = "import:synthetic"
FIRST_YEAR = 2019
PROGRAMMAS = (
    "Bestuur",
    "Veiligheid",
    "Economie",
    "Onderwijs",
    "Sport en cultuur",
    "Sociaal domein",
    "Volksgezondheid en milieu",
    "Wonen en ruimte",
)
FUNDS = ("transformatiebudget", "wijkbudget", None, None)  # half the lines have no fund
INTERVENTIES = 12
RESERVE = "BR-SYNTH"
# Events a line costs per year: 1 establishment, 4 quarters x (1 report + 2 corrections),
# 1 definitive figure, ~0.3 amendments, ~0.15 transfers x 2, ~0.1 carry-over x 2.
EVENTS_PER_LINE_YEAR = 15


class SyntheticClock:
    """Recorded-at: starts at go-live and advances a millisecond per reading."""

    def __init__(self, start: datetime = datetime(2026, 12, 1, 8, tzinfo=UTC)) -> None:
        self._now = start

    def __call__(self) -> datetime:
        self._now += timedelta(milliseconds=1)
        return self._now


@dataclass(frozen=True)
class Shape:
    """How big: fiscal years times budget lines per year."""

    years: int
    lines: int

    @classmethod
    def for_events(cls, events: int) -> Shape:
        years = 2 if events <= 20_000 else 4 if events <= 200_000 else 6
        return cls(years=years, lines=max(8, events // (years * EVENTS_PER_LINE_YEAR)))


def moment(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), AMSTERDAM)


def share(money: Money, percent: int) -> Money:
    """`percent` of an amount, rounded down to the cent."""
    return Money((money.amount * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


@dataclass
class Generator:
    app: Begroting
    shape: Shape
    seed: int = 20261201
    municipality: str = ""  # a name prefix; "" for the one municipality of a ledger
    on_command: Callable[[], None] = lambda: None  # a hook for the benchmark's latencies
    rng: random.Random = field(init=False)
    keys: dict[int, list[LineKey]] = field(default_factory=dict, init=False)
    budget: dict[LineKey, Money] = field(default_factory=dict, init=False)
    figures: dict[LineKey, Money] = field(default_factory=dict, init=False)  # Q4, last known

    def __post_init__(self) -> None:
        self.rng = random.Random(
            f"{self.seed}-{self.municipality}" if self.municipality else self.seed
        )
        self.reserve = self.named(RESERVE)
        self.funds = tuple(self.named(fund) if fund else None for fund in FUNDS)

    def named(self, name: str) -> str:
        """A name of this municipality's own."""
        return f"{self.municipality}-{name}" if self.municipality else name

    def ctx(self, known: datetime, source: str | None = None) -> Context:
        return Context(actor=ACTOR, known_at=known, source=source, import_id="synthetic")

    def run(self) -> None:
        for _ in self.commands():
            self.on_command()

    def commands(self) -> Iterator[int]:
        """Record the history; yield the fiscal year after each command (a benchmark times
        each step, and may record the last year otherwise than the years before it).
        Year T+1's begroting is adopted in November of T, before T's slotwijziging carries
        budget over into it, and T's jaarrekening closes T in June of T+1."""
        for _ in self._reserve():
            yield FIRST_YEAR
        for _ in self._begroting(FIRST_YEAR):
            yield FIRST_YEAR
        for offset in range(self.shape.years):
            year = FIRST_YEAR + offset
            for _ in self._year(year, last=offset + 1 == self.shape.years):
                yield year

    def _year(self, year: int, *, last: bool) -> Iterator[None]:
        yield from self._taakstellingen(year)
        for quarter in range(1, 5):
            yield from self._quarter(year, quarter)
        if not last:
            yield from self._begroting(year + 1)
            yield from self._slotwijziging(year)
        yield from self._definitive(year)

    # -- the cycle ---------------------------------------------------------------------

    def _decide(
        self,
        reference: str,
        kind: DecisionKind,
        year: int,
        known: datetime,
        *,
        body: Bestuursorgaan = Bestuursorgaan.RAAD,
        scope: MandateScope | None = None,
        mandate: str | None = None,
        last_year: int | None = None,
    ) -> Iterator[None]:
        ctx = self.ctx(known)
        self.app.propose_decision(
            ctx,
            reference=reference,
            title=f"{kind.value} {year}",
            body=body,
            kind=kind,
            period=Period(year, last_year or year),
            mandate_scope=scope,
            mandate_reference=mandate,
        )
        yield
        self.app.adopt_decision(self.ctx(known + timedelta(hours=1)), reference=reference)
        yield

    def _reserve(self) -> Iterator[None]:
        known = moment(date(FIRST_YEAR - 1, 11, 1))
        self.app.establish_reserve(
            self.ctx(known, "Reserveringsbesluit"),
            code=self.reserve,
            name="Bestemmingsreserve overheveling",
            kind=ReserveKind.BESTEMMING,
            purpose="Onbestede budgetten naar het volgende jaar",
            fiscal_year=FIRST_YEAR,
        )
        yield

    def _lines(self, year: int) -> list[LineKey]:
        codes = sorted(catalogue_for(year))
        rng = random.Random(f"{self.seed}-lines")  # the same lines every year
        keys = []
        for number in range(self.shape.lines):
            fund = self.funds[number % len(self.funds)]
            keys.append(
                LineKey(
                    fiscal_year=year,
                    programma=PROGRAMMAS[number % len(PROGRAMMAS)],
                    taakveld=codes[rng.randrange(len(codes))],
                    deelproduct=self.named(f"DP{number:06d}"),
                    interventie=1 + number % INTERVENTIES if fund else None,
                    fund=fund,
                )
            )
        return keys

    def _amount(self, low: int, high: int) -> Money:
        return Money(Decimal(self.rng.randrange(low * 100, high * 100)) / 100)

    def _begroting(self, year: int) -> Iterator[None]:
        keys = self.keys[year] = self._lines(year)
        begroting = self.named(f"raad-{year - 1}-11-begroting-{year}")
        yield from self._decide(
            begroting, DecisionKind.BEGROTING, year, moment(date(year - 1, 11, 8))
        )
        yield from self._decide(
            self.named(f"raad-{year - 1}-11-mandaat-{year}"),
            DecisionKind.MANDATE,
            year,
            moment(date(year - 1, 11, 8), 14),
            scope=MandateScope(kinds=(MutationKind.TRANSFER,), fund=None, period=Period.year(year)),
        )
        established = moment(date(year - 1, 11, 9))
        for key in keys:
            amount = self._amount(50_000, 2_000_000)
            self.app.establish_budget(
                self.ctx(established), key=key, amount=amount, decision=begroting
            )
            self.budget[key] = amount
            yield

    def _quarter(self, year: int, quarter: int) -> Iterator[None]:
        keys, budget = self.keys[year], self.budget
        mandate = self.named(f"raad-{year - 1}-11-mandaat-{year}")
        end = date(year, 3 * quarter, 28)
        college = self.named(f"college-{year}-q{quarter}-verschuivingen")
        yield from self._decide(
            college,
            DecisionKind.BEGROTINGSWIJZIGING,
            year,
            moment(end - timedelta(days=20)),
            body=Bestuursorgaan.COLLEGE,
            mandate=mandate,
        )
        for _ in range(max(1, len(keys) // 25)):
            source, target = self.rng.sample(keys, 2)
            amount = share(budget[source], 1)
            if source.fund != target.fund or not amount.is_positive():
                continue  # a mandate never moves money between funds
            self.app.transfer_budget(
                self.ctx(moment(end - timedelta(days=15))),
                source=source,
                target=target,
                amount=amount,
                decision=college,
            )
            budget[source] = budget[source] - amount
            budget[target] = budget[target] + amount
            yield
        if quarter in (2, 4):
            nota = DecisionKind.ZOMERNOTA if quarter == 2 else DecisionKind.NAJAARSNOTA
            reference = self.named(f"raad-{year}-{nota.value}")
            yield from self._decide(reference, nota, year, moment(end - timedelta(days=10)))
            for key in self.rng.sample(keys, max(1, len(keys) // 7)):
                delta = self._amount(1_000, 50_000)
                self.app.amend_budget(
                    self.ctx(moment(end - timedelta(days=9))),
                    key=key,
                    delta=delta,
                    decision=reference,
                )
                budget[key] = budget[key] + delta
                yield
        # Realisations: the quarter's figure, then two monthly updates as invoices arrive.
        for key in keys:
            figure = share(budget[key], self.rng.randrange(18, 25))
            known = moment(end + timedelta(days=10))
            self.app.report_realisation(
                self.ctx(known, f"Kwartaalrapportage {year} Q{quarter}"),
                key=key,
                amount=figure,
                status=RealisationStatus.VOORLOPIG,
                quarter=quarter,
            )
            yield
            for version, month in ((1, 1), (2, 2)):
                figure = figure + self._amount(100, 5_000)
                self.app.correct_realisation(
                    self.ctx(known + timedelta(days=30 * month), "Facturen nagekomen"),
                    key=key,
                    corrects_version=version,
                    amount=figure,
                    status=RealisationStatus.VOORLOPIG,
                    reason="nagekomen facturen",
                    quarter=quarter,
                )
                yield
            self.figures[key] = figure
        report = self.named(f"voortgang-{year}-q{quarter}")
        published = moment(end + timedelta(days=40))
        self.app.publish_report(
            self.ctx(published, f"Voortgangsrapportage {year} Q{quarter}"),
            report_id=report,
            title=f"Voortgangsrapportage {year} Q{quarter}",
            published_at=published,
            knowledge_cutoff=published - timedelta(hours=1),
            tables=tuple(self._report_tables(year)),
            period=Period.year(year),
        )
        yield

    def _report_tables(self, year: int) -> Iterator[TableSpec]:
        rows = tuple(RowSpec(n, f"{n}. Interventie {n}") for n in range(1, INTERVENTIES + 1))
        for fund in (f for f in self.funds if f):
            yield TableSpec(
                id=f"budget-{fund}",
                title=f"Budget en realisatie {fund}",
                unit="EUR_1000",
                fund=fund,
                columns=(
                    ColumnSpec("budget", Measure.BUDGET, year),
                    ColumnSpec("realisatie", Measure.REALISATION, year),
                ),
                rows=rows,
                totals=(TotalSpec("Totaal"),),
            )
        yield TableSpec(
            id="taakstellingen",
            title="Taakstellingen",
            unit="EUR_1000",
            fund=None,
            columns=(ColumnSpec(str(year), Measure.TAAKSTELLING, year),),
            rows=rows,
            totals=(TotalSpec("Totaal"),),
        )

    def _taakstellingen(self, year: int) -> Iterator[None]:
        begroting = self.named(f"raad-{year - 1}-11-begroting-{year}")
        known = moment(date(year - 1, 11, 9))
        count = max(2, self.shape.lines // 40)
        keys = [key for key in self.keys[year] if key.interventie is not None]
        for number in range(count):
            key = keys[number % len(keys)]
            reference = self.named(f"ts-{year}-{number:05d}")
            assert key.taakveld is not None
            self.app.impose_taakstelling(
                self.ctx(known),
                reference=reference,
                label=f"Besparing {number} ({year})",
                interventie=key.interventie,
                programma=key.programma,
                taakveld=key.taakveld,
                kind=TaakstellingKind.TARGET,
                origin="coalitieakkoord",
                amounts=YearAmounts.of({year: self._amount(10_000, 200_000)}),
                decision=begroting,
            )
            yield
            if number % 3 == 0:
                self.app.adjust_taakstelling(
                    self.ctx(moment(date(year, 7, 1))),
                    reference=reference,
                    fiscal_year=year,
                    delta=self._amount(1_000, 5_000),
                    decision=begroting,
                )
                yield

    def _slotwijziging(self, year: int) -> Iterator[None]:
        keys, budget = self.keys[year], self.budget
        next_lines = {(k.programma, k.deelproduct): k for k in self.keys[year + 1]}
        reference = self.named(f"raad-{year}-12-slotwijziging")
        yield from self._decide(
            reference,
            DecisionKind.SLOTWIJZIGING,
            year,
            moment(date(year, 12, 15)),
            last_year=year + 1,
        )
        for key in self.rng.sample(keys, max(1, len(keys) // 10)):
            amount = share(budget[key], 2)
            target = next_lines[(key.programma, key.deelproduct)]
            if not amount.is_positive():
                continue
            self.app.carry_over_budget(
                self.ctx(moment(date(year, 12, 16))),
                source=key,
                target=target,
                amount=amount,
                reserve=self.reserve,
                decision=reference,
            )
            budget[key] = budget[key] - amount
            yield

    def _definitive(self, year: int) -> Iterator[None]:
        known = moment(date(year + 1, 4, 15))
        for key in self.keys[year]:
            self.app.correct_realisation(
                self.ctx(known, f"Stadsrekening {year}"),
                key=key,
                corrects_version=3,
                amount=self.figures[key] + self._amount(10, 1_000),
                status=RealisationStatus.DEFINITIEF,
                reason="jaarrekening",
                quarter=4,
            )
            yield
        jaarrekening = self.named(f"raad-{year + 1}-06-jaarrekening-{year}")
        yield from self._decide(
            jaarrekening, DecisionKind.JAARREKENING, year, moment(date(year + 1, 6, 20))
        )
        self.app.close_fiscal_year(
            self.ctx(moment(date(year + 1, 6, 21))), fiscal_year=year, decision=jaarrekening
        )
        yield

"""Properties over random command sequences (hypothesis), on SQLite and PostgreSQL.

Each example opens a ledger of its own, applies a drawn sequence of valid and invalid
commands (decisions proposed, adopted and rejected; establishments, amendments, transfers
and carry-overs; realisations, corrections and late results; taakstellingen and their
adjustments; reserves; a fiscal year closed and reopened; reports published), with the clock
advancing and known_at sometimes in the past, and checks:

1. a refused command raises a domain error and records nothing;
2. a transfer leaves the sum of the budgets of its year as it was, to the cent, and moves
   exactly its amount; a carry-over leaves the sum over both years as it was;
3. every as-of answer taken during the sequence (budget overview and rollup, lineages,
   realisations, taakstellingen, reserves, decisions, fiscal years, each report) on a basis
   that is fixed in the past (a report id; the log as recorded at a moment, alone or with a
   knowledge cutoff) is the same when asked again at the end;
4. the read model kept incrementally (caught up where a command reads it, so in batches of
   varying size) equals a full rebuild, row for row.

A moment alone (`as_of=2019-06-01` without `as_recorded_at`) is not a fixed basis: a fact
recorded later with an earlier known_at belongs in it (ADR 0002), so it is asked pinned.

Bounded (ADR 0020): a fixed seed, `BEGROTING_PROPERTY_SEED` to try another, and
`BEGROTING_PROPERTY_EXAMPLES` examples per backend. A failure prints the seed with the
shrunk sequence, and the blob for `@reproduce_failure`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, note, seed, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from api.demo.nijmegen import FUND, TAAKVELD, WWZ, fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.decision import MandateScope
from domain.errors import ConcurrentChangeError, DomainError
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec
from domain.reserve import ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Period, YearAmounts
from projections.queries import figures, lineage
from projections.queries.basis import Basis, resolve_basis
from projections.queries.reports import render_report
from support.clock import CLOCK_START, Clock
from support.ledgers import BACKENDS, ledger_on, log_size, read_model_rows, require_postgres

SEED = int(os.environ.get("BEGROTING_PROPERTY_SEED", "20261204"))
EXAMPLES = int(os.environ.get("BEGROTING_PROPERTY_EXAMPLES", "12"))
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
PROPERTIES = settings(
    max_examples=EXAMPLES,
    deadline=None,  # an example opens a database: its time says nothing
    database=None,  # the seed reproduces a run; no example files in the checkout
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    # Shrinking a sequence replays it hundreds of times (minutes): CI reports the failing
    # sequence as drawn and stays bounded; the seed shrinks it on a laptop.
    phases=[p for p in Phase if not (IN_CI and p is Phase.shrink)],
)

FINANCE = "concern control"
GRIFFIE = "griffie"
SOURCE = "Kwartaalrapportage"
YEARS = (2019, 2020)
INTERVENTIES = (1, 2, 4)
RESERVE = "reserve-sociaal-domein"
# Business moments a fact may be known at (known_at); None: when recorded.
MOMENTS = (
    None,
    datetime(2018, 12, 1, 9, 0, tzinfo=UTC),
    datetime(2019, 3, 1, 9, 0, tzinfo=UTC),
    datetime(2019, 7, 1, 9, 0, tzinfo=UTC),
    datetime(2019, 12, 18, 9, 0, tzinfo=UTC),
    datetime(2020, 6, 1, 9, 0, tzinfo=UTC),
)
ADOPTED_EARLY = datetime(2018, 11, 7, 20, 0, tzinfo=UTC)

# The decisions a sequence may act on: (reference, body, kind, period, mandate).
DECISIONS = {
    "raad-begroting": (Bestuursorgaan.RAAD, DecisionKind.BEGROTING, Period(2019, 2020), None),
    "raad-wijziging": (
        Bestuursorgaan.RAAD,
        DecisionKind.BEGROTINGSWIJZIGING,
        Period(2019, 2020),
        None,
    ),
    "raad-jaarrekening-2019": (
        Bestuursorgaan.RAAD,
        DecisionKind.JAARREKENING,
        Period.year(2019),
        None,
    ),
    "raad-mandaat": (Bestuursorgaan.RAAD, DecisionKind.MANDATE, Period(2019, 2020), None),
    "college-verschuiving": (
        Bestuursorgaan.COLLEGE,
        DecisionKind.BEGROTINGSWIJZIGING,
        Period(2019, 2020),
        "raad-mandaat",
    ),
}
SCOPE = MandateScope((MutationKind.TRANSFER, MutationKind.AMEND), FUND, Period(2019, 2020))
TAAKSTELLINGEN = ("ts-wijkteams", "ts-jeugd")
REPORTS = ("rapport-a", "rapport-b", "rapport-c")
TABLES = (
    TableSpec(
        id="budget",
        title="Budget en realisatie",
        unit="EUR_1000",
        fund=FUND,
        columns=(
            ColumnSpec("b2019", Measure.BUDGET, 2019),
            ColumnSpec("b2020", Measure.BUDGET, 2020),
            ColumnSpec("r2019", Measure.REALISATION, 2019),
        ),
        rows=tuple(RowSpec(i, f"Interventie {i}") for i in INTERVENTIES),
        totals=(TotalSpec("Totaal"),),
    ),
    TableSpec(
        id="taakstellingen",
        title="Taakstellingen",
        unit="EUR_1000",
        fund=None,
        columns=tuple(ColumnSpec(str(y), Measure.TAAKSTELLING, y) for y in YEARS),
        rows=(RowSpec(None, "Sociaal domein", TAAKSTELLINGEN),),
        totals=(TotalSpec("Totaal"),),
    ),
)


def line(year: int, interventie: int | None) -> LineKey:
    """A line of the fund per interventie, or (None) the same taakveld outside the fund."""
    if interventie is None:
        return LineKey(year, WWZ, TAAKVELD[1])
    return fund_line(year, interventie)


def euros(cents: int) -> Money:
    return Money(Decimal(cents).scaleb(-2))


# -- the world an example runs in --------------------------------------------------------


Query = Callable[[Connection, int], Any]


@dataclass
class World:
    ledger: Ledger
    clock: Clock
    observations: list[tuple[str, Query, Any]] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    realised: list[tuple[LineKey, int | None]] = field(default_factory=list)  # (key, quarter)

    def ctx(
        self, known_at: datetime | None, *, actor: str = FINANCE, source: bool = False
    ) -> Context:
        return Context(actor=actor, known_at=known_at, source=SOURCE if source else None)

    def budget(self, year: int) -> dict[tuple[int | None, str | None], Decimal]:
        """Each line of `year` (interventie, fund) with its budget as of now: the read model,
        caught up first."""
        self.ledger.runner.catch_up()
        with self.ledger.engine.connect() as conn:
            now = resolve_basis(conn, None, self.ledger.runner.position())
            rows = figures.budget_lines(conn, now, fiscal_year=year)
        return {(row["interventie"], row["fund"]): Decimal(row["amount"]) for row in rows}


class Command:
    def run(self, world: World) -> None:
        raise NotImplementedError

    def apply(self, world: World) -> None:
        """Run the command: applied, or refused with nothing recorded. The read model
        catches up only where a command reads it, so its batches vary in size."""
        before = log_size(world.ledger)
        try:
            self.run(world)
        except ConcurrentChangeError:
            raise  # one writer: never expected
        except DomainError as refused:
            assert log_size(world.ledger) == before, f"{self} was refused but recorded"
            event(f"refused {type(self).__name__}: {type(refused).__name__}")
            return
        event(f"applied {type(self).__name__}")


@dataclass(frozen=True)
class Propose(Command):
    reference: str
    known_at: datetime | None

    def run(self, world: World) -> None:
        body, kind, period, mandate = DECISIONS[self.reference]
        world.ledger.app.propose_decision(
            world.ctx(self.known_at, actor=GRIFFIE, source=True),
            reference=self.reference,
            title=f"Besluit {self.reference}",
            body=body,
            kind=kind,
            period=period,
            mandate_scope=SCOPE if kind is DecisionKind.MANDATE else None,
            mandate_reference=mandate,
        )


@dataclass(frozen=True)
class Decide(Command):
    reference: str
    adopt: bool
    known_at: datetime | None

    def run(self, world: World) -> None:
        act = world.ledger.app.adopt_decision if self.adopt else world.ledger.app.reject_decision
        act(world.ctx(self.known_at, actor=GRIFFIE), reference=self.reference)


@dataclass(frozen=True)
class OnLine(Command):
    """A command on the budget of one line of a year, under a decision."""

    year: int
    interventie: int | None
    cents: int
    decision: str
    known_at: datetime | None


@dataclass(frozen=True)
class Establish(OnLine):
    def run(self, world: World) -> None:
        world.ledger.app.establish_budget(
            world.ctx(self.known_at),
            key=line(self.year, self.interventie),
            amount=euros(self.cents),
            decision=self.decision,
        )


@dataclass(frozen=True)
class Amend(OnLine):
    def run(self, world: World) -> None:
        world.ledger.app.amend_budget(
            world.ctx(self.known_at),
            key=line(self.year, self.interventie),
            delta=euros(self.cents),
            decision=self.decision,
        )


@dataclass(frozen=True)
class Transfer(Command):
    year: int
    source: int | None
    target: int | None
    cents: int
    decision: str
    known_at: datetime | None

    def run(self, world: World) -> None:
        source, target = line(self.year, self.source), line(self.year, self.target)
        before = world.budget(self.year)
        world.ledger.app.transfer_budget(
            world.ctx(self.known_at),
            source=source,
            target=target,
            amount=euros(self.cents),
            decision=self.decision,
        )
        after = world.budget(self.year)
        # Property: a transfer moves exactly its amount from one line to the other, and the
        # sum of the year's budgets stays what it was, to the cent.
        moved = euros(self.cents).amount
        expected = dict(before)
        expected[(source.interventie, source.fund)] -= moved
        expected[(target.interventie, target.fund)] = (
            before.get((target.interventie, target.fund), Decimal(0)) + moved
        )
        assert after == expected
        assert sum(after.values()) == sum(before.values())


@dataclass(frozen=True)
class CarryOver(Command):
    interventie: int
    target: int
    cents: int
    decision: str
    known_at: datetime | None

    def run(self, world: World) -> None:
        totals = {year: sum(world.budget(year).values()) for year in YEARS}
        world.ledger.app.carry_over_budget(
            world.ctx(self.known_at),
            source=line(2019, self.interventie),
            target=line(2020, self.target),
            amount=euros(self.cents),
            reserve=RESERVE,
            decision=self.decision,
        )
        moved = euros(self.cents).amount
        # Property: what leaves 2019 arrives in 2020, through the reserve.
        assert {year: sum(world.budget(year).values()) for year in YEARS} == {
            2019: totals[2019] - moved,
            2020: totals[2020] + moved,
        }


@dataclass(frozen=True)
class EstablishReserve(Command):
    def run(self, world: World) -> None:
        world.ledger.app.establish_reserve(
            world.ctx(None, source=True),
            code=RESERVE,
            name="Reserve sociaal domein",
            kind=ReserveKind.BESTEMMING,
            purpose="Overhevelingen",
            fiscal_year=2019,
        )


@dataclass(frozen=True)
class Realise(Command):
    year: int
    interventie: int
    quarter: int | None
    cents: int
    definitive: bool
    month: str | None
    known_at: datetime | None

    def run(self, world: World) -> None:
        world.ledger.app.report_realisation(
            world.ctx(self.known_at, source=True),
            key=line(self.year, self.interventie),
            amount=euros(self.cents),
            status=RealisationStatus.DEFINITIEF if self.definitive else RealisationStatus.VOORLOPIG,
            quarter=self.quarter,
            month=self.month,
        )
        world.realised.append((line(self.year, self.interventie), self.quarter))


@dataclass(frozen=True)
class Correct(Command):
    """Correct the `pick`-th figure reported so far (any, if none was), naming `version`:
    the current one, or a stale one that is refused."""

    pick: int
    version: int
    cents: int
    definitive: bool
    known_at: datetime | None

    def run(self, world: World) -> None:
        key, quarter = (
            world.realised[self.pick % len(world.realised)]
            if world.realised
            else (line(2020, 4), None)
        )
        world.ledger.app.correct_realisation(
            world.ctx(self.known_at, source=True),
            key=key,
            corrects_version=self.version,
            amount=euros(self.cents),
            status=RealisationStatus.DEFINITIEF if self.definitive else RealisationStatus.VOORLOPIG,
            reason="nagekomen facturen",
            quarter=quarter,
        )


@dataclass(frozen=True)
class LateResult(Command):
    interventie: int
    cents: int

    def run(self, world: World) -> None:
        world.ledger.app.report_late_result(
            world.ctx(None, source=True),
            key=line(2019, self.interventie),
            amount=euros(self.cents),
            status=RealisationStatus.DEFINITIEF,
            reason="nagekomen afrekening",
        )


@dataclass(frozen=True)
class Impose(Command):
    reference: str
    interventie: int
    cents: tuple[int, int]
    decision: str | None
    known_at: datetime | None

    def run(self, world: World) -> None:
        world.ledger.app.impose_taakstelling(
            world.ctx(self.known_at, source=self.decision is None),
            reference=self.reference,
            label=f"Taakstelling {self.reference}",
            interventie=self.interventie,
            programma=WWZ,
            taakveld=TAAKVELD[self.interventie],
            kind=TaakstellingKind.TARGET if self.decision else TaakstellingKind.RISK,
            origin="property test",
            amounts=YearAmounts.of({y: euros(c) for y, c in zip(YEARS, self.cents, strict=True)}),
            decision=self.decision,
        )


@dataclass(frozen=True)
class Adjust(Command):
    reference: str
    year: int
    cents: int
    decision: str
    known_at: datetime | None

    def run(self, world: World) -> None:
        world.ledger.app.adjust_taakstelling(
            world.ctx(self.known_at),
            reference=self.reference,
            fiscal_year=self.year,
            delta=euros(self.cents),
            decision=self.decision,
        )


@dataclass(frozen=True)
class OnYear(Command):
    """A command on fiscal year 2019, under a decision."""

    decision: str


@dataclass(frozen=True)
class CloseYear(OnYear):
    def run(self, world: World) -> None:
        world.ledger.app.close_fiscal_year(
            world.ctx(None), fiscal_year=2019, decision=self.decision
        )


@dataclass(frozen=True)
class ReopenYear(OnYear):
    def run(self, world: World) -> None:
        world.ledger.app.reopen_fiscal_year(
            world.ctx(None), fiscal_year=2019, decision=self.decision
        )


@dataclass(frozen=True)
class Publish(Command):
    report_id: str
    cutoff: datetime | None  # None: the moment of publication

    def run(self, world: World) -> None:
        now = world.clock.now()
        world.ledger.app.publish_report(
            world.ctx(None, source=True),
            report_id=self.report_id,
            title=f"Rapport {self.report_id}",
            published_at=now,
            knowledge_cutoff=self.cutoff or now,
            tables=TABLES,
            period=Period(2019, 2020),
        )
        world.published.append(self.report_id)


@dataclass(frozen=True)
class Advance(Command):
    minutes: int

    def apply(self, world: World) -> None:
        world.clock.advance(timedelta(minutes=self.minutes))


@dataclass(frozen=True)
class Observe(Command):
    """Ask every as-of question on every fixed basis there is now, and keep the answers."""

    cutoff: datetime

    def apply(self, world: World) -> None:
        recorded = world.clock.now().isoformat()
        # Everything recorded by now is projected: "the log as recorded now" is all there.
        world.ledger.runner.catch_up()
        bases = [
            ("now as recorded", None, recorded),
            (f"{self.cutoff:%Y-%m-%d} as recorded", self.cutoff.isoformat(), recorded),
            *((f"report {r}", r, None) for r in world.published),
        ]
        with world.ledger.engine.connect() as conn:
            reached = world.ledger.runner.position()
            for label, as_of, as_recorded_at in bases:
                for name, ask in questions(as_of, as_recorded_at):
                    query = f"{name}, {label} (asked at {recorded})"
                    world.observations.append((query, ask, ask(conn, reached)))
            for report_id in world.published:
                # The report on its own basis, and on the log as recorded now.
                for as_of, as_recorded_at in ((None, None), (None, recorded)):

                    def render(
                        conn: Connection,
                        reached: int,
                        report_id: str = report_id,
                        as_of: str | None = as_of,
                        as_recorded_at: str | None = as_recorded_at,
                    ) -> Any:
                        return render_report(
                            conn, report_id, as_of, reached, as_recorded_at=as_recorded_at
                        )

                    query = f"report {report_id} as of {as_of}, as recorded at {as_recorded_at}"
                    world.observations.append((query, render, render(conn, reached)))
        # Later commands are recorded after this moment, so "as recorded then" stays put.
        world.clock.advance(timedelta(minutes=1))


def questions(as_of: str | None, as_recorded_at: str | None) -> Iterator[tuple[str, Query]]:
    """The read functions of the projections, each on the basis given by the parameters."""

    def on_basis(read: Callable[[Connection, Basis], Any]) -> Query:
        def ask(conn: Connection, reached: int) -> Any:
            basis = resolve_basis(conn, as_of, reached, as_recorded_at=as_recorded_at)
            return basis.to_json(), read(conn, basis)

        return ask

    yield "budget overview", on_basis(figures.budget_lines)
    yield "rollup", on_basis(lambda c, b: figures.budget_rollup(c, b, "interventie"))
    yield "slotwijzigingen", on_basis(figures.slotwijzigingen)
    yield "taakstellingen", on_basis(figures.taakstelling_amounts)
    yield "realisations", on_basis(figures.realisation_amounts)
    yield "reserves", on_basis(figures.reserve_balances)
    yield "decisions", on_basis(figures.decisions)
    yield "fiscal years", on_basis(figures.fiscal_years)
    for year in YEARS:
        yield (
            f"budget lineage {year}",
            on_basis(lambda c, b, y=year: lineage.budget_lineage(c, b, fiscal_year=y)),
        )
        yield (
            f"realisation lineage {year}",
            on_basis(lambda c, b, y=year: lineage.realisation_lineage(c, b, fiscal_year=y)),
        )
    for reference in TAAKSTELLINGEN:  # 2020 only: the slowest question on PostgreSQL
        yield (
            f"taakstelling lineage {reference} 2020",
            on_basis(
                lambda c, b, r=reference: lineage.taakstelling_lineage(
                    c, b, reference=r, fiscal_year=2020
                )
            ),
        )


# -- the strategies ------------------------------------------------------------------------

moments = st.sampled_from(MOMENTS)
years = st.sampled_from(YEARS)
interventies = st.sampled_from(INTERVENTIES)
lines_of_year = st.sampled_from((*INTERVENTIES, None))
targets = st.sampled_from((None, *reversed(INTERVENTIES)))  # the simplest is not the source
budget_decisions = st.sampled_from(("raad-begroting", "raad-wijziging", "college-verschuiving"))
amounts = st.integers(min_value=1, max_value=50_000_000)  # cents: up to 500,000.00
moved = st.integers(min_value=1, max_value=12_000_000)  # a line starts with 100,000.00
deltas = st.integers(min_value=-5_000_000, max_value=5_000_000)
months = st.one_of(
    st.none(), st.sampled_from(("2019-02", "2019-05", "2020-01", "2020-11", "2019-13"))
)

# Transfers weigh four times the rest, observations, realisations and corrections twice, and
# they come first: the simplest sequences, which hypothesis tries first and shrinks towards,
# are made of them.
TRANSFERS = st.builds(Transfer, years, lines_of_year, targets, moved, budget_decisions, moments)
OBSERVATIONS = st.builds(Observe, st.sampled_from(MOMENTS[1:]))
REALISATIONS = st.builds(
    Realise,
    years,
    interventies,
    st.one_of(st.none(), st.integers(1, 4)),
    amounts,
    st.booleans(),
    months,
    moments,
)
# The simplest correction (2 cents) changes the simplest figure (1 cent).
CORRECTIONS = st.builds(
    Correct,
    st.integers(0, 7),
    st.integers(1, 3),
    amounts.map(lambda c: c + 1),
    st.booleans(),
    moments,
)
# The proposal of the prelude first: the simplest decision taken adopts it.
DECISIONS_TAKEN = st.builds(
    Decide,
    st.sampled_from(("raad-wijziging", *DECISIONS)),
    st.sampled_from((True, False)),
    moments,
)
WEIGHTED: tuple[st.SearchStrategy[Command], ...] = (
    *[TRANSFERS] * 4,
    *[OBSERVATIONS] * 2,
    *[REALISATIONS] * 2,
    *[CORRECTIONS] * 2,
    st.builds(Propose, st.sampled_from(tuple(DECISIONS)), moments),
    *[DECISIONS_TAKEN] * 2,
    st.builds(Establish, years, lines_of_year, amounts, budget_decisions, moments),
    st.builds(Amend, years, lines_of_year, deltas, budget_decisions, moments),
    st.builds(CarryOver, interventies, interventies, moved, budget_decisions, moments),
    st.builds(LateResult, interventies, deltas),
    st.builds(
        Impose,
        st.sampled_from(TAAKSTELLINGEN),
        interventies,
        st.tuples(amounts, amounts),
        st.one_of(st.none(), budget_decisions),
        moments,
    ),
    st.builds(Adjust, st.sampled_from(TAAKSTELLINGEN), years, deltas, budget_decisions, moments),
    st.builds(CloseYear, st.sampled_from(("raad-jaarrekening-2019", "raad-wijziging"))),
    st.builds(ReopenYear, st.sampled_from(("raad-wijziging", "raad-jaarrekening-2019"))),
    st.builds(Publish, st.sampled_from(REPORTS), moments),
    st.builds(Advance, st.sampled_from((1, 60, 24 * 60))),
)
# Drawn uniformly from the weighted list (one_of would treat the repeated ones as one).
COMMANDS: st.SearchStrategy[Command] = st.sampled_from(WEIGHTED).flatmap(lambda drawn: drawn)

# Every sequence starts from a budget the raad adopted, a mandate, the jaarrekening, a
# proposal and a reserve, so that the drawn commands are valid often enough.
PRELUDE: tuple[Command, ...] = (
    Propose("raad-begroting", ADOPTED_EARLY - timedelta(days=30)),
    Decide("raad-begroting", True, ADOPTED_EARLY),
    Propose("raad-mandaat", ADOPTED_EARLY - timedelta(days=30)),
    Decide("raad-mandaat", True, ADOPTED_EARLY),
    Propose("college-verschuiving", ADOPTED_EARLY),
    Decide("college-verschuiving", True, ADOPTED_EARLY + timedelta(days=1)),
    Propose("raad-jaarrekening-2019", ADOPTED_EARLY),
    Decide("raad-jaarrekening-2019", True, datetime(2020, 6, 30, 18, 0, tzinfo=UTC)),
    # Proposed, for the drawn commands to adopt or reject (it reopens a closed year).
    Propose("raad-wijziging", ADOPTED_EARLY),
    *(
        Establish(year, interventie, 10_000_000, "raad-begroting", ADOPTED_EARLY)
        for year in YEARS
        for interventie in (*INTERVENTIES, None)
    ),
    EstablishReserve(),
)
SEQUENCES = st.lists(COMMANDS, min_size=20, max_size=40)


# -- the ledger of one example -------------------------------------------------------------


@contextmanager
def fresh_ledger(backend: str, clock: Clock) -> Iterator[Ledger]:
    """A ledger of its own per example (a function-scoped fixture would be shared by all)."""
    with (
        tempfile.TemporaryDirectory(prefix="begroting-props-") as directory,
        ledger_on(backend, Path(directory), clock) as opened,
    ):
        yield opened


@pytest.mark.parametrize("backend", BACKENDS)
@seed(SEED)
@PROPERTIES
@given(commands=SEQUENCES)
def test_random_command_sequences_keep_the_ledgers_properties(
    backend: str, commands: list[Command]
) -> None:
    if backend == "postgres":
        require_postgres()  # a skip (or in CI a failure) ends the test, not an example
    note(f"seed {SEED} (BEGROTING_PROPERTY_SEED={SEED} reruns it), backend {backend}")
    note("commands after the prelude:\n" + "\n".join(f"  {c!r}" for c in commands))
    clock = Clock(CLOCK_START)
    with fresh_ledger(backend, clock) as ledger:
        world = World(ledger, clock)
        for command in (*PRELUDE, *commands):
            command.apply(world)
            clock.advance(timedelta(seconds=1))
        reached = ledger.runner.catch_up()
        assert reached == log_size(ledger)

        # Property: an answer on a basis in the past never changes.
        with ledger.engine.connect() as conn:
            for query, ask, answer in world.observations:
                assert ask(conn, reached) == answer, query
        event(f"observations: {min(len(world.observations) // 20, 5) * 20}+")

        # Property: the read model kept incrementally equals a full rebuild.
        incremental = read_model_rows(ledger)
        assert ledger.runner.rebuild() == reached
        assert read_model_rows(ledger) == incremental

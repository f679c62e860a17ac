"""The import of a financial system's extract (ADR 0033, "Recording"): every row checked,
the whole file recorded in one batch or nothing of it.

A file is recorded at most once so: its `Import` (natural id: kind, SHA-256 and the
identity of sheet, mapping, extract date and decision) is written in the same batch as its
figures, so a repeat finds it and records nothing; another sheet of the same workbook, or
the same file under another mapping, date or decision, is another import. Every event of a
file carries where it came from (Context.source: file, sheet and rows) and the import id
("<kind>:<sha256>"); its known_at is the extract's date, its recorded_at the moment of
import (a backfill, ADR 0018).

A realisation extract states year-to-date totals up to its periode. Each line's figure is
recorded per month, as the movement since the previous periode imported for the year; a
newer extract of the same periode corrects those movements by exactly the differences; a
line an earlier extract of the year held and this one lacks stands at zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from uuid import UUID, uuid5

from domain.application.budget_lines import BudgetLineUseCases
from domain.application.context import Context
from domain.budget import line_id
from domain.errors import DomainError, NotFoundError, UnauthorisedMutationError
from domain.imported import Import, RealisationExtracts, import_id_of, import_identity
from domain.imports import ImportKind, ImportRefused, ImportSummary, RowProblem, SourceFile
from domain.iv3 import check_key
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus, check_month, month_quarter
from domain.realisation import realisation_id as realisation_id_of
from domain.values import LineKey, Period, Side

# The canonical column a domain error's field is about; a field not named here is about
# the row (or line) as a whole.
COLUMNS = {
    "fiscal_year": "jaar",
    "jaar": "jaar",
    "programma": "programma",
    "taakveld": "taakveld",
    "categorie": "categorie",
    "deelproduct": "deelproduct",
    "side": "soort",
    "amount": "bedrag",
    "delta": "bedrag",
    "month": "periode",
    "status": "status",
}
# Fields that are the file's or the command's, not a row's: such a problem names no row.
FILE_FIELDS = frozenset({"decision", "actor", "source", "import_id", "known_at", "file"})
COMMAND_FIELDS = frozenset({"decision", "known_at"})


class _Discard(Exception):
    """Leaves a dry run's batch: a batch left by an exception writes nothing."""


@dataclass
class _Line:
    """The rows of one line (an ERP's rows are finer than the ledger's lines), summed."""

    key: LineKey
    rows: list[int] = field(default_factory=list)
    amount: Money = field(default_factory=Money.zero)
    status: RealisationStatus | None = None


@dataclass
class _Problems:
    found: list[RowProblem] = field(default_factory=list)

    def row(self, row: int | None, column: str | None, message: str, code: str) -> None:
        problem = RowProblem(row=row, column=column, message=message, code=code)
        if problem not in self.found:
            self.found.append(problem)

    def of(self, error: DomainError, rows: Iterable[int]) -> None:
        """The refusal of a line's command, as a problem of each of its rows."""
        if error.field in FILE_FIELDS:
            # The decision and the extract's date are the command's own fields: named.
            named = error.field if error.field in COMMAND_FIELDS else None
            self.row(None, named, error.message, error.code)
            return
        column = COLUMNS.get(error.field or "")
        at: list[int | None] = [*rows]
        for row in at or [None]:
            self.row(row, column, error.message, error.code)


def _rows_text(rows: list[int]) -> str:
    """2,3,4,7 as "rows 2-4,7"."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    text = ",".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"row{'s' if len(rows) > 1 else ''} {text}"


class ImportUseCases(BudgetLineUseCases):
    def import_source(
        self, ctx: Context, source: SourceFile, *, decision: str | None, dry_run: bool
    ) -> ImportSummary:
        """Record the file `source` (or, `dry_run`, check it exactly so and record
        nothing). Raises ImportRefused listing every problem; nothing is then recorded."""
        kind = source.kind
        lines = self._lines_of(source)
        summary = ImportSummary(
            kind=kind,
            file_name=source.file_name,
            sha256=source.sha256,
            sheet=source.sheet,
            known_at=source.known_at,
            rows=len(source.rows),
            lines=len(lines),
            events=0,
            corrections=0,
            total_lasten=self._total(source, Side.LASTEN),
            total_baten=self._total(source, Side.BATEN),
            dry_run=dry_run,
        )
        if not source.rows:
            raise ImportRefused(
                (RowProblem(None, None, "the file has no rows to import"),), source.file_name
            )
        if kind is ImportKind.WIJZIGING:
            # A wijziging's rows are changes: its file again under another decision or date
            # would change its lines twice. The same rows are the same import, whatever
            # decision or date is given with them.
            identity = import_identity(source.sheet, source.mapping_sha256, None, None)
        else:
            identity = import_identity(
                source.sheet, source.mapping_sha256, source.known_at, decision
            )
        if self._exists(Import.id_for(kind.value, source.sha256, identity)):
            return replace(summary, already_imported=True)
        problems = _Problems()
        for line in lines.values():
            # Every line's key against the Iv3 model, moving or not: a row of zero records
            # nothing, yet its categorie must be one the model knows (ADR 0031).
            try:
                check_key(line.key)
            except DomainError as error:
                problems.of(error, line.rows)
        try:
            with self.batch() as batch:
                periode: str | None = None
                if kind is ImportKind.REALISATIE:
                    periode = self._record_extract(ctx, source, lines, problems)
                elif decision is None:
                    problems.row(
                        None,
                        "decision",
                        f"a {kind.value} import needs the adopted decision that authorises it",
                        "missing-decision",
                    )
                else:
                    self._record_budget(ctx, source, lines, decision, identity, problems)
                if not problems.found:
                    try:
                        self._record_import(ctx, source, identity, periode)
                    except DomainError as error:
                        problems.of(error, [])
                if problems.found:
                    raise ImportRefused(tuple(problems.found), source.file_name)
                summary = replace(
                    summary,
                    events=len(batch.events),
                    corrections=sum(isinstance(e, Realisation.Corrected) for e in batch.events),
                )
                if dry_run:
                    raise _Discard
        except _Discard:
            return summary
        return replace(summary, position=batch.position)

    # -- the file --------------------------------------------------------------------------

    @staticmethod
    def _lines_of(source: SourceFile) -> dict[UUID, _Line]:
        """The file's lines in the order of their first row, each its rows' sum; a line is
        voorlopig when any of its rows is."""
        lines: dict[UUID, _Line] = {}
        for row in source.rows:
            line = lines.setdefault(line_id(row.key), _Line(row.key))
            line.rows.append(row.row)
            line.amount = line.amount + row.amount
            if line.status is not RealisationStatus.VOORLOPIG and row.status is not None:
                line.status = row.status
        return lines

    @staticmethod
    def _total(source: SourceFile, side: Side) -> Money:
        total = Money.zero()
        for row in source.rows:
            if row.key.side is side:
                total = total + row.amount
        return total

    def _context(
        self, ctx: Context, source: SourceFile, rows: list[int], note: str = ""
    ) -> Context:
        """The Context of one event of the file: its rows, the import id, the extract's
        date (recorded_at stays the moment of import)."""
        where = (
            source.file_name
            if source.sheet is None
            else (f"{source.file_name}, sheet {source.sheet}")
        )
        return replace(
            ctx,
            known_at=source.known_at,
            source=f"{where}, {_rows_text(rows)}" if rows else f"{where}{note}",
            import_id=import_id_of(source.kind.value, source.sha256),
            expected_version=None,
        )

    def _record_import(
        self, ctx: Context, source: SourceFile, identity: str, periode: str | None
    ) -> None:
        rows = [row.row for row in source.rows]
        stamp = self._stamp(
            self._context(ctx, source, rows),
            Period.spanning({row.key.fiscal_year for row in source.rows}),
        )
        record = Import.record(
            kind=source.kind.value,
            file_name=source.file_name,
            sha256=source.sha256,
            identity=identity,
            sheet=source.sheet,
            rows=len(rows),
            known_at=source.known_at,
            periode=periode,
            stamp=stamp,
        )
        self._save(ctx, {"import": record.id}, record)

    # -- begroting and wijziging -----------------------------------------------------------

    def _record_budget(
        self,
        ctx: Context,
        source: SourceFile,
        lines: dict[UUID, _Line],
        decision: str,
        identity: str,
        problems: _Problems,
    ) -> None:
        """Each line's primitieve begroting, or its change, under `decision`: each line is
        one command, refused or recorded on its own within the batch."""
        namespace = Import.id_for(source.kind.value, source.sha256, identity)
        try:
            # Named first, even when no line reaches its check (a wijziging in the wrong
            # ledger: every line missing, and the decision too).
            years = self._decision(decision).period
        except DomainError as error:
            problems.of(error, ())
            years = None
        for line_uuid, line in lines.items():
            key = line.key
            line_ctx = self._context(ctx, source, line.rows)
            if years is not None and not years.first_year <= key.fiscal_year <= years.last_year:
                # A raad decision authorises the years it concerns, not any year a file names.
                problems.of(
                    UnauthorisedMutationError(
                        f"decision {decision!r} concerns {years}, not {key.fiscal_year}",
                        field="fiscal_year",
                    ),
                    line.rows,
                )
                continue
            # A retried import of the same file gives each line the same mutation id.
            mutation = uuid5(namespace, line_uuid.hex)
            try:
                if source.kind is ImportKind.BEGROTING:
                    self.establish_budget(
                        line_ctx,
                        key=key,
                        amount=line.amount,
                        decision=decision,
                        mutation_id=mutation,
                    )
                    continue
                if not self._exists(line_uuid):
                    raise NotFoundError(
                        f"line {key.label()} does not exist: a wijziging changes a line of the"
                        " begroting",
                        field="key",
                    )
                self.amend_budget(
                    line_ctx, key=key, delta=line.amount, decision=decision, mutation_id=mutation
                )
            except DomainError as error:
                problems.of(error, line.rows)

    # -- realisatie ------------------------------------------------------------------------

    def _record_extract(
        self, ctx: Context, source: SourceFile, lines: dict[UUID, _Line], problems: _Problems
    ) -> str | None:
        """The extract's movements per line and month; returns its periode."""
        periode = self._periode_of(source, problems)
        if periode is None:
            return None
        year = int(periode[:4])
        extracts_ctx = self._context(ctx, source, [row.row for row in source.rows])
        try:
            found = self._lookup(RealisationExtracts.id_for(year))
            stamp = self._stamp(extracts_ctx, Period.year(year))
            extracts = (
                found
                if isinstance(found, RealisationExtracts)
                else RealisationExtracts.begin(fiscal_year=year, stamp=stamp)
            )
            extracts.check_periode(periode)
        except DomainError as error:
            problems.row(None, COLUMNS.get(error.field or ""), error.message, error.code)
            return periode
        earlier = [p for p in extracts.periodes if p < periode]
        for line in lines.values():
            try:
                self._record_month(
                    self._context(ctx, source, line.rows),
                    line.key,
                    line.amount,
                    line.status,
                    periode,
                    earlier,
                    source.file_name,
                )
            except DomainError as error:
                problems.of(error, line.rows)
        # A line an earlier extract of the year held, missing from this one: at zero.
        for key in sorted(extracts.keys, key=lambda k: k.label()):
            if line_id(key) in lines:
                continue
            try:
                self._record_month(
                    self._context(ctx, source, [], ", no row (the line is not in the extract)"),
                    key,
                    Money.zero(),
                    None,
                    periode,
                    earlier,
                    source.file_name,
                )
            except DomainError as error:
                problems.of(error, [])
        if problems.found:
            return periode
        try:
            extracts.record(
                periode=periode, keys=tuple(line.key for line in lines.values()), stamp=stamp
            )
            self._save(extracts_ctx, {"extracts": extracts.id}, extracts)
        except DomainError as error:
            problems.of(error, [])
        return periode

    @staticmethod
    def _periode_of(source: SourceFile, problems: _Problems) -> str | None:
        """The extract's one periode, every row checked: it gives a periode and a status,
        of its own year, the same as the others'."""
        periode: str | None = None
        first = 0
        for row in source.rows:
            if row.status is None:
                problems.row(row.row, "status", "a realisation gives its status", "invalid-input")
            if row.month is None:
                problems.row(
                    row.row, "periode", "a realisation gives its periode (YYYY-MM)", "invalid-input"
                )
                continue
            try:
                check_month(row.month, row.key.fiscal_year, None)
            except DomainError as error:
                problems.row(row.row, "periode", error.message, error.code)
                continue
            if periode is None:
                periode, first = row.month, row.row
            elif row.month != periode:
                problems.row(
                    row.row,
                    "periode",
                    f"an extract has one periode: row {first} gives {periode}, this row"
                    f" {row.month}",
                    "invalid-input",
                )
        return periode

    def _record_month(
        self,
        ctx: Context,
        key: LineKey,
        year_to_date: Money,
        status: RealisationStatus | None,
        periode: str,
        earlier: list[str],
        file_name: str,
    ) -> None:
        """The line's figure of `periode`: its year-to-date total less the months
        recorded before. Reported, or corrected to it if the month has a figure."""
        before = Money.zero()
        last_status = RealisationStatus.VOORLOPIG
        for month in earlier:
            figure = self._lookup(realisation_id_of(key, month_quarter(month), month))
            if isinstance(figure, Realisation):
                before = before + figure.amount
                last_status = figure.status
        movement = year_to_date - before
        quarter = month_quarter(periode)
        stamp = self._stamp(ctx, Period.year(key.fiscal_year, quarter))
        self._check_open([key.fiscal_year])
        figure_id = realisation_id_of(key, quarter, periode)
        found = self._lookup(figure_id)
        if found is not None and not isinstance(found, Realisation):
            raise NotFoundError(f"realisation for {key.label()} does not exist", field="key")
        if found is not None:
            status = status or found.status
            if found.amount == movement and found.status is status:
                return
            found.correct(
                corrects_version=found.version,
                amount=movement,
                status=status,
                reason=f"a newer extract of periode {periode} ({file_name})",
                stamp=stamp,
            )
            self._save(ctx, {"realisation": found.id}, found)
        elif not movement.is_zero():
            realisation = Realisation.report(
                key=key,
                quarter=quarter,
                amount=movement,
                status=status or last_status,
                stamp=stamp,
                month=periode,
                own_month=True,
            )
            self._save(ctx, {"realisation": realisation.id}, realisation)

"""Reports: a slug id, a publication moment, a knowledge cutoff and the tables they hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.application import Begroting, Context
from domain.decision import Decision
from domain.errors import DuplicateError, InvalidInputError, InvalidTimeError
from domain.events import DecisionKind
from domain.report import ColumnSpec, Measure, Report, RowSpec, TableSpec, TotalSpec
from domain.values import Meta, Period

from .support import CLOCK_NOW, FINANCE, authority_of, events_since, given_decision, position

REPORT_ID = "voortgang-2024-q1"
PUBLISHED_AT = datetime(2024, 5, 31, 10, 0, tzinfo=UTC)
CUTOFF = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
SOURCE = "Voortgangsrapportage Q1 2024"


def table(table_id: str = "tabel-6-1") -> TableSpec:
    return TableSpec(
        id=table_id,
        title="Taakstellingen per interventie",
        unit="x € 1.000",
        fund=None,
        columns=(ColumnSpec(key="2024", measure=Measure.TAAKSTELLING, fiscal_year=2024),),
        rows=(RowSpec(interventie=1, label="Interventie 1", taakstellingen=("IVP2-3", "CA-7")),),
        totals=(TotalSpec(label="Totaal excl. risico", include_risks=False),),
    )


def publish(
    app: Begroting,
    *,
    report_id: str = REPORT_ID,
    title: str = "Voortgangsrapportage Q1 2024",
    published_at: datetime = PUBLISHED_AT,
    knowledge_cutoff: datetime = CUTOFF,
    tables: tuple[TableSpec, ...] | None = None,
    decision: str | None = None,
    source: str | None = SOURCE,
) -> None:
    app.publish_report(
        Context(actor=FINANCE, source=source),
        report_id=report_id,
        title=title,
        published_at=published_at,
        knowledge_cutoff=knowledge_cutoff,
        tables=(table(),) if tables is None else tables,
        period=Period.year(2024, 1),
        decision=decision,
    )


def test_publishing_a_report_records_its_moments_and_table_specs(app: Begroting) -> None:
    publish(app)

    assert events_since(app, 0) == [
        Report.Published(
            originator_id=Report.id_for(REPORT_ID),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.report:Report",
            meta=Meta(
                actor=FINANCE,
                known_at=CLOCK_NOW,
                period=Period(2024, 2024, 1),
                decision_id=None,
                source=SOURCE,
                import_id=None,
            ),
            report_id=REPORT_ID,
            title="Voortgangsrapportage Q1 2024",
            published_at=PUBLISHED_AT,
            knowledge_cutoff=CUTOFF,
            # A bare tuple field comes back from JSON as a list; the specs stay tuples.
            tables=[table()],
            authority=None,
        )
    ]


def test_a_report_can_name_the_decision_it_was_published_under(app: Begroting) -> None:
    given_decision(app, "2024-RB-1", kind=DecisionKind.BELEIDSNOTA)
    before = position(app)

    publish(app, decision="2024-RB-1", source=None)

    [event] = events_since(app, before)
    assert isinstance(event, Report.Published)
    assert event.authority == authority_of("2024-RB-1", kind=DecisionKind.BELEIDSNOTA)
    assert event.meta.decision_id == Decision.id_for("2024-RB-1")
    assert event.meta.source is None


def test_a_report_published_now_with_a_cutoff_at_publication_is_accepted(
    app: Begroting,
) -> None:
    publish(app, published_at=CLOCK_NOW, knowledge_cutoff=CLOCK_NOW)

    [event] = events_since(app, 0)
    assert isinstance(event, Report.Published)
    assert (event.published_at, event.knowledge_cutoff) == (CLOCK_NOW, CLOCK_NOW)


@pytest.mark.parametrize("report_id", ["Voortgang-Q1", "voortgang q1", "-voortgang", "v", ""])
def test_a_report_id_that_is_not_a_lowercase_slug_is_refused(
    app: Begroting, report_id: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        publish(app, report_id=report_id)

    assert caught.value.field == "report_id"
    assert caught.value.message == f"report id {report_id!r} must be a lowercase slug"
    assert position(app) == 0


@pytest.mark.parametrize(
    "report_id", ["2019-12-31", "2019-q4", "31-12-2019", "1-1-2019", "2019q4", "now", "nu"]
)
def test_a_report_id_that_reads_as_a_moment_is_refused(app: Begroting, report_id: str) -> None:
    # `as_of` would name a moment or now by it, never the report (projections.queries.basis).
    with pytest.raises(InvalidInputError) as caught:
        publish(app, report_id=report_id)

    assert caught.value.field == "report_id"
    assert caught.value.message == (
        f"report id {report_id!r} reads as a moment (a date, a quarter or now): "
        "name the report in words"
    )
    assert position(app) == 0


def test_a_knowledge_cutoff_after_publication_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidTimeError) as caught:
        publish(app, knowledge_cutoff=PUBLISHED_AT + timedelta(seconds=1))

    assert caught.value.field == "knowledge_cutoff"
    assert caught.value.message == "a report cannot know more than it had at publication"
    assert position(app) == 0


def test_a_publication_in_the_future_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidTimeError) as caught:
        publish(app, published_at=CLOCK_NOW + timedelta(seconds=1))

    assert caught.value.field == "published_at"
    assert caught.value.message == "a report cannot be published in the future"
    assert position(app) == 0


@pytest.mark.parametrize("field", ["published_at", "knowledge_cutoff"])
def test_a_naive_report_moment_is_refused(app: Begroting, field: str) -> None:
    moments = {"published_at": PUBLISHED_AT, "knowledge_cutoff": CUTOFF}
    moments[field] = moments[field].replace(tzinfo=None)

    with pytest.raises(InvalidTimeError) as caught:
        publish(app, **moments)

    assert caught.value.field == field
    assert caught.value.message == f"{field} must carry a time zone"
    assert position(app) == 0


def test_publishing_the_same_report_id_twice_is_refused(app: Begroting) -> None:
    publish(app)

    with pytest.raises(DuplicateError) as caught:
        publish(app, title="Another")

    assert caught.value.field == "report_id"
    assert caught.value.message == "report 'voortgang-2024-q1' already exists"
    assert position(app) == 1


def test_a_report_without_a_title_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        publish(app, title=" ")

    assert caught.value.field == "title"
    assert caught.value.message == "a report needs a title"
    assert position(app) == 0


def test_a_report_whose_table_ids_repeat_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        publish(app, tables=(table(), table()))

    assert caught.value.field == "tables"
    assert caught.value.message == "table ids repeat"
    assert position(app) == 0


def test_a_report_with_neither_a_decision_nor_a_source_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        publish(app, source=None)

    assert caught.value.field == "source"
    assert caught.value.message == "every change names its decision or source document"
    assert position(app) == 0


# -- table specs (plain value objects) ----------------------------------------------------


def column(key: str = "2024", measure: Measure = Measure.TAAKSTELLING) -> ColumnSpec:
    return ColumnSpec(key=key, measure=measure, fiscal_year=2024)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"id": "Tabel 6.1"}, "tables.id", "table id 'Tabel 6.1' is not a slug"),
        ({"columns": ()}, "tables.columns", "a table has distinct column keys"),
        ({"columns": (column(), column())}, "tables.columns", "a table has distinct column keys"),
        (
            {"columns": (column(measure=Measure.BUDGET),)},
            "tables.fund",
            "a budget or realisation table names its fund",
        ),
        (
            {"columns": (ColumnSpec("1999", Measure.TAAKSTELLING, 1999),)},
            "tables.columns.fiscal_year",
            "fiscal year 1999 is out of range",
        ),
    ],
    ids=["id-not-slug", "no-columns", "repeated-column", "budget-without-fund", "old-year"],
)
def test_an_invalid_table_spec_is_refused(
    kwargs: dict[str, object], field: str, message: str
) -> None:
    spec: dict[str, object] = {
        "id": "tabel-6-1",
        "title": "Tabel",
        "unit": "x € 1.000",
        "fund": None,
        "columns": (column(),),
        "rows": (),
        "totals": (),
    }
    spec.update(kwargs)

    with pytest.raises(InvalidInputError) as caught:
        TableSpec(**spec)

    assert caught.value.field == field
    assert caught.value.message == message


def test_a_budget_table_naming_its_fund_is_accepted() -> None:
    spec = TableSpec(
        id="figuur-1",
        title="Budget en realisatie",
        unit="x € 1.000",
        fund="transformatie",
        columns=(column("budget", Measure.BUDGET), column("realisatie", Measure.REALISATION)),
        rows=(RowSpec(interventie=None, label="Totaal"),),
        totals=(),
    )

    assert [c.key for c in spec.columns] == ["budget", "realisatie"]


def test_an_optional_report_field_is_omitted_by_the_one_rule_of_the_events() -> None:
    from domain import events, report

    assert report.OMITTED is events.OMITTED

"""An import over HTTP (ADR 0033): a multipart upload read as the CLI reads a file, the
application's answer (faked here: the interface is under test) as JSON, every problem of a
refused file in one 422 problem document, and the upload's own body limit."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ledger import Ledger
from api.settings import Settings
from domain.application import Begroting, Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.imports import ImportKind, ImportRefused, ImportSummary, RowProblem, SourceFile
from domain.money import Money
from domain.values import Period
from support.clock import Clock
from support.commands import events_after
from support.http import PROBLEM_JSON, bearer, problem
from support.ledgers import log_size

CSV = (
    b"jaar;programma;taakveld;categorie;deelproduct;soort;bedrag;omschrijving\n"
    b"2026;Veiligheid;1.1;1.1;;lasten;1.234,56;Brandweer\n"
    b"2026;Veiligheid;1.1;3.8;;baten;100;Leges\n"
)
END_OF_Q1 = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Amsterdam"))
URL = "/api/v1/imports/begroting"


@dataclass
class FakeImporter:
    """The application's import_source, as the route calls it."""

    refusal: ImportRefused | None = None
    already: bool = False
    calls: list[tuple[Context, SourceFile, str | None, bool]] = field(default_factory=list)

    def import_source(
        self, ctx: Context, source: SourceFile, *, decision: str | None, dry_run: bool
    ) -> ImportSummary:
        self.calls.append((ctx, source, decision, dry_run))
        if self.refusal is not None:
            raise self.refusal
        recorded = not (dry_run or self.already)
        return ImportSummary(
            kind=source.kind,
            file_name=source.file_name,
            sha256=source.sha256,
            sheet=source.sheet,
            known_at=source.known_at,
            rows=len(source.rows),
            lines=len(source.rows),
            events=3 if recorded else 0,
            corrections=0,
            total_lasten=Money(Decimal("1234.56")),
            total_baten=Money(Decimal("100")),
            dry_run=dry_run,
            already_imported=self.already,
            position=42 if recorded else 0,
        )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeImporter:
    found = FakeImporter()
    monkeypatch.setattr(
        Begroting, "import_source", lambda _app, *a, **k: found.import_source(*a, **k)
    )
    return found


def upload(
    client: TestClient,
    data: bytes = CSV,
    *,
    url: str = URL,
    role: str = "finance",
    name: str = "begroting-2026.csv",
    mapping: bytes | None = None,
    **form: str,
) -> Any:
    files: dict[str, tuple[str, bytes]] = {"file": (name, data)}
    if mapping is not None:
        files["mapping"] = ("erp.toml", mapping)
    return client.post(url, headers=bearer(role), files=files, data=form)


def answer(**changed: Any) -> dict[str, Any]:
    body = {
        "kind": "begroting",
        "file_name": "begroting-2026.csv",
        "sha256": hashlib.sha256(CSV).hexdigest(),
        "sheet": None,
        "known_at": "2026-03-31T23:59:59.999999+02:00",
        "rows": 2,
        "lines": 2,
        "events": 3,
        "corrections": 0,
        "total_lasten": "1234.56",
        "total_baten": "100.00",
        "dry_run": False,
        "already_imported": False,
        "position": 42,
    }
    return {**body, **changed}


def test_finance_imports_a_file_and_gets_its_summary(api: TestClient, fake: FakeImporter) -> None:
    response = upload(api, known_at="2026-03-31", decision="begroting-2026")

    assert (response.status_code, response.json()) == (201, answer())
    ((ctx, source, decision, dry_run),) = fake.calls
    assert (ctx, decision, dry_run) == (Context(actor="demo finance"), "begroting-2026", False)
    assert (source.kind, source.file_name, source.known_at, len(source.rows)) == (
        ImportKind.BEGROTING,
        "begroting-2026.csv",
        END_OF_Q1,
        2,
    )


def test_a_dry_run_and_a_file_imported_before_answer_200(
    api: TestClient, fake: FakeImporter
) -> None:
    dry = upload(api, known_at="2026-03-31", dry_run="true")
    fake.already = True
    again = upload(api, known_at="2026-03-31")

    nothing = {"events": 0, "position": 0}
    assert (dry.status_code, dry.json()) == (200, answer(dry_run=True, **nothing))
    assert (again.status_code, again.json()) == (200, answer(already_imported=True, **nothing))
    assert [call[3] for call in fake.calls] == [True, False]


def test_a_mapping_upload_and_a_sheet_reach_the_reader(api: TestClient, fake: FakeImporter) -> None:
    data = CSV.replace(b"jaar;", b"Boekjaar;")
    mapping = b'[columns]\njaar = "Boekjaar"\n[constants]\npeildatum = 2026-03-31\n'

    response = upload(api, data, mapping=mapping)

    assert response.status_code == 201, response.text
    assert fake.calls[0][1].known_at == END_OF_Q1


def test_a_refused_file_lists_every_problem_with_its_row_and_column(
    api: TestClient, fake: FakeImporter, ledger: Ledger
) -> None:
    data = CSV + b"2026;Veiligheid;9.99;1.1;;kosten;1,5;x\n"

    response = upload(api, data)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == problem(
        422,
        "import-refused",
        "begroting-2026.csv: 3 problems; nothing was recorded",
        URL,
        row_error(
            None,
            None,
            "the extract's date is not given: a peildatum column, peildatum in the mapping's "
            "[constants], or known_at (--known-at)",
            "missing-known-at",
            field="known_at",
        ),
        row_error(
            4,
            "taakveld",
            "taakveld '9.99' does not exist in the catalogue of fiscal year 2026 (cell C4)",
            "unknown-taakveld",
        ),
        row_error(4, "soort", "soort is lasten or baten, not 'kosten' (cell F4)", "invalid-input"),
    )
    assert fake.calls == []
    assert log_size(ledger) == 0


def row_error(
    row: int | None, column: str | None, detail: str, code: str, *, field: str = "file"
) -> dict[str, Any]:
    return {
        "in": "body",
        "field": field,
        "detail": detail,
        "code": code,
        "pointer": f"#/{field}",
        "row": row,
        "column": column,
    }


def test_the_applications_refusal_is_the_same_problem_document(
    api: TestClient, fake: FakeImporter
) -> None:
    fake.refusal = ImportRefused(
        (
            RowProblem(None, None, "fiscal year 2026 is closed", "fiscal-year-closed"),
            RowProblem(3, "taakveld", "no such line", "not-found"),
        ),
        "begroting-2026.csv",
    )

    response = upload(api, known_at="2026-03-31")

    assert response.json() == problem(
        422,
        "import-refused",
        "begroting-2026.csv: 2 problems; nothing was recorded",
        URL,
        row_error(None, None, "fiscal year 2026 is closed", "fiscal-year-closed"),
        row_error(3, "taakveld", "no such line", "not-found"),
    )


def test_a_mapping_at_fault_is_named_at_the_mapping(api: TestClient, fake: FakeImporter) -> None:
    response = upload(api, mapping=b"[amounts]\ndecimal = 'dot'\n", known_at="2026-03-31")

    detail = 'erp.toml: [amounts] decimal is "comma" (1.234,56) or "point" (1,234.56)'
    assert response.json() == problem(
        422,
        "import-refused",
        "begroting-2026.csv: 1 problem; nothing was recorded",
        URL,
        row_error(None, None, detail, "invalid-mapping", field="mapping"),
    )


def test_an_unknown_kind_a_missing_file_and_a_control_character_are_refused(
    api: TestClient, fake: FakeImporter
) -> None:
    kind = upload(api, url="/api/v1/imports/jaarrekening", known_at="2026-03-31")
    missing = api.post(URL, headers=bearer("finance"), data={"known_at": "2026-03-31"})
    control = upload(api, known_at="2026-03-31", sheet="Blad\u00001")

    assert kind.status_code == 422
    assert [(e["in"], e["field"]) for e in kind.json()["errors"]] == [("path", "kind")]
    assert missing.status_code == 422
    assert [(e["in"], e["field"]) for e in missing.json()["errors"]] == [("body", "file")]
    assert control.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: sheet",
        URL,
        {
            "in": "body",
            "field": "sheet",
            "detail": "sheet holds a control character",
            "code": "invalid-input",
            "pointer": "#/sheet",
        },
    )
    assert fake.calls == []


def test_a_body_that_is_no_multipart_form_is_400(api: TestClient, fake: FakeImporter) -> None:
    response = api.post(
        URL,
        headers={**bearer("finance"), "Content-Type": "multipart/form-data; boundary=xx"},
        content=b"garbage",
    )

    detail = "the body is not a multipart/form-data upload"
    assert response.json() == problem(
        400,
        "malformed-body",
        detail,
        URL,
        {"in": "body", "field": "", "detail": detail, "code": "malformed-body", "pointer": "#"},
    )
    assert fake.calls == []


@pytest.mark.parametrize("role", ["griffie", "auditor", "admin"])
def test_only_finance_imports(api: TestClient, fake: FakeImporter, role: str) -> None:
    response = upload(api, role=role, known_at="2026-03-31")

    assert response.json() == problem(
        403, "forbidden", f"this needs the role finance; you are {role}", URL
    )
    assert fake.calls == []


# -- the upload's own body limit --------------------------------------------------------


@pytest.fixture
def small_limits(ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    from api.auth import TokenStore

    TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
    settings = Settings(max_body_bytes=1024, max_import_bytes=4096)
    with TestClient(create_app(settings, ledger=ledger, clock=clock.now)) as client:
        yield client


@pytest.mark.parametrize("ledger", ["sqlite"], indirect=True)
def test_an_upload_has_its_own_body_limit(small_limits: TestClient, fake: FakeImporter) -> None:
    rows = b"2026;Veiligheid;1.1;1.1;;lasten;1,00;x\n" * 50  # some 2 KB: above 1 KiB
    fits = upload(small_limits, CSV + rows, known_at="2026-03-31")
    too_large = upload(small_limits, CSV + rows * 3, known_at="2026-03-31")
    other = small_limits.post(
        "/api/v1/realisations", headers=bearer("finance"), json={"source_document": "x" * 2000}
    )

    assert fits.status_code == 201, fits.text
    assert too_large.json() == problem(
        413, "too-large", "the request body is larger than 4096 bytes", URL
    )
    assert other.status_code == 413


def test_the_summary_shape_is_published(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/imports/{kind}"]["post"]

    content = operation["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]
    assert sorted(operation["responses"]) == ["200", "201", "400", "401", "403", "404",
                                              "409", "413", "422"]  # fmt: skip
    published = document["components"]["schemas"]["ImportResult"]["properties"]
    assert list(published) == list(answer())


# -- with the application's use case -------------------------------------------------------


def test_an_upload_is_recorded_once_under_the_tokens_name(api: TestClient, ledger: Ledger) -> None:
    ctx = Context(actor="griffie", known_at=datetime(2026, 1, 5, tzinfo=ZoneInfo("UTC")))
    ledger.app.propose_decision(
        ctx,
        reference="begroting-2026",
        title="Programmabegroting 2026",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTING,
        period=Period.year(2026),
    )
    ledger.app.adopt_decision(ctx, reference="begroting-2026")
    before = log_size(ledger)

    first = upload(api, known_at="2026-03-31", decision="begroting-2026")
    again = upload(api, known_at="2026-03-31", decision="begroting-2026")

    events = 2 * 2 + 1  # each line created and established, and the import itself
    assert (first.status_code, first.json()) == (
        201,
        answer(events=events, position=before + events, total_baten="100.00"),
    )
    assert (again.status_code, again.json()) == (
        200,
        answer(events=0, position=0, already_imported=True),
    )
    assert log_size(ledger) == before + events
    recorded = {(row["actor"], row["import_id"]) for row in events_after(api, before)}
    assert recorded == {("demo finance", f"begroting:{hashlib.sha256(CSV).hexdigest()}")}


def test_a_missing_decision_is_the_problem_of_the_form_field_decision(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)

    response = upload(api, known_at="2026-03-31")

    assert response.json() == problem(
        422,
        "import-refused",
        "begroting-2026.csv: 1 problem; nothing was recorded",
        URL,
        row_error(
            None,
            None,  # not a column of the file
            "a begroting import needs the adopted decision that authorises it",
            "missing-decision",
            field="decision",
        ),
    )
    assert log_size(ledger) == before

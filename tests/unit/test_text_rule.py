"""One text rule for the whole product (ADR 0006), in the domain: single-line text refuses
every character of the Unicode categories Cc, Cf, Zl, Zp and Cs; free text also allows "\\n".
Tables show such characters escaped; a fact recorded before the rule is still read back."""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from api.cli.rendering import backdating_note, print_rows
from domain.errors import InvalidInputError
from domain.events import Stamp
from domain.reserve import Reserve, ReserveKind
from domain.transcodings import DataclassAsDict
from domain.values import (
    REFUSED_CATEGORIES,
    LineKey,
    Meta,
    Period,
    Side,
    check_text,
    escaped,
    text_fault,
)

CONTROL = "holds a control character"
LINE_BREAK = "holds a line break (it is single-line text)"


def test_the_refused_class_is_exactly_the_refused_categories() -> None:
    refused = {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in REFUSED_CATEGORIES
    }
    faulty = {
        code
        for code in range(sys.maxunicode + 1)
        if text_fault(chr(code), multiline=True) is not None
    }

    assert faulty == refused - {ord("\n")}
    assert len(refused) == 2278  # Python 3.11's Unicode database


@pytest.mark.parametrize(
    ("text", "single", "free"),
    [
        ("Welzijn, Wijkontwikkeling en Zorg", None, None),
        ("Sociaal domein – ‘wijkteams’ € 1.000", None, None),
        ("a\nb", LINE_BREAK, None),
        ("a\r\nb", CONTROL, CONTROL),
        ("a\tb", CONTROL, CONTROL),
        ("a\x00", CONTROL, CONTROL),
        ("a\x7f", CONTROL, CONTROL),
        ("a\u0085", CONTROL, CONTROL),
        ("\u202eevreseR", CONTROL, CONTROL),
        ("a\u2066b\u2069", CONTROL, CONTROL),
        ("a\ufeff", CONTROL, CONTROL),
        ("a\u2029", CONTROL, CONTROL),
        ("a\ud800", CONTROL, CONTROL),
    ],
)
def test_single_line_and_free_text(text: str, single: str | None, free: str | None) -> None:
    assert (text_fault(text), text_fault(text, multiline=True)) == (single, free)


def test_check_text_treats_the_free_text_fields_as_free_text() -> None:
    assert check_text("Egalisatie\nvan lasten", "purpose") == "Egalisatie\nvan lasten"
    with pytest.raises(InvalidInputError) as caught:
        check_text("Reserve\nsociaal", "name")

    assert (caught.value.field, caught.value.message) == ("name", f"name {LINE_BREAK}")


def test_the_domain_refuses_a_bidi_override_in_an_actor_whatever_the_interface() -> None:
    # the command line records under its own actors, a token's holder under the token's name
    meta = Meta(
        actor="R. Kamer",
        known_at=datetime(2026, 1, 1, tzinfo=UTC),
        period=Period.year(2026),
        decision_id=None,
        source="memo",
        import_id=None,
    )
    with pytest.raises(InvalidInputError) as caught:
        Reserve.establish(
            code="R-1",
            name="Reserve\u202e",
            kind=ReserveKind.BESTEMMING,
            purpose="p",
            stamp=Stamp(meta=meta, recorded_at=meta.known_at),
        )

    assert (caught.value.field, caught.value.message) == ("name", f"name {CONTROL}")


def test_a_table_shows_refused_characters_escaped() -> None:
    assert escaped("Egalisatie\nvan\tlasten\u202e\\") == "Egalisatie\\nvan\\tlasten\\u202e\\"
    assert escaped("Jeugd – 6.72") == "Jeugd – 6.72"


def test_a_cli_table_keeps_one_row_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    print_rows([{"code": "R-1", "purpose": "Egalisatie\nvan lasten"}], ["code", "purpose"])

    assert capsys.readouterr().out.splitlines() == [
        "code  " + "purpose".ljust(len("Egalisatie\\nvan lasten")),
        "R-1   Egalisatie\\nvan lasten",
    ]


def test_a_value_recorded_before_the_rule_is_still_read_back() -> None:
    # a line key with a tab, as the rules before issue 16 let through
    stored = {
        "fiscal_year": 2019,
        "programma": "Welzijn\tZorg",
        "taakveld": "6.1",
        "side": Side.LASTEN,
        "deelproduct": None,
        "interventie": None,
        "fund": None,
    }

    key = DataclassAsDict(LineKey).decode(stored)

    assert (key.fiscal_year, key.programma, key.taakveld) == (2019, "Welzijn\tZorg", "6.1")
    with pytest.raises(InvalidInputError):
        LineKey(2019, "Welzijn\tZorg", "6.1")


def test_the_notes_below_a_cli_table_show_refused_characters_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # An actor or an import id stored before the text rule (ADR 0006) may hold a bidi
    # override: below the authority table it is shown escaped, as in the table itself.
    row = {
        "position": 142,
        "known_at": "2025-10-19T09:01:00+00:00",
        "recorded_at": "2026-11-23T09:01:00+00:00",
        "actor": "R. Kamer\u202e",
        "backdated": {"by": "P400D", "grace": "P7D"},
        "backfill": None,
    }
    backfill = {**row, "backdated": None, "backfill": "import\nv1"}

    backdating_note([row, backfill], timedelta(days=7))

    assert capsys.readouterr().out.splitlines() == [
        "1 backdated by more than the grace of P7D (known_at that long before recorded_at)",
        "  position 142: known_at 2025-10-19T09:01:00+00:00, recorded_at "
        "2026-11-23T09:01:00+00:00 by R. Kamer\\u202e: P400D earlier",
        "1 from a backfill (import\\nv1): recorded later with their sources' dates, not backdating",
    ]

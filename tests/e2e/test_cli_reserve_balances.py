"""`begroting reserve-balances` (ADR 0027): per reserve and year the opening, mutations,
earmarks and closing; an unknown opening is null in JSON and "unknown" in a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.demo import DEMO_LAST_POSITION
from support.processes import begroting

pytestmark = pytest.mark.e2e


def ok(*args: str, cwd: Path) -> str:
    result = begroting(*args, cwd=cwd, module=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def test_the_demo_s_earmark_in_json_with_an_unknown_opening(tmp_path: Path, demo_db: str) -> None:
    printed = ok(
        "reserve-balances", "--year", "2019", "--reserve", "F022", "--format", "json",
        "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    body = json.loads(printed)
    assert body["basis"]["as_of"] == "now"
    assert body["rows"] == [
        {
            "code": "F022",
            "name": "Saldireserve",
            "kind": "algemeen",
            "fiscal_year": 2019,
            "opening": None,
            "opening_known": False,
            "opening_stated": False,
            "deposits": "0.00",
            "withdrawals": "1224000.00",
            "closing": None,
            "free": {
                "opening": None,
                "deposits": "0.00",
                "withdrawals": "0.00",
                "earmarked": "2000000.00",
                "released": "0.00",
                "closing": None,
            },
            "earmarks": [
                {
                    "earmark": "transformatiebudget",
                    "opening": "0.00",
                    "earmarked": "2000000.00",
                    "deposits": "0.00",
                    "withdrawals": "1224000.00",
                    "released": "0.00",
                    "balance": "776000.00",
                }
            ],
            # The oormerk is set aside from a free part whose opening no document gives.
            "implied_opening": {
                "shortfall": "2000000.00",
                "message": "withdrawals exceed the known movements by EUR 2000000.00: an "
                "opening balance of at least 2000000.00 is implied",
            },
        }
    ]


def test_a_basis_before_the_onttrekkingen_were_known_has_the_whole_earmark(
    tmp_path: Path, demo_db: str
) -> None:
    printed = ok(
        "reserve-balances", "--year", "2019", "--reserve", "F022", "--as-of", "2019-01-01",
        "--format", "json", "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    [row] = json.loads(printed)["rows"]
    assert (row["withdrawals"], row["earmarks"][0]["balance"], row["opening"]) == (
        "0.00",
        "2000000.00",
        None,
    )


def test_the_text_format_prints_unknown_never_zero(tmp_path: Path, demo_db: str) -> None:
    printed = ok(
        "reserve-balances", "--year", "2020", "--reserve", "F058", "--format", "text",
        "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    # F058's opening stays unknown; the 2017 and 2018 withdrawals (EUR 3m + 1m) imply one.
    implied = (
        "withdrawals exceed the known movements by EUR 4000000.00: an opening balance of at "
        "least 4000000.00 is implied"
    )
    assert printed.splitlines() == [
        f"as of now: everything known, log position {DEMO_LAST_POSITION}",
        "code  fiscal_year  part   opening  deposits  withdrawals  earmarked  released  closing"
        "  note" + " " * (len(implied) - len("note")),
        "F058  2020         total  unknown  0.00      256000.00                         unknown"
        "  " + implied,
        "F058  2020         free   unknown  0.00      256000.00    0.00       0.00      unknown"
        "  " + " " * len(implied),
    ]


def test_the_lineage_of_an_earmark_is_the_http_lineage_s_document(
    tmp_path: Path, demo_db: str
) -> None:
    printed = ok(
        "reserve-balances", "--year", "2019", "--reserve", "F022", "--lineage",
        "--figure", "earmark:transformatiebudget", "--format", "json", "--db", demo_db,
        cwd=tmp_path,
    )  # fmt: skip

    demo = {
        "actor": "import:nijmegen-demo",
        "period": 2019,
        "recorded_at": "2026-11-23T09:00:00+00:00",
        "import_id": "nijmegen-demo-v2",
        "mandate": None,
        "authorised": True,
        "problems": [],
        "backdated": None,
        "backfill": "nijmegen-demo-v2",
    }
    ivp = "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019), §6.2"
    assert json.loads(printed) == {
        "basis": {
            "as_of": "now",
            "report": None,
            "knowledge_cutoff": None,
            "log_position": DEMO_LAST_POSITION,
        },
        "code": "F022",
        "fiscal_year": 2019,
        "figure": "earmark:transformatiebudget",
        "value": "776000.00",
        "rows": [
            {
                "position": 17,
                "event": "Earmarked",  # an oormerk, not a storting (ADR 0027)
                "subject": "transformatiebudget",
                "delta": "2000000.00",
                "running_total": "2000000.00",
                "decision": {
                    "reference": "raad-2018-11-stadsbegroting-2019-2022",
                    "body": "raad",
                    "kind": "begroting",
                    "status": "adopted",
                    "adopted_known_at": "2018-11-07T11:00:00+00:00",
                },
                "known_at": "2018-11-07T11:00:00+00:00",
                "source": f"{ivp}: In het Coalitieakkoord Nijmegen Samen Vooruit heeft de "
                "coalitie afgesproken in de Saldireserve een budget te oormerken (€ 2 miljoen)",
                **demo,
            },
            {
                "position": 78,
                "event": "Withdrawn",
                "subject": "transformatiebudget",
                "delta": "-1224000.00",
                "running_total": "776000.00",
                "decision": {
                    "reference": "raad-2019-05-08-interventieplan-fase-4",
                    "body": "raad",
                    "kind": "beleidsnota",
                    "status": "adopted",
                    "adopted_known_at": "2019-05-08T10:00:00+00:00",
                },
                "known_at": "2019-05-08T10:00:00+00:00",
                "source": f"{ivp} en tabel 7.2",
                **demo,
            },
        ],
    }


def test_the_lineage_of_an_unknown_opening_prints_unknown_and_no_events(
    tmp_path: Path, demo_db: str
) -> None:
    printed = ok(
        "reserve-balances", "--year", "2020", "--reserve", "F058", "--lineage",
        "--figure", "opening", "--db", demo_db, cwd=tmp_path,
    )  # fmt: skip

    assert printed.splitlines() == [
        f"as of now: everything known, log position {DEMO_LAST_POSITION}",
        "opening 2020 of reserve F058: unknown",
        "no events behind this figure",
    ]


def test_a_figure_a_reserve_does_not_have_is_a_usage_error(tmp_path: Path, demo_db: str) -> None:
    result = begroting(
        "reserve-balances", "--year", "2019", "--reserve", "F022", "--lineage",
        "--figure", "saldo", "--db", demo_db, cwd=tmp_path, module=True, timeout=60,
    )  # fmt: skip

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "argument --figure: unknown figure 'saldo': use opening, deposits, withdrawals, "
        "closing or earmark:<name>\n"
    )

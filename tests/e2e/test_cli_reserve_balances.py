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

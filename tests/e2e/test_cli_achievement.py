"""`begroting taakstellingen-resultaat` (ADR 0028), run as a real process on the demo
history: the document as JSON, the table within 80 columns off a terminal, the lineage, and
one line on stderr for a base year that is not before the year."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.processes import begroting

pytestmark = pytest.mark.e2e


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting("taakstellingen-resultaat", *args, cwd=cwd, module=True, timeout=60)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(result))


def test_json_gives_interventie_2_of_2018_over_its_target(tmp_path: Path, demo_db: str) -> None:
    found = as_json(
        run("--year", "2018", "--interventie", "2", "--format", "json", "--db", demo_db,
            cwd=tmp_path)
    )  # fmt: skip

    (wijk,) = found["interventies"]
    assert {key: wijk[key] for key in ("target", "base", "realised", "saving", "status")} == {
        "target": "2900000.00",
        "base": "27336000.00",
        "realised": "22357000.00",
        "saving": "4979000.00",
        "status": "over",
    }
    assert found["overlap"] == [
        {"deelproduct": "61296", "interventies": [1, 2], "saving": "5103000.00"}
    ]
    assert (found["basis"]["as_of"], found["fiscal_year"], found["base_year"]) == (
        "now",
        2018,
        2017,
    )


def test_the_table_fits_80_columns_and_names_the_overlap(tmp_path: Path, demo_db: str) -> None:
    lines = ok(run("--year", "2018", "--db", demo_db, cwd=tmp_path)).splitlines()

    assert max(len(line) for line in lines) <= 80
    assert lines[3].split() == [
        "interventie", "target", "relative", "base", "realised", "saving", "difference", "status"
    ]  # fmt: skip
    rows = {line.split()[0]: line.split()[1:] for line in lines[5:] if not line[0].isalpha()}
    # The 2018 realisations are voorlopig in the demo ([S1] voetnoot 3): marked "*".
    assert rows["2"] == ["2900", "10.6", "27336", "22357*", "4979", "2079", "over"]
    # The opgave's figures move with every taakstelling of 2018 the demo records.
    assert len(rows["opgave"]) == 7
    assert "overlap: 61296 lies in interventies 1, 2; the opgave counts its saving once" in lines


def test_the_lineage_of_one_taakstelling_as_json(tmp_path: Path, demo_db: str) -> None:
    traced = as_json(
        run("--year", "2018", "--lineage", "--taakstelling", "ivp2-kantelgesprekken-pgb-hbh",
            "--db", demo_db, cwd=tmp_path)
    )  # fmt: skip

    assert traced["zoekgebied"] == ["61301"]
    assert [row["delta"] for row in traced["target"]["rows"]] == ["100000.00"]
    assert (traced["base"]["amount"], traced["realised"]["amount"]) == (
        "3749000.00",
        "3072000.00",
    )
    assert traced["saving"] == "677000.00"


def test_a_base_year_not_before_the_year_is_one_line_and_exit_2(
    tmp_path: Path, demo_db: str
) -> None:
    result = run("--year", "2018", "--base-year", "2018", "--db", demo_db, cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "begroting: --base-year: the base year (2018) must come before the fiscal year (2018)\n"
    )

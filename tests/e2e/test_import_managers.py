"""HR's path: the real `careerplan import-managers` console script, run as a process against the fake Slack
and a SQLite file. The rest of the import's behaviour (dry runs, re-imports, rate limits, unusable files and
settings, a refused token, --help) is tested in process, with the same Hr, in tests/bot/test_cli.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import Hr, as_process, hr_with

pytestmark = pytest.mark.e2e


@pytest.fixture
def hr(tmp_path: Path) -> Iterator[Hr]:
    with hr_with(as_process, tmp_path) as hr:
        yield hr


def test_bad_rows_are_listed_with_their_reasons_and_the_rest_is_imported(hr: Hr) -> None:
    path = hr.write(
        "Report,Manager,Start_Date,Notes\n"
        "U0ANA,U0BOB,,keeps\n"
        "bob@example.com,U0ANA,,a cycle\n"
        "U0EVE,nobody@example.com,,left the company\n"
        "U0CAROL,U0CAROL,,\n"
        "U0DAN,U0BOB,31/01/2026,\n"
        "U0FAY,carol@example.com,2026-01-31,\n"
    )
    done = hr.run(str(path))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "row 3: a cycle: bob@example.com → U0ANA → bob@example.com (each would report to the next)",
        "row 4: unknown e-mail nobody@example.com",
        "row 5: self-management: U0CAROL cannot be their own manager",
        "row 6: bad start date '31/01/2026': use YYYY-MM-DD, e.g. 2026-01-05",
        "created 2, updated 0, unchanged 0, ended 0, rejected 4",
    ]
    assert "Traceback" not in done.stderr
    assert hr.active() == {"U0ANA": "U0BOB", "U0FAY": "U0CAROL"}

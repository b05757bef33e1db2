"""`careerplan report` as an admin runs it (README.md, "Reports for HR"): DATABASE_URL, the options, every format,
the HTML page, and the refusals with their exit statuses."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.report.render import CSV_COLUMNS
from storage.db import Database
from tests import builders
from tests.cli import InProcess, as_process, clean_env, database_for_cli
from tests.databases import BACKENDS
from tests.fakeslack import FakeSlack
from tests.reportorg import MARKER, REPORT_NOW, A, M, X, build_report_org

PERIOD = ("--since", "2026-01-01", "--until", "2026-06-30")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    # The report's "today" is the organisation's (tests/reportorg.py): the clock every use case reads.
    monkeypatch.setattr("bot.usecases.common.utc_now", lambda: REPORT_NOW)
    return InProcess(monkeypatch, capsys)


@pytest.fixture(params=BACKENDS)
def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    """The report's organisation in a migrated database, and its DATABASE_URL."""
    with database_for_cli(request.param, tmp_path_factory, migrated=True) as (db, url):
        with db.session() as session:
            build_report_org(session)
        yield db, url


def test_the_report_is_a_table_of_counts(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    done = cli(["report", *PERIOD, "--min-group", "2"], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"careerplan report for {builders.TEAM}: the whole workspace"
    assert lines[1] == "2026-01-01 to 2026-06-30 (days included); groups under 2 suppressed"
    assert "generated 2026-11-21 13:30 UTC" in lines[2]
    table = {line.split("  ")[1].strip(): line.rsplit("  ", 1)[-1].strip() for line in lines if line.startswith("  ")}
    assert table["People"] == "11"
    assert table["Lines overdue now"] == "5 of 8 (62%)"
    assert table["2026-03"] == "0"
    assert table["Median days late (of the lines overdue)"] == "52 days"


def test_the_default_minimum_group_hides_this_small_organisation(
    cli: InProcess, org: tuple[Database, str], tmp_path: Path
) -> None:
    done = cli(["report", *PERIOD], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Conversations held" in done.stdout and "fewer than 5" in done.stdout
    assert "No team of 5 or more people in this scope." in done.stdout


def test_json_and_csv_carry_the_same_figures(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=org[1])
    data = json.loads(cli(["report", *PERIOD, "--min-group", "2", "--format", "json"], env, tmp_path).stdout)
    assert (data["scope"], data["since"], data["min_group"]) == ("workspace", "2026-01-01", 2)
    plans = {row["key"]: row for section in data["sections"] for row in section["rows"]}["plans.with_plan"]
    assert (plans["count"], plans["of"], plans["text"]) == (5, 11, "5 of 11 (45%)")
    rows = list(
        csv.DictReader(
            io.StringIO(cli(["report", *PERIOD, "--min-group", "2", "--format", "csv"], env, tmp_path).stdout)
        )
    )
    assert tuple(rows[0]) == CSV_COLUMNS
    by_key = {row["key"]: row for row in rows if row["section"] != "teams"}
    assert (by_key["plans.with_plan"]["count"], by_key["plans.with_plan"]["of"]) == ("5", "11")
    assert by_key["conversations.held.2026-03"]["shown"] == "0"
    assert by_key["conversations.held.2026-04"]["shown"] == "fewer than 2"  # one conversation
    assert by_key["conversations.held.2026-04"]["count"] == ""


def test_under_a_manager_as_id_mention_or_email(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.users[X] = {"profile": {"email": "x@example.com"}}
        env = clean_env(DATABASE_URL=org[1], SLACK_BOT_TOKEN="xoxb-report", SLACK_API_URL=slack.url)
        for under in (X, f"@{X}", f"<@{X}>", X.lower(), "x@example.com"):
            done = cli(["report", *PERIOD, "--min-group", "2", "--under", under], env, tmp_path)
            assert done.returncode == 0, (under, done.stderr)
            assert f"the organisation under {X}" in done.stdout.splitlines()[0]
        nobody = cli(["report", "--under", "nobody@example.com"], env, tmp_path)
    assert nobody.returncode == 2 and "Slack knows nobody with that e-mail" in nobody.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--under", "U0NOBODY1"], "nobody with the Slack id U0NOBODY1 is known"),
        (["--under", A], f"{A} has no reporting lines"),
        (["--under", "a@example.com"], "needs SLACK_BOT_TOKEN"),
        (["--since", "2026-07-01", "--until", "2026-06-30"], "the period starts (2026-07-01) after it ends"),
        (["--min-group", "1"], "at least 2, not 1"),
        (["--team", "T0OTHER"], "no workspace 'T0OTHER'"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    cli: InProcess, org: tuple[Database, str], tmp_path: Path, args: list[str], says: str
) -> None:
    done = cli(["report", *args], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert says in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_day_must_be_written_as_a_day(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    done = cli(["report", "--since", "last year"], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 2 and "must be a day written YYYY-MM-DD" in done.stderr


def test_several_workspaces_need_team(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    db, url = org
    with db.session() as session:
        builders.active_line(session, "U0OTHERR1", "U0OTHERM1", team="T0SECOND", now=REPORT_NOW)
    done = cli(["report"], clean_env(DATABASE_URL=url), tmp_path)
    assert done.returncode == 2
    assert f"several workspaces ({builders.TEAM}, T0SECOND): choose one with --team T" in done.stderr
    second = cli(["report", "--team", "T0SECOND", "--min-group", "2"], clean_env(DATABASE_URL=url), tmp_path)
    assert second.returncode == 0 and "careerplan report for T0SECOND" in second.stdout


def test_no_database_and_no_workspace(cli: InProcess, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    missing = cli(["report"], clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/none.db"), tmp_path)
    assert missing.returncode == 1 and "there is no database at" in missing.stderr
    assert not (tmp_path / "none.db").exists()  # a report only reads: it creates nothing
    with database_for_cli("sqlite", tmp_path_factory, migrated=True) as (_, url):
        empty = cli(["report"], clean_env(DATABASE_URL=url), tmp_path)
    assert empty.returncode == 2 and "no workspace in the database yet" in empty.stderr


def test_the_html_page_is_written_with_its_charts(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = cli(["report", *PERIOD, "--min-group", "2", "--html", str(page)], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Wrote the report with its charts to {page}" in done.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<script" not in html.lower()
    # No address outside the page but the SVG namespaces' names (never fetched).
    assert "http://" not in html.replace("http://www.w3.org/", "") and "https://" not in html


def test_without_matplotlib_html_says_how_to_install_it(
    cli: InProcess, org: tuple[Database, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    done = cli(["report", "--html", str(tmp_path / "r.html")], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 2
    assert 'pip install "careerplan[report]"' in done.stderr
    assert not (tmp_path / "r.html").exists()
    assert cli(["report", "--format", "csv"], clean_env(DATABASE_URL=org[1]), tmp_path).returncode == 0


def test_no_format_prints_anything_anyone_typed(cli: InProcess, org: tuple[Database, str], tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=org[1])
    outputs: list[str] = []
    for under in ([], ["--under", X], ["--under", M]):
        for minimum in ("2", "5"):
            for form in ("table", "csv", "json"):
                page = tmp_path / f"r{len(outputs)}.html"
                done = cli(
                    ["report", *PERIOD, *under, "--min-group", minimum, "--format", form, "--html", str(page)],
                    env,
                    tmp_path,
                )
                assert done.returncode == 0, done.stderr
                outputs += [done.stdout, done.stderr, page.read_text(encoding="utf-8")]
    for output in outputs:
        assert MARKER.lower() not in output.lower()
        assert "<!channel>" not in output and "&lt;!channel" not in output


def test_the_console_script_runs_it(org: tuple[Database, str], tmp_path: Path) -> None:
    done = as_process(["report", "--format", "json"], clean_env(DATABASE_URL=org[1]), tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["team_id"] == builders.TEAM
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None

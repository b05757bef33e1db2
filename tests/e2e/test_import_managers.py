"""HR's path: the real `careerplan import-managers` console script, run as a process against the fake Slack
and a SQLite file."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import Hr, as_process, careerplan, hr_with
from tests.fakeslack import FakeResponse, ratelimited

pytestmark = pytest.mark.e2e


@pytest.fixture
def hr(tmp_path: Path) -> Iterator[Hr]:
    with hr_with(as_process, tmp_path) as hr:
        yield hr


def test_the_same_file_imported_twice_gives_the_same_database(hr: Hr) -> None:
    path = hr.write(
        "report,manager,start_date,cadence_months\n"
        "ana@example.com,bob@example.com,2026-01-05,\n"
        "carol@example.com,BOB@example.com,,6\n"
        "U0DAN,U0ANA,,\n"
    )
    first = hr.run(str(path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["created 3, updated 0, unchanged 0, ended 0, rejected 0"]
    assert hr.active() == {"U0ANA": "U0BOB", "U0CAROL": "U0BOB", "U0DAN": "U0ANA"}
    after_first = hr.lines()
    # Three distinct addresses (Bob's twice, in two cases): three questions to Slack.
    assert sorted(call.params["email"].lower() for call in hr.slack.calls_to("users.lookupByEmail")) == [
        "ana@example.com",
        "bob@example.com",
        "carol@example.com",
    ]

    second = hr.run(str(path))
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["created 0, updated 0, unchanged 3, ended 0, rejected 0"]
    assert hr.lines() == after_first


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


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(hr: Hr) -> None:
    assert hr.run(str(hr.write("report,manager\nU0ANA,U0BOB\n"))).returncode == 0
    before = hr.lines()

    done = hr.run("--dry-run", str(hr.write("report,manager\nU0ANA,carol@example.com\nU0DAN,U0BOB\n")))

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "dry run, nothing written: would have created 2, updated 0, unchanged 0, ended 1, rejected 0"
    ]
    assert hr.lines() == before


def test_a_manager_change_ends_the_old_line(hr: Hr) -> None:
    hr.run(str(hr.write("report,manager\nU0ANA,U0BOB\n")))
    done = hr.run(str(hr.write("report,manager\nU0ANA,U0CAROL\n")))
    assert done.stdout.splitlines() == ["created 1, updated 0, unchanged 0, ended 1, rejected 0"]
    assert [(row["report"], row["manager"], row["status"], row["end_reason"]) for row in hr.lines()] == [
        ("U0ANA", "U0BOB", "ended", "replaced"),
        ("U0ANA", "U0CAROL", "active", None),
    ]


def test_a_rate_limited_lookup_is_retried(hr: Hr) -> None:
    hr.slack.script("users.lookupByEmail", ratelimited(0))
    done = hr.run(str(hr.write("report,manager\nU0DAN,ana@example.com\n")))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == ["created 1, updated 0, unchanged 0, ended 0, rejected 0"]
    assert len(hr.slack.calls_to("users.lookupByEmail")) == 2
    assert hr.active() == {"U0DAN": "U0ANA"}


def test_the_import_waits_out_more_rate_limits_than_the_bot_does(hr: Hr) -> None:
    # The bot's client gives up after two retries; a bulk import of e-mails meets Tier 3's limit by design.
    hr.slack.script("users.lookupByEmail", *[ratelimited(0)] * 4)
    done = hr.run(str(hr.write("report,manager\nU0DAN,ana@example.com\n")))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(hr.slack.calls_to("users.lookupByEmail")) == 5


def test_an_address_slack_will_not_resolve_rejects_only_its_rows(hr: Hr) -> None:
    hr.slack.users["U0OLD"] = {"deleted": True, "profile": {"email": "old@example.com"}}
    hr.slack.script("users.lookupByEmail", FakeResponse(body={"ok": False, "error": "missing_scope"}))
    done = hr.run(str(hr.write("report,manager\nU0DAN,ana@example.com\nU0EVE,U0BOB\nU0FAY,old@example.com\n")))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "row 2: cannot use e-mail ana@example.com: Slack answered missing_scope: "
        "reinstall the app with the users:read.email scope",
        "row 4: cannot use e-mail old@example.com: the account is deactivated",
        "created 1, updated 0, unchanged 0, ended 0, rejected 2",
    ]


@pytest.mark.parametrize(
    ("csv_text", "env", "says"),
    [
        ("report,boss\nU0ANA,U0BOB\n", {}, "has no 'manager' column"),
        (None, {}, "no such file"),
        ("report,manager\nU0ANA,U0BOB\n", {"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ("report,manager\nU0ANA,U0BOB\n", {"CAREERPLAN_CADENCE_MONTHS": "12"}, "CAREERPLAN_CADENCE_MONTHS"),
    ],
)
def test_unusable_input_is_one_line_exit_2_and_nothing_written(
    hr: Hr, csv_text: str | None, env: dict[str, str], says: str
) -> None:
    path = hr.write(csv_text) if csv_text is not None else hr.tmp_path / "missing.csv"
    done = hr.run(str(path), **env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("careerplan: ")
    assert says in lines[0]
    assert done.stdout == ""
    assert not hr.database.exists()
    assert hr.slack.calls == []


def test_a_token_slack_refuses_stops_the_import(hr: Hr) -> None:
    hr.slack.script("auth.test", FakeResponse(body={"ok": False, "error": "invalid_auth"}))
    done = hr.run(str(hr.write("report,manager\nU0ANA,U0BOB\n")))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "careerplan: Slack refused SLACK_BOT_TOKEN (invalid_auth): check the token and SLACK_API_URL"
    )
    assert hr.lines() == []


def test_help_explains_the_file_and_the_exit_status() -> None:
    done = subprocess.run(careerplan("import-managers", "--help"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for words in ("start_date", "cadence_months", "--dry-run", "not a full sync", "1 some rows were rejected"):
        assert words in text

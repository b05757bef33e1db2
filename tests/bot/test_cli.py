"""`careerplan` in process: `bot.cli.main(argv)` with a process's environment, working directory and output
(tests/cli.py's InProcess), for every command and mode: what it prints, what it exits with, what it changes.

tests/e2e starts each command once as a process (the console script); what only processes can show (a SIGKILL
mid-sweep, several sweeps at once) stays there too.
"""

from __future__ import annotations

import functools
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

import pytest
from slack_bolt import App
from sqlalchemy import select

from bot.cli import IMPORT_SETTINGS, PURGE_SETTINGS, SWEEP_SETTINGS
from bot.jobs import sweep as sweep_module
from storage import people
from storage.db import Database, head_revision, is_sqlite
from storage.models import Nudge, PlanVersion
from tests import builders
from tests.cli import MONDAY_10AM_NEW_YORK, Admin, Hr, InProcess, clean_env, database_for_cli, hr_with
from tests.databases import BACKENDS, POSTGRES_URL
from tests.fakeslack import FakeResponse, FakeSlack, ratelimited

_T = TypeVar("_T")

PEOPLE = "report,manager\nU0ANA,U0BOB\n"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(monkeypatch, capsys)


@pytest.fixture
def hr(cli: InProcess, tmp_path: Path) -> Iterator[Hr]:
    with hr_with(cli, tmp_path) as hr:
        yield hr


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    """An empty database, and its DATABASE_URL."""
    with database_for_cli(request.param, tmp_path_factory) as (db, url):
        yield db, url


@pytest.fixture
def admin(empty: tuple[Database, str], tmp_path: Path) -> Iterator[Admin]:
    db, url = empty
    db.upgrade()
    with FakeSlack() as slack:
        yield Admin(slack, db, url, tmp_path)


def swept_at(cli: InProcess, admin: Admin, now: datetime, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """`careerplan sweep --once` in process, its clock reading `now` (as Admin.sweep_at pins a process's)."""
    with monkeypatch.context() as patch:
        patch.setattr(sweep_module, "Sweep", functools.partial(sweep_module.Sweep, clock=lambda: now))
        done = cli(["sweep", "--once"], admin.env(), admin.cwd)
    return done.returncode, done.stdout, done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_until_ctrl_c(
    cli: InProcess, env: dict[str, str], cwd: Path, then: Callable[[str], _T]
) -> tuple[subprocess.CompletedProcess[str], _T]:
    """`careerplan run` in process, over HTTP on 127.0.0.1: once it answers /healthz, `then(its URL)` runs on another
    thread, and then Ctrl-C (SIGINT to the main thread) stops it, as an admin stops the bot."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    returned = threading.Event()
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def drive() -> None:
        while not returned.is_set():
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            return  # it stopped without serving: there is nothing to interrupt
        try:
            outcome.append(then(url))
        except BaseException as exc:
            failure.append(exc)
        finally:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    try:
        done = cli(["run"], {**env, "HOST": "127.0.0.1", "PORT": str(port)}, cwd)
    finally:
        returned.set()
        driver.join(timeout=60)
    if failure:
        raise failure[0]
    assert outcome, f"`careerplan run` never served /healthz; it printed {done}"
    return done, outcome[0]


# --- the command line itself ---------------------------------------------------------------------------------------


def test_help_lists_the_commands(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["--help"], clean_env(), tmp_path)
    assert done.returncode == 0
    for command in ("run", "db"):
        assert command in done.stdout


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["db", "--help"], ["upgrade", "apply the migrations", "current", "migration revision"]),
        (["sweep", "--help"], ["--once", "cron", "never send a nudge twice", "CAREERPLAN_WORKING_HOURS"]),
        (["run", "--help"], ["usage: careerplan run"]),
        (
            ["demo", "--help"],
            [
                "--port",
                "(default 8765; 0: any free one)",
                "--data DIR",
                "--fresh",
                "127.0.0.1 only",
                "needs no SLACK_*",
            ],
        ),
    ],
)
def test_each_command_explains_itself(cli: InProcess, tmp_path: Path, argv: list[str], says: list[str]) -> None:
    done = cli(argv, clean_env(), tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for words in says:
        assert words in text


def test_version_is_the_installed_release(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["--version"], clean_env(), tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, f"careerplan {version('careerplan')}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "does", "reads"),
    [
        (
            ["run"],
            "Run the bot",
            [
                "SLACK_BOT_TOKEN",
                "SLACK_APP_TOKEN",
                "SLACK_SIGNING_SECRET",
                "HOST",
                "PORT",
                "HEALTH_PORT",
                "DATABASE_URL",
                "SLACK_API_URL",
                "LOG_LEVEL",
                "LOG_FORMAT",
                "CAREERPLAN_METRICS",
                "CAREERPLAN_*",
            ],
        ),
        (["db"], "Manage the database", ["DATABASE_URL"]),
        (["db", "upgrade"], "Apply the migrations", ["DATABASE_URL"]),
        (["db", "current"], "Show the database's migration revision", ["DATABASE_URL"]),
        (["import-managers"], "Import reporting lines", list(IMPORT_SETTINGS)),
        (["sweep"], "send the nudges owed", [*SWEEP_SETTINGS, "CAREERPLAN_*"]),
        (["purge-departed"], "Erase every answer", ["DATABASE_URL"]),
        (["purge-workspace"], "Erase a workspace", list(PURGE_SETTINGS)),
        (["demo"], "Try careerplan without Slack", []),
    ],
)
def test_every_command_says_what_it_does_and_what_it_reads(
    cli: InProcess, tmp_path: Path, argv: list[str], does: str, reads: list[str]
) -> None:
    done = cli([*argv, "--help"], clean_env(), tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert does in text
    said = text.split("Reads ", 1)[1]
    for name in reads:
        assert name in said, f"{' '.join(argv)} --help does not say it reads {name}"


def test_run_help_explains_both_modes_and_how_it_stops(cli: InProcess, tmp_path: Path) -> None:
    text = " ".join(cli(["run", "--help"], clean_env(), tmp_path).stdout.split())
    for words in (
        "Socket Mode when SLACK_APP_TOKEN",
        "HTTP otherwise",
        "/healthz",
        "GET /metrics",
        "CAREERPLAN_METRICS=off",
        "SIGTERM stops it cleanly",
    ):
        assert words in text


@pytest.mark.parametrize(
    ("argv", "stdout", "stderr"),
    [
        ([], "usage: careerplan", ""),  # the overview, on stdout
        (["deploy"], "", "argument COMMAND: invalid choice: 'deploy'"),
        (["db"], "", "the following arguments are required: DB_COMMAND"),
        (["db", "downgrade"], "", "invalid choice: 'downgrade'"),
        (["import-managers"], "", "the following arguments are required: FILE.csv"),
        (["sweep", "--twice"], "", "unrecognized arguments: --twice"),
    ],
)
def test_a_command_line_it_cannot_use_is_exit_2_with_the_usage(
    cli: InProcess, tmp_path: Path, argv: list[str], stdout: str, stderr: str
) -> None:
    done = cli(argv, clean_env(), tmp_path)
    assert done.returncode == 2
    assert stdout in done.stdout and stderr in done.stderr
    assert "usage: careerplan" in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []  # no database file made


# --- careerplan run ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "names"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "eighty"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-not-app"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "CAREERPLAN_CADENCE_MONTHS": "12"},
            "CAREERPLAN_CADENCE_MONTHS",
        ),
    ],
)
def test_run_with_a_missing_or_bad_setting_says_which_in_one_line(
    cli: InProcess, tmp_path: Path, settings: dict[str, str], names: str
) -> None:
    done = cli(["run"], clean_env(**settings), tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("careerplan: ")
    assert names in lines[0]
    assert "Traceback" not in done.stderr


def test_run_without_a_slack_app_points_to_the_demo(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["run"], clean_env(), tmp_path)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("careerplan: SLACK_BOT_TOKEN is not set") and "`careerplan demo`" in line


def test_run_says_when_slack_refuses_the_token(cli: InProcess, tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url, PORT="0")

        slack.script("auth.test", FakeResponse(body={"ok": False, "error": "token_revoked"}))
        done = cli(["run"], env, tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "careerplan: Slack refused SLACK_BOT_TOKEN (token_revoked): check the token and SLACK_API_URL"
    )


def test_run_says_when_slack_cannot_be_reached(cli: InProcess, tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    done = cli(["run"], clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=nowhere), tmp_path)
    assert done.returncode == 1
    assert (
        done.stderr.strip().splitlines()[-1]
        == f"careerplan: cannot reach Slack at {nowhere}: [Errno 111] Connection refused"
    )
    assert "Traceback" not in done.stderr


def test_run_says_when_its_port_is_taken(cli: InProcess, tmp_path: Path) -> None:
    with FakeSlack() as slack, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.url,
            HOST="127.0.0.1",
            PORT=str(port),
        )
        done = cli(["run"], env, tmp_path)
    assert done.returncode == 1
    assert (
        done.stderr.strip().splitlines()[-1]
        == f"careerplan: cannot listen on 127.0.0.1:{port}: Address already in use (choose another PORT)"
    )
    assert done.stdout == ""


def test_run_over_http_serves_until_ctrl_c_then_exits_0_and_frees_its_port(cli: InProcess, tmp_path: Path) -> None:
    def health(url: str) -> int:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
            return int(response.status)

    with FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url)
        done, status = run_until_ctrl_c(cli, env, tmp_path, health)
    assert status == 200
    assert done.returncode == 0
    (line,) = done.stdout.splitlines()
    assert line.startswith("careerplan is listening on http://127.0.0.1:") and line.endswith("/slack/events")
    assert (tmp_path / "careerplan.db").exists()  # the default database, made and upgraded on start
    with socket.socket() as restart:  # as waitress binds: a port left in TIME_WAIT is usable, a listening one is not
        restart.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        restart.bind(("127.0.0.1", int(line.split("127.0.0.1:", 1)[1].split("/", 1)[0])))


def test_careerplan_run_sweeps_as_soon_as_it_starts(cli: InProcess, tmp_path: Path) -> None:
    database = tmp_path / "careerplan.db"
    db = Database(f"sqlite:///{database}")
    db.upgrade()
    admin = Admin(FakeSlack(), db, f"sqlite:///{database}", tmp_path)
    # A line a week old: its first-month nudge is owed now, whatever the real clock says.
    admin.lines(1, datetime.now(UTC).date() - timedelta(days=7))
    with admin.slack:
        env = {**admin.env(), "SLACK_SIGNING_SECRET": "s"}
        # The first pass asks the manager's time zone (to enqueue), then the report's (to deliver).
        done, asked = run_until_ctrl_c(
            cli, env, tmp_path, lambda _url: admin.slack.wait_for("users.info", 2, timeout=30)
        )
        assert "listening on" in done.stdout.splitlines()[0]
        assert [call.params["user"] for call in asked] == ["U0M000", "U0R000"]
        # Sent, or waiting for working hours in New York (the fake's zone): either way, owed once each.
        assert sorted(nudges(db)) == [("first_month", "manager"), ("first_month", "report")]
    db.dispose()


def nudges(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(str(kind), str(audience)) for kind, audience in session.execute(select(Nudge.kind, Nudge.audience))]


def test_an_app_token_runs_the_bot_in_socket_mode_without_a_signing_secret(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[object, str | None]] = []

    class ConnectedUntilCtrlC:
        """Stands in for Bolt's SocketModeHandler: start() connects, and the admin presses Ctrl-C."""

        def __init__(self, app: App, app_token: str | None = None) -> None:
            self.app, self.app_token = app, app_token

        def start(self) -> None:
            started.append((self.app, self.app_token))
            raise KeyboardInterrupt

    monkeypatch.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", ConnectedUntilCtrlC)
    with FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-socket", SLACK_API_URL=slack.url)
        done = cli(["run"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    ((app, token),) = started
    assert isinstance(app, App) and token == "xapp-1-socket"
    assert "careerplan is connecting to Slack in Socket Mode" in done.stderr
    assert "listening on" not in done.stdout  # no HTTP server


NOT_UPGRADED = (
    "careerplan: the database is at revision none but this release needs {head}: run `careerplan db upgrade` first"
)


@pytest.mark.skipif(POSTGRES_URL is None, reason="set CAREERPLAN_TEST_POSTGRES_URL to run it on PostgreSQL")
def test_run_will_not_start_on_a_postgresql_database_not_yet_upgraded(
    cli: InProcess, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with database_for_cli("postgresql", tmp_path_factory) as (db, url), FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url, DATABASE_URL=url)
        done = cli(["run"], env, tmp_path)
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [NOT_UPGRADED.format(head=head_revision())]
        assert db.current_revision() is None


@pytest.mark.parametrize(("argv", "refused"), [(["sweep", "--once"], 1), (["import-managers", "people.csv"], 2)])
def test_a_postgresql_database_must_be_upgraded_first_a_sqlite_file_is_upgraded_on_start(
    cli: InProcess, tmp_path: Path, empty: tuple[Database, str], argv: list[str], refused: int
) -> None:
    db, url = empty
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    with FakeSlack() as slack:
        done = cli(argv, clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=slack.url, DATABASE_URL=url), tmp_path)
    if is_sqlite(url):
        assert done.returncode == 0, done.stderr
        assert db.current_revision() == head_revision()
    else:
        assert done.returncode == refused
        assert done.stderr.strip().splitlines()[-1] == NOT_UPGRADED.format(head=head_revision())
        assert db.current_revision() is None


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["run"], 1),
        (["sweep", "--once"], 1),
        (["db", "upgrade"], 1),
        (["db", "current"], 1),
        (["import-managers", "people.csv"], 2),
    ],
)
def test_a_database_it_cannot_open_is_one_line_without_the_password(
    cli: InProcess, tmp_path: Path, argv: list[str], code: int
) -> None:
    port = free_port()
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.url,
            DATABASE_URL=f"postgresql://careerplan:hunter2@127.0.0.1:{port}/careerplan",
        )
        done = cli(argv, env, tmp_path)
    assert done.returncode == code
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(
        f"careerplan: cannot open the database postgresql://careerplan:***@127.0.0.1:{port}/careerplan: "
    )
    assert "hunter2" not in done.stdout + done.stderr
    assert slack.calls == []  # the database is checked before Slack is asked anything


NOT_A_DATABASE_URL = "DATABASE_URL must start with sqlite:/// or postgresql:// (e.g. sqlite:///careerplan.db or postgresql://user@host/db)"
BAD_HOURS = "CAREERPLAN_WORKING_HOURS must look like 09:00-17:00, not '9-17'"
BAD_LOG_LEVEL = "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'VERBOSE'"
BAD_API_URL = "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/"
IMPORT = ["import-managers", "people.csv"]


@pytest.mark.parametrize(
    ("argv", "setting", "message"),
    [
        (["db", "upgrade"], {"DATABASE_URL": "mysql://x"}, NOT_A_DATABASE_URL),
        (["db", "current"], {"DATABASE_URL": "mysql://x"}, NOT_A_DATABASE_URL),
        (["sweep", "--once"], {"DATABASE_URL": "mysql://x"}, NOT_A_DATABASE_URL),
        (["sweep", "--once"], {"SLACK_API_URL": "slack.com/api/"}, BAD_API_URL),
        (["sweep", "--once"], {"LOG_LEVEL": "verbose"}, BAD_LOG_LEVEL),
        (["sweep", "--once"], {"CAREERPLAN_WORKING_HOURS": "9-17"}, BAD_HOURS),
        (
            ["sweep", "--once"],
            {"CAREERPLAN_LEAD_DAYS": "99"},
            "CAREERPLAN_LEAD_DAYS must be a whole number from 0 to 30, not '99'",
        ),
        (IMPORT, {"DATABASE_URL": "mysql://x"}, NOT_A_DATABASE_URL),
        (IMPORT, {"SLACK_API_URL": "slack.com/api/"}, BAD_API_URL),
        (IMPORT, {"LOG_LEVEL": "verbose"}, BAD_LOG_LEVEL),
    ],
)
def test_a_bad_setting_a_command_reads_stops_it_in_one_line(
    cli: InProcess, tmp_path: Path, argv: list[str], setting: dict[str, str], message: str
) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    with FakeSlack() as slack:
        env = clean_env(**{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": slack.url, **setting})
        done = cli(argv, env, tmp_path)
    assert (done.returncode, done.stderr.splitlines(), done.stdout) == (2, [f"careerplan: {message}"], "")
    assert slack.calls == []
    assert not (tmp_path / "careerplan.db").exists()


# What `run` reads and the other commands must not trip over: they serve no requests from Slack.
SERVING_ONLY = {"SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": "xoxb-not-app", "HOST": "", "PORT": "eighty"}
SCHEDULER_ONLY = {"CAREERPLAN_WORKING_HOURS": "9-17", "CAREERPLAN_LEAD_DAYS": "99", "CAREERPLAN_SWEEP_MINUTES": "0"}


@pytest.mark.parametrize(
    ("argv", "ignored"),
    [
        (["db", "upgrade"], {**SERVING_ONLY, **SCHEDULER_ONLY, "SLACK_BOT_TOKEN": "", "LOG_LEVEL": "verbose"}),
        (["db", "current"], {**SERVING_ONLY, **SCHEDULER_ONLY, "SLACK_BOT_TOKEN": "", "SLACK_API_URL": "x"}),
        (["sweep", "--once"], SERVING_ONLY),
        (IMPORT, {**SERVING_ONLY, **SCHEDULER_ONLY}),
    ],
)
def test_a_command_is_not_stopped_by_a_setting_it_does_not_read(
    cli: InProcess, tmp_path: Path, argv: list[str], ignored: dict[str, str]
) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    with FakeSlack() as slack:
        env = clean_env(**{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": slack.url, **ignored})
        done = cli(argv, env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("careerplan: ")] == []


# --- careerplan db -------------------------------------------------------------------------------------------------


def test_db_upgrade_and_current_report_the_revision(
    cli: InProcess, tmp_path: Path, empty: tuple[Database, str]
) -> None:
    env = clean_env(DATABASE_URL=empty[1])
    current = cli(["db", "current"], env, tmp_path)
    assert "none (empty database)" in current.stdout
    assert "needs `careerplan db upgrade`" in current.stdout
    upgraded = cli(["db", "upgrade"], env, tmp_path)
    assert upgraded.returncode == 0
    head = head_revision()
    assert f"upgraded from empty to {head}" in upgraded.stdout
    again = cli(["db", "upgrade"], env, tmp_path)
    assert f"is up to date (revision {head})" in again.stdout
    current = cli(["db", "current"], env, tmp_path)
    assert f"revision {head}, up to date" in current.stdout


# --- careerplan sweep ----------------------------------------------------------------------------------------------


def test_one_pass_prints_its_report_and_the_manager_gets_the_dm(
    cli: InProcess, admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin.lines(1, date(2026, 11, 23))
    code, out, err = swept_at(cli, admin, MONDAY_10AM_NEW_YORK, monkeypatch)
    assert code == 0, err
    assert out.splitlines() == ["enqueued 2, sent 2, retried 0, failed 0, waiting outside working hours 0"]
    assert "Traceback" not in err
    assert "enqueued" not in err  # the summary once, on stdout: not again in the log on the same terminal
    (to_manager,) = admin.slack.messages_to("U0M000")
    assert "<@U0R000> is new to your team" in to_manager.params["text"]
    assert len(admin.slack.messages_to("U0R000")) == 1
    code, out, _ = swept_at(cli, admin, MONDAY_10AM_NEW_YORK, monkeypatch)  # again: nothing more is owed
    assert (code, out.strip()) == (0, "enqueued 0, sent 0, retried 0, failed 0, waiting outside working hours 0")
    assert len(admin.slack.messages) == 2


def test_a_sweep_without_once_explains_itself(cli: InProcess, tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-sweep", SLACK_API_URL=slack.url, DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}"
        )
        bare = cli(["sweep"], env, tmp_path)
    assert bare.returncode == 2
    assert "runs inside `careerplan run`" in bare.stderr and "--once" in bare.stderr
    assert "Traceback" not in bare.stderr


def test_a_sweep_without_a_bot_token_says_so_in_one_line(cli: InProcess, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    done = cli(["sweep", "--once"], env, tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("careerplan: SLACK_BOT_TOKEN is not set")


# --- careerplan import-managers ------------------------------------------------------------------------------------


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


def test_cells_holding_terminal_escapes_are_printed_as_visible_escapes(hr: Hr) -> None:
    path = hr.write(
        "report,manager\n"
        "\x1b[31mred\x1b[0m\x07@example.com,U0BOB\n"  # an unknown e-mail, quoted as it is in the reason
        "U0ANA,\u202egro.elpmaxe@evil\n"  # a right-to-left override: the address would read backwards
        "U0DAN,x\x1b]0;owned\x07\n"  # neither an id nor an address; sets the terminal's title if printed raw
    )
    done = hr.run(str(path))

    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert [char for char in output if not char.isprintable() and char != "\n"] == []
    rejected = done.stdout.splitlines()[:3]
    assert rejected[0] == "row 2: unknown e-mail \\x1b[31mred\\x1b[0m\\x07@example.com"
    assert rejected[1] == "row 3: unknown e-mail \\u202egro.elpmaxe@evil"
    assert rejected[2].startswith("row 4: manager 'x\\x1b]0;owned\\x07' is neither")


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


def test_an_import_slack_cannot_reach_imports_nothing(hr: Hr) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    done = hr.run(str(hr.write("report,manager\nU0ANA,U0BOB\n")), SLACK_API_URL=nowhere)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"careerplan: cannot reach Slack at {nowhere}: [Errno 111] Connection refused; nothing was imported"
    )
    assert done.stdout == ""
    assert hr.lines() == []


def test_help_explains_the_file_and_the_exit_status(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["import-managers", "--help"], clean_env(), tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for words in ("start_date", "cadence_months", "--dry-run", "not a full sync", "1 some rows were rejected"):
        assert words in text


# --- careerplan purge-departed -------------------------------------------------------------------------------------


def departed_world(db: Database) -> None:
    """U0LONGGONE left 40 days ago, U0JUSTLEFT 10 days ago; U0STAYS never left. Each has a plan."""
    now = datetime.now(UTC)
    with db.session() as session:
        for user, left_days_ago in (("U0LONGGONE", 40), ("U0JUSTLEFT", 10), ("U0STAYS", None)):
            builders.plan_version(session, user, builders.a_plan(f"Goal of {user}"), now=now - timedelta(days=60))
            builders.reflection(session, user, now=now - timedelta(days=60))
            if left_days_ago is not None:
                person = people.find_person_id(session, builders.TEAM, user)
                assert person is not None
                people.mark_deactivated(session, person, now - timedelta(days=left_days_ago))


def goals(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(PlanVersion.goal_text)))


def test_purge_departed_shows_who_first_then_erases_only_their_answers(
    cli: InProcess, tmp_path: Path, empty: tuple[Database, str]
) -> None:
    db, url = empty
    db.upgrade()
    departed_world(db)
    env = clean_env(DATABASE_URL=url)
    dry = cli(["purge-departed", "--days", "30", "--dry-run"], env, tmp_path)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{builders.TEAM} U0LONGGONE: deactivated ")
    assert (
        lines[1]
        == "Would erase the answers of 1 person deactivated more than 30 days ago (dry run: nothing was erased)."
    )
    assert goals(db) == ["Goal of U0JUSTLEFT", "Goal of U0LONGGONE", "Goal of U0STAYS"]

    done = cli(["purge-departed", "--days", "30"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "Erased the answers of 1 person deactivated more than 30 days ago (1 still had answers): 1 plan versions"
    )
    assert "1 reflections" in done.stdout
    assert goals(db) == ["Goal of U0JUSTLEFT", "Goal of U0STAYS"]
    again = cli(["purge-departed", "--days", "5"], env, tmp_path)
    assert "of 2 people deactivated more than 5 days ago (1 still had answers)" in again.stdout
    assert goals(db) == ["Goal of U0STAYS"]


@pytest.mark.parametrize("days", ["-1", "thirty", "1e3", ""])
def test_purge_departed_needs_a_whole_number_of_days(cli: InProcess, tmp_path: Path, days: str) -> None:
    done = cli(["purge-departed", "--days", days], clean_env(), tmp_path)
    assert done.returncode == 2
    assert "--days: must be a whole number of days" in done.stderr


# --- careerplan db backup ------------------------------------------------------------------------------------------


def test_db_backup_copies_everything_into_a_new_private_file_and_never_overwrites(
    cli: InProcess, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'careerplan.db'}"
    db = Database(url)
    db.upgrade()
    with db.session() as session:
        builders.plan_version(session, "U0ANA", builders.a_plan("Run the coffee guild"))
    copy = tmp_path / "backup.db"
    env = clean_env(DATABASE_URL=url)
    done = cli(["db", "backup", str(copy)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up sqlite:///{tmp_path / 'careerplan.db'} to {copy} (")
    assert copy.stat().st_mode & 0o777 == 0o600
    restored = Database(f"sqlite:///{copy}")
    with restored.session() as session:
        assert list(session.scalars(select(PlanVersion.goal_text))) == ["Run the coffee guild"]
    restored.dispose()
    again = cli(["db", "backup", str(copy)], env, tmp_path)
    assert again.returncode == 1
    assert "exists already: choose a new file name" in again.stderr
    db.dispose()


def test_db_backup_of_postgresql_says_to_use_pg_dump_and_of_nothing_says_so(cli: InProcess, tmp_path: Path) -> None:
    pg = cli(["db", "backup", str(tmp_path / "x.db")], clean_env(DATABASE_URL="postgresql://u@127.0.0.1/db"), tmp_path)
    assert pg.returncode == 1 and "back it up with pg_dump" in pg.stderr
    missing = cli(
        ["db", "backup", str(tmp_path / "x.db")], clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'no.db'}"), tmp_path
    )
    assert missing.returncode == 1 and "there is no database at" in missing.stderr
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "no.db").exists()

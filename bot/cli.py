"""The `careerplan` command: run the bot, manage its database."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.error import URLError

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import NINE_TO_FIVE, Settings, SettingsError, database_url
from storage.db import Database, head_revision, is_sqlite

if TYPE_CHECKING:
    from types import FrameType

    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_bolt import App
    from slack_sdk import WebClient
    from waitress.server import BaseWSGIServer, MultiSocketServer

    Server = BaseWSGIServer | MultiSocketServer

    from bot.demo.slack_api import SlackStandIn
    from bot.jobs.sweep import Sweep
    from bot.metrics import Metrics
    from bot.usecases.importer import Lookup

_T = TypeVar("_T")

# What `import-managers` reads from the environment: it serves no requests from Slack, so it needs no
# signing secret, app token or port, and a bad value of those must not stop an import.
IMPORT_SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "CAREERPLAN_CADENCE_MONTHS",
    "LOG_LEVEL",
    "LOG_FORMAT",
)
# Exit statuses of `import-managers`: 1 is kept for "some rows rejected, the rest imported".
IMPORT_REJECTED_ROWS = 1
IMPORT_NOTHING_IMPORTED = 2
# users.lookupByEmail is Tier 3 (about 50 a minute): a large file of e-mails meets the limit by design, so the
# import waits out more Retry-After answers than the bot, which must answer people quickly, does.
IMPORT_RATE_LIMIT_RETRIES = 10

IMPORT_DESCRIPTION = """\
Import reporting lines (who manages whom) from a CSV file, as HR keeps them. An import counts as
each report's consent: its lines are active at once, and a report's previous manager loses access.

The first row names the columns, in any order and any case; other columns are ignored:
  report, manager   required: a Slack user id (U0123ABCD) or an e-mail address, which is
                    looked up in Slack (the app needs the users:read.email scope)
  start_date        optional, YYYY-MM-DD: when the line started (default for a new line: today, UTC)
  cadence_months    optional, 3 to 6: months between career conversations
                    (default for a new line: CAREERPLAN_CADENCE_MONTHS, else 3)

Running the same file twice changes nothing. It is not a full sync: reports the file does not name
keep their lines. A report whose manager changes has the old line ended. Rows that cannot be imported
(unknown e-mail, self-management, a cycle such as A → B → A, a bad date or cadence, a report given two
managers) are listed with the reason; the other rows are imported, all in one transaction.

Reads SLACK_BOT_TOKEN, SLACK_API_URL, DATABASE_URL, CAREERPLAN_CADENCE_MONTHS, LOG_LEVEL and LOG_FORMAT from the
environment."""

IMPORT_EPILOG = """\
exit status:
  0  every row was imported (with --dry-run: would be)
  1  some rows were rejected, each listed with its reason; the other rows were imported
  2  nothing was imported: unreadable file, missing column, missing setting, database or Slack unreachable"""


# What `sweep --once` reads: like import-managers, it serves no requests, so it needs no signing secret or port.
SWEEP_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_API_URL", "DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT")
SWEEP_DESCRIPTION = """\
Look for career conversations that are due and ended experiments, and send the nudges owed, each in its
recipient's working hours (CAREERPLAN_WORKING_HOURS in their own Slack time zone). `careerplan run` does
this by itself every CAREERPLAN_SWEEP_MINUTES; run `careerplan sweep --once` for a single pass, e.g. from
cron when the bot runs elsewhere. Passes running at the same time never send a nudge twice.

Reads SLACK_BOT_TOKEN, SLACK_API_URL, DATABASE_URL, LOG_LEVEL, LOG_FORMAT and the CAREERPLAN_* settings."""


PURGE_DEPARTED_DESCRIPTION = """\
Erase every answer (plans with their history, drafts, reflections, the words of conversations and experiments
on their lines) of the people whose Slack accounts were deactivated more than N days ago. Their reporting lines
ended when they left and stay as dated history, without words. Run it with --dry-run first to see who.

Reads DATABASE_URL."""
# What `purge-workspace` reads: it only erases rows, so it needs no Slack setting at all.
PURGE_SETTINGS = ("DATABASE_URL",)
PURGE_DESCRIPTION = """\
Erase a workspace and everything careerplan holds of it: its people, their plans, drafts and reflections,
their reporting lines with the conversations, experiments and reminders. Meant for a workspace that
uninstalled the app (careerplan keeps its data, in case it is reinstalled, until you purge it).

Without --yes it only shows what it would erase, and erases nothing. Reads DATABASE_URL."""
PURGE_EPILOG = """\
exit status:
  0  shown (without --yes) or erased (with --yes)
  1  no such workspace in the database, or the database could not be used: nothing was erased"""


RUN_DESCRIPTION = """\
Run the bot: answer Slack (the /careerplan command, App Home, buttons and forms) and, every
CAREERPLAN_SWEEP_MINUTES, send the reminders that are due. A SQLite database is created and upgraded on
start; a PostgreSQL one must be upgraded first (`careerplan db upgrade`).

Modes:
  Socket Mode  when SLACK_APP_TOKEN (xapp-…) is set: the bot connects out to Slack, no public URL needed;
               HEALTH_PORT, if set, serves GET /healthz and GET /metrics on 127.0.0.1:HEALTH_PORT
  HTTP         otherwise: Slack's requests on http://HOST:PORT/slack/events, signed with
               SLACK_SIGNING_SECRET; GET /healthz there too (200 while the database answers, else 503),
               and GET /metrics

/metrics is for Prometheus: counts of requests, failures, sweep passes and reminders, never anyone's
words or ids; CAREERPLAN_METRICS=off turns it off.

Ctrl-C or SIGTERM stops it cleanly (requests and the reminder being sent finish first), exit status 0.

Reads SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, HOST, PORT, HEALTH_PORT, DATABASE_URL,
SLACK_API_URL, LOG_LEVEL, LOG_FORMAT, CAREERPLAN_METRICS and the other CAREERPLAN_* settings (see README.md)."""

DEMO_DESCRIPTION = """\
Try careerplan without Slack: the real bot, with a built-in stand-in for Slack's Web API and a local web page
that looks like Slack (the app's Home tab, the DM with the bot, modals, a box for /careerplan commands, and a
clock to jump ahead), on a demo organisation of fictional people you can switch between. Nothing leaves this
machine: everything listens on 127.0.0.1 only.

The demo's SQLite database and clock are kept in --data (made readable by you only) between runs; --fresh starts
over. Every click on the page reaches the bot as Slack would send it: a signed request to /slack/events.

Ctrl-C or SIGTERM stops it.

Reads nothing from the environment: it needs no SLACK_* token or secret and no DATABASE_URL (a signing secret
is made for each run), so it works before anyone has created a Slack app."""

DB_DESCRIPTION = """\
Manage the database: `upgrade` applies the migrations this release needs (run it before starting a new
release on PostgreSQL; `careerplan run` does it by itself on SQLite), `current` shows where it is.

Reads DATABASE_URL (default: sqlite:///careerplan.db in the working directory)."""
DB_UPGRADE_DESCRIPTION = """\
Apply the migrations this release needs, creating the database's tables if it is empty (a SQLite file is
created). Running it again changes nothing. Reads DATABASE_URL."""
DB_CURRENT_DESCRIPTION = """\
Show the database's migration revision and whether `careerplan db upgrade` is needed. It only reads:
a SQLite file that does not exist is not created. Reads DATABASE_URL."""


DB_BACKUP_DESCRIPTION = """\
Copy the SQLite database named by DATABASE_URL into FILE, a new file readable by its owner only, using SQLite's
online backup: the copy is consistent even while `careerplan run` serves and sweeps. It never overwrites a file.
For PostgreSQL, use pg_dump. Restore by stopping the bot and putting the copy in place of the database file.

Reads DATABASE_URL."""


REPORT_DESCRIPTION = """\
Counts for HR, never anyone's answers: people and reporting lines, first-month conversations, conversations
held per month, lines on cadence and overdue now, skips, experiments and their outcomes, and plans (having one,
revising it, sharing it), for the whole workspace or the organisation under one manager (--under), over a period
(default: the last 12 months ending today, UTC). Any group of fewer than --min-group people, lines or events is
shown as "fewer than N", and any figure from which such a group could be worked out by subtraction as
"suppressed" (README.md, "Reports for HR", says what each figure means).

Prints a table (or --format csv|json) on stdout; --html FILE also writes a self-contained page with charts
(needs the extra: pip install "careerplan[report]").

Reads DATABASE_URL; SLACK_BOT_TOKEN and SLACK_API_URL only to look up an e-mail given to --under."""
REPORT_EPILOG = """\
exit status:
  0  the report was printed (and written, with --html)
  1  the database could not be read
  2  the report cannot be made as asked: a bad option, an unknown workspace or person, several workspaces
     and no --team, --html without matplotlib"""
# What `report` reads: DATABASE_URL, and Slack only to turn an e-mail into a Slack id.
REPORT_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_API_URL", "DATABASE_URL")


DEMO_PORT = 8765
DEMO_DATA = "careerplan-demo"
DEMO_DATABASE = "careerplan-demo.db"
DEMO_CLOCK = "clock.json"
DEMO_SLACK = "slack.json"  # what the demo people's Slack showed (Home, DMs, files), kept between runs


class StartupError(Exception):
    """Start-up cannot go on; str(exc) is the one line the admin sees."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except (SettingsError, StartupError) as exc:
        print(f"careerplan: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, SettingsError) else 1
    except KeyboardInterrupt:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careerplan",
        description="A Slack bot that runs career check-ins. Configuration comes from the environment "
        "(see README.md): SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, DATABASE_URL, …",
    )
    parser.add_argument("--version", action="version", version=f"careerplan {_version()}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter
    run = commands.add_parser(
        "run",
        help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT)",
        description=RUN_DESCRIPTION,
        formatter_class=raw,
    )
    run.set_defaults(handler=_run)
    demo = commands.add_parser(
        "demo",
        help="try it without Slack: the real bot behind a local page that looks like Slack (no tokens needed)",
        description=DEMO_DESCRIPTION,
        formatter_class=raw,
    )
    demo.add_argument(
        "--port",
        type=_port,
        default=DEMO_PORT,
        help=f"the page's port on 127.0.0.1 (default {DEMO_PORT}; 0: any free one)",
    )
    demo.add_argument(
        "--data",
        type=Path,
        default=Path(DEMO_DATA),
        metavar="DIR",
        help=f"where the demo keeps its database and clock (default ./{DEMO_DATA})",
    )
    demo.add_argument("--fresh", action="store_true", help="forget the demo's data in DIR and start over")
    demo.set_defaults(handler=_demo)
    db = commands.add_parser("db", help="manage the database", description=DB_DESCRIPTION, formatter_class=raw)
    db_commands = db.add_subparsers(title="database commands", metavar="DB_COMMAND", required=True)
    db_commands.add_parser(
        "upgrade", help="apply the migrations this release needs", description=DB_UPGRADE_DESCRIPTION
    ).set_defaults(handler=_db_upgrade)
    db_commands.add_parser(
        "current", help="show the database's migration revision", description=DB_CURRENT_DESCRIPTION
    ).set_defaults(handler=_db_current)
    backup = db_commands.add_parser(
        "backup", help="copy a SQLite database into a new file, while the bot runs", description=DB_BACKUP_DESCRIPTION
    )
    backup.add_argument("file", metavar="FILE", type=Path, help="the new file (it must not exist yet)")
    backup.set_defaults(handler=_db_backup)
    imports = commands.add_parser(
        "import-managers",
        help="import reporting lines from HR's CSV file (report, manager, start_date, cadence_months)",
        description=IMPORT_DESCRIPTION,
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imports.add_argument("file", metavar="FILE.csv", type=Path, help="the CSV file; row 1 names the columns")
    imports.add_argument(
        "--dry-run", action="store_true", help="check every row and say what would change, writing nothing"
    )
    imports.set_defaults(handler=_import_managers)
    sweep = commands.add_parser(
        "sweep",
        help="send the nudges that are due, once (`careerplan run` sweeps by itself)",
        description=SWEEP_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("--once", action="store_true", help="one pass, then print what it did and exit")
    sweep.set_defaults(handler=_sweep)
    departed = commands.add_parser(
        "purge-departed",
        help="erase the answers of people who left Slack more than N days ago",
        description=PURGE_DEPARTED_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    departed.add_argument("--days", type=_days, required=True, metavar="N", help="deactivated more than N days ago")
    departed.add_argument("--dry-run", action="store_true", help="list who would be erased, erasing nothing")
    departed.set_defaults(handler=_purge_departed)
    purge_workspace = commands.add_parser(
        "purge-workspace",
        help="erase a workspace (e.g. one that uninstalled the app) and all its data, after --yes",
        description=PURGE_DESCRIPTION,
        epilog=PURGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    purge_workspace.add_argument("team_id", metavar="TEAM_ID", help="the workspace's Slack team id (T0123ABCD)")
    purge_workspace.add_argument(
        "--yes", action="store_true", help="erase it; without this, only show what would be erased"
    )
    purge_workspace.set_defaults(handler=_purge_workspace)
    report = commands.add_parser(
        "report",
        help="counts for HR (first-month and on-cadence rates, overdue, experiments, plans): never anyone's answers",
        description=REPORT_DESCRIPTION,
        epilog=REPORT_EPILOG,
        formatter_class=raw,
    )
    report.add_argument("--team", metavar="T", help="the workspace's Slack team id (needed when there are several)")
    report.add_argument(
        "--under", metavar="@ID|EMAIL", help="only the organisation under this manager (a Slack user id or e-mail)"
    )
    report.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day (default: 12 months ago)")
    report.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day, included (default: today, UTC)")
    report.add_argument(
        "--min-group", type=int, default=5, metavar="N", help="smallest group shown (default 5, at least 2)"
    )
    report.add_argument("--format", choices=("table", "csv", "json"), default="table", help="what to print")
    report.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML page with charts")
    report.add_argument("--teams", type=_teams, default=25, metavar="N", help="how many teams to list (default 25)")
    report.set_defaults(handler=_report)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("careerplan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, not {raw!r}")
    return int(raw)


def _days(raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 36500:
        raise argparse.ArgumentTypeError(f"must be a whole number of days from 0 to 36500, not {raw!r}")
    return int(raw)


def _teams(raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 100_000:
        raise argparse.ArgumentTypeError(f"must be a whole number of teams from 0 to 100000, not {raw!r}")
    return int(raw)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a day written YYYY-MM-DD, e.g. 2027-01-31, not {raw!r}") from None


class ReportRefused(Exception):
    """`careerplan report` cannot be made as asked (exit status 2); str(exc) says why."""


def _report(args: argparse.Namespace) -> int:
    try:
        return _write_report(args)
    except ReportRefused as exc:
        print(f"careerplan: {printable(str(exc))}", file=sys.stderr)
        return 2


def _write_report(args: argparse.Namespace) -> int:
    import bot.usecases.common
    from bot.career.report import default_period
    from bot.usecases.report import ReportError, Reports

    env = {name: os.environ[name] for name in REPORT_SETTINGS if name in os.environ}
    url = database_url(env)
    _configure_logging("WARNING")
    html_page = None
    charts: threading.Thread | None = None
    if args.html is not None:
        import importlib.util

        from bot.report.html import INSTALL_HINT, load_charts, render_html

        try:
            found = importlib.util.find_spec("matplotlib") is not None
        except ValueError:  # a broken or stubbed-out matplotlib
            found = False
        if not found:
            raise ReportRefused(f"{INSTALL_HINT} (it is not installed)")
        html_page = render_html
        # matplotlib takes about a second to import: let it load while the database is read (SQLite and psycopg
        # let go of the GIL while a query runs), not after.
        charts = threading.Thread(target=load_charts, name="import-matplotlib", daemon=True)
        charts.start()
    now = bot.usecases.common.utc_now()
    until = args.until or (now.date() if args.since is None else max(args.since, now.date()))
    since = args.since or default_period(until)[0]
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise StartupError(f"there is no database at {_safe(url)} (check DATABASE_URL)")
    db = _open_database(url, writable=False)
    try:
        if not db.is_at_head():
            raise StartupError(
                f"the database is at revision {_current(db) or 'none'} but this release needs {head_revision()}: "
                "run `careerplan db upgrade` first"
            )
        reports = Reports(db)
        team_id = _report_team(args.team, reports.workspaces())
        under = _report_under(args.under, env)
        report = reports.report(
            team_id,
            since=since,
            until=until,
            now=now,
            min_group=args.min_group,
            under_user=under,
            max_teams=args.teams,
        )
    except ReportError as exc:
        raise ReportRefused(str(exc)) from None
    except SQLAlchemyError as exc:
        raise StartupError(f"the report failed: {_reason(exc)}") from None
    finally:
        db.dispose()
    from bot.report.render import render

    if html_page is not None:
        if charts is not None:
            charts.join()
        try:
            args.html.write_text(html_page(report), encoding="utf-8")
        except OSError as exc:
            raise ReportRefused(f"cannot write {args.html}: {exc.strerror or exc}") from None
        print(f"Wrote the report with its charts to {args.html}", file=sys.stderr)
    sys.stdout.write(render(report, args.format))
    return 0


def _report_team(asked: str | None, workspaces: list[str]) -> str:
    if asked is not None:
        return asked.strip()
    if not workspaces:
        raise ReportRefused("there is no workspace in the database yet: nothing to report")
    if len(workspaces) > 1:
        raise ReportRefused(
            f"the database holds several workspaces ({', '.join(workspaces)}): choose one with --team T"
        )
    return workspaces[0]


def _report_under(asked: str | None, env: dict[str, str]) -> str | None:
    """--under as a Slack user id: `U0123`, `@U0123` or `<@U0123>` as written, an e-mail looked up in Slack."""
    if asked is None:
        return None
    text = asked.strip()
    if text.startswith("<@") and text.endswith(">"):
        text = text[2:-1].split("|", 1)[0]
    text = text.removeprefix("@")
    if "@" not in text:
        return text.upper()  # Slack's ids are upper case
    if "SLACK_BOT_TOKEN" not in env:
        raise ReportRefused(
            f"--under {text}: an e-mail is looked up in Slack, which needs SLACK_BOT_TOKEN; or give the Slack user id"
        )
    from bot.slack.client import build_web_client
    from bot.usecases.importer import LookupFailed

    settings = Settings.from_env({**env, "SLACK_SIGNING_SECRET": "unused by report"})
    try:
        found = _lookup_by_email(build_web_client(settings))(text)
    except LookupFailed as exc:
        raise ReportRefused(f"--under {text}: {exc}") from None
    except (URLError, OSError) as exc:
        raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {_reason(exc)}") from None
    if found is None:
        raise ReportRefused(f"--under {text}: Slack knows nobody with that e-mail")
    return found


def _run(_args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        if "SLACK_BOT_TOKEN is not set" in str(exc):  # most likely no Slack app yet: say how to try it without one
            raise SettingsError(f"{exc} (no Slack app yet? `careerplan demo` runs it without Slack)") from None
        raise
    _configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("careerplan")
    with _sigterm_as_ctrl_c(log):
        return _serve(settings, log)


def _serve(settings: Settings, log: logging.Logger) -> int:
    from bot.jobs.scheduler import build_scheduler
    from bot.jobs.sweep import Sweep, queued
    from bot.metrics import Metrics
    from bot.slack.server import EVENTS_PATH, METRICS_PATH, Readiness, make_server

    created = _new_sqlite_file(settings.database_url)  # removed again if the start fails
    db: Database | None = None
    try:
        db = _open_database(settings.database_url)
        _prepare_schema(db)
        # One Metrics for the app, its server and the sweep: what /metrics shows is what all three counted.
        metrics = Metrics(queued=functools.partial(queued, db))
        app, client = _connect(settings, db, metrics)
        _reactivate_own_workspace(client, db, settings)
        ready = Readiness(db)
        server = None
        if settings.socket_mode:
            if settings.health_port is not None:
                server = _listen(
                    settings, "127.0.0.1", settings.health_port, lambda: _health_server(ready, settings, metrics)
                )
        else:
            server = _listen(
                settings,
                settings.host,
                settings.port,
                lambda: make_server(
                    app, settings.host, settings.port, ready=ready, metrics=metrics, expose_metrics=settings.metrics
                ),
            )
    except BaseException:
        if db is not None:
            db.dispose()
        if created is not None:
            _remove_database_files(created)
        raise

    sweep = Sweep(db, client, settings, metrics=metrics)
    scheduler = build_scheduler(sweep, settings)
    scheduler.start()  # type: ignore[no-untyped-call]
    try:
        if settings.socket_mode:
            _socket_mode(app, settings, server, log)
        else:
            assert server is not None
            port = getattr(server, "effective_port", settings.port)
            print(f"careerplan is listening on http://{settings.host}:{port}{EVENTS_PATH}", flush=True)
            if settings.metrics:
                log.info("careerplan serves its metrics on http://%s:%s%s", settings.host, port, METRICS_PATH)
            server.run()  # returns on Ctrl-C or SIGTERM, once the requests being answered are answered
    finally:
        if server is not None and not settings.socket_mode:
            server.close()  # no more requests (Socket Mode's health server is stopped by _socket_mode)
        app.listener_runner.listener_executor.shutdown(wait=True)  # work after an ack (a DM being sent) ends
        _stop_scheduler(scheduler, sweep)
        ready.close()
        db.dispose()
        log.info("careerplan stopped cleanly: no request or reminder cut short, scheduler stopped, database closed")
    return 0


def _demo(args: argparse.Namespace) -> int:
    _configure_logging("WARNING")
    log = logging.getLogger("careerplan")
    data: Path = args.data
    try:
        if args.fresh:
            for name in (DEMO_CLOCK, DEMO_SLACK, DEMO_DATABASE):
                _remove_database_files(data / name)
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        data.chmod(0o700)
    except OSError as exc:
        raise StartupError(f"cannot use {data} for the demo's data: {exc.strerror or exc}") from None
    with _sigterm_as_ctrl_c(log):
        return _serve_demo(data, args.port)


def _serve_demo(data: Path, port: int) -> int:
    import secrets

    from bot.demo import org
    from bot.demo.clock import DemoClock, IdleTracker, demo_start
    from bot.demo.page import Bot, Demo, PageServer
    from bot.demo.slack_api import TEAM_ID, SlackStandIn
    from bot.jobs.sweep import Sweep
    from bot.slack.app import create_app
    from bot.slack.client import build_web_client
    from bot.slack.server import EVENTS_PATH, make_server

    slack = SlackStandIn()
    slack.max_calls = 1000
    for person in org.PEOPLE:
        slack.users[person.user_id] = org.users_info(person)
    _restore_demo_slack(slack, data / DEMO_SLACK)
    slack.start()
    settings = Settings(
        bot_token="xoxb-careerplan-demo",  # noqa: S106  (the stand-in takes any xoxb- token)
        signing_secret=secrets.token_hex(32),  # a new one each run: only this process's page can sign
        app_token=None,
        database_url=f"sqlite:///{(data / DEMO_DATABASE).resolve()}",
        slack_api_url=slack.url,
        host="127.0.0.1",
        port=0,
        cadence_months=3,
        lead_days=3,
        work_start=NINE_TO_FIVE[0],
        work_end=NINE_TO_FIVE[1],
        log_level="WARNING",
        admins=frozenset({org.ADMIN.user_id}),
    )
    clock = DemoClock(data / DEMO_CLOCK, demo_start(datetime.now(UTC).date()))
    db: Database | None = None
    page = server = None
    listeners = IdleTracker()
    try:
        db = _open_database(settings.database_url)
        _prepare_schema(db)
        org.seed(db, TEAM_ID, clock())
        client = build_web_client(settings)
        app = create_app(settings, db, clock=clock, client=client, listener_executor=listeners)
        server = make_server(app, "127.0.0.1", 0, threads=4)
        events_url = f"http://127.0.0.1:{getattr(server, 'effective_port', 0)}{EVENTS_PATH}"
        sweep = Sweep(db, client, settings, clock)
        sweep.log_report = False

        def settle() -> None:
            listeners.wait_idle()

        def sweep_once() -> str:
            return sweep.run_once().line()

        sweep_once()  # what was owed by the demo's date is in the DMs before the page opens
        demo = Demo(slack, Bot(events_url, settings.signing_secret, settle, sweep_once), clock)
        try:
            page = PageServer(demo, port).start()
        except OSError as exc:
            raise StartupError(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (choose another --port)"
            ) from None
        print(f"careerplan demo: its data is in {data.resolve()} (--fresh starts over)", flush=True)
        print(f"careerplan demo: open {page.url} in your browser (Ctrl-C stops it)", flush=True)
        server.run()  # returns on Ctrl-C or SIGTERM
    except KeyboardInterrupt:
        pass
    finally:
        if page is not None:
            page.stop()
        if server is not None:
            server.close()
        listeners.shutdown(wait=True)
        _save_demo_slack(slack, data / DEMO_SLACK)
        slack.stop()
        if db is not None:
            db.dispose()
    print("careerplan demo: stopped", flush=True)
    return 0


def _restore_demo_slack(slack: SlackStandIn, path: Path) -> None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        logging.getLogger("careerplan").warning("the demo's Slack starts empty: %s is unreadable (%s)", path, exc)
        return
    try:
        if isinstance(saved, dict):
            slack.restore(saved)
    except (KeyError, TypeError, ValueError) as exc:
        logging.getLogger("careerplan").warning("the demo's Slack starts empty: %s is not as kept (%r)", path, exc)


def _save_demo_slack(slack: SlackStandIn, path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(slack.saved(), file)
    except OSError as exc:
        logging.getLogger("careerplan").warning("could not keep the demo's Slack in %s: %s", path, exc)


def _connect(settings: Settings, db: Database, metrics: Metrics) -> tuple[App, WebClient]:
    from bot.slack.app import create_app  # imported late: `careerplan --help` stays fast
    from bot.slack.client import build_web_client

    client = build_web_client(settings)
    try:
        return create_app(settings, db, client=client, metrics=metrics), client
    except BoltError as exc:
        cause = exc.__context__
        error = cause.response.get("error") if isinstance(cause, SlackApiError) else str(exc)
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({error}): check the token and SLACK_API_URL") from None
    except (URLError, OSError) as exc:
        raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {_reason(exc)}") from None


def _listen(settings: Settings, host: str, port: int, make: Callable[[], Server]) -> Server:
    try:
        return make()
    except OSError as exc:
        what = "HEALTH_PORT" if settings.socket_mode else "PORT"
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another {what})") from None


def _health_server(ready: Callable[[], bool], settings: Settings, metrics: Metrics) -> Server:
    from bot.slack.server import make_health_server

    return make_health_server(ready, settings.health_port or 0, metrics, expose_metrics=settings.metrics)


def _socket_mode(app: App, settings: Settings, health: Server | None, log: logging.Logger) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    serving = None
    if health is not None:
        port = getattr(health, "effective_port", settings.health_port)
        serving = threading.Thread(target=health.run, name="careerplan-healthz", daemon=True)
        serving.start()
        log.info("careerplan serves its health check on http://127.0.0.1:%s/healthz", port)
        if settings.metrics:
            log.info("careerplan serves its metrics on http://127.0.0.1:%s/metrics", port)
    log.info("careerplan is connecting to Slack in Socket Mode")
    handler = SocketModeHandler(app, settings.app_token)
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        with contextlib.suppress(Exception):
            handler.close()  # type: ignore[no-untyped-call]
        if health is not None and serving is not None:
            # Let its handler threads finish first: one still answering after close writes to a closed trigger.
            health.task_dispatcher.shutdown(timeout=5)
            trigger: Any = getattr(health, "trigger", None)
            try:  # closed from its own loop: waitress's loop is not thread-safe
                trigger.pull_trigger(health.close)
            except (AttributeError, OSError):
                health.close()
            serving.join(timeout=5)


@contextlib.contextmanager
def _sigterm_as_ctrl_c(log: logging.Logger) -> Iterator[None]:
    """SIGTERM (systemd, Docker, Kubernetes) stops the bot as Ctrl-C does: cleanly, exit status 0. A second one
    while it stops is ignored, so it does not cut the clean stop short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        log.info("careerplan got SIGTERM: stopping")
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _reactivate_own_workspace(client: WebClient, db: Database, settings: Settings) -> None:
    """The token passed auth.test: the app is installed in its workspace, even if an uninstall or a revoke
    marked that workspace inactive (the sweep sends there again)."""
    from bot.usecases.workspaces import Workspaces

    try:
        team_id = _team_id(client)
    except (URLError, OSError) as exc:
        raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {_reason(exc)}") from None
    was = Workspaces(db).reactivate(team_id)
    if was is not None:
        logging.getLogger("careerplan").info(
            "workspace %s active again: its token works (inactive since %s: %s)", team_id, was.since, was.reason
        )


def _purge_workspace(args: argparse.Namespace) -> int:
    from bot.usecases.workspaces import Workspaces

    env = {name: os.environ[name] for name in PURGE_SETTINGS if name in os.environ}
    url = database_url(env)
    _configure_logging("WARNING")
    db = _open_database(url)
    team_id = str(args.team_id).strip()
    try:
        _prepare_schema(db)
        workspaces = Workspaces(db)
        held = workspaces.purge(team_id) if args.yes else workspaces.contents(team_id)
        inactive = None if args.yes or held is None else workspaces.is_inactive(team_id)
    except SQLAlchemyError as exc:
        raise StartupError(f"the purge failed: {_reason(exc)}; nothing was erased") from None
    finally:
        db.dispose()
    if held is None:
        raise StartupError(f"there is no workspace {team_id!r} in {_safe(url)}: nothing was erased")
    what = (
        f"{_count(held.people, 'person', 'people')}, {_count(held.plans, 'plan version')}, "
        f"{_count(held.reflections, 'reflection')}, {_count(held.lines, 'reporting line')}, "
        f"{_count(held.conversations, 'conversation')}, {_count(held.nudges, 'reminder')}"
    )
    if args.yes:
        print(f"Erased workspace {team_id} from {_safe(url)}: {what}.")
        return 0
    state = "inactive (the app was uninstalled or its token revoked)" if inactive else "still active"
    print(f"Workspace {team_id} in {_safe(url)} is {state} and holds {what}.")
    print(f"Nothing was erased. To erase it all: careerplan purge-workspace {team_id} --yes")
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _stop_scheduler(scheduler: BackgroundScheduler, sweep: Sweep) -> None:
    sweep.stop()  # a pass under way finishes the nudge it is sending, and sends no more
    scheduler.shutdown(wait=True)  # type: ignore[no-untyped-call]


def _sweep(args: argparse.Namespace) -> int:
    if not args.once:
        print(
            "careerplan: the sweep runs inside `careerplan run`, every CAREERPLAN_SWEEP_MINUTES (default 5); "
            "use `careerplan sweep --once` for a single pass",
            file=sys.stderr,
        )
        return 2
    from bot.jobs.sweep import Sweep
    from bot.slack.client import build_web_client

    env = {
        name: value for name, value in os.environ.items() if name in SWEEP_SETTINGS or name.startswith("CAREERPLAN_")
    }
    settings = Settings.from_env({**env, "SLACK_SIGNING_SECRET": "unused by sweep"})
    _configure_logging(settings.log_level, settings.log_format)
    db = _open_database(settings.database_url)
    try:
        _prepare_schema(db)
        sweep = Sweep(db, build_web_client(settings), settings)
        sweep.log_report = False  # printed below, once
        report = sweep.run_once()
    except SQLAlchemyError as exc:
        raise StartupError(f"the sweep failed: {_reason(exc)}") from None
    finally:
        db.dispose()
    print(report.line())
    return 0


def _purge_departed(args: argparse.Namespace) -> int:
    from bot.usecases.people import People
    from storage.own_data import ERASED_KEYS

    db = _open_database(database_url())
    try:
        _prepare_schema(db)
        purge = People(db).purge_departed(args.days, dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        raise StartupError(f"the purge failed: {_reason(exc)}") from None
    finally:
        db.dispose()
    who = f"{len(purge.departed)} {'person' if len(purge.departed) == 1 else 'people'}"
    since = f"deactivated more than {args.days} days ago"
    if args.dry_run:
        for person in purge.departed:
            print(f"{person.team_id} {person.user_id}: deactivated {person.deactivated_at:%Y-%m-%d %H:%M} UTC")
        print(f"Would erase the answers of {who} {since} (dry run: nothing was erased).")
        return 0
    rows = ", ".join(f"{purge.erased[key]} {key.replace('_', ' ')}" for key in ERASED_KEYS)
    print(f"Erased the answers of {who} {since} ({purge.people_with_answers} still had answers): {rows}.")
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    db = _open_database(database_url())
    before = _current(db)
    try:
        db.upgrade()
    except SQLAlchemyError as exc:
        raise StartupError(f"the upgrade failed: {_reason(exc)}") from None
    after = _current(db)
    if before == after:
        print(f"Database {_safe(db.url)} is up to date (revision {after}).")
    else:
        print(f"Database {_safe(db.url)} upgraded from {before or 'empty'} to {after}.")
    return 0


def _db_backup(args: argparse.Namespace) -> int:
    url = database_url()
    if not is_sqlite(url):
        raise StartupError(
            f"{_safe(url)} is a PostgreSQL database: back it up with pg_dump, e.g. `pg_dump -Fc -f careerplan.dump "
            "DBNAME` (and keep the dump readable by its owner only)"
        )
    source = _sqlite_file(url)
    if source is not None and not source.exists():
        raise StartupError(f"there is no database at {_safe(url)} to back up (check DATABASE_URL)")
    db = _open_database(url, writable=False)
    try:
        size = db.backup_to(args.file)
    except FileExistsError:
        raise StartupError(f"{args.file} exists already: choose a new file name (a backup never overwrites)") from None
    except OSError as exc:
        raise StartupError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise StartupError(f"the backup failed: {_reason(exc)}") from None
    finally:
        db.dispose()
    print(f"Backed up {_safe(db.url)} to {args.file} ({size:,} bytes, readable by you only).")
    return 0


def _db_current(_args: argparse.Namespace) -> int:
    url = database_url()
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        _check_sqlite_url(url, writable=False)
        head = head_revision()
        print(f"{_safe(url)}: revision none (empty database), no file yet, needs `careerplan db upgrade` to {head}")
        return 0
    db = _open_database(url, writable=False)
    current, head = _current(db), head_revision()
    state = "up to date" if current == head else f"needs `careerplan db upgrade` to {head}"
    print(f"{_safe(db.url)}: revision {current or 'none (empty database)'}, {state}")
    return 0


def _import_managers(args: argparse.Namespace) -> int:
    from bot.usecases.importer import ImportFileError  # imported late: `careerplan --help` stays fast

    try:
        return _import(args.file, dry_run=args.dry_run)
    except (ImportFileError, StartupError) as exc:
        # Exit 1 would read as "some rows rejected": anything that stops the whole import is a 2.
        print(f"careerplan: {printable(str(exc))}", file=sys.stderr)
        return IMPORT_NOTHING_IMPORTED
    except KeyboardInterrupt:
        print("careerplan: interrupted: nothing was imported", file=sys.stderr)
        return 130


def _import(path: Path, *, dry_run: bool) -> int:
    from bot.slack.client import build_web_client
    from bot.usecases.importer import import_managers, read_csv

    env = {name: os.environ[name] for name in IMPORT_SETTINGS if name in os.environ}
    settings = Settings.from_env({**env, "SLACK_SIGNING_SECRET": "unused by import-managers"})
    _configure_logging(settings.log_level, settings.log_format)
    rows = read_csv(path)  # a bad file stops here, before the database or Slack is touched
    db = _open_database(settings.database_url)
    try:
        _prepare_schema(db)
        client = build_web_client(settings)
        client.retry_handlers = [
            *(handler for handler in client.retry_handlers if not isinstance(handler, RateLimitErrorRetryHandler)),
            RateLimitErrorRetryHandler(max_retry_count=IMPORT_RATE_LIMIT_RETRIES),
        ]
        team_id = _team_id(client)
        print(f"Importing {path} into {_safe(db.url)} (Slack team {team_id})", file=sys.stderr)
        summary = import_managers(
            db,
            team_id,
            rows,
            _lookup_by_email(client),
            default_cadence_months=settings.cadence_months,
            now=datetime.now(UTC),
            dry_run=dry_run,
            progress=_progress,
        )
    except (URLError, OSError) as exc:
        raise StartupError(
            f"cannot reach Slack at {settings.slack_api_url}: {_reason(exc)}; nothing was imported"
        ) from None
    except SQLAlchemyError as exc:
        raise StartupError(f"the import failed: {_reason(exc)}; nothing was imported") from None
    finally:
        db.dispose()
    for rejected in summary.rejected:
        print(f"row {rejected.row}: {printable(rejected.reason)}")  # reasons quote the file's cells
    print(summary.line())
    return IMPORT_REJECTED_ROWS if summary.rejected else 0


def printable(text: str) -> str:
    """Text from a file, safe on a terminal: control characters (escape sequences, bells, carriage returns) and
    other invisible ones (bidirectional overrides) written as Python escapes, e.g. \\x1b, \\u202e."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def _team_id(client: WebClient) -> str:
    try:
        return str(client.auth_test()["team_id"])
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({error}): check the token and SLACK_API_URL") from None


def _lookup_by_email(client: WebClient) -> Lookup:
    from bot.usecases.importer import LookupFailed

    def lookup(email: str) -> str | None:
        try:
            user = client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            if error == "users_not_found":
                return None
            hint = ": reinstall the app with the users:read.email scope" if error == "missing_scope" else ""
            raise LookupFailed(f"Slack answered {error}{hint}") from None
        if user.get("deleted"):
            raise LookupFailed("the account is deactivated")
        return str(user["id"])

    return lookup


def _progress(items: Sequence[_T], what: str) -> Iterable[_T]:
    from tqdm import tqdm

    # On stderr, and only on a terminal (disable=None): piped output and logs stay clean.
    return tqdm(items, desc=what, unit="rows", disable=None, file=sys.stderr)


def _open_database(url: str, *, writable: bool = True) -> Database:
    """The database at `url`, checked: each reason it cannot be used is one line naming the fix. `writable=False`
    (reading only, as `db current`) neither creates a SQLite file nor asks for write access."""
    path = _check_sqlite_url(url, writable=writable)
    try:
        db = Database(url)
    except ImportError as exc:
        if (exc.name or "").startswith("psycopg"):
            raise StartupError(
                f"DATABASE_URL {_safe(url)} is a PostgreSQL database, but psycopg is not installed: "
                'pip install "careerplan[postgres]"'
            ) from None
        raise StartupError(f"cannot open the database {_safe(url)}: {_reason(exc)}") from None
    except (SQLAlchemyError, ValueError) as exc:
        raise StartupError(f"cannot open the database {_safe(url)}: {_reason(exc)}") from None
    try:
        with db.engine.connect() as connection:
            if writable and is_sqlite(url):
                # A write, rolled back: a file SQLite opened read-only fails here, not at the first save.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.exec_driver_sql("CREATE TABLE careerplan_write_probe (x INTEGER)")
                connection.exec_driver_sql("ROLLBACK")
    except SQLAlchemyError as exc:
        db.dispose()
        if is_sqlite(url) and "readonly" in _reason(exc):
            raise StartupError(_read_only(path or _safe(url))) from None
        raise StartupError(f"cannot open the database {_safe(url)}: {_reason(exc)}") from None
    return db


def _sqlite_file(url: str) -> Path | None:
    """The file a sqlite:/// URL names (None: not SQLite, or a file: URI left to SQLite)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database or ""
    return None if database.startswith("file:") or database == ":memory:" or not database else Path(database)


def _check_sqlite_url(url: str, *, writable: bool) -> Path | None:
    if not is_sqlite(url):
        return None
    parsed = make_url(url)
    database = parsed.database or ""
    if not database or ":memory:" in database or parsed.query.get("mode") == "memory":
        raise StartupError(
            f"DATABASE_URL {_safe(url)} is an in-memory database: `careerplan run`'s sweep and the bot would not "
            "share it, and it is gone when the bot stops; use a file, e.g. DATABASE_URL=sqlite:////var/lib/careerplan/careerplan.db"
        )
    path = _sqlite_file(url)
    if path is None:
        return None
    folder = path.parent
    if not path.exists():
        if not folder.is_dir():
            raise StartupError(
                f"cannot create the database {path}: there is no directory {folder}; create it, or set DATABASE_URL "
                "to a file in a directory that exists"
            )
        if not writable:
            return path
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StartupError(
                f"cannot create the database {path}: the directory {folder} is read-only for this user; make it "
                "writable by the user running careerplan, or set DATABASE_URL to a file in a writable directory"
            )
        return path
    if writable and not os.access(path, os.R_OK | os.W_OK):
        raise StartupError(_read_only(path))
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if writable and not os.access(folder, os.W_OK | os.X_OK) and not all(p.exists() for p in sidecars):
        raise StartupError(
            f"the directory {folder} is read-only for this user, and SQLite keeps {path.name}-wal and "
            f"{path.name}-shm next to the database there: make the directory writable by the user running "
            "careerplan, or move the database to a writable directory"
        )
    return path


def _read_only(path: Path | str) -> str:
    if isinstance(path, str):  # a file: URI
        return (
            f"the database {path} is opened read-only: the bot writes to it; drop mode=ro from DATABASE_URL and make "
            "the file (and its -wal and -shm files) writable by the user running careerplan"
        )
    return (
        f"the database {path} is read-only for this user: make it (and its -wal and -shm files) writable by the user "
        f"running careerplan, e.g. chown that user {path}* && chmod u+rw {path}*"
    )


def _new_sqlite_file(url: str) -> Path | None:
    """The SQLite file `url` names if it does not exist yet (a start that fails removes it again), else None."""
    path = _sqlite_file(url)
    return path if path is not None and not path.exists() else None


def _remove_database_files(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            (path.parent / name).unlink()


def _prepare_schema(db: Database) -> None:
    """A local SQLite file is upgraded on start; a shared server database is upgraded by the admin."""
    if is_sqlite(db.url):
        before = _current(db)
        db.upgrade()
        if before != head_revision():
            logging.getLogger("careerplan").info("database upgraded from %s to %s", before or "empty", head_revision())
        return
    if not db.is_at_head():
        raise StartupError(
            f"the database is at revision {_current(db) or 'none'} but this release needs {head_revision()}: "
            "run `careerplan db upgrade` first"
        )


def _current(db: Database) -> str | None:
    try:
        return db.current_revision()
    except SQLAlchemyError as exc:
        raise StartupError(f"cannot read the database {_safe(db.url)}: {_reason(exc)}") from None


class _JsonLines(logging.Formatter):
    """LOG_FORMAT=json: one JSON object a line (time, level, logger, message, and the error if any), for log
    collectors. The same records as the text format: ids, never answers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _configure_logging(level: str, log_format: str = "text") -> None:
    if log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(_JsonLines())
        logging.basicConfig(level=level, handlers=[handler])
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Bolt and the SDK log whole request and response bodies (people's answers) and headers (the bot token) at
    # DEBUG: they never go below INFO, whatever LOG_LEVEL says; careerplan's own DEBUG lines carry ids only.
    quiet = logging.INFO if level == "DEBUG" else logging.WARNING
    for name in ("slack_bolt", "slack_sdk", "alembic", "apscheduler"):  # apscheduler: a line per pass
        logging.getLogger(name).setLevel(quiet)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or getattr(exc, "reason", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

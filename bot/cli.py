"""The `careerplan` command: run the bot, manage its database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from urllib.error import URLError

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError, database_url
from storage.db import Database, head_revision, is_sqlite


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
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT)")
    run.set_defaults(handler=_run)
    db = commands.add_parser("db", help="manage the database")
    db_commands = db.add_subparsers(title="database commands", metavar="DB_COMMAND", required=True)
    db_commands.add_parser("upgrade", help="apply the migrations this release needs").set_defaults(handler=_db_upgrade)
    db_commands.add_parser("current", help="show the database's migration revision").set_defaults(handler=_db_current)
    return parser


def _run(_args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    _configure_logging(settings.log_level)
    db = _open_database(settings.database_url)
    _prepare_schema(db)

    from bot.app import create_app  # imported late: `careerplan --help` stays fast

    try:
        app = create_app(settings, db)
    except BoltError as exc:
        cause = exc.__context__
        error = cause.response.get("error") if isinstance(cause, SlackApiError) else str(exc)
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({error}): check the token and SLACK_API_URL") from None
    except (URLError, OSError) as exc:
        raise StartupError(f"cannot reach Slack at {settings.slack_api_url}: {_reason(exc)}") from None

    log = logging.getLogger("careerplan")
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.info("careerplan is connecting to Slack in Socket Mode")
        SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
        return 0

    from bot.server import EVENTS_PATH, make_server

    try:
        server = make_server(app, settings.host, settings.port)
    except OSError as exc:
        raise StartupError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    port = getattr(server, "effective_port", settings.port)
    print(f"careerplan is listening on http://{settings.host}:{port}{EVENTS_PATH}", flush=True)
    try:
        server.run()
    finally:
        server.close()
        db.dispose()
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


def _db_current(_args: argparse.Namespace) -> int:
    db = _open_database(database_url())
    current, head = _current(db), head_revision()
    state = "up to date" if current == head else f"needs `careerplan db upgrade` to {head}"
    print(f"{_safe(db.url)}: revision {current or 'none (empty database)'}, {state}")
    return 0


def _open_database(url: str) -> Database:
    try:
        db = Database(url)
        with db.engine.connect():
            pass
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StartupError(f"cannot open the database {_safe(url)}: {_reason(exc)}") from None
    return db


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


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Bolt and the SDK log request bodies (people's answers) at DEBUG/INFO: keep them quieter.
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in ("slack_bolt", "slack_sdk", "alembic"):
        logging.getLogger(name).setLevel(quiet)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or getattr(exc, "reason", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

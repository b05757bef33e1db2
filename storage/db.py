"""Engine, sessions and migrations.

SQLite by default (WAL, a busy timeout, foreign keys on, secure_delete on; the files readable by their owner
only); PostgreSQL through DATABASE_URL.
Migrations are Alembic's, shipped in this package and run by `careerplan db upgrade`.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import ARRAY, Engine, Integer, String, any_, bindparam, column, create_engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 5000
# The SQLite files hold everyone's answers: readable and writable by the bot's own user only. SQLite gives its
# -wal and -shm files the main file's mode, so creating the main file with it is enough for a new database.
SQLITE_FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
SQLITE_CACHE_KB = 16 * 1024  # per connection
# Pages in the write-ahead log before a commit copies them into the main file. SQLite's default (1000) makes a
# large sweep stop to checkpoint several times during its pass (at a million lines, a quarter of its time); it
# checkpoints once, at the end, instead, every few minutes. This is the backstop: the log file may reach ~400 MB.
SQLITE_AUTOCHECKPOINT_PAGES = 100_000

log = logging.getLogger("careerplan.db")


# The database did not answer (SQLite locked past its busy timeout, PostgreSQL down or restarting, no free
# connection): the unit of work was rolled back, and trying again later will do.
_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached (rather than that something else went wrong)."""
    return isinstance(error, _UNAVAILABLE)


def hide_values(error: BaseException) -> None:
    """Keep the values bound to a failed statement (people's answers) out of the error's message, and so out of
    any log. The engine already hides them in the errors it raises; this covers one raised another way."""
    if isinstance(error, StatementError):
        error.hide_parameters = True


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """An instant read back from the database, in UTC. SQLite keeps no zone (it stores, and gives back, UTC wall
    time); PostgreSQL does."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def upsert_into(session: Session, table: Any) -> Any:
    """An INSERT into `table` (a model or a Table) in the session's dialect, so it takes `on_conflict_do_nothing`
    and `on_conflict_do_update` (the two backends spell them alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def one_of(session: Session, column_: Any, values: Iterable[int] | Iterable[str]) -> Any:
    """The condition "`column_` is one of `values`" (ids, or names), as one bound parameter whatever their number:
    `= ANY(array)` on PostgreSQL, a JSON array read by `json_each` on SQLite. An expanded IN list would be a new
    statement for each length, parsed again by the driver (psycopg caches no statement with over 50 parameters)
    and by the database."""
    given = list(values)
    names = any(isinstance(value, str) for value in given)
    if session.get_bind().dialect.name == "postgresql":
        return column_ == any_(bindparam(None, given, type_=ARRAY(String if names else Integer)))
    return column_.in_(select(column("value")).select_from(func.json_each(json.dumps(given))))


def normalise_url(url: str) -> str:
    """Accept the common spellings of a PostgreSQL URL and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    # hide_parameters: a database error's message never carries the values (people's answers) into a log.
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True, **kwargs)
    path = sqlite_path(url)
    checked = False

    @event.listens_for(engine, "do_connect")
    def _private_files(*_args: Any) -> None:
        # Before SQLite opens (and so creates) the file: once per engine, not on every pooled connection.
        nonlocal checked
        if path is not None and not checked:
            make_private(path)
            checked = True

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages (many builds have it on by default).
        cursor.execute("PRAGMA secure_delete=ON")
        # A sweep over a large organisation reads its indexes again on each chunk: keep more of them in memory
        # than SQLite's default 2 MB (a cache grows only as pages are read, so a small database uses no more).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
        # The sweep checkpoints at the end of its pass (Database.checkpoint); this is the backstop between them.
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    return engine


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or a `file:` URI (left as SQLite opens it)."""
    parsed = make_url(normalise_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(database)


def make_private(path: Path) -> None:
    """Create the database file with owner-only permissions if it is missing (so SQLite's -wal and -shm get the
    same), and take group and world access away from an existing file and its side files (saying so once)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, SQLITE_FILE_MODE)
    except FileExistsError:
        pass
    except OSError:
        return  # a missing directory, a read-only one: SQLite's own open says what is wrong
    else:
        os.fchmod(descriptor, SQLITE_FILE_MODE)  # whatever the umask
        os.close(descriptor)
        return
    opened = []
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                file.chmod(mode & 0o700)
                opened.append(f"{file.name} ({mode:04o})")
        except OSError:
            continue  # not there, or not ours to change
    if opened:
        log.warning(
            "database files were readable by other users: %s; now readable by their owner only", ", ".join(opened)
        )


class Database:
    """The app's handle on its database: one engine, and a unit of work per use."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def forget_erased(self) -> None:
        """Call after an erase has committed: on SQLite, copy the write-ahead log into the main file and truncate
        it, so the erased words (still in the log's older frames) leave the disk; secure_delete has zeroed them
        in the main file. PostgreSQL needs nothing here: (auto)VACUUM reclaims the erased rows' space."""
        if not is_sqlite(self.url):
            return
        with self.engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            # Another connection was reading or writing past the busy timeout; the next checkpoint finishes it.
            log.warning("the write-ahead log could not be truncated after an erase: another connection was busy")

    def checkpoint(self) -> None:
        """On SQLite, copy the write-ahead log into the main file now, without waiting on readers or writers
        (a PASSIVE checkpoint): the sweep's writes, once its pass is over rather than in the middle of it."""
        if not is_sqlite(self.url):
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").close()

    def upgrade(self) -> None:
        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def is_at_head(self) -> bool:
        return self.current_revision() == head_revision()

    def answers(self) -> bool:
        """Whether the database takes a unit of work now: PostgreSQL answers `SELECT 1`; a SQLite file gives its
        write lock (what a save needs; readers would go on while another process holds it)."""
        try:
            with self.engine.connect() as connection:
                if is_sqlite(self.url):
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    connection.exec_driver_sql("ROLLBACK")
                else:
                    connection.exec_driver_sql("SELECT 1")
        except (SQLAlchemyError, OSError):
            return False
        return True

    def backup_to(self, path: Path) -> int:
        """Copy a SQLite database, consistently and while the bot runs (SQLite's online backup API), into a new
        file at `path` readable by its owner only (it holds everyone's answers). Returns its size in bytes.
        Raises FileExistsError if `path` exists, and ValueError for a database that is not SQLite."""
        if not is_sqlite(self.url):
            raise ValueError("only SQLite databases are copied this way")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never overwrite a file
        os.close(descriptor)
        try:
            target = sqlite3.connect(path)
            try:
                raw = self.engine.raw_connection()
                try:
                    source = raw.driver_connection
                    assert isinstance(source, sqlite3.Connection)
                    source.backup(target)
                finally:
                    raw.close()
            finally:
                target.close()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path.stat().st_size

    def dispose(self) -> None:
        self.engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config(connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config

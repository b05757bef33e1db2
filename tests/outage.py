"""The database going away for a while, for fault drills, on the backend under test.

- SQLite: another connection holds the write lock (BEGIN IMMEDIATE), as a second process writing would:
  readers go on (WAL), writers wait out the busy timeout and get `database is locked`.
- PostgreSQL: the bot reaches the server through `Plug`, a TCP proxy on 127.0.0.1; pulling it cuts the open
  connections and refuses new ones, as a server restart or a network cut would. Nothing else shares the
  server's fate: other tests, and the test's own checks, connect directly.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.models import Base
from tests.databases import migrated_database_url


class Plug:
    """A TCP proxy on 127.0.0.1 (port 0) to `host:port`: `pull()` cuts every connection through it and
    refuses new ones (they are closed at once) until `push()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._pulled = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name="plug", daemon=True)
        self._thread.start()

    def pull(self) -> None:
        self._pulled.set()
        with self._lock:
            cut, self._open = self._open, set()
        for sock in cut:
            _close(sock)

    def push(self) -> None:
        self._pulled.clear()

    def close(self) -> None:
        self.pull()
        _close(self._listener)  # wakes accept()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._pulled.is_set():
                _close(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.difference_update((source, sink))
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@dataclass
class Outage:
    """The bot's database (`db`), and a way to make it unavailable for a while (`with outage.down():`).

    `direct` reaches the same database without the outage (the test's own reads and checks)."""

    backend: str
    db: Database
    direct: Database
    plug: Plug | None = None

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        if self.plug is not None:
            self.plug.pull()
            try:
                yield
            finally:
                self.plug.push()
            return
        path = make_url(self.db.url).database
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the write lock, held until the block ends
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        return snapshot(self.direct)


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that nothing was written. Rows are compared by what they hold, not
    by their generated ids: a row written again as it was (a draft saved twice) is no change. The keys of the
    requests handled are left out: every request leaves one, refused or not (it is what makes a replay of it
    change nothing)."""
    with db.session() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in session.execute(select(*(c for c in table.columns if c.name != "id")))),
                key=repr,
            )
            for table in Base.metadata.sorted_tables
            if table.name != "handled_requests"
        }


def outage_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, *, busy_timeout_ms: int | None = None
) -> Iterator[Outage]:
    """A migrated, empty database on `backend` that can be taken down. On SQLite, `busy_timeout_ms` replaces
    the app's busy timeout (how long a writer waits for the lock) to keep a drill short."""
    for url, options in migrated_database_url(backend, tmp_path_factory):
        direct = Database(url, **options)
        plug = None
        if backend == "sqlite":
            db = Database(url)
            if busy_timeout_ms is not None:

                @event.listens_for(db.engine, "connect")
                def _shorter_wait(dbapi_connection: Any, _record: Any) -> None:
                    dbapi_connection.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")

        else:
            target = make_url(direct.url)
            plug = Plug(target.host or "127.0.0.1", target.port or 5432)
            via_plug = target.set(host="127.0.0.1", port=plug.port).render_as_string(hide_password=False)
            db = Database(via_plug, **options)
        try:
            yield Outage(backend, db, direct, plug)
        finally:
            db.dispose()
            direct.dispose()
            if plug is not None:
                plug.close()

"""Start, stop and health of `careerplan run`: SIGTERM stops it as Ctrl-C does, /healthz tells whether the database
answers (HTTP mode, and Socket Mode's HEALTH_PORT)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App

from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.server import Readiness, make_server
from storage.db import Database
from tests.bot.test_cli import free_port, run_until_ctrl_c
from tests.cli import InProcess, careerplan, clean_env
from tests.databases import BACKENDS
from tests.fakeslack import FakeResponse, FakeSlack
from tests.outage import Outage, outage_database
from tests.slackbot import SECRET

STOPPED = "careerplan stopped cleanly"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(monkeypatch, capsys)


def health(url: str) -> tuple[int, object, float]:
    """GET /healthz: the status, the JSON body and how long the answer took."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            status, body = int(response.status), response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


# --- SIGTERM -------------------------------------------------------------------------------------------------------


def test_sigterm_stops_the_bot_cleanly_with_exit_status_0(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'careerplan.db'}",
            HOST="127.0.0.1",
            PORT="0",
        )
        process = subprocess.Popen(
            careerplan("run"), env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()  # blocks until the bot says where it listens (or exits)
            assert "listening on" in line, process.stderr.read() if process.stderr else ""
            url = line.split("listening on ", 1)[1].strip().removesuffix("/slack/events")
            assert health(url)[0] == 200
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 0, err
    assert "careerplan got SIGTERM: stopping" in err
    assert STOPPED in err
    assert "Traceback" not in err


def test_sigterm_stops_socket_mode_cleanly_and_its_health_port_answers(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    seen: list[tuple[int, object, float]] = []
    elsewhere: list[int] = []

    class ConnectedUntilSigterm:
        """Stands in for Bolt's SocketModeHandler: start() connects and blocks, until the service manager stops it."""

        def __init__(self, app: App, app_token: str | None = None) -> None:
            self.closed = False

        def start(self) -> None:
            seen.append(health(f"http://127.0.0.1:{port}"))
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/events", timeout=5)
            except urllib.error.HTTPError as error:
                elsewhere.append(error.code)
            os.kill(os.getpid(), signal.SIGTERM)
            threading.Event().wait(timeout=30)  # as Bolt's handler waits; SIGTERM must end it

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", ConnectedUntilSigterm)
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-socket", SLACK_API_URL=slack.url, HEALTH_PORT=str(port)
        )
        started = time.monotonic()
        done = cli(["run"], env, tmp_path)
    assert time.monotonic() - started < 25
    assert done.returncode == 0, done.stderr
    assert [(status, body) for status, body, _ in seen] == [(200, {"ok": True})]
    assert elsewhere == [404]  # only the health check: Slack's requests come over the socket
    assert f"health check on http://127.0.0.1:{port}/healthz" in done.stderr
    assert STOPPED in done.stderr
    assert "Traceback" not in done.stderr
    with pytest.raises(ConnectionRefusedError):  # the health server stopped with the bot
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back as it was


# --- /healthz ------------------------------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    yield from outage_database(request.param, tmp_path_factory)


@pytest.fixture
def served(outage: Outage) -> Iterator[str]:
    """The bot's HTTP server (bot.slack.server.make_server, as `careerplan run` builds it) on the outage's
    database, with its readiness check."""
    with FakeSlack() as slack:
        settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url}
        )
        ready = Readiness(outage.db, timeout=1.0)
        server = make_server(create_app(settings, outage.db), "127.0.0.1", 0, ready=ready)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{getattr(server, 'effective_port', 0)}"
        finally:
            server.close()
            server.task_dispatcher.shutdown(timeout=5)
            ready.close()


def test_healthz_is_503_while_the_database_is_unavailable_and_200_again_after(outage: Outage, served: str) -> None:
    assert health(served)[:2] == (200, {"ok": True})
    with outage.down():
        status, body, took = health(served)
        assert (status, body) == (503, {"ok": False})
        assert took < 3  # bounded: a load balancer's probe is not left waiting on the database
    deadline = time.monotonic() + 15  # SQLite: the check cut short above may still be waiting out its busy timeout
    while health(served)[0] != 200:
        assert time.monotonic() < deadline, "/healthz did not recover once the database was back"
        time.sleep(0.2)
    assert health(served)[:2] == (200, {"ok": True})


def test_careerplan_run_healthz_checks_its_database(cli: InProcess, tmp_path: Path) -> None:
    database = tmp_path / "careerplan.db"

    def while_locked(url: str) -> tuple[tuple[int, object, float], tuple[int, object, float]]:
        before = health(url)
        holder = sqlite3.connect(database, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock: no save can go through
            return before, health(url)
        finally:
            holder.close()

    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.url,
            DATABASE_URL=f"sqlite:///{database}",
        )
        done, (before, locked) = run_until_ctrl_c(cli, env, tmp_path, while_locked)
    assert done.returncode == 0, done.stderr
    assert before[:2] == (200, {"ok": True})
    assert locked[:2] == (503, {"ok": False}) and locked[2] < 5


# --- start-up errors: one line each, naming the fix ----------------------------------------------------------------


def _may_write_read_only_files() -> bool:
    """Whether this user writes files whatever their mode (root, with CAP_DAC_OVERRIDE): then no chmod can make the
    bot's database read-only to it. (As root, `setpriv --inh-caps=-dac_override --bounding-set=-dac_override pytest`
    runs these tests.)"""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.touch(mode=0o444)
        try:
            probe.open("w").close()
        except PermissionError:
            return False
        return True


AS_ROOT = _may_write_read_only_files()
ROOT_WRITES_ANYWAY = (
    "this user (root) writes files whatever their mode; the mode=ro and not-a-directory tests run the same checks"
)


def refused_in_one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    (line,) = lines
    assert line.startswith("careerplan: ")
    for word in words:
        assert word in line
    return line


def run_env(slack: FakeSlack, database_url: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url, DATABASE_URL=database_url, PORT="0"
    )


def sqlite_file(path: Path, *, migrated: bool) -> Path:
    if migrated:
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        db.dispose()
    else:
        sqlite3.connect(path).close()
    return path


@pytest.mark.parametrize("migrated", [False, True], ids=["new", "migrated"])
def test_a_database_opened_read_only_is_refused_at_start_in_one_line(
    cli: InProcess, tmp_path: Path, migrated: bool
) -> None:
    # Works as root too: SQLite itself refuses to write through a mode=ro URI.
    database = sqlite_file(tmp_path / "careerplan.db", migrated=migrated)
    with FakeSlack() as slack:
        done = cli(["run"], run_env(slack, f"sqlite:///file:{database}?mode=ro&uri=true"), tmp_path)
    refused_in_one_line(done, "read-only", "drop mode=ro from DATABASE_URL")


@pytest.mark.skipif(AS_ROOT, reason=ROOT_WRITES_ANYWAY)
@pytest.mark.parametrize("migrated", [False, True], ids=["new", "migrated"])
def test_a_read_only_database_file_is_refused_at_start_in_one_line(
    cli: InProcess, tmp_path: Path, migrated: bool
) -> None:
    database = sqlite_file(tmp_path / "careerplan.db", migrated=migrated)
    database.chmod(0o444)
    with FakeSlack() as slack:
        done = cli(["run"], run_env(slack, f"sqlite:///{database}"), tmp_path)
    refused_in_one_line(done, f"the database {database} is read-only for this user", "chmod u+rw")


@pytest.mark.skipif(AS_ROOT, reason=ROOT_WRITES_ANYWAY)
def test_a_read_only_directory_is_refused_at_start_in_one_line(cli: InProcess, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with FakeSlack() as slack:
            done = cli(["run"], run_env(slack, f"sqlite:///{folder / 'careerplan.db'}"), tmp_path)
        refused_in_one_line(done, f"the directory {folder} is read-only for this user", "writable directory")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_directory_that_does_not_exist_is_refused_at_start_in_one_line(cli: InProcess, tmp_path: Path) -> None:
    # Works as root: no one can create a file under a path whose parent is a plain file.
    (tmp_path / "not-a-directory").write_text("")
    database = tmp_path / "not-a-directory" / "careerplan.db"
    with FakeSlack() as slack:
        done = cli(["run"], run_env(slack, f"sqlite:///{database}"), tmp_path)
    refused_in_one_line(done, f"there is no directory {database.parent}", "create it")


@pytest.mark.parametrize(
    "url",
    ["sqlite:///:memory:", "sqlite://", "sqlite:///file:x?mode=memory&uri=true", "sqlite:///file::memory:?uri=true"],
)
def test_an_in_memory_database_is_refused(cli: InProcess, tmp_path: Path, url: str) -> None:
    with FakeSlack() as slack:
        done = cli(["run"], run_env(slack, url), tmp_path)
    refused_in_one_line(done, "in-memory database", "would not share it", "use a file")
    assert list(tmp_path.iterdir()) == []


def test_postgresql_without_psycopg_says_which_extra_to_install(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "psycopg"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    with FakeSlack() as slack:
        done = cli(["run"], run_env(slack, "postgresql://careerplan:secret@127.0.0.1:1/careerplan"), tmp_path)
    line = refused_in_one_line(done, "psycopg is not installed", 'pip install "careerplan[postgres]"')
    assert "secret" not in line


def test_a_failed_start_leaves_no_database_file_behind(cli: InProcess, tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.script("auth.test", FakeResponse(body={"ok": False, "error": "invalid_auth"}))
        done = cli(["run"], run_env(slack, f"sqlite:///{tmp_path / 'careerplan.db'}"), tmp_path)
    assert done.returncode == 1
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_start_keeps_a_database_that_was_there(cli: InProcess, tmp_path: Path) -> None:
    database = sqlite_file(tmp_path / "careerplan.db", migrated=True)
    with FakeSlack() as slack:
        slack.script("auth.test", FakeResponse(body={"ok": False, "error": "invalid_auth"}))
        done = cli(["run"], run_env(slack, f"sqlite:///{database}"), tmp_path)
    assert done.returncode == 1
    assert database.exists()


def test_db_current_creates_no_database(cli: InProcess, tmp_path: Path) -> None:
    done = cli(["db", "current"], clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'careerplan.db'}"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no file yet, needs `careerplan db upgrade`" in done.stdout
    assert list(tmp_path.iterdir()) == []

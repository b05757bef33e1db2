"""Start, stop and health of `careerplan run`: SIGTERM stops it as Ctrl-C does, /healthz tells whether the database
answers (HTTP mode, and Socket Mode's HEALTH_PORT)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
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
from tests.bot.test_cli import free_port, run_until_ctrl_c
from tests.cli import InProcess, careerplan, clean_env
from tests.databases import BACKENDS
from tests.fakeslack import FakeSlack
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

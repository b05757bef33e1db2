"""GET /metrics: what Prometheus reads of the running bot, scraped from the real servers (waitress, on 127.0.0.1) in
its text format: Slack's requests by kind, the refused ones by reason, listener failures, sweep passes and the
reminders they sent, retried and dropped, the reminders still queued; counts only, never anyone's words or ids."""

from __future__ import annotations

import functools
import shutil
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import App
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.jobs.scheduler import run_sweep
from bot.jobs.sweep import RATE_LIMITED_TRIES, Sweep, SweepReport, queued
from bot.metrics import FAILURE_CAUSES, REFUSALS, REQUEST_KINDS, SWEEP_OUTCOMES, Metrics
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from bot.slack.client import build_web_client
from bot.slack.server import MAX_BODY_BYTES, make_health_server
from storage.db import Database
from tests.bot.slack.listeners.test_server_limits import host_port, post_streamed
from tests.bot.test_cli import free_port, run_until_ctrl_c
from tests.botserver import serving, stop_serving
from tests.cli import InProcess, clean_env
from tests.clock import Clock, utc
from tests.databases import BACKENDS, migrated_database_url
from tests.fakeslack import TEAM_ID, FakeResponse, FakeSlack, ratelimited, server_error
from tests.outage import Outage, outage_database
from tests.slackbot import BOSS, EMPLOYEE, SECRET, Bot, eventually, make_manager, say, text, walk_wizard
from tests.slackhttp import SlackSender, app_home_opened, slack_signature
from tests.sweepworld import make_world

REQUESTS = "careerplan_slack_requests_total"
REFUSED = "careerplan_slack_requests_refused_total"
FAILURES = "careerplan_listener_failures_total"
PASSES = "careerplan_sweep_passes_total"
PASS_SECONDS = "careerplan_sweep_duration_seconds_count"
SENT, RETRIED, FAILED, ENQUEUED = (
    f"careerplan_reminders_{what}_total" for what in ("sent", "retried", "failed", "enqueued")
)
QUEUED = "careerplan_reminders_queued"

EARLY = utc(2026, 11, 23, 12, 0)  # Monday 07:00 in New York (the fake's zone): due today, before working hours
MONDAY_10AM_NEW_YORK = utc(2026, 11, 23, 15, 0)
STARTED = date(2026, 11, 23)  # the lines' first day: both people are owed a "first month" reminder


@dataclass(frozen=True)
class Scrape:
    """One GET /metrics, as Prometheus reads it."""

    status: int
    content_type: str
    body: str

    def value(self, name: str, **labels: str) -> float | None:
        for family in text_string_to_metric_families(self.body):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return float(sample.value)
        return None

    def values(self, name: str, label: str, words: tuple[str, ...]) -> dict[str, float | None]:
        return {word: self.value(name, **{label: word}) for word in words}

    def types(self) -> dict[str, str]:
        return {family.name: family.type for family in text_string_to_metric_families(self.body)}


def scrape(base_url: str, timeout: float = 10) -> Scrape:
    try:
        with urllib.request.urlopen(base_url + "/metrics", timeout=timeout) as response:
            return Scrape(int(response.status), response.headers["Content-Type"], response.read().decode())
    except urllib.error.HTTPError as error:
        return Scrape(error.code, error.headers.get("Content-Type", ""), error.read().decode())


@contextmanager
def health_serving(metrics: Metrics) -> Iterator[str]:
    """Socket Mode's health server (make_health_server, as `careerplan run` builds it) showing `metrics`."""
    server = make_health_server(lambda: True, 0, metrics)
    thread = threading.Thread(target=server.run, name="waitress-health", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{cast(Any, server).effective_port}"
    finally:
        stop_serving(server, thread, cast(Any, server)._map)


def settings_for(slack: FakeSlack, **env: str) -> Settings:
    return Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url, **env}
    )


@dataclass
class Counted(Bot):
    """The bot served over HTTP with one Metrics for its app and its server (as `careerplan run` wires them)."""

    metrics: Metrics = field(default_factory=Metrics)

    def scrape(self) -> Scrape:
        return scrape(self.url)


@contextmanager
def counted_bot(db: Database, clock: Clock, slack: FakeSlack, *, reach: Database | None = None) -> Iterator[Counted]:
    """`reach`: the database the test checks directly (default: the bot's)."""
    metrics = Metrics(queued=functools.partial(queued, db))
    app = create_app(settings_for(slack), db, clock=clock, metrics=metrics)
    with serving(app, metrics) as url:
        yield Counted(slack, SlackSender(url + "/slack/events", SECRET), reach or db, clock, url, app, metrics)


@pytest.fixture
def bot(db: Database, clock: Clock) -> Iterator[Counted]:
    with FakeSlack() as slack, counted_bot(db, clock, slack) as counted:
        yield counted


def nothing_but(counts: dict[str, float | None], **expected: float) -> dict[str, float]:
    """`counts` as it should read: `expected` for the words named, 0 for every other."""
    return {word: expected.get(word, 0.0) for word in counts}


# --- Slack's requests ------------------------------------------------------------------------------------------


def test_slack_requests_are_counted_by_kind_and_shown_in_prometheus_text_format(bot: Counted) -> None:
    before = bot.scrape()
    assert before.status == 200
    assert before.content_type.startswith("text/plain; version=0.0.4")
    assert before.values(REQUESTS, "kind", REQUEST_KINDS) == nothing_but(before.values(REQUESTS, "kind", REQUEST_KINDS))

    modal = bot.open_wizard()  # /careerplan
    modal.submit(
        {
            ids.BLOCK_GOAL_KIND: {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "own"}},
            ids.BLOCK_GOAL_TEXT: text("Lead a platform team"),
            ids.BLOCK_GOAL_WORDS: text("June 2029"),
        }
    )
    assert modal.page == ids.VIEW_STEPS
    assert bot.send.event(app_home_opened()).status == 200

    after = bot.scrape()
    counts = after.values(REQUESTS, "kind", REQUEST_KINDS)
    assert counts == nothing_but(counts, command=1, view_submission=1, event_callback=1)
    types = after.types()
    for family in ("careerplan_slack_requests", "careerplan_slack_requests_refused", "careerplan_listener_failures"):
        assert types[family] == "counter"
    assert types["careerplan_sweep_duration_seconds"] == "histogram"


def test_requests_refused_before_any_listener_are_counted_by_reason(bot: Counted) -> None:
    command = urllib.parse.urlencode({"command": "/careerplan", "text": "", "user_id": EMPLOYEE}).encode()
    now = str(int(time.time()))
    # A well-formed command with a wrong signature (Bolt refuses it), and an unsigned body no one can parse.
    assert bot.send.post_raw(command, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64).status == 401
    assert (
        bot.send.post_raw(b"payload=%7Bnot json", "application/x-www-form-urlencoded", signature="v0=0").status == 401
    )
    # Signed by Slack, but not something anyone can read.
    unreadable = b"payload=%7Bnot json"
    signed = slack_signature(SECRET, now, unreadable)
    assert (
        bot.send.post_raw(unreadable, "application/x-www-form-urlencoded", timestamp=now, signature=signed).status
        == 400
    )
    # A body over the cap: waitress refuses it before anything reads it.
    assert post_streamed(host_port(bot), MAX_BODY_BYTES + 1, {})[0] == 413

    after = bot.scrape()
    assert after.values(REFUSED, "reason", REFUSALS) == {"unsigned": 2, "unreadable": 1, "too_large": 1}
    assert after.value(REQUESTS, kind="command") == 0  # none of them reached the app


@pytest.fixture(params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    # A writer waits out SQLite's busy timeout before it gives up: 0.2 s here rather than 5, same outcome.
    yield from outage_database(request.param, tmp_path_factory, busy_timeout_ms=200)


def test_a_listener_failing_is_counted_with_its_kind_and_cause(outage: Outage, clock: Clock) -> None:
    with FakeSlack() as slack, counted_bot(outage.db, clock, slack, reach=outage.direct) as bot:
        with outage.down():
            # Naming a manager writes a request: it cannot, and the person is told it did not go through.
            bot.send.slash_command(f"manager <@{BOSS}|boss>")
            eventually(
                lambda: bot.scrape().value(FAILURES, kind="command", cause="database_unavailable") == 1, "a count"
            )
        bot.settle()
        after = bot.scrape()
    failures = {
        (kind, cause): after.value(FAILURES, kind=kind, cause=cause)
        for kind in REQUEST_KINDS
        for cause in FAILURE_CAUSES
    }
    assert failures == {key: 1.0 if key == ("command", "database_unavailable") else 0.0 for key in failures}


# --- the sweep -------------------------------------------------------------------------------------------------


def test_a_sweep_pass_is_counted_with_its_duration_and_the_reminders_it_queued_and_sent(
    db: Database, clock: Clock
) -> None:
    metrics = Metrics(queued=functools.partial(queued, db))
    with FakeSlack() as slack, health_serving(metrics) as url:
        world = make_world(db, slack, clock)
        world.line("U0REPORT", "U0BOSS", STARTED)
        sweep = Sweep(db, world.client(), world.settings, clock, metrics=metrics)
        nothing = scrape(url)
        assert (nothing.value(PASSES, outcome="completed"), nothing.value(SENT), nothing.value(QUEUED)) == (0, 0, 0)

        clock.now = EARLY
        assert sweep.run_once() == SweepReport(enqueued=2, waiting=2)
        waiting = scrape(url)
        assert waiting.values(PASSES, "outcome", SWEEP_OUTCOMES) == {"completed": 1, "failed": 0}
        assert (waiting.value(PASS_SECONDS), waiting.value(ENQUEUED), waiting.value(SENT)) == (1, 2, 0)
        assert waiting.value(QUEUED) == 2  # the manager's reminder and the report's invitation, before 9:00

        clock.now = MONDAY_10AM_NEW_YORK
        assert sweep.run_once() == SweepReport(sent=2)
        sent = scrape(url)
        assert sent.values(PASSES, "outcome", SWEEP_OUTCOMES) == {"completed": 2, "failed": 0}
        assert (sent.value(PASS_SECONDS), sent.value(ENQUEUED), sent.value(SENT)) == (2, 2, 2)
        assert (sent.value(RETRIED), sent.value(FAILED)) == (0, 0)
        assert sent.value(QUEUED) == 0
        assert len(slack.messages) == 2


def test_reminders_slack_refuses_are_counted_as_retried_or_failed_as_the_pass_reports_them(
    db: Database, clock: Clock
) -> None:
    metrics = Metrics()
    with FakeSlack() as slack, health_serving(metrics) as url:
        world = make_world(db, slack, clock)
        for n in range(2):
            world.line(f"U0R{n}", f"U0M{n}", STARTED)
        # One sender: Slack's scripted answers meet the reminders in a known order.
        sweep = Sweep(db, world.client(), world.settings, clock, metrics=metrics, senders=1, timer=world.timer)
        clock.now = MONDAY_10AM_NEW_YORK
        slack.script(
            "chat.postMessage",
            FakeResponse(body={"ok": False, "error": "cannot_dm_bot"}),  # never deliverable: dropped
            *[server_error()] * 3,  # a try and the client's two retries: tried again next time
        )
        first = sweep.run_once()
        assert first == SweepReport(enqueued=4, sent=2, retried=1, failed=1)
        # Slack says slow down, again and again: the reminder waits for a later pass, and the pass stops there.
        slack.script("chat.postMessage", *[ratelimited(0)] * RATE_LIMITED_TRIES)
        clock.advance(minutes=5)
        second = sweep.run_once()
        assert second == SweepReport(retried=1, slowed=RATE_LIMITED_TRIES)

        counted = scrape(url)
    assert counted.value(SENT) == first.sent + second.sent == 2
    assert counted.value(RETRIED) == first.retried + second.retried == 2
    assert counted.value(FAILED) == first.failed + second.failed == 1
    assert counted.values(PASSES, "outcome", SWEEP_OUTCOMES) == {"completed": 2, "failed": 0}


def test_a_pass_that_loses_its_database_is_counted_as_failed(outage: Outage, clock: Clock) -> None:
    metrics = Metrics()
    with FakeSlack() as slack, health_serving(metrics) as url:
        world = make_world(outage.direct, slack, clock)
        world.line("U0REPORT", "U0BOSS", STARTED)
        sweep = Sweep(outage.db, world.client(), world.settings, clock, metrics=metrics)
        clock.now = EARLY
        with outage.down():
            run_sweep(sweep)  # as the scheduler's job runs it: logged, not raised
        assert sweep.run_once() == SweepReport(enqueued=2, waiting=2)
        counted = scrape(url)
    assert counted.values(PASSES, "outcome", SWEEP_OUTCOMES) == {"completed": 1, "failed": 1}
    assert counted.value(PASS_SECONDS) == 2  # failed passes take time too
    assert counted.value(ENQUEUED) == 2


# --- the queue, read from the database at each scrape ----------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def going(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Database, Callable[[], AbstractContextManager[None]]]]:
    """The bot's database, the same reached directly, and a way to make the bot's go away: SQLite's file (with its
    directory) is moved away; PostgreSQL's connections are cut (tests/outage.py's Plug)."""
    if request.param != "sqlite":
        for outage in outage_database(request.param, tmp_path_factory):
            yield outage.db, outage.direct, outage.down
        return
    for url, _options in migrated_database_url("sqlite", tmp_path_factory):
        db = Database(url)
        try:
            yield db, db, functools.partial(_moved_away, db, Path(url.removeprefix("sqlite:///")).parent)
        finally:
            db.dispose()


@contextmanager
def _moved_away(db: Database, folder: Path) -> Iterator[None]:
    db.dispose()  # no pooled connection holds the old file open
    moved = folder.with_name(folder.name + "-gone")
    shutil.move(folder, moved)
    try:
        yield
    finally:
        shutil.move(moved, folder)
        db.dispose()


def test_metrics_still_answers_while_the_database_is_gone_without_the_queue_gauge(
    going: tuple[Database, Database, Callable[[], AbstractContextManager[None]]], clock: Clock
) -> None:
    db, direct, gone = going
    with FakeSlack() as slack, counted_bot(db, clock, slack, reach=direct) as bot:
        world = make_world(direct, slack, clock)
        world.line("U0REPORT", "U0BOSS", STARTED)
        clock.now = EARLY
        Sweep(db, world.client(), world.settings, clock, metrics=bot.metrics).run_once()
        assert bot.scrape().value(QUEUED) == 2
        with gone():
            started = time.monotonic()
            down = bot.scrape()
            assert time.monotonic() - started < 5
        assert down.status == 200
        assert down.value(QUEUED) is None  # left out, not a made-up number
        assert down.value(PASSES, outcome="completed") == 1  # everything else is still shown
        eventually(lambda: bot.scrape().value(QUEUED) == 2, "the gauge back once the database is", timeout=15)


def test_a_database_that_does_not_answer_holds_no_scrape_up() -> None:
    answer = threading.Event()

    def hanging() -> int:
        answer.wait(timeout=30)
        return 7

    metrics = Metrics(queued=hanging, queue_timeout=0.5)
    with health_serving(metrics) as url:
        try:
            for _ in range(2):  # the second scrape does not queue behind the first's read
                started = time.monotonic()
                hung = scrape(url)
                assert time.monotonic() - started < 3
                assert hung.status == 200 and hung.value(QUEUED) is None
                assert hung.value(PASSES, outcome="completed") == 0
        finally:
            answer.set()
        eventually(lambda: scrape(url).value(QUEUED) == 7, "the gauge once the database answers")


# --- nothing anyone typed, no one's id -------------------------------------------------------------------------

GOAL = "Become the lighthouse keeper of Tromsø"
GAP_WORDS = ("Leading design reviews", "Mentoring", "Senior engineer", "Staff engineer", "Q3 2027", "June 2029")


def test_metrics_hold_counts_only_never_anyones_words_or_ids(bot: Counted) -> None:
    walk_wizard(bot.open_wizard(), goal=GOAL)
    make_manager(bot, BOSS, EMPLOYEE)
    say(bot, "help")
    bot.send.event(app_home_opened(user_id=BOSS))
    settings = settings_for(bot.slack)
    Sweep(bot.db, build_web_client(settings), settings, bot.clock, metrics=bot.metrics).run_once()
    bot.settle()
    shown = bot.scrape()

    assert shown.value(REQUESTS, kind="command") and shown.value(REQUESTS, kind="view_submission")
    for word in (GOAL, "Tromsø", "lighthouse", *GAP_WORDS, EMPLOYEE, BOSS, TEAM_ID, "U0", "careerplan manager"):
        assert word not in shown.body
        assert urllib.parse.quote(word) not in shown.body
    # Every label is one of a few fixed words (or a histogram bucket's bound).
    allowed = {*REQUEST_KINDS, *REFUSALS, *FAILURE_CAUSES, *SWEEP_OUTCOMES}
    for family in text_string_to_metric_families(shown.body):
        for sample in family.samples:
            for label, value in sample.labels.items():
                if label == "le":
                    float(value)
                else:
                    assert value in allowed, (sample.name, label, value)


# --- where /metrics is served by `careerplan run` ---------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(monkeypatch, capsys)


def test_careerplan_run_over_http_serves_metrics_on_its_port_and_counts_there(cli: InProcess, tmp_path: Path) -> None:
    def command_then_scrape(url: str) -> tuple[int, Scrape]:
        answered = SlackSender(url + "/slack/events", SECRET).slash_command("help").status
        return answered, scrape(url)

    with FakeSlack() as slack:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.url)
        done, (answered, shown) = run_until_ctrl_c(cli, env, tmp_path, command_then_scrape)
    assert done.returncode == 0, done.stderr
    assert answered == 200
    assert shown.status == 200 and shown.value(REQUESTS, kind="command") == 1
    assert shown.value(PASSES, outcome="completed") is not None
    assert shown.value(QUEUED) == 0
    assert "careerplan serves its metrics on http://127.0.0.1:" in done.stderr


def test_careerplan_metrics_off_serves_no_metrics(cli: InProcess, tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.url, CAREERPLAN_METRICS="off"
        )
        done, shown = run_until_ctrl_c(cli, env, tmp_path, scrape)
    assert done.returncode == 0, done.stderr
    assert shown.status == 404
    assert "serves its metrics" not in done.stderr


def test_socket_mode_serves_metrics_beside_healthz_on_health_port(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    seen: list[tuple[int, Scrape]] = []

    class ConnectedUntilCtrlC:
        """Stands in for Bolt's SocketModeHandler: start() takes one /careerplan over the socket, as Bolt's handler
        passes it to the app, and the admin presses Ctrl-C."""

        def __init__(self, app: App, app_token: str | None = None) -> None:
            self.app = app

        def start(self) -> None:
            command = {"command": "/careerplan", "text": "help", "user_id": EMPLOYEE, "team_id": TEAM_ID}
            answer = run_bolt_app(self.app, SocketModeRequest("slash_commands", "envelope-1", command))
            seen.append((answer.status, scrape(f"http://127.0.0.1:{port}")))
            raise KeyboardInterrupt

        def close(self) -> None:
            pass

    monkeypatch.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", ConnectedUntilCtrlC)
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-socket", SLACK_API_URL=slack.url, HEALTH_PORT=str(port)
        )
        done = cli(["run"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    ((answered, shown),) = seen
    assert answered == 200
    assert shown.status == 200 and shown.content_type.startswith("text/plain")
    assert shown.value(REQUESTS, kind="command") == 1  # counted over the socket too
    assert f"metrics on http://127.0.0.1:{port}/metrics" in done.stderr
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL

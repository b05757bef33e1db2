"""Command latency (DESIGN.md §8): `careerplan run` with a large organisation, next to a bare Bolt app.

    python bench/command_latency.py [--lines 100000] [--requests 2000] [--submissions 300] [--homes 300]
                                    [--block 100] [--poll-ms 0.1] [--postgres]

What it does, all on 127.0.0.1:
 1. Seeds a database with bench/seed.py's organisation: --lines active reporting lines (lines + 1 people,
    70% with a saved plan, histories of conversations and reminders). SQLite file by default; with
    --postgres, a schema of its own in CAREERPLAN_TEST_POSTGRES_URL (dropped afterwards).
 2. Starts the fake Slack (tests/fakeslack.py), then four servers as subprocesses: the real bot
    (`careerplan run`, HTTP mode, CAREERPLAN_SWEEP_MINUTES=60) on that database; bench/bare_bolt.py, a
    Bolt app with the same client, WSGI adapter and waitress server whose /careerplan only acks and calls
    views.open with a fixed modal; and two floors for the ack (issue 17): the same bare app with Bolt's
    10 ms check for the ack shortened to --poll-ms, and a raw WSGI app on a waitress server answering 200
    at once (no Bolt, no signature check, no views.open). The organisation is seeded as of now (the bot
    runs on the real clock), so the sweep the bot runs as it starts finds the day's due reminders, as in
    production; the measurements begin once that sweep is over and the bot is idle (steady state; the
    header says how long that took and what the sweep did).
 3. Sends signed requests one at a time (the next only once the previous one's Slack call arrived), after
    a few unmeasured warm-up requests to each server:
    - --requests `/careerplan` to each server, from people of the seeded org chosen at random (about 70%
      have a plan, which fills the wizard), in blocks of --block that take the servers in turn (each block
      in a rotated order) so that machine noise hits all alike. Measured: request sent → HTTP response (the
      ack), and request sent → views.open arriving at the fake Slack (not for the raw WSGI floor).
    - --submissions wizard walks on the bot (/careerplan, goal page, steps page, as Slack shapes each
      view_submission), timing only the last page, which saves the plan: → HTTP response (the ack carries
      the "saved" view) and → views.publish (the bot refreshes the person's Home after the ack).
    - --homes App Home opens (Events API app_home_opened; half of them from managers, whose Home lists
      their reports): → HTTP response and → views.publish.
 4. Prints the setup, then p50 / p99 / max in milliseconds and the ratios careerplan / bare Bolt.
    Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    EDIT_PLAN_PAGES,
    NEW_PLAN_PAGES,
    POSTGRES_ENV,
    BenchError,
    Server,
    machine,
    percentile,
    running,
    saved,
    submit_page,
    updated_to,
    wait_until_idle,
)
from bench.seed import SPAN, Org, bench_database, bot_env, seed
from bot.slack import ids
from tests.fakeslack import Call, FakeResponse, FakeSlack
from tests.slackhttp import HttpResult, app_home_opened

FLOORS = ("bare Bolt, poll shortened", "raw WSGI 200")
WARM_UP = 20  # unmeasured requests to each server before the figures start
SLACK_CALL_TIMEOUT = 10.0  # seconds to wait for the Slack call a request causes


class TimedSlack(FakeSlack):
    """The fake Slack, noting when each call arrived (perf_counter), so no waiting thread's wake-up is timed."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, list[float]] = {}

    def _receive(self, call: Call, *, bad_body: bool) -> FakeResponse:
        now = time.perf_counter()
        with self._cond:
            self.arrived.setdefault(call.method, []).append(now)
        return super()._receive(call, bad_body=bad_body)

    def count(self, method: str) -> int:
        with self._cond:
            return len(self.arrived.get(method, ()))

    def arrival(self, method: str, number: int) -> float:
        """When the `number`-th call (1-based) to `method` arrived, waiting for it if need be."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.arrived.get(method, ())) >= number, timeout=SLACK_CALL_TIMEOUT):
                raise BenchError(f"no {method} reached the fake Slack within {SLACK_CALL_TIMEOUT:g} s")
            return self.arrived[method][number - 1]


@dataclass
class Timings:
    ack: list[float] = field(default_factory=list)  # ms, request sent → HTTP response read
    slack: list[float] = field(default_factory=list)  # ms, request sent → the Slack call arrived


def timed(
    slack: TimedSlack, method: str, request: Callable[[], HttpResult], check: Callable[[HttpResult], bool]
) -> tuple[float, float, HttpResult]:
    """Send one request; milliseconds to its HTTP response and to the next call to `method` at the fake."""
    number = slack.count(method) + 1
    started = time.perf_counter()
    result = request()
    answered = time.perf_counter()
    if result.status != 200 or not check(result):
        raise BenchError(f"unexpected answer: HTTP {result.status} {result.text[:300]}")
    arrived = slack.arrival(method, number)
    return (answered - started) * 1000, (arrived - started) * 1000, result


def command(slack: TimedSlack, server: Server, user_id: str, into: Timings | None) -> None:
    """One `/careerplan` (Bolt acks it with an empty body), timed into `into`."""
    ack, sent, _ = timed(slack, "views.open", lambda: server.send.slash_command("", user_id=user_id), _empty)
    if into is not None:
        into.ack.append(ack)
        into.slack.append(sent)


def ack_only(server: Server, user_id: str, into: Timings | None) -> None:
    """One `/careerplan` to a server that sends nothing to Slack (the raw WSGI floor): its HTTP answer, timed."""
    started = time.perf_counter()
    result = server.send.slash_command("", user_id=user_id)
    answered = time.perf_counter()
    if result.status != 200 or not _empty(result):
        raise BenchError(f"unexpected answer: HTTP {result.status} {result.text[:300]}")
    if into is not None:
        into.ack.append((answered - started) * 1000)


def _empty(result: HttpResult) -> bool:
    return result.body == b""


def wizard_walk(
    slack: TimedSlack, bot: Server, user_id: str, number: int, pages: dict[str, Any]
) -> tuple[float, float]:
    """Open the wizard and submit its pages; milliseconds for the last page (the save) to ack and to Home."""
    command(slack, bot, user_id, None)
    view: dict[str, Any] = slack.calls_to("views.open")[-1].params["view"]
    view_id = f"VBENCH{number:06d}"  # Slack's id for the modal: the key of the draft between pages
    for page, following in ((ids.VIEW_GOAL, ids.VIEW_STEPS), (ids.VIEW_STEPS, ids.VIEW_GAPS)):
        if view.get("callback_id") != page:
            raise BenchError(f"the wizard showed {view.get('callback_id')!r} where {page!r} was expected")
        result = submit_page(bot.send, user_id, view, view_id, pages)
        if not updated_to(following)(result):
            raise BenchError(f"the {page} page was not accepted: {result.text[:300]}")
        view = result.json()["view"]
    last_page = partial(submit_page, bot.send, user_id, view, view_id, pages)
    ack, published, _ = timed(slack, "views.publish", last_page, saved)
    return ack, published


def row(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:44}{0:>6}"
    return (
        f"{label:44}{len(values):>6}{statistics.median(values):>10.1f}"
        f"{percentile(values, 99):>10.1f}{max(values):>10.1f}"
    )


def ratio(label: str, ours: list[float], bare: list[float]) -> str:
    p50 = statistics.median(ours) / statistics.median(bare)
    p99 = percentile(ours, 99) / percentile(bare, 99)
    return f"{label:44}{'':>6}{p50:>9.2f}×{p99:>9.2f}×"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lines", type=int, default=100_000, help="active reporting lines to seed (default 100000)")
    parser.add_argument("--requests", type=int, default=2000, help="/careerplan requests to each server (2000)")
    parser.add_argument("--submissions", type=int, default=300, help="wizard walks whose last page is timed (300)")
    parser.add_argument("--homes", type=int, default=300, help="App Home opens (300)")
    parser.add_argument("--block", type=int, default=100, help="requests per block, alternating servers (100)")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use PostgreSQL at ${POSTGRES_ENV} instead of a SQLite file"
    )
    parser.add_argument(
        "--poll-ms", type=float, default=0.1, help="the shortened Bolt's check for the ack, in ms (0.1; stock: 10)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed for who sends what (1)")
    args = parser.parse_args()
    if min(args.lines, args.requests, args.block) < 1 or min(args.submissions, args.homes) < 0:
        parser.error("--lines, --requests and --block must be at least 1; --submissions and --homes at least 0")
    postgres_url = os.environ.get(POSTGRES_ENV)
    if args.postgres and not postgres_url:
        parser.error(f"--postgres needs {POSTGRES_ENV}, e.g. postgresql://postgres@127.0.0.1:5432/test")
    try:
        run(args, "postgresql" if args.postgres else "sqlite", postgres_url)
    except BenchError as exc:
        sys.exit(f"command_latency: {exc}")


def run(args: argparse.Namespace, backend: str, postgres_url: str | None) -> None:
    began = time.perf_counter()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp, bench_database(backend, tmp, postgres_url) as (db, url):
        started = time.perf_counter()
        org = seed(db, args.lines, now=datetime.now(UTC))  # the bot runs on the real clock
        seeding = time.perf_counter() - started
        db.dispose()
        with TimedSlack() as slack:
            env = bot_env(
                slack.url,
                url,
                LOG_LEVEL="INFO",
                CAREERPLAN_SWEEP_MINUTES="60",  # the start-up sweep only, during the measurements
            )
            careerplan = [str(Path(sys.executable).with_name("careerplan")), "run"]
            bare_bolt = [sys.executable, str(Path(__file__).with_name("bare_bolt.py"))]
            with (
                running("careerplan", careerplan, env, Path(tmp) / "careerplan.log") as bot,
                running("bare Bolt", bare_bolt, env, Path(tmp) / "bare.log") as bare,
                running(FLOORS[0], [*bare_bolt, "--poll-ms", str(args.poll_ms)], env, Path(tmp) / "short.log") as short,
                running(FLOORS[1], [*bare_bolt, "--raw"], env, Path(tmp) / "raw.log") as raw,
            ):
                idle, how = wait_until_idle(bot, slack)
                sweep_calls = {m: len(slack.calls_to(m)) for m in ("chat.postMessage", "users.info")}
                sweep_log = [line for line in bot.log.read_text().splitlines() if " sweep: " in line]
                try:
                    figures = measure(args, rng, org, slack, bot, bare, short, raw)
                except BenchError as exc:
                    raise BenchError(f"{exc}\n--- careerplan log ---\n{bot.tail()}") from None
    print_report(args, backend, org, seeding, idle, how, sweep_calls, sweep_log, figures, time.perf_counter() - began)


@dataclass
class Figures:
    bot: Timings = field(default_factory=Timings)
    bot_with_plan: Timings = field(default_factory=Timings)
    bot_without_plan: Timings = field(default_factory=Timings)
    bare: Timings = field(default_factory=Timings)
    short: Timings = field(default_factory=Timings)  # bare Bolt, its poll for the ack shortened
    raw: Timings = field(default_factory=Timings)  # raw WSGI 200: the ack only
    saves: Timings = field(default_factory=Timings)
    homes: Timings = field(default_factory=Timings)
    with_plan: int = 0
    managers: int = 0


def measure(
    args: argparse.Namespace,
    rng: random.Random,
    org: Org,
    slack: TimedSlack,
    bot: Server,
    bare: Server,
    short: Server,
    raw: Server,
) -> Figures:
    figures = Figures()
    everyone = range(1, org.people + 1)
    managers = range(1, (org.people - 2) // SPAN + 2)
    for _ in range(WARM_UP):
        command(slack, bot, org.slack_id(rng.choice(everyone)), None)
        command(slack, bare, org.slack_id(rng.choice(everyone)), None)
        command(slack, short, org.slack_id(rng.choice(everyone)), None)
        ack_only(raw, org.slack_id(rng.choice(everyone)), None)
    # /careerplan: each block goes to every server in turn, the order rotated by one from block to block.
    servers = [bot, bare, short, raw]
    people = [rng.choice(everyone) for _ in range(args.requests)]
    figures.with_plan = sum(1 for p in people if p in org.with_plan)
    for start in range(0, args.requests, args.block):
        block = people[start : start + args.block]
        turn = (start // args.block) % len(servers)
        for server in servers[turn:] + servers[:turn]:
            for person in block:
                if server is raw:
                    ack_only(raw, org.slack_id(person), figures.raw)
                    continue
                if server is not bot:
                    command(slack, server, org.slack_id(person), figures.bare if server is bare else figures.short)
                    continue
                split = figures.bot_with_plan if person in org.with_plan else figures.bot_without_plan
                command(slack, bot, org.slack_id(person), split)
                figures.bot.ack.append(split.ack[-1])
                figures.bot.slack.append(split.slack[-1])
    # Wizard walks: the last page saves the plan (a new version for those who had one).
    for number, person in enumerate(rng.sample(everyone, args.submissions)):
        pages = EDIT_PLAN_PAGES if person in org.with_plan else NEW_PLAN_PAGES
        ack, published = wizard_walk(slack, bot, org.slack_id(person), number, pages)
        figures.saves.ack.append(ack)
        figures.saves.slack.append(published)
    # App Home: half from managers (their Home lists their reports), half from anyone.
    for n in range(args.homes):
        person = rng.choice(managers) if n % 2 == 0 else rng.choice(everyone)
        figures.managers += person in managers
        envelope = app_home_opened(org.slack_id(person))
        ack, published, _ = timed(slack, "views.publish", partial(bot.send.event, envelope), _empty)
        figures.homes.ack.append(ack)
        figures.homes.slack.append(published)
    return figures


def print_report(
    args: argparse.Namespace,
    backend: str,
    org: Org,
    seeding: float,
    idle: float,
    how: str,
    sweep_calls: dict[str, int],
    sweep_log: list[str],
    f: Figures,
    total: float,
) -> None:
    sweep = sweep_log[-1].split(" sweep: ", 1)[1] if sweep_log else "nothing due (no 'sweep:' log line)"
    print("Command latency: careerplan vs a bare Bolt app, same run, one request at a time, 127.0.0.1")
    print(f"  backend         {'PostgreSQL' if backend == 'postgresql' else 'SQLite file'}")
    print(f"  lines           {org.lines:,} active reporting lines (seeded with --lines {args.lines:,})")
    print(f"  people          {org.people:,} ({len(org.with_plan):,} with a plan)")
    print(f"  seeding         {seeding:.1f} s")
    print(
        f"  start-up sweep  over before measuring: {how} {idle:.1f} s after start; it sent "
        f"{sweep_calls['chat.postMessage']} messages and {sweep_calls['users.info']} users.info; {sweep}"
    )
    print(
        f"  requests        /careerplan: {args.requests:,} to each server in alternating blocks of {args.block} "
        f"({f.with_plan:,} from people with a plan), after {WARM_UP} warm-up requests to each"
    )
    print(
        f"                  {args.submissions} wizard walks (last page timed); "
        f"{args.homes} App Home opens ({f.managers} by managers)"
    )
    print(f"  machine         {machine()}")
    print()
    print(f"{'milliseconds':44}{'n':>6}{'p50':>10}{'p99':>10}{'max':>10}")
    print(row("/careerplan, careerplan  → HTTP ack", f.bot.ack))
    print(row("/careerplan, careerplan  → views.open", f.bot.slack))
    print(row("  people with a plan     → views.open", f.bot_with_plan.slack))
    print(row("  people without a plan  → views.open", f.bot_without_plan.slack))
    print(row("/careerplan, bare Bolt   → HTTP ack", f.bare.ack))
    print(row("/careerplan, bare Bolt   → views.open", f.bare.slack))
    print(row(f"/careerplan, {args.poll_ms:g} ms poll  → HTTP ack", f.short.ack))
    print(row(f"/careerplan, {args.poll_ms:g} ms poll  → views.open", f.short.slack))
    print(row("/careerplan, raw WSGI 200 → HTTP ack", f.raw.ack))
    print(ratio("careerplan / bare Bolt   → HTTP ack", f.bot.ack, f.bare.ack))
    print(ratio("careerplan / bare Bolt   → views.open", f.bot.slack, f.bare.slack))
    print(ratio(f"careerplan / {args.poll_ms:g} ms poll  → HTTP ack", f.bot.ack, f.short.ack))
    print(ratio(f"careerplan / {args.poll_ms:g} ms poll  → views.open", f.bot.slack, f.short.slack))
    print(ratio("careerplan / raw WSGI 200 → HTTP ack", f.bot.ack, f.raw.ack))
    print(row("wizard last page (save)  → HTTP ack", f.saves.ack))
    print(row("wizard last page (save)  → views.publish", f.saves.slack))
    print(row("App Home opened          → HTTP ack", f.homes.ack))
    print(row("App Home opened          → views.publish", f.homes.slack))
    print()
    print(
        "HTTP ack: careerplan runs Bolt with process_before_response=True and answers the moment a listener acks"
        " (bot.slack.listeners.handoff); the bare apps run Bolt's default, which checks for the ack every 10 ms"
        f" (stock) or every {args.poll_ms:g} ms (shortened); the raw WSGI app answers 200 without Bolt."
    )
    print(f"total {total:.0f} s")


if __name__ == "__main__":
    main()

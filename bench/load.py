"""Load (issue 13): the mixed requests a second `careerplan run` holds before its p99 passes 3 s.

    python bench/load.py [--lines 10000] [--rates 20,30,40,50,60,70,80,100,120,150,200] [--seconds 15] [--pause 3]
                         [--clients 600] [--postgres] [--seed 1]

What it does, all on 127.0.0.1:
 1. Seeds a database with bench/seed.py's organisation (--lines active reporting lines; a SQLite file, or with
    --postgres a schema of its own in CAREERPLAN_TEST_POSTGRES_URL, dropped afterwards), as of now.
 2. Starts the fake Slack (tests/fakeslack.py) and the bot (`careerplan run`, HTTP mode, CAREERPLAN_SWEEP_MINUTES=60
    so that only the start-up sweep runs) as a subprocess, waits until that sweep is over and the bot is idle, then
    warms up one request at a time (unmeasured): wizards opened and Homes published for people of the org, so that
    there are forms to submit and Homes to click in.
 3. Steps the offered rate up (--rates, each step --seconds long). The load is open: request i of a step is due at
    start + i / rate, whatever has come back, as Slack sends what people do; a pool of up to --clients threads sends
    each on a new connection, and its time runs from when it was due, so a request a client sent late counts its
    lateness too (the `lag` column says how late they were sent). Each request is new, with its own trigger_id or
    event_id, signed when sent. The mix, drawn at random in these shares:
      25%  /careerplan from anyone (opens the wizard on the goal page, filled from their plan)
       5%  /careerplan team from a manager (the team list is read before the ack)
      30%  a wizard page submitted (view_submission as Slack shapes it): the next page of a wizard a person is
           already in (goal → steps → last page, which saves a plan version and refreshes Home), else the goal page
           of a wizard opened earlier; about a third of them save
      30%  App Home opened (Events API), half of them by managers, whose Home lists their reports
      10%  a click on Home (block_actions): Edit plan or Reflect, half each, each opening a modal
    After each step the bot is left to finish (its work after the acks) and --pause seconds more.
 4. For each step prints: the offered rate; the rate requests were sent at and answered at; n; p50 / p99 / max of
    request due → HTTP response read, in ms; errors (any non-2xx, unexpected answer, connection error, or more than
    10 s); how late the clients sent (p99); for the requests that open a modal, p99 of due → views.open reaching
    the fake Slack and how many got there more than 3 s after (Slack's trigger_id has expired by then); and the CPU
    used by the bot and by this process (which is the clients and the fake Slack), as a share of one core. It stops
    once a step is not held (p99 over 3 s, errors over 1%, or under 95% of the offered rate answered: a queue that
    grows for as long as the step lasts), and prints the highest rate held. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    EDIT_PLAN_PAGES,
    NEW_PLAN_PAGES,
    POSTGRES_ENV,
    BenchError,
    Server,
    cpu_seconds,
    machine,
    percentile,
    running,
    saved,
    submit_page,
    updated_to,
    wait_until_idle,
)
from bench.seed import SPAN, Org, bench_database, bot_env, seed
from bot.demo.payloads import HTTP_TIMEOUT
from bot.slack import ids
from storage.db import Database
from tests.fakeslack import Call, FakeResponse, FakeSlack
from tests.slackhttp import HttpResult, app_home_opened, block_action, new_trigger_id

RATES = (20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200)
P99_LIMIT_MS = 3000.0  # Slack gives up on an answer after 3 s
ERROR_LIMIT = 0.01  # share of a step's requests
# A step whose answers came back slower than this share of the offered rate is falling behind: its queue grows for
# as long as the step lasts, so a p99 under the limit there says only that the step was short.
KEPT_UP = 0.95
SLOW_MS = HTTP_TIMEOUT * 1000  # slower than this counts as an error (the clients' socket timeout)
WARM_UP_WIZARDS = 60
WARM_UP_HOMES = 60
WARM_UP_TEAMS = 10
MAX_OPEN_WIZARDS = 2000  # wizards opened and not yet submitted that a page may be submitted for (the newest kept)
DRAIN_LIMIT = 120.0  # seconds the bot may take to finish a step's work after the acks

# The mix: what people do, and its weight (see the docstring).
COMMAND, TEAM, PAGE, HOME, CLICK = "/careerplan", "/careerplan team", "wizard page", "App Home opened", "Home click"
MIX = ((COMMAND, 25), (TEAM, 5), (PAGE, 30), (HOME, 30), (CLICK, 10))
# What was sent, as the per-kind table names it.
GOAL_PAGE, STEPS_PAGE, SAVE_PAGE, EDIT_CLICK, REFLECT_CLICK = (
    "goal page",
    "steps page",
    "last page (save)",
    "Edit plan click",
    "Reflect click",
)
SENT_KINDS = (COMMAND, TEAM, GOAL_PAGE, STEPS_PAGE, SAVE_PAGE, HOME, EDIT_CLICK, REFLECT_CLICK)
NEXT_PAGE = {ids.VIEW_GOAL: ids.VIEW_STEPS, ids.VIEW_STEPS: ids.VIEW_GAPS}
PAGE_KIND = {ids.VIEW_GOAL: GOAL_PAGE, ids.VIEW_STEPS: STEPS_PAGE, ids.VIEW_GAPS: SAVE_PAGE}


@dataclass(frozen=True)
class Wizard:
    """A wizard someone has open, on `view` (the page as the bot built it), in the modal Slack knows as `view_id`."""

    user_id: str
    view_id: str
    view: dict[str, Any]


class LoadSlack(FakeSlack):
    """The fake Slack, keeping what the load needs from the bot's calls: when each trigger's views.open arrived,
    the wizards opened (their goal page), and each person's latest Home."""

    def __init__(self) -> None:
        super().__init__()
        self._load_lock = threading.Lock()
        self.opened_at: dict[str, float] = {}  # trigger_id → perf_counter when its views.open arrived
        self.wizards: deque[Wizard] = deque(maxlen=MAX_OPEN_WIZARDS)
        self.homes: dict[str, dict[str, Any]] = {}  # user id → their Home as the fake answered views.publish
        self.home_owners: list[str] = []

    def _receive(self, call: Call, *, bad_body: bool) -> FakeResponse:
        arrived = time.perf_counter()
        response = super()._receive(call, bad_body=bad_body)
        answer = response.body if isinstance(response.body, dict) else {}
        shown = answer.get("view") if answer.get("ok") else None
        if not isinstance(shown, dict):
            return response
        with self._load_lock:
            if call.method == "views.open":
                self.opened_at[str(call.params.get("trigger_id"))] = arrived
                built = call.params.get("view")
                if isinstance(built, dict) and built.get("callback_id") == ids.VIEW_GOAL:
                    owner = str(built.get("private_metadata", "")).split("|", 1)[0]
                    self.wizards.append(Wizard(owner, str(shown["id"]), built))
            elif call.method == "views.publish":
                user_id = str(call.params.get("user_id"))
                if user_id not in self.homes:
                    self.home_owners.append(user_id)
                self.homes[user_id] = shown
        return response

    def opened_wizard(self) -> Wizard | None:
        """The wizard opened last and not yet submitted (someone who just opened it fills it in)."""
        with self._load_lock:
            return self.wizards.pop() if self.wizards else None

    def home_of_someone(self, rng: random.Random) -> tuple[str, dict[str, Any]] | None:
        with self._load_lock:
            if not self.home_owners:
                return None
            user_id = rng.choice(self.home_owners)
            return user_id, self.homes[user_id]

    def forget_triggers(self) -> dict[str, float]:
        with self._load_lock:
            opened, self.opened_at = self.opened_at, {}
        return opened


@dataclass
class Outcome:
    """One request of a step: what it was, and how it went."""

    kind: str  # one of SENT_KINDS
    due: float  # perf_counter, when it was to be sent
    lag: float = 0.0  # ms, due → the client began sending
    ms: float = 0.0  # ms, due → the HTTP response read (or the error)
    error: str | None = None
    trigger_id: str | None = None  # for a request that opens a modal


Request = Callable[[Outcome], tuple[HttpResult, bool]]


class Load:
    """The clients: one method per kind of request, each sending one new signed request for a person of the org."""

    def __init__(self, org: Org, slack: LoadSlack, bot: Server, rng: random.Random) -> None:
        self.org = org
        self.slack = slack
        self.send = bot.send
        self.rng = rng
        self._lock = threading.Lock()
        self._in_wizard: deque[Wizard] = deque()  # wizards whose next page is due, oldest first

    def person(self) -> str:
        return self.org.slack_id(self.rng.randint(1, self.org.people))

    def manager(self) -> str:
        return self.org.slack_id(self.rng.randint(1, (self.org.people - 2) // SPAN + 1))

    def request(self, kind: str) -> Request:
        """What to send for one arrival of `kind`; people are drawn now (in the dispatcher, so a seed repeats them)."""
        if kind == COMMAND:
            user_id = self.person()
            return lambda outcome: self.command(user_id, outcome)
        if kind == TEAM:
            user_id = self.manager()
            return lambda outcome: self.team(user_id, outcome)
        if kind == HOME:
            user_id = self.manager() if self.rng.random() < 0.5 else self.person()
            return lambda outcome: self.home(user_id, outcome)
        if kind == CLICK:
            action = ids.ACTION_EDIT_PLAN if self.rng.random() < 0.5 else ids.ACTION_REFLECT
            return lambda outcome: self.click(action, outcome)
        return self.page

    def command(self, user_id: str, outcome: Outcome) -> tuple[HttpResult, bool]:
        outcome.kind, outcome.trigger_id = COMMAND, new_trigger_id()
        result = self.send.slash_command("", user_id=user_id, trigger_id=outcome.trigger_id)
        return result, result.body == b""

    def team(self, user_id: str, outcome: Outcome) -> tuple[HttpResult, bool]:
        outcome.kind = TEAM
        result = self.send.slash_command("team", user_id=user_id)
        return result, result.status == 200 and result.json().get("response_type") == "ephemeral"

    def home(self, user_id: str, outcome: Outcome) -> tuple[HttpResult, bool]:
        outcome.kind = HOME
        result = self.send.event(app_home_opened(user_id))
        return result, result.body == b""

    def click(self, action_id: str, outcome: Outcome) -> tuple[HttpResult, bool]:
        """Someone whose Home was published clicks `action_id` on it."""
        found = self.slack.home_of_someone(self.rng)
        if found is None:
            raise BenchError("no Home was published to click in")
        user_id, home = found
        payload = block_action({"action_id": action_id}, container="home", view=home, user_id=user_id)
        outcome.kind = EDIT_CLICK if action_id == ids.ACTION_EDIT_PLAN else REFLECT_CLICK
        outcome.trigger_id = str(payload["trigger_id"])
        result = self.send.interactive(payload)
        return result, result.body == b""

    def page(self, outcome: Outcome) -> tuple[HttpResult, bool]:
        """The next page of a wizard someone is in; else the goal page of one opened; else a new /careerplan."""
        with self._lock:
            wizard = self._in_wizard.popleft() if self._in_wizard else None
        if wizard is None:
            wizard = self.slack.opened_wizard()
        if wizard is None:
            return self.command(self.person(), outcome)
        page = wizard.view["callback_id"]
        outcome.kind = PAGE_KIND[page]
        pages = EDIT_PLAN_PAGES if int(wizard.user_id[1:]) in self.org.with_plan else NEW_PLAN_PAGES
        result = submit_page(self.send, wizard.user_id, wizard.view, wizard.view_id, pages)
        following = NEXT_PAGE.get(page)
        ok = result.status == 200 and (saved(result) if following is None else updated_to(following)(result))
        if ok and following is not None:
            with self._lock:
                self._in_wizard.append(Wizard(wizard.user_id, wizard.view_id, result.json()["view"]))
        return result, ok


def timed_request(request: Request, due: float) -> Outcome:
    outcome = Outcome(kind="?", due=due)
    began = time.perf_counter()
    try:
        result, ok = request(outcome)
        if not 200 <= result.status < 300:
            outcome.error = f"HTTP {result.status}"
        elif not ok:
            outcome.error = "unexpected answer"
    except TimeoutError:
        outcome.error = "timed out"
    except (OSError, http.client.HTTPException) as exc:
        outcome.error = type(exc).__name__
    ended = time.perf_counter()
    outcome.lag, outcome.ms = (began - due) * 1000, (ended - due) * 1000
    if outcome.error is None and outcome.ms > SLOW_MS:
        outcome.error = f"over {SLOW_MS / 1000:g} s"
    return outcome


@dataclass
class Step:
    rate: float
    outcomes: list[Outcome] = field(default_factory=list)
    sending: float = 0.0  # s, first due → last sent
    answering: float = 0.0  # s, first due → last answer
    bot_cpu: float | None = None  # share of one core, first due → last answer
    own_cpu: float | None = None
    opened: list[float] = field(default_factory=list)  # ms, due → views.open, for requests that open a modal
    not_opened: int = 0  # of those, how many never got a views.open
    drained: float = 0.0  # s, last answer → the bot idle

    @property
    def times(self) -> list[float]:
        return [o.ms for o in self.outcomes]

    @property
    def errors(self) -> int:
        return sum(1 for o in self.outcomes if o.error is not None)

    def p99(self) -> float:
        return percentile(self.times, 99)

    def answered_rate(self) -> float:
        """Requests answered without error a second, first due → last answer."""
        return sum(1 for o in self.outcomes if o.error is None) / self.answering

    def held(self) -> bool:
        return not self.why_not()

    def why_not(self) -> str:
        """Why the step was not held ("" if it was): p99 over the limit, too many errors, or falling behind."""
        reasons = []
        if self.p99() > P99_LIMIT_MS:
            reasons.append(f"p99 {self.p99():.0f} ms")
        if self.errors > ERROR_LIMIT * len(self.outcomes):
            reasons.append(f"{self.errors} errors")
        if self.answered_rate() < KEPT_UP * self.rate:
            reasons.append(f"answered {self.answered_rate():.1f} a second")
        return ", ".join(reasons)


def run_step(load: Load, slack: LoadSlack, bot: Server, pool: ThreadPoolExecutor, rate: float, seconds: float) -> Step:
    step = Step(rate)
    count = max(1, round(rate * seconds))
    kinds = load.rng.choices([k for k, _ in MIX], [w for _, w in MIX], k=count)
    futures: list[Future[Outcome]] = []
    bot_before, own_before = cpu_seconds(bot.process.pid), cpu_seconds(os.getpid())
    start = time.perf_counter() + 0.05
    for number, kind in enumerate(kinds):
        request = load.request(kind)
        due = start + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(timed_request, request, due))
    step.sending = time.perf_counter() - start
    wait(futures)
    end = time.perf_counter()
    step.answering = end - start
    bot_after, own_after = cpu_seconds(bot.process.pid), cpu_seconds(os.getpid())
    if bot_before is not None and bot_after is not None:
        step.bot_cpu = (bot_after - bot_before) / step.answering
    if own_before is not None and own_after is not None:
        step.own_cpu = (own_after - own_before) / step.answering
    step.outcomes = [f.result() for f in futures]
    step.drained, _ = wait_until_idle(bot, slack, DRAIN_LIMIT)
    opened_at = slack.forget_triggers()
    for outcome in step.outcomes:
        if outcome.trigger_id is None or outcome.error is not None:
            continue
        arrived = opened_at.get(outcome.trigger_id)
        if arrived is None:
            step.not_opened += 1
        else:
            step.opened.append((arrived - outcome.due) * 1000)
    slack.clear()  # the calls recorded (every view the bot sent) are not needed again
    return step


def warm_up(load: Load, bot: Server, slack: LoadSlack) -> None:
    """One request at a time, unmeasured: wizards opened and Homes published, so pages and clicks have something."""
    unmeasured = Outcome(kind="warm-up", due=0.0)
    for _ in range(WARM_UP_WIZARDS):
        load.command(load.person(), unmeasured)
    for n in range(WARM_UP_HOMES):
        load.home(load.manager() if n % 2 == 0 else load.person(), unmeasured)
    for _ in range(WARM_UP_TEAMS):
        load.team(load.manager(), unmeasured)
    wait_until_idle(bot, slack, DRAIN_LIMIT)
    slack.forget_triggers()
    slack.clear()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lines", type=int, default=10_000, help="active reporting lines to seed (default 10000)")
    parser.add_argument(
        "--rates",
        default=",".join(map(str, RATES)),
        help=f"offered requests a second, step by step (default {','.join(map(str, RATES))})",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each step (default 15)")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between steps once the bot is idle (3)")
    parser.add_argument("--clients", type=int, default=600, help="client threads, at most (default 600)")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use PostgreSQL at ${POSTGRES_ENV} instead of a SQLite file"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed for who sends what (1)")
    args = parser.parse_args()
    try:
        args.rate_list = [float(rate) for rate in args.rates.split(",")]
    except ValueError:
        parser.error("--rates takes numbers separated by commas, e.g. 20,40,80")
    if args.lines < SPAN or args.clients < 1 or args.seconds <= 0 or min(args.rate_list) <= 0:
        parser.error(f"--lines must be at least {SPAN}; --clients, --seconds and every rate above 0")
    postgres_url = os.environ.get(POSTGRES_ENV)
    if args.postgres and not postgres_url:
        parser.error(f"--postgres needs {POSTGRES_ENV}, e.g. postgresql://postgres@127.0.0.1:5432/test")
    try:
        run(args, "postgresql" if args.postgres else "sqlite", postgres_url)
    except BenchError as exc:
        sys.exit(f"load: {exc}")


def run(args: argparse.Namespace, backend: str, postgres_url: str | None) -> None:
    began, machine_load = time.perf_counter(), os.getloadavg()  # the machine's load before this bench added its own
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp, bench_database(backend, tmp, postgres_url) as (db, url):
        started = time.perf_counter()
        org = seed(db, args.lines, now=datetime.now(UTC))  # the bot runs on the real clock
        seeding = time.perf_counter() - started
        server_version = _server_version(db)
        db.dispose()
        with LoadSlack() as slack:
            env = bot_env(slack.url, url, LOG_LEVEL="INFO", CAREERPLAN_SWEEP_MINUTES="60")
            careerplan = [str(Path(sys.executable).with_name("careerplan")), "run"]
            with running("careerplan", careerplan, env, Path(tmp) / "careerplan.log") as bot:
                idle, how = wait_until_idle(bot, slack)
                load = Load(org, slack, bot, rng)
                warm_up(load, bot, slack)
                print_header(args, backend, server_version, org, seeding, idle, how, machine_load)
                with ThreadPoolExecutor(max_workers=args.clients, thread_name_prefix="client") as pool:
                    steps = []
                    for rate in args.rate_list:
                        try:
                            step = run_step(load, slack, bot, pool, rate, args.seconds)
                        except BenchError as exc:
                            raise BenchError(f"{exc}\n--- careerplan log ---\n{bot.tail()}") from None
                        steps.append(step)
                        print(step_row(step), flush=True)
                        if not step.held():
                            break
                        time.sleep(args.pause)
    print_footer(steps, time.perf_counter() - began)


def _server_version(db: Database) -> str:
    if db.engine.dialect.name != "postgresql":
        return ""
    with db.engine.connect() as connection:
        return str(connection.exec_driver_sql("SHOW server_version").scalar())


def print_header(
    args: argparse.Namespace,
    backend: str,
    server_version: str,
    org: Org,
    seeding: float,
    idle: float,
    how: str,
    machine_load: tuple[float, float, float],
) -> None:
    print("Load: `careerplan run` (HTTP mode) under an open-loop mix of requests, stepped up, 127.0.0.1")
    print(f"  backend         {f'PostgreSQL {server_version}' if backend == 'postgresql' else 'SQLite file'}")
    print(
        f"  lines           {org.lines:,} active reporting lines; {org.people:,} people, "
        f"{len(org.with_plan):,} with a plan"
    )
    print(f"  seeding         {seeding:.1f} s; start-up sweep over after {idle:.1f} s ({how})")
    print("  mix             " + ", ".join(f"{weight}% {kind}" for kind, weight in MIX))
    print(
        "                  (wizard page: the next page of a wizard someone is in, else the goal page of one opened;"
        " Home click: Edit plan or Reflect)"
    )
    print(
        f"  steps           {args.seconds:g} s each at {', '.join(f'{r:g}' for r in args.rate_list)} req/s, "
        f"{args.pause:g} s apart once the bot is idle; up to {args.clients} client threads, a new connection per "
        f"request; stop once p99 > {P99_LIMIT_MS / 1000:g} s, errors > {ERROR_LIMIT:.0%}, or fewer than "
        f"{KEPT_UP:.0%} of the offered rate answered"
    )
    averages = " ".join(f"{x:.2f}" for x in machine_load)
    print(f"  machine         {machine()}; load average {averages} when the bench began")
    print()
    print(
        f"{'offered':>8}{'sent/s':>8}{'done/s':>8}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        f"{'lag p99':>9}{'open p99':>10}{'open>3s':>8}{'bot CPU':>9}{'own CPU':>9}"
    )


def _share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def step_row(step: Step) -> str:
    n = len(step.outcomes)
    times = step.times
    opened = f"{percentile(step.opened, 99):.0f}" if step.opened else "-"
    late = sum(1 for ms in step.opened if ms > P99_LIMIT_MS) + step.not_opened
    return (
        f"{step.rate:>8g}{n / step.sending if step.sending > 0 else n:>8.1f}{step.answered_rate():>8.1f}{n:>7}"
        f"{statistics.median(times):>9.1f}{percentile(times, 99):>9.1f}{max(times):>9.1f}{step.errors:>8}"
        f"{percentile([o.lag for o in step.outcomes], 99):>9.1f}{opened:>10}{late:>8}"
        f"{_share(step.bot_cpu):>9}{_share(step.own_cpu):>9}"
    )


def print_footer(steps: list[Step], total: float) -> None:
    print()
    print("p99 ms by kind of request (n in brackets):")
    print(f"{'offered':>8}  " + "".join(f"{kind:>18}" for kind in SENT_KINDS))
    for step in steps:
        cells = []
        for kind in SENT_KINDS:
            times = [o.ms for o in step.outcomes if o.kind == kind]
            cells.append(f"{percentile(times, 99):.0f} ({len(times)})" if times else "-")
        print(f"{step.rate:>8g}  " + "".join(f"{cell:>18}" for cell in cells))
    errors = Counter(f"{o.kind}: {o.error}" for step in steps for o in step.outcomes if o.error is not None)
    if errors:
        print("errors: " + "; ".join(f"{what} ×{count}" for what, count in errors.most_common()))
    print()
    held = [step for step in steps if step.held()]
    if steps and not steps[-1].held():
        failed = steps[-1]
        why = failed.why_not()
        best = f"{held[-1].rate:g} req/s (p99 {held[-1].p99():.0f} ms)" if held else "none of the rates"
        print(f"held: {best}; at {failed.rate:g} req/s {why}")
    elif held:
        print(f"held: every rate tried, up to {held[-1].rate:g} req/s (p99 {held[-1].p99():.0f} ms)")
    print(
        "Times run from when each request was due. `open` is due → views.open at the fake Slack for /careerplan and"
        " the Home clicks; Slack refuses a trigger_id older than 3 s. CPU: a share of one core while the step ran;"
        " `own` is this process (the clients and the fake Slack)."
    )
    print(f"total {total:.0f} s")


if __name__ == "__main__":
    main()

"""What the benchmarks that start `careerplan run` share: starting a server and waiting for it, waiting for the
bot to be idle after its start-up sweep, CPU time from /proc, percentiles, the machine they ran on, and the
wizard pages a person submits."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.seed import SECRET
from bot.slack import ids
from tests.fakeslack import FakeSlack
from tests.slackhttp import HttpResult, SlackSender, view_submission
from tests.slackstate import state_from_initial

POSTGRES_ENV = "CAREERPLAN_TEST_POSTGRES_URL"
START_TIMEOUT = 60.0
IDLE_CPU_SECONDS = 0.02  # the bot is idle when it used less CPU than this in an IDLE_WINDOW
IDLE_WINDOW = 0.5

# What a person without a plan types into the wizard (as tests/slackbot.py walk_wizard does).
NEW_PLAN_PAGES: dict[str, dict[str, dict[str, Any]]] = {
    ids.VIEW_GOAL: {
        ids.BLOCK_GOAL_KIND: {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "own"}},
        ids.BLOCK_GOAL_TEXT: {"value": "Lead a platform team"},
        ids.BLOCK_GOAL_WORDS: {"value": "June 2029"},
    },
    ids.VIEW_STEPS: {
        "step_title_0": {"value": "Senior engineer"},
        "step_words_0": {"value": "Q3 2027"},
        "step_title_1": {"value": "Staff engineer"},
        "step_date_1": {"selected_date": "2028-12-31"},
    },
    ids.VIEW_GAPS: {"gap_0": {"value": "Leading design reviews"}, "gap_1": {"value": "Mentoring"}},
}
# Someone with a plan opens it filled in, keeps the goal and steps, and rewrites the first gap.
EDIT_PLAN_PAGES: dict[str, dict[str, dict[str, Any]]] = {
    ids.VIEW_GOAL: {},
    ids.VIEW_STEPS: {},
    ids.VIEW_GAPS: {"gap_0": {"value": "Running a design review on my own"}},
}


class BenchError(Exception):
    pass


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def machine() -> str:
    """The machine and the libraries behind the figures, for a benchmark's header."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


@dataclass
class Server:
    """A server under test, in its own process; its log goes to a file shown if something goes wrong."""

    name: str
    process: subprocess.Popen[str]
    log: Path
    send: SlackSender = field(init=False)

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    """Start a server that prints "… is listening on URL" (as `careerplan run` does), with a sender signing with
    bench.seed's SECRET; it is stopped on the way out."""
    with log.open("w") as log_file:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=log_file, text=True)
    server = Server(name, process, log)
    try:
        assert process.stdout is not None
        line = _read_line(process.stdout, START_TIMEOUT)
        if " is listening on " not in line:
            raise BenchError(f"{name} did not start: {line!r}\n{server.tail()}")
        server.send = SlackSender(line.split(" is listening on ", 1)[1].strip(), SECRET)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read_line(stream: IO[str], timeout: float) -> str:
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else ""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(server: Server, slack: FakeSlack, limit: float = 300.0) -> tuple[float, str]:
    """Wait for the bot to have nothing left to do (its start-up sweep, or the work after the acks of a burst):
    its CPU use stays near zero for two windows in a row (or, without /proc, the fake Slack hears nothing from it
    for 3 s). Returns seconds waited and how."""
    started = time.perf_counter()
    quiet = 0
    last = cpu_seconds(server.process.pid)
    calls = len(slack.calls)
    while time.perf_counter() - started < limit:
        time.sleep(IDLE_WINDOW)
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited while it was busy\n{server.tail()}")
        now = cpu_seconds(server.process.pid)
        seen = len(slack.calls)
        if last is not None and now is not None:
            quiet = quiet + 1 if now - last < IDLE_CPU_SECONDS else 0
            needed, how = 2, "the bot's CPU use fell to zero"
        else:
            quiet = quiet + 1 if seen == calls else 0
            needed, how = round(3 / IDLE_WINDOW), "no Slack call from the bot for 3 s"
        last, calls = now, seen
        if quiet >= needed:
            return time.perf_counter() - started, how
    raise BenchError(f"{server.name} was still busy after {limit:g} s\n{server.tail()}")


def submit_page(
    send: SlackSender, user_id: str, view: dict[str, Any], view_id: str, pages: dict[str, Any]
) -> HttpResult:
    """Submit the wizard page `view` (as the bot built it) as `user_id` fills it in from `pages`, in modal
    `view_id` (Slack's id for the modal, which keys the draft between pages)."""
    values = state_from_initial(view, pages[view["callback_id"]])
    payload = view_submission(view, values, user_id=user_id, view_id=view_id, root_view_id=view_id)
    return send.interactive(payload)


def updated_to(page: str) -> Callable[[HttpResult], bool]:
    """Whether a page's answer moved the wizard on to `page`."""

    def check(result: HttpResult) -> bool:
        answer = result.json() if result.body else {}
        view = answer.get("view") or {}
        return bool(answer.get("response_action") == "update" and view.get("callback_id") == page)

    return check


def saved(result: HttpResult) -> bool:
    """Whether the last page's answer says the plan was saved."""
    answer = result.json() if result.body else {}
    return bool(answer.get("response_action") == "update" and "*Saved.*" in result.text)
